"""The data every front-end shares: findings, fixes and the edits a fix makes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
Applicability = Literal["safe", "unsafe"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
_SHARED: dict[str, Severity] = {severity: severity for severity in SEVERITIES}


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text from (line, column) up to, not including, (end_line, end_column).

    Lines and columns are 1-based; columns count characters (code points).
    """

    line: int
    column: int
    end_line: int
    end_column: int
    content: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "content": self.content,
        }


@dataclass(frozen=True, slots=True)
class Fix:
    """A repair: edits applied together, and how sure fmlint is of it."""

    applicability: Applicability
    message: str
    edits: tuple[Edit, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "applicability": self.applicability,
            "message": self.message,
            "edits": [e.to_dict() for e in self.edits],
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place.

    `end_column` is exclusive. `pointer` is the RFC 6901 JSON Pointer of the value in
    the record: ``""`` for the whole record, ``None`` where there is no record. `source`
    is the finding's line of the file as it was checked (without its line end), for the
    excerpt under it: None where it is not known. It is context, not part of what the
    finding is (equality and the JSON formats leave it out).
    """

    path: str | None
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    rule: str
    severity: Severity
    message: str
    pointer: str | None = None
    fix: Fix | None = None
    source: str | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "pointer": self.pointer,
            "fix": self.fix.to_dict() if self.fix else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        fix = data.get("fix")
        return cls(
            path=data["path"],
            line=data["line"],
            column=data["column"],
            end_line=data["end_line"],
            end_column=data["end_column"],
            code=data["code"],
            rule=data["rule"],
            severity=data["severity"],
            message=data["message"],
            pointer=data.get("pointer"),
            fix=Fix(
                fix["applicability"],
                fix["message"],
                tuple(Edit(**e) for e in fix["edits"]),
            )
            if fix
            else None,
        )

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path or "", self.line, self.column, self.code)
