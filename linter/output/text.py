"""The `text` format: each finding with its source line and carets, then a summary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from linter.output import display_path
from linter.output.ansi import BLUE, BOLD, CYAN, SEVERITY_COLORS, paint
from linter.output.excerpt import make_excerpt
from linter.output.safe_text import safe_text
from linter.output.summary import summary_lines

if TYPE_CHECKING:
    from linter.finding import Finding
    from linter.output import Report


def render(report: Report) -> str:
    """Findings as `path:line:col: CODE message`, each with its excerpt, then the summary."""
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    """The output piece by piece; only one file's lines are held at a time."""
    current: tuple[str | None, list[str] | None] = (None, None)
    for finding in report.findings:
        if finding.path != current[0]:
            current = (finding.path, _lines(report, finding.path))
        out = [finding_header(finding, report.color),
               *excerpt_lines(finding, current[1], report.color), ""]
        yield "\n".join(out) + "\n"
    summary = summary_lines(report)
    if summary:
        yield "\n".join(summary) + "\n"


def finding_header(finding: Finding, color: bool) -> str:
    """`path:line:col: CODE message`, with ` [*]` when a safe fix is available."""
    path = paint(color, BOLD, safe_text(display_path(finding.path)))
    code = paint(color, BOLD + SEVERITY_COLORS.get(finding.severity, ""), finding.code)
    mark = f" {paint(color, CYAN, '[*]')}" if has_safe_fix(finding) else ""
    return f"{path}:{finding.line}:{finding.column}: {code} {safe_text(finding.message)}{mark}"


def has_safe_fix(finding: Finding) -> bool:
    """Whether `fmlint check --fix` repairs this finding."""
    return finding.fix is not None and finding.fix.applicability == "safe"


def excerpt_lines(finding: Finding, lines: list[str] | None, color: bool) -> list[str]:
    """The finding's source line under a line-number gutter, and carets under the value."""
    if lines is None or not 1 <= finding.line <= len(lines):
        return []
    end_column = finding.end_column if finding.end_line == finding.line else None
    excerpt = make_excerpt(lines[finding.line - 1], finding.column, end_column)
    number = str(finding.line)
    gutter = paint(color, BLUE, f"{number} |")
    blank_gutter = paint(color, BLUE, f"{' ' * len(number)} |")
    carets = paint(
        color, SEVERITY_COLORS.get(finding.severity, ""), "^" * excerpt.caret_width
    )
    return [
        f"{gutter} {excerpt.text}".rstrip(),
        f"{blank_gutter} {' ' * excerpt.caret_offset}{carets}",
    ]


def _lines(report: Report, path: str | None) -> list[str] | None:
    """The lines of `path`, from the report."""
    return None if path is None else report.source_lines(path)
