"""The `junit` format: JUnit XML, a test case per file with findings, a failure per finding."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import display_path
from .safe_text import escape_format_chars

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from ..rules.finding import Finding
    from . import Report

SUITE_NAME = "fmlint"
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 forbids, bidi controls escaped."""
    return _NOT_XML.sub("", escape_format_chars(text))


def render(report: Report) -> str:
    """`<testsuites>` with one `<testsuite name="fmlint">`."""
    from xml.etree import ElementTree as ET

    by_path: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_path.setdefault(display_path(finding.path), []).append(finding)
    tests = max(len(by_path), 1)
    failures = len(by_path)
    counts = {"tests": str(tests), "failures": str(failures), "errors": "0"}
    root = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
    suite = ET.SubElement(
        root, "testsuite", {"name": SUITE_NAME, **counts, "skipped": "0"}
    )
    if not by_path:
        ET.SubElement(suite, "testcase", {"classname": SUITE_NAME, "name": SUITE_NAME})
    for path, findings in by_path.items():
        name = xml_safe(path)
        case = ET.SubElement(
            suite, "testcase", {"classname": name, "name": name, "file": name}
        )
        for finding in findings:
            _failure(ET.SubElement(case, "failure"), path, finding)
    ET.indent(root)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
    )


def _failure(element: Element, path: str, finding: Finding) -> None:
    """Fill a `<failure>` with one finding: the headline as message, details as text."""
    headline = (
        f"{path}:{finding.line}:{finding.column}: {finding.code} {finding.message}"
    )
    element.set("type", finding.code)
    element.set("message", xml_safe(headline))
    details = [f"{headline} [{finding.severity}]", f"rule: {finding.rule}"]
    if finding.pointer is not None:
        details.append(f"pointer: {finding.pointer or '(the whole record)'}")
    if finding.fix is not None:
        details.append(f"fix ({finding.fix.applicability}): {finding.fix.message}")
    element.text = xml_safe("\n".join(details))
