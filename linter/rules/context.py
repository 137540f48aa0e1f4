"""What a rule sees of one record, and how it reports: positions, fixes and index entries."""

from __future__ import annotations

import re
import sys
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..reading import pointer as json_pointer
from ..reading import scalars
from ..reading.source import LineIndex
from ..reading.yamldoc import Span, block_header, block_text_end
from ..schema.validation import friendly_path
from .finding import Edit, Finding, Fix

if TYPE_CHECKING:
    from ..engine.config import Config
    from ..reading.defaults import Scope
    from ..schema.annotate import Annotations, Reference
    from .registry import Rule

# Reads an image's real size for a URL the site itself serves:
# (width, height), "missing" when the file is not there, None when it cannot tell.
ImageSizer = Callable[[str, "str | None"], "tuple[int, int] | str | None"]
# The names the records of a collection go by, for the values that name one
# (``x-fmlint-ref``): (the reference, the record's path) -> the names, None when it cannot
# tell.
NameLookup = Callable[["Reference", "str | None"], "frozenset[str] | None"]


@dataclass(frozen=True, slots=True)
class Site:
    """The site a record belongs to: its folder, its own URL, and what its generator does
    with records before rendering them, as ``_config.yml`` says."""

    root: str | None = None
    url: str | None = None
    baseurl: str = ""
    timezone: str | None = None
    generator: str | None = None  # "jekyll", "hugo", "zola", "eleventy" or "astro"
    future: bool = False  # whether the site builds records dated in the future
    show_drafts: bool = False  # whether it builds `_drafts/` too
    collections: tuple[str, ...] = ()
    defaults: tuple[Scope, ...] = ()  # front matter defaults (`defaults:`), in order
    relative: str | None = None  # the record's path from the root, '/'-separated
    # The `_config.yml` paths the site was found through, there or not: a result that used
    # the site depends on each (one added nearer to the record changes the site).
    looked: tuple[str, ...] = ()


@dataclass(slots=True)
class IndexEntry:
    """A key one record contributes to a check across records (e.g. its canonical URL)."""

    code: str
    key: str
    path: str | None
    line: int
    column: int
    end_line: int
    end_column: int
    pointer: str
    label: str  # what the key is, for messages ("webUrl")


@dataclass
class Context:
    """One record under check. Rules read values here and report through ``report``."""

    path: str | None
    record: Any
    notes: Annotations
    config: Config
    now: datetime
    text: str | None = None
    spans: dict[str, Span] = field(default_factory=dict)
    index: LineIndex | None = None
    image_sizer: ImageSizer | None = None
    site: Site = field(default_factory=Site)
    names: NameLookup | None = None
    rule: Rule | None = None
    entries: list[IndexEntry] = field(default_factory=list)
    # Writes a new value in the file's format (YAML, TOML, JSON), keeping the style it can.
    render: Callable[..., str] = scalars.render
    # Where each character of a value is written, by pointer (worked out once per value).
    places: dict[str, _Places | None] = field(default_factory=dict)

    # -- reading ---------------------------------------------------------------------------

    def value(self, pointer: str, default: Any = None) -> Any:
        if pointer in self.notes.values:
            return self.notes.values[pointer]
        return json_pointer.resolve(self.record, pointer, default)

    def raw(self, pointer: str) -> str | None:
        """The scalar's text as written in the file (without quotes), if it is a scalar."""
        span = self.spans.get(pointer)
        return span.raw if span is not None else None

    def plain(self, pointer: str) -> bool:
        span = self.spans.get(pointer)
        return span is not None and _plain(span)

    def option(self, name: str) -> Any:
        assert self.rule is not None
        return self.config.rule_option(self.rule, name)

    @staticmethod
    def parent(pointer: str) -> str:
        return pointer.rsplit("/", 1)[0] if pointer else ""

    @staticmethod
    def where(pointer: str) -> str:
        """A value's place in words: ``related[1].excerpt``."""
        return friendly_path(pointer)

    @staticmethod
    def key(pointer: str) -> str:
        return json_pointer.unescape(pointer.rsplit("/", 1)[-1])

    # -- positions -------------------------------------------------------------------------

    def range_of(
        self, pointer: str, *, key: bool = False, sub: tuple[int, int] | None = None
    ) -> tuple[int, int, int, int]:
        """(line, column, end_line, end_column) of a value, its key, or part of a string value."""
        span = self.spans.get(pointer)
        if span is None or self.index is None:
            return (1, 1, 1, 1)
        start, end = span.start, span.end
        if key and span.key_start is not None and span.key_end is not None:
            start, end = span.key_start, span.key_end
        elif sub is not None and self.text is not None and span.raw is not None and (
            _as_read(self.text, span)
        ):  # written as read: character i of the value is at the value's start + i
            lo = span.start + (0 if _plain(span) else 1)
            count = len(span.raw)
            first = min(max(sub[0], 0), count - 1)
            last = min(max(sub[1], sub[0] + 1), count) - 1
            start, end = lo + first, lo + max(last, first) + 1
        elif sub is not None and self.text is not None and span.raw is not None:
            if pointer not in self.places:
                self.places[pointer] = _char_spans(self.text, span)
            chars = self.places[pointer]
            if chars:
                first = min(max(sub[0], 0), len(chars) - 1)
                last = min(max(sub[1], sub[0] + 1), len(chars)) - 1
                start, end = chars[first][0], chars[max(last, first)][1]
        if span.style in ("|", ">") and self.text is not None and not sub:
            end = block_text_end(self.text, start, end)
        line, column = self.index.position(start)
        end_line, end_column = self.index.position(max(end, start))
        return line, column, end_line, end_column

    # -- reporting -------------------------------------------------------------------------

    def report(
        self,
        pointer: str,
        message: str,
        *,
        fix: Fix | None = None,
        key: bool = False,
        sub: tuple[int, int] | None = None,
    ) -> Finding:
        assert self.rule is not None
        line, column, end_line, end_column = self.range_of(pointer, key=key, sub=sub)
        return Finding(
            path=self.path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            code=self.rule.code,
            rule=self.rule.name,
            severity=self.config.severity_of(self.rule),  # type: ignore[arg-type]
            message=message,
            pointer=pointer,
            fix=fix,
        )

    def replace(
        self, pointer: str, new_value: Any, message: str, *, safe: bool, style: str | None = "keep"
    ) -> Fix | None:
        """A fix that writes ``new_value`` over the value at ``pointer``, keeping its style."""
        return self.replace_values([(pointer, new_value)], message, safe=safe, style=style)

    def replace_values(self, changes: list[tuple[str, Any]], message: str, *, safe: bool,
                       style: str | None = "keep") -> Fix | None:
        """One fix that writes several scalar values at once (e.g. width and height)."""
        if self.index is None or self.text is None:
            return None
        edits = []
        for pointer, new_value in changes:
            span = self.spans.get(pointer)
            if span is None or span.aliased or span.style in ("map", "seq"):
                return None
            kept = span.style if style == "keep" else style
            if kept in ("|", ">"):  # (the header line, with any anchor and tag, is kept)
                written = self.render(new_value, kept, span.tag, self.text[span.start:span.end])
                edits.append(Edit(*self.range_of(pointer), written))
                continue
            start, tagged = _after_properties(self.text, span)
            written = self.render(new_value, kept, scalars.STR_TAG if tagged else span.tag,
                                  self.text[start:span.end])
            if start == span.end and not self.text[start - 1].isspace():
                written = " " + written  # (after a tag or anchor with no value)
            line, column = self.index.position(start)
            edits.append(Edit(line, column, *self.index.position(span.end), written))
        return Fix("safe" if safe else "unsafe", message, tuple(edits))

    def children(self, pointer: str) -> dict[str, str]:
        """Role -> pointer of the direct children of a mapping that the schema gives a role."""
        return self.notes.child_roles.get(pointer, {})

    def edit(self, start: int, end: int, content: str) -> Edit | None:
        """An edit over raw character offsets of the file."""
        if self.index is None:
            return None
        line, column = self.index.position(start)
        end_line, end_column = self.index.position(end)
        return Edit(line, column, end_line, end_column, content)

    def add_entry(self, key: str, pointer: str, label: str) -> None:
        """Contribute a key to this rule's check across records."""
        assert self.rule is not None
        line, column, end_line, end_column = self.range_of(pointer)
        self.entries.append(
            IndexEntry(self.rule.code, key, self.path, line, column, end_line, end_column,
                       pointer, label)
        )


# -- where each character of a scalar is written ------------------------------------------

_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
    "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}


# A node's anchor and tag, each followed by spaces, line breaks or comments.
_PROPERTIES = re.compile(r"(?:[&!][^ \t\r\n]*(?:[ \t\r\n]+(?:#[^\r\n]*)?)+)+")


def _after_properties(text: str, span: Span) -> tuple[int, bool]:
    """Where a flow scalar's own text starts, after its anchor and tag (``&t !custom "x"``),
    and whether it has a tag (which then says its type, whatever its text looks like)."""
    if text[span.start:span.start + 1] not in ("&", "!"):
        return span.start, False
    match = _PROPERTIES.match(text, span.start, span.end)
    if match is None:  # (properties and nothing else: an empty value)
        return span.end, "!" in text[span.start:span.end]
    tagged = any(part.startswith("!") for part in match.group().split())
    return match.end(), tagged


def _plain(span: Span) -> bool:
    """Whether a scalar is written plain (no quotes, not a block)."""
    return span.style is None


def _as_read(text: str, span: Span) -> bool:
    """Whether a flow scalar's source spells its value exactly (no escapes, no folding)."""
    if not span.raw or span.style not in (None, "", '"', "'"):
        return False
    inset = 0 if _plain(span) else 1
    return span.end - span.start - 2 * inset == len(span.raw) and text.startswith(
        span.raw, span.start + inset)


def _line_break(text: str, i: int) -> int:
    """The length of the line break at ``text[i]`` (0 when there is none)."""
    if text.startswith("\r\n", i):
        return 2
    return 1 if text[i] in "\r\n" else 0


class _Places:
    """(start, end) in the text of each character of a value, in two arrays of machine
    integers: a few bytes a character, where a list of tuples takes about a hundred."""

    __slots__ = ("ends", "starts")

    def __init__(self) -> None:
        self.starts = array("q")
        self.ends = array("q")

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: int) -> tuple[int, int]:
        return self.starts[index], self.ends[index]


class _Spelling:
    """The characters a scalar's source spells, with their places, kept compactly."""

    def __init__(self) -> None:
        self.points = array("I")  # code points
        self.escaped = bytearray()
        self.places = _Places()

    def add(self, ch: str, start: int, end: int, escaped: bool = False) -> None:
        self.points.append(ord(ch))
        self.escaped.append(escaped)
        self.places.starts.append(start)
        self.places.ends.append(end)

    def ends_in_blank(self) -> bool:
        """Whether the last character is a space or tab written as such."""
        return bool(self.points) and self.points[-1] in (0x20, 0x09) and not self.escaped[-1]

    def pop(self) -> None:
        for column in (self.points, self.escaped, self.places.starts, self.places.ends):
            column.pop()

    def places_if_spelling(self, raw: str) -> _Places | None:
        """The places, if the characters spell `raw` exactly; else None."""
        codec = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
        spelled = len(self.points) == len(raw) and (
            self.points.tobytes() == raw.encode(codec, "surrogatepass"))
        return self.places if spelled else None


def _char_spans(text: str, span: Span) -> _Places | None:
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
    quoted = not _plain(span)
    lo, hi = (span.start + 1, span.end - 1) if quoted else (span.start, span.end)
    if hi < lo:
        return None
    out = _Spelling()
    i = lo
    while i < hi:
        ch = text[i]
        width = _line_break(text, i)
        if width:
            while out.ends_in_blank():
                out.pop()
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


def _block_char_spans(text: str, span: Span) -> _Places | None:
    """``_char_spans`` of a ``|`` or ``>`` block scalar (None for an explicit indentation,
    which counts from the parent's, or for what does not spell ``span.raw``)."""
    assert span.raw is not None
    header = block_header(text, span.start, span.end)
    if header is None or header[1]:
        return None
    lines: list[tuple[int, int, int]] = []  # (start, end of the text, end of the break)
    i, end = header[0], span.end
    while i < end:
        j = i
        while j < end and not _line_break(text, j):
            j += 1
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
        for k in range(content, b):
            out.add(text[k], k, k + 1)
        previous, last_break = normal, (b, after)
    trailing = len(span.raw) - len(span.raw.rstrip("\n"))
    breaks = [last_break, *[(b, after) for _a, b, after in lines[written[-1] + 1:]]]
    if trailing > len(breaks):
        return None
    for x, y in breaks[:trailing]:
        out.add("\n", x, y)
    return out.places_if_spelling(span.raw)
