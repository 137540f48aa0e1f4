"""Positions between fmlint (1-based lines, 1-based code-point columns) and LSP.

LSP positions are 0-based lines and 0-based columns counted in the negotiated encoding's
code units: UTF-16 by default, UTF-8 or UTF-32 (code points) when client and server agree.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from itertools import accumulate

from lsprotocol import types

from ..source import LineIndex

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_PIECE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def plain(kind: object) -> str:
    """An lsprotocol string enum (or a plain string) as its protocol value."""
    return str(getattr(kind, "value", kind))


def units(text: str, encoding: str) -> int:
    """How many code units ``text`` takes in an LSP position encoding.

    Lone surrogates (they can arrive through JSON) count as one unit, never raise.
    """
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class Positions:
    """Converts places in one text to LSP positions.

    ``text`` is what fmlint checked; ``lead`` is text the editor has before it on line 1
    (a byte-order mark), counted into line-1 columns.
    """

    def __init__(self, text: str, encoding: str = UTF16, lead: str = "") -> None:
        self.text = text
        self.encoding = plain(encoding)
        self.index = LineIndex(text)
        self._lead = units(lead, self.encoding)

    def at_offset(self, offset: int) -> types.Position:
        """The LSP position of a character offset (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line, column = self.index.position(offset)
        prefix = self.index.line_text(line)[: column - 1]
        lead = self._lead if line == 1 else 0
        return types.Position(line=line - 1, character=units(prefix, self.encoding) + lead)

    def at(self, line: int, column: int) -> types.Position:
        """The LSP position of a 1-based fmlint (line, column)."""
        return self.at_offset(self.index.offset(line, column))

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        """The LSP range of a 1-based fmlint span (end exclusive)."""
        return types.Range(start=self.at(line, column), end=self.at(end_line, end_column))

    def line_range(self, line: int) -> types.Range:
        """The whole of a 1-based line, without its line break."""
        start = self.index.offset(line, 1)
        return types.Range(start=self.at_offset(start),
                           end=self.at_offset(start + len(self.index.line_text(line))))


def text_edits(old: str, new: str, positions: Positions) -> list[types.TextEdit]:
    """Small edits that turn ``old`` (the text ``positions`` knows) into ``new``.

    Changed runs of lines are found with difflib; each is trimmed to the characters that
    differ, so appending a comment is an insertion at the end of the line.
    """
    if old == new:
        return []
    before, after = _PIECE.findall(old), _PIECE.findall(new)
    starts = list(accumulate(map(len, before), initial=0))
    new_starts = list(accumulate(map(len, after), initial=0))
    edits: list[types.TextEdit] = []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end = starts[i1], starts[i2]
        content = new[new_starts[j1]:new_starts[j2]]
        start, end, content = _trim(old, start, end, content)
        edits.append(types.TextEdit(
            range=types.Range(start=positions.at_offset(start), end=positions.at_offset(end)),
            new_text=content))
    return edits


def _trim(text: str, start: int, end: int, content: str) -> tuple[int, int, str]:
    """Drop the common head and tail of a replacement, never splitting a CRLF."""
    old = text[start:end]
    head = 0
    limit = min(len(old), len(content))
    while head < limit and old[head] == content[head]:
        head += 1
    if 0 < head < len(old) and old[head - 1] == "\r" and old[head] == "\n":
        head -= 1
    tail = 0
    limit -= head
    while tail < limit and old[len(old) - 1 - tail] == content[len(content) - 1 - tail]:
        tail += 1
    cut = len(old) - tail
    if tail and cut > 0 and old[cut - 1] == "\r" and old[cut] == "\n":
        tail -= 1
    return start + head, end - tail, content[head:len(content) - tail]
