"""Where each character of a YAML scalar is written in the source: escapes, folded and
block scalars, anchors and tags before a value. Rules use it to point at the exact
characters of a problem inside a value and to edit only those."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right

from .yamldoc import Span, block_header

_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
    "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}


# A node's anchor and tag, each followed by spaces, line breaks or comments.
_PROPERTIES = re.compile(r"(?:[&!][^ \t\r\n]*(?:[ \t\r\n]+(?:#[^\r\n]*)?)+)+")


def after_properties(text: str, span: Span) -> tuple[int, bool]:
    """Where a flow scalar's own text starts, after its anchor and tag (``&t !custom "x"``),
    and whether it has a tag (which then says its type, whatever its text looks like)."""
    if text[span.start:span.start + 1] not in ("&", "!"):
        return span.start, False
    match = _PROPERTIES.match(text, span.start, span.end)
    if match is None:  # (properties and nothing else: an empty value)
        return span.end, "!" in text[span.start:span.end]
    tagged = any(part.startswith("!") for part in match.group().split())
    return match.end(), tagged


def plain(span: Span) -> bool:
    """Whether a scalar is written plain (no quotes, not a block)."""
    return span.style is None


def as_read(text: str, span: Span) -> bool:
    """Whether a flow scalar's source spells its value exactly (no escapes, no folding)."""
    if not span.raw or span.style not in (None, "", '"', "'"):
        return False
    inset = 0 if plain(span) else 1
    return span.end - span.start - 2 * inset == len(span.raw) and text.startswith(
        span.raw, span.start + inset)


def _line_break(text: str, i: int) -> int:
    """The length of the line break at ``text[i]`` (0 when there is none)."""
    if text.startswith("\r\n", i):
        return 2
    return 1 if text[i] in "\r\n" else 0


# The next character a flow scalar of each style does not spell as written.
_SPECIAL = {'"': re.compile(r'[\\\r\n]'), "'": re.compile(r"['\r\n]"),
            None: re.compile(r"[\r\n]"), "": re.compile(r"[\r\n]")}
_BREAK = _SPECIAL[None]


class Places:
    """(start, end) in the text of each character of a value, kept as runs: the characters
    of a run of several are written one for one (the k-th at its start + k); a run of one
    is at its (start, end), which may hold an escape or a line break read as a space."""

    __slots__ = ("ends", "firsts", "length", "starts")

    def __init__(self) -> None:
        self.firsts = array("q")  # where in the value each run starts
        self.starts = array("q")
        self.ends = array("q")
        self.length = 0

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> tuple[int, int]:
        if not 0 <= index < self.length:
            raise IndexError(index)
        run = bisect_right(self.firsts, index) - 1
        start, end = self.starts[run], self.ends[run]
        if self._count(run) == 1:  # (written as read, or otherwise: an escape, a break)
            return start, end
        at = start + index - self.firsts[run]
        return at, at + 1

    def _count(self, run: int) -> int:
        """How many characters run ``run`` has."""
        following = run + 1
        last = following == len(self.firsts)
        return (self.length if last else self.firsts[following]) - self.firsts[run]


class _Spelling:
    """The characters a scalar's source spells, with their places, kept run by run."""

    def __init__(self) -> None:
        self.pieces: list[str] = []  # the characters of each run
        self.escaped = bytearray()  # whether each run is an escape
        self.places = Places()

    def add(self, chars: str, start: int, end: int, escaped: bool = False) -> None:
        """A run: ``chars`` written one for one at ``text[start:end]``, or one character
        written there otherwise."""
        places = self.places
        self.pieces.append(chars)
        self.escaped.append(escaped)
        places.firsts.append(places.length)
        places.starts.append(start)
        places.ends.append(end)
        places.length += len(chars)

    def drop_blanks(self) -> None:
        """Drops the spaces and tabs written as such at the end (before a line break)."""
        places = self.places
        while self.pieces and not self.escaped[-1]:
            piece = self.pieces[-1]
            kept = piece.rstrip(" \t")
            if kept == piece:
                return
            places.length -= len(piece) - len(kept)
            if kept:
                self.pieces[-1] = kept
                places.ends[-1] -= len(piece) - len(kept)
                return
            for column in (self.pieces, self.escaped, places.firsts, places.starts, places.ends):
                column.pop()

    def places_if_spelling(self, raw: str) -> Places | None:
        """The places, if the characters spell `raw` exactly; else None."""
        return self.places if "".join(self.pieces) == raw else None


def char_spans(text: str, span: Span) -> Places | None:
    """(start, end) offsets in ``text`` of each character of a scalar's value.

    Follows YAML's rules for escapes, doubled single quotes, line folding and block scalars;
    None when the result does not spell ``span.raw`` exactly.
    """
    if span.raw is None:
        return None
    if span.style in ("|", ">"):
        return _block_char_spans(text, span)
    if span.style not in (None, "", '"', "'"):
        return None
    quoted = not plain(span)
    lo, hi = (span.start + 1, span.end - 1) if quoted else (span.start, span.end)
    if hi < lo:
        return None
    special = _SPECIAL[span.style]
    out = _Spelling()
    i = lo
    while i < hi:
        found = special.search(text, i, hi)
        j = hi if found is None else found.start()
        if j > i:  # written as read
            out.add(text[i:j], i, j)
            i = j
            continue
        ch = text[i]
        width = _line_break(text, i)
        if width:
            out.drop_blanks()
            breaks = [(i, i + width)]
            i += width
            while True:
                j = i
                while j < hi and text[j] in " \t":
                    j += 1
                width = _line_break(text, j) if j < hi else 0
                i = j
                if not width:
                    break
                breaks.append((j, j + width))
                i = j + width
            if len(breaks) == 1:
                out.add(" ", *breaks[0])
            else:
                for a, b in breaks[1:]:
                    out.add("\n", a, b)
            continue
        if span.style == '"' and ch == "\\" and i + 1 < hi:
            code = text[i + 1]
            width = _line_break(text, i + 1)
            if width:
                i += 1 + width
                while i < hi and text[i] in " \t":
                    i += 1
                continue
            if code in _HEX_DIGITS:
                digits = text[i + 2 : i + 2 + _HEX_DIGITS[code]]
                try:
                    decoded = chr(int(digits, 16))
                except ValueError:
                    return None
                out.add(decoded, i, i + 2 + len(digits), True)
                i += 2 + len(digits)
                continue
            if code not in _ESCAPES:
                return None
            out.add(_ESCAPES[code], i, i + 2, True)
            i += 2
            continue
        if span.style == "'" and ch == "'" and text.startswith("'", i + 1):
            out.add("'", i, i + 2)
            i += 2
            continue
        out.add(ch, i, i + 1)
        i += 1
    return out.places_if_spelling(span.raw)


def _block_char_spans(text: str, span: Span) -> Places | None:
    """``char_spans`` of a ``|`` or ``>`` block scalar (None for an explicit indentation,
    which counts from the parent's, or for what does not spell ``span.raw``)."""
    assert span.raw is not None
    header = block_header(text, span.start, span.end)
    if header is None or header[1]:
        return None
    lines: list[tuple[int, int, int]] = []  # (start, end of the text, end of the break)
    i, end = header[0], span.end
    while i < end:
        found = _BREAK.search(text, i, end)
        j = end if found is None else found.start()
        after = j + (_line_break(text, j) if j < end else 0)
        lines.append((i, j, after))
        i = after
    written = [n for n, (a, b, _) in enumerate(lines) if text[a:b].strip(" ")]
    if not written:
        return None
    first_start, first_end, _ = lines[written[0]]
    first = text[first_start:first_end]
    indent = len(first) - len(first.lstrip(" "))
    folded = span.style == ">"
    out = _Spelling()
    previous: bool | None = None  # whether the last text line was folded text (None: none yet)
    last_break = (span.start, span.start)  # the break after that line
    blanks: list[tuple[int, int]] = []  # the breaks of the empty lines since
    for a, b, after in lines[:written[-1] + 1]:
        if b - a <= indent and not text[a:b].strip(" "):  # an empty line
            blanks.append((b, after))
            continue
        content = a + indent
        normal = folded and text[content:content + 1] not in (" ", "\t")
        if previous and normal and not blanks:  # folded: one line break reads as a space
            out.add(" ", *last_break)
        else:  # each empty line is a line break; so is the one before, unless folded
            kept = [] if previous is None or (previous and normal) else [last_break]
            for x, y in kept + blanks:
                out.add("\n", x, y)
        blanks = []
        if content < b:
            out.add(text[content:b], content, b)
        previous, last_break = normal, (b, after)
    trailing = len(span.raw) - len(span.raw.rstrip("\n"))
    breaks = [last_break, *[(b, after) for _a, b, after in lines[written[-1] + 1:]]]
    if trailing > len(breaks):
        return None
    for x, y in breaks[:trailing]:
        out.add("\n", x, y)
    return out.places_if_spelling(span.raw)
