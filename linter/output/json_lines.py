"""The `json-lines` format: one compact JSON object per finding and line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .json_text import dumps

if TYPE_CHECKING:
    from . import Report


def render(report: Report) -> str:
    """Each finding's `to_dict()` as JSON on a line of its own; empty without findings."""
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    for finding in report.findings:
        yield dumps(finding.to_dict()) + "\n"
