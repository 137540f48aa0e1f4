"""The `text` format: each finding with its source line and carets, then a summary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..rules.finding import Finding
from . import display_path
from .ansi import BLUE, BOLD, CYAN, SEVERITY_COLORS, paint
from .excerpt import make_excerpt
from .safe_text import safe_text
from .summary import summary_lines

if TYPE_CHECKING:
    from . import Report


def render(report: Report) -> str:
    """Findings as `path:line:col: CODE message`, each with its excerpt, then the summary."""
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    """The output piece by piece: each finding with its excerpt, then the summary."""
    for finding in report.findings:
        yield finding_lines(finding, report.color)
    summary = summary_lines(report)
    if summary:
        yield "\n".join(summary) + "\n"


def finding_lines(finding: Finding, color: bool) -> str:
    """One finding: its header, its excerpt, and a blank line."""
    return "\n".join([finding_header(finding, color), *excerpt_lines(finding, color),
                      ""]) + "\n"


def finding_header(finding: Finding, color: bool) -> str:
    """`path:line:col: CODE [severity] message`, with ` [*]` when a safe fix is available
    (as the concise format writes it)."""
    path = paint(color, BOLD, safe_text(display_path(finding.path)))
    style = SEVERITY_COLORS.get(finding.severity, "")
    code = paint(color, BOLD + style, finding.code)
    severity = paint(color, style, f"[{finding.severity}]")
    mark = f" {paint(color, CYAN, '[*]')}" if has_safe_fix(finding) else ""
    return (f"{path}:{finding.line}:{finding.column}: {code} {severity} "
            f"{safe_text(finding.message)}{mark}")


def has_safe_fix(finding: Finding) -> bool:
    """Whether `fmlint check --fix` repairs this finding."""
    return finding.fix is not None and finding.fix.applicability == "safe"


def excerpt_lines(finding: Finding, color: bool) -> list[str]:
    """The finding's source line under a line-number gutter, and carets under the value;
    none for a finding without its source line (``Finding.source``)."""
    if finding.source is None:
        return []
    end_column = finding.end_column if finding.end_line == finding.line else None
    excerpt = make_excerpt(finding.source, finding.column, end_column)
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
