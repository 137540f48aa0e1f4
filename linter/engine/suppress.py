"""Suppression comments in the front matter: ``# fmlint: ignore[CODE, ...]``.

A comment at the end of a line silences those codes on that line; ``# fmlint: ignore-file[...]``
on a line of its own silences them for the whole file. Without brackets, every code.
"""

from __future__ import annotations

import re

from ..reading.source import LineIndex
from ..reading.yamldoc import Document, block_header, block_text_end
from ..rules.finding import Finding
from .config import Config

_COMMENT = re.compile(r"#\s*fmlint:\s*(ignore-file|ignore)\b(?:\[([^\]\r\n]*)\])?")
INVALID = "FM901"
UNUSED = "FM902"
ALL = "*"


class Directive:
    """One suppression comment: where it is and which codes it silences."""

    __slots__ = ("codes", "column", "end_column", "last_line", "line", "used", "whole_file")

    def __init__(self, line: int, column: int, end_column: int, whole_file: bool,
                 codes: dict[str, str], used: set[str] | None = None,
                 last_line: int = 0) -> None:
        self.line = line
        self.column = column
        self.end_column = end_column
        self.whole_file = whole_file
        self.codes = codes  # code -> the selector as written
        self.used: set[str] = set() if used is None else used
        self.last_line = last_line  # on a ``|`` or ``>`` block's first line: its last line


class Suppressions:
    """A file's suppression comments, and the problems found in them."""

    __slots__ = ("directives", "problems")

    def __init__(self, directives: list[Directive] | None = None,
                 problems: list[tuple[int, int, int, str]] | None = None) -> None:
        self.directives: list[Directive] = [] if directives is None else directives
        # line, col, end, msg
        self.problems: list[tuple[int, int, int, str]] = [] if problems is None else problems

    def covers(self, finding: Finding) -> bool:
        for directive in self.directives:
            if not directive.whole_file and directive.line not in (
                    finding.line, finding.end_line) and not (
                    directive.line < finding.line <= directive.last_line):
                continue
            if ALL in directive.codes:
                directive.used.add(ALL)
                return True
            if finding.code in directive.codes:
                directive.used.add(finding.code)
                return True
        return False


def parse(text: str, doc: Document | None, limit: int | None = None) -> Suppressions:
    """Find suppression comments (only real comments: not inside a value)."""
    found = Suppressions()
    if text.find("fmlint:", 0, len(text) if limit is None else limit) < 0:
        return found
    from ..rules.registry import resolve

    index = LineIndex(text)
    spans = doc.spans.values() if doc else []
    scalars = [  # where a '#' is part of a value (a block's header line holds none of it)
        ((block_header(text, s.start, s.end) or (s.start,))[0] if s.style in ("|", ">")
         else s.start, s.end) for s in spans if s.style not in ("map", "seq")]
    blocks = block_lines(text, doc, index)
    for match in _COMMENT.finditer(text, 0, limit if limit is not None else len(text)):
        start = match.start()
        if start > 0 and text[start - 1] not in " \t\r\n":
            continue
        if any(a <= start < b for a, b in scalars):
            continue
        line, column = index.position(start)
        whole_file = match.group(1) == "ignore-file"
        if whole_file and index.line_text(line)[: column - 1].strip():
            found.problems.append((line, column, column + len(match.group()),
                                   "'ignore-file' must stand on a line of its own"))
            continue
        codes: dict[str, str] = {}
        if match.group(2) is None:
            codes[ALL] = ALL
        elif not match.group(2).strip():
            found.problems.append((line, column, column + len(match.group()),
                                   "a suppression comment with empty brackets names no rule; "
                                   "name the codes, or drop the brackets to silence every rule"))
        for selector in (match.group(2) or "").split(","):
            selector = selector.strip()
            if not selector:
                continue
            try:
                for code in resolve([selector]):
                    codes[code] = selector
            except KeyError:
                found.problems.append((line, column, column + len(match.group()),
                                       f"unknown rule '{selector}' in a suppression comment"))
        found.directives.append(Directive(line, column, column + len(match.group()), whole_file,
                                          codes, last_line=blocks.get(line, 0)))
    return found


def apply(findings: list[Finding], sup: Suppressions, path: str | None, config: Config
          ) -> list[Finding]:
    """Drop suppressed findings; report unknown codes and (if enabled) unused suppressions."""
    if not sup.directives and not sup.problems:
        return findings  # (most files)
    from ..rules.registry import RULES

    kept = [f for f in findings if not sup.covers(f)]
    enabled = config.enabled() - config.ignored_for(path)
    if INVALID in enabled:
        rule = RULES[INVALID]
        kept.extend(
            Finding(path, line, col, line, end, INVALID, rule.name,
                    config.severity_of(rule), message, None)
            for line, col, end, message in sup.problems
        )
    if UNUSED in enabled:
        rule = RULES[UNUSED]
        # Cross-record findings (duplicate-record) come after every file was checked, so a
        # suppression of them cannot be judged unused here.
        later = {code for code, r in RULES.items() if r.finalize is not None}
        for directive in sup.directives:
            if ALL in directive.used:
                continue
            by_selector: dict[str, set[str]] = {}
            for code, selector in directive.codes.items():
                by_selector.setdefault(selector, set()).add(code)
            unused = [selector for selector, codes in by_selector.items()
                      if not codes & directive.used and not codes & later]
            if unused:
                names = ", ".join(unused)
                kept.append(Finding(path, directive.line, directive.column, directive.line,
                                    directive.end_column, UNUSED, rule.name,
                                    config.severity_of(rule),
                                    f"this suppression silences nothing: {names}", None))
    return kept


def block_lines(text: str, doc: Document | None, index: LineIndex) -> dict[int, int]:
    """The first line of each ``|`` or ``>`` block -> its last line of text: no comment can
    go inside a block, and one on its first line covers it."""
    return {
        index.position(s.start)[0]: index.position(block_text_end(text, s.start, s.end))[0]
        for s in (doc.spans.values() if doc else []) if s.style in ("|", ">")}
