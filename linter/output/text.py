"""The `text` format: each finding with its source line and carets, then a summary."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from ..reading.source import Lines
from ..rules.finding import SEVERITY_RANK, Finding, Severity
from . import display_path
from .ansi import BLUE, BOLD, CYAN, SEVERITY_COLORS, paint
from .excerpt import make_excerpt
from .safe_text import safe_text
from .summary import summary_lines

if TYPE_CHECKING:
    from . import Report

UNREAD = "FM017"  # the file could not be read, or its fix not written


def render(report: Report) -> str:
    """Findings as `path:line:col: CODE message`, each with its excerpt, then the summary."""
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    """The output piece by piece; only one file's lines are held at a time. A file whose
    lines were made when it was checked (``Report.files``) is not read again."""
    for path, findings, block in report.files() if report.files else _by_file(report.findings):
        if block is not None:
            yield block
            continue
        lines = _lines(report, path)
        for finding in findings:
            yield finding_lines(finding, lines, report.color)
    summary = summary_lines(report)
    if summary:
        yield "\n".join(summary) + "\n"


def _by_file(findings: Iterable[Finding]) -> Iterator[tuple[str | None, list[Finding], None]]:
    """Sorted findings grouped by file."""
    for path, group in groupby(findings, key=lambda finding: finding.path):
        yield path, list(group), None


def finding_lines(finding: Finding, lines: Sequence[str] | None, color: bool) -> str:
    """One finding: its header, its excerpt, and a blank line."""
    return "\n".join([finding_header(finding, color), *excerpt_lines(finding, lines, color),
                      ""]) + "\n"


def layout(color: bool, least: Severity) -> str:
    """The name of a way ``render_file`` lays a file out: in colour or not, listing the
    findings of ``least`` severity and above."""
    return f"{'colour' if color else 'plain'}, {least} and above"


def render_file(findings: list[Finding], text: str, *, color: bool,
                least: Severity = "info") -> tuple[str, str] | None:
    """A file's findings of ``least`` severity and above as this format lays them out, from
    the file's text (made where the file was checked), with the name of that ``layout``;
    None without such findings."""
    rank = SEVERITY_RANK[least]
    listed = sorted((f for f in findings if SEVERITY_RANK[f.severity] >= rank),
                    key=Finding.sort_key)
    if not listed:
        return None
    lines = Lines(text)
    return layout(color, least), "".join(finding_lines(finding, lines, color)
                                         for finding in listed)


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


def excerpt_lines(finding: Finding, lines: Sequence[str] | None, color: bool) -> list[str]:
    """The finding's source line under a line-number gutter, and carets under the value.

    None for a file fmlint did not read or write (``UNREAD``): what the path leads to now
    (a link out of the checked folders) is not quoted."""
    if lines is None or finding.code == UNREAD or not 1 <= finding.line <= len(lines):
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


def _lines(report: Report, path: str | None) -> Sequence[str] | None:
    """The lines of `path`, from the report."""
    return None if path is None else report.source_lines(path)
