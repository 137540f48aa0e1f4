"""The `sarif` format: a SARIF 2.1.0 log with one run."""

from __future__ import annotations

import os
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .fingerprint import fingerprints
from .json_text import dumps

if TYPE_CHECKING:
    from ..rules.finding import Edit, Finding, Fix
    from . import Report, RuleMeta

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "fmlint/v1"
# Characters kept as they are in a relative URI reference's path, besides letters and digits.
_URI_SAFE = "/-._~!$&'()*+,;=@"


def render(report: Report) -> str:
    """The SARIF log: every known rule, and a result per finding."""
    rules, index = _rules(report)
    results = [
        _result(finding, index, fingerprint)
        for finding, fingerprint in zip(
            report.findings, fingerprints(report.findings), strict=True
        )
    ]
    driver: dict[str, Any] = {"name": "fmlint"}
    if report.tool_uri:
        driver["informationUri"] = report.tool_uri
    driver["version"] = report.version
    driver["rules"] = rules
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return dumps(log, indent=2) + "\n"


def artifact_uri(path: str) -> str:
    """`path` as a URI reference: `/` separators, percent-encoding; absolute paths as file URIs."""
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri()
    return quote(os.fsencode(pure.as_posix()), safe=_URI_SAFE)  # (bytes: any file name)


def _artifact(path: str | None) -> dict[str, Any]:
    """The artifact location of `path`; standard input has a description instead of a URI."""
    if path is None:
        return {"description": {"text": "standard input"}}
    return {"uri": artifact_uri(path)}


def _rules(report: Report) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Reporting descriptors for every known rule and any other code found, and their indices."""
    descriptors = [_descriptor(report.rules[code]) for code in sorted(report.rules)]
    index = {descriptor["id"]: i for i, descriptor in enumerate(descriptors)}
    for finding in report.findings:
        if finding.code not in index:
            index[finding.code] = len(descriptors)
            descriptors.append(
                {
                    "id": finding.code,
                    "name": finding.rule,
                    "defaultConfiguration": {
                        "level": LEVELS.get(finding.severity, "warning")
                    },
                }
            )
    return descriptors, index


def _descriptor(rule: RuleMeta) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
    }
    if rule.doc_url:
        descriptor["helpUri"] = rule.doc_url
    descriptor["defaultConfiguration"] = {"level": LEVELS.get(rule.severity, "warning")}
    if rule.fix:
        descriptor["properties"] = {"fix": rule.fix}
    return descriptor


def _result(
    finding: Finding, index: dict[str, int], fingerprint: str
) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _artifact(finding.path)}
    physical["region"] = _region(
        finding.line, finding.column, finding.end_line, finding.end_column
    )
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": index[finding.code],
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if finding.pointer is not None:
        result["properties"] = {"pointer": finding.pointer}
    if finding.fix is not None:
        result["fixes"] = [_fix(finding.fix, finding.path)]
    return result


def _fix(fix: Fix, path: str | None) -> dict[str, Any]:
    change: dict[str, Any] = {
        "artifactLocation": _artifact(path),
        "replacements": [_replacement(edit) for edit in fix.edits],
    }
    return {
        "description": {"text": fix.message},
        "artifactChanges": [change],
        "properties": {"applicability": fix.applicability},
    }


def _replacement(edit: Edit) -> dict[str, Any]:
    return {
        "deletedRegion": _region(
            edit.line, edit.column, edit.end_line, edit.end_column
        ),
        "insertedContent": {"text": edit.content},
    }


def _region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    """A SARIF region; positions are clamped so the end never comes before the start."""
    start_line, start_column = max(line, 1), max(column, 1)
    stop_line, stop_column = max(end_line, 1), max(end_column, 1)
    stop_line, stop_column = max((stop_line, stop_column), (start_line, start_column))
    return {
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": stop_line,
        "endColumn": stop_column,
    }
