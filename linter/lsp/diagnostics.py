"""Findings as LSP diagnostics."""

from __future__ import annotations

from lsprotocol import types

from ..rules.finding import Finding
from ..rules.registry import RULES
from .linting import Snapshot
from .positions import Positions

SOURCE = "fmlint"
SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


def finding_range(finding: Finding, positions: Positions) -> types.Range:
    return positions.range(finding.line, finding.column, finding.end_line, finding.end_column)


def diagnostic(finding: Finding, positions: Positions) -> types.Diagnostic:
    """One finding: severity, FM code with a link to the rule's page, and its fix in ``data``."""
    rule = RULES.get(finding.code)
    return types.Diagnostic(
        range=finding_range(finding, positions),
        message=finding.message,
        severity=SEVERITIES.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code,
        code_description=types.CodeDescription(href=rule.doc_url) if rule else None,
        source=SOURCE,
        data={"rule": finding.rule, "pointer": finding.pointer,
              "fix": finding.fix.to_dict() if finding.fix else None},
    )


def diagnostics(snapshot: Snapshot, positions: Positions) -> list[types.Diagnostic]:
    """Every diagnostic of a snapshot; a configuration problem is an error on line 1."""
    if snapshot.problem is not None:
        return [types.Diagnostic(range=positions.line_range(1), message=snapshot.problem,
                                 severity=types.DiagnosticSeverity.Error, source=SOURCE)]
    return [diagnostic(f, positions) for f in snapshot.findings]
