"""The `concise` format: one line per finding, then the summary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .summary import summary_lines
from .text import finding_header

if TYPE_CHECKING:
    from . import Report


def render(report: Report) -> str:
    """`path:line:col: CODE [severity] message` per finding, then the summary."""
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    """The output line by line: each finding's header as the text format writes it."""
    for finding in report.findings:
        yield finding_header(finding, report.color) + "\n"
    summary = summary_lines(report)
    if summary:
        yield "\n".join(summary) + "\n"
