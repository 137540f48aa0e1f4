"""Helpers the rule tests share: edit the seed record, lint it, look at findings and fixes."""

from __future__ import annotations

import linter
from linter.engine.config import Config
from linter.fixer.apply import apply_edits
from linter.rules.finding import Finding

from .conftest import CORPUS, SEED


def seed_with(old: str, new: str) -> str:
    """The seed record with one exact piece of text replaced (it must occur once)."""
    text = SEED.read_text("utf-8")
    assert text.count(old) == 1, old
    return text.replace(old, new)


def lint(text: str, path: str = "article.md", **settings: object) -> list[Finding]:
    return linter.lint_text(text, path, Config(**settings))  # type: ignore[arg-type]


def corpus(relative: str) -> tuple[str, str]:
    """(text, path) of a corpus record."""
    path = CORPUS / relative
    return path.read_text("utf-8"), str(path)


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def at(finding: Finding) -> tuple[str, int, int, int, int, str | None]:
    return (finding.code, finding.line, finding.column, finding.end_line, finding.end_column,
            finding.pointer)


def fixed(text: str, finding: Finding) -> str:
    """The text with the finding's fix applied."""
    assert finding.fix is not None
    return apply_edits(text, finding.fix.edits)


def line(text: str, number: int) -> str:
    return text.splitlines()[number - 1]


def place(text: str, piece: str, *, within: str = "") -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) of the first ``piece`` in ``text`` (the first
    from where ``within`` first occurs, when given): where a finding on it points. Columns
    count characters, from 1, as a finding's do."""
    start = text.index(piece, text.index(within))
    return (*_position(text, start), *_position(text, start + len(piece)))


def _position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
