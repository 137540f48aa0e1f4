"""The `json` format: a JSON array of findings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .json_text import dumps

if TYPE_CHECKING:
    from . import Report


def render(report: Report) -> str:
    """Every finding's `to_dict()` in one indented JSON array."""
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    """The array one finding at a time (the same text `json.dumps(..., indent=2)` gives)."""
    if not report.findings:
        yield "[]\n"
        return
    for i, finding in enumerate(report.findings):
        item = dumps(finding.to_dict(), indent=2).replace("\n", "\n  ")
        yield ("[\n  " if i == 0 else ",\n  ") + item
    yield "\n]\n"
