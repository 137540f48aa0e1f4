"""The `gitlab` format: a GitLab Code Quality report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import display_path
from .fingerprint import fingerprints
from .json_text import dumps

if TYPE_CHECKING:
    from . import Report

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def render(report: Report) -> str:
    """A JSON array of Code Quality issues, one per finding."""
    issues: list[dict[str, Any]] = [
        {
            "description": f"{finding.code} {finding.message}",
            "check_name": finding.code,
            "fingerprint": fingerprint,
            "severity": SEVERITIES.get(finding.severity, "info"),
            "location": {
                "path": display_path(finding.path),
                "lines": {
                    "begin": finding.line,
                    "end": max(finding.end_line, finding.line),
                },
            },
        }
        for finding, fingerprint in zip(
            report.findings, fingerprints(report.findings), strict=True
        )
    ]
    return dumps(issues, indent=2) + "\n"
