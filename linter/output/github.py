"""The `github` format: GitHub Actions workflow commands that annotate files."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .safe_text import safe_text_keeping

if TYPE_CHECKING:
    from . import Report

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message as the Actions toolkit does; other control characters
    (ESC, BEL, C1) and bidi controls as backslash escapes, as the text format shows them."""
    escaped = safe_text_keeping(text, "\r\n")
    return escaped.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command's property value as the Actions toolkit does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    """One `::error file=…,line=…::message` command per finding."""
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    for finding in report.findings:
        properties: dict[str, str] = {}
        if finding.path is not None:
            properties["file"] = finding.path
        properties.update(
            line=str(finding.line),
            col=str(finding.column),
            endLine=str(finding.end_line),
            endColumn=str(finding.end_column),
            title=f"{finding.code} {finding.rule}",
        )
        joined = ",".join(
            f"{key}={escape_property(value)}" for key, value in properties.items()
        )
        command = COMMANDS.get(finding.severity, "warning")
        yield f"::{command} {joined}::{escape_data(finding.message)}\n"
