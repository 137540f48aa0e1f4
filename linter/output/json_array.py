"""The `json` format: a JSON array of findings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.output.json_text import dumps

if TYPE_CHECKING:
    from linter.output import Report


def render(report: Report) -> str:
    """Every finding's `to_dict()` in one indented JSON array."""
    return dumps([finding.to_dict() for finding in report.findings], indent=2) + "\n"
