"""Positions between fmlint (1-based lines, 1-based code-point columns) and LSP.

LSP positions are 0-based lines and 0-based columns counted in the negotiated encoding's
code units: UTF-16 by default, UTF-8 or UTF-32 (code points) when client and server agree.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import accumulate

from lsprotocol import types

from ..reading.source import LineIndex

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

    def offset(self, position: types.Position) -> int:
        """The character offset of an LSP position (clamped to its line and to the text).

        A position inside a character (between the halves of a UTF-16 surrogate pair, or
        inside a UTF-8 sequence) counts as that character's start.
        """
        line = position.line + 1
        if line > self.index.line_count:
            return len(self.text)
        text = self.index.line_text(line)
        wanted = position.character - (self._lead if line == 1 else 0)
        column = 0
        for char in text:
            wanted -= units(char, self.encoding)
            if wanted < 0:
                break
            column += 1
        return self.index.offset(line, column + 1)

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

    Changed runs of lines are found by matching lines (``_matching_lines``); each is trimmed
    to the characters that differ, so appending a comment is an insertion at the end of the
    line.
    """
    if old == new:
        return []
    before, after = _PIECE.findall(old), _PIECE.findall(new)
    starts = list(accumulate(map(len, before), initial=0))
    new_starts = list(accumulate(map(len, after), initial=0))
    edits: list[types.TextEdit] = []
    i1 = j1 = 0
    for i2, j2 in [*_matching_lines(before, after), (len(before), len(after))]:
        if i2 > i1 or j2 > j1:
            start, end, content = _trim(old, starts[i1], starts[i2],
                                        new[new_starts[j1]:new_starts[j2]])
            edits.append(types.TextEdit(range=types.Range(
                start=positions.at_offset(start), end=positions.at_offset(end)),
                new_text=content))
        i1, j1 = i2 + 1, j2 + 1
    return edits


def _matching_lines(before: list[str], after: list[str]) -> list[tuple[int, int]]:
    """Pairs (i, j) of equal lines, increasing in both, as a patience diff finds them: the
    common head and tail of a run, then the lines found once on each side of it, in an order
    both sides keep (the longest such), and the same again between those. Near-linear: a fix
    of every other line of a long record is no slower to show than a fix of one."""
    pairs: list[tuple[int, int]] = []
    runs = [(0, len(before), 0, len(after))]
    while runs:
        lo1, hi1, lo2, hi2 = runs.pop()
        while lo1 < hi1 and lo2 < hi2 and before[lo1] == after[lo2]:
            pairs.append((lo1, lo2))
            lo1, lo2 = lo1 + 1, lo2 + 1
        while lo1 < hi1 and lo2 < hi2 and before[hi1 - 1] == after[hi2 - 1]:
            hi1, hi2 = hi1 - 1, hi2 - 1
            pairs.append((hi1, hi2))
        anchors = _unique_in_order(before, after, lo1, hi1, lo2, hi2)
        for i, j in anchors:
            runs.append((lo1, i, lo2, j))
            pairs.append((i, j))
            lo1, lo2 = i + 1, j + 1
        if anchors:
            runs.append((lo1, hi1, lo2, hi2))
    return sorted(pairs)


def _unique_in_order(before: list[str], after: list[str], lo1: int, hi1: int, lo2: int,
                     hi2: int) -> list[tuple[int, int]]:
    """The longest run of lines found once in ``before[lo1:hi1]`` and once in
    ``after[lo2:hi2]`` that keeps its order on both sides (patience sorting)."""
    seen: dict[str, list[int]] = {}
    for i in range(lo1, hi1):
        seen.setdefault(before[i], [0, i, -1])[0] += 1
    for j in range(lo2, hi2):
        entry = seen.get(after[j])
        if entry is not None:
            entry[2] = j if entry[2] == -1 else -2
    matches = sorted((i, j) for count, i, j in seen.values() if count == 1 and j >= 0)
    tops: list[int] = []  # the last j of the best run of each length
    links: list[int] = []  # each match's predecessor in its run (an index into matches)
    ends: list[int] = []  # the match ending the best run of each length
    for index, (_i, j) in enumerate(matches):
        length = bisect_left(tops, j)
        links.append(ends[length - 1] if length else -1)
        if length == len(tops):
            tops.append(j)
            ends.append(index)
        else:
            tops[length], ends[length] = j, index
    run: list[tuple[int, int]] = []
    index = ends[-1] if ends else -1
    while index >= 0:
        run.append(matches[index])
        index = links[index]
    return run[::-1]


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
