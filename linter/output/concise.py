"""The `concise` format: one line per finding, then the summary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from linter.output import display_path
from linter.output.ansi import BOLD, CYAN, SEVERITY_COLORS, paint
from linter.output.safe_text import safe_text
from linter.output.summary import summary_lines

if TYPE_CHECKING:
    from linter.output import Report


def render(report: Report) -> str:
    """`path:line:col: CODE [severity] message` per finding, then the summary."""
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    """The output line by line."""
    color = report.color
    for finding in report.findings:
        path = paint(color, BOLD, safe_text(display_path(finding.path)))
        style = SEVERITY_COLORS.get(finding.severity, "")
        code = paint(color, BOLD + style, finding.code)
        severity = paint(color, style, f"[{finding.severity}]")
        fixable = finding.fix is not None and finding.fix.applicability == "safe"
        mark = f" {paint(color, CYAN, '[*]')}" if fixable else ""
        yield (f"{path}:{finding.line}:{finding.column}: {code} {severity} "
               f"{safe_text(finding.message)}{mark}\n")
    summary = summary_lines(report)
    if summary:
        yield "\n".join(summary) + "\n"
