"""What a rule sees of one record, and how it reports: positions, fixes and index entries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from ..reading import pointer as json_pointer
from ..reading import scalars
from ..reading.charspans import Places, after_properties, as_read, char_spans, plain
from ..reading.source import LineIndex
from ..reading.yamldoc import Span, block_text_end
from ..schema.explain import friendly_path
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


class Site(NamedTuple):
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


class IndexEntry:
    """A key one record contributes to a check across records (e.g. its canonical URL)."""

    __slots__ = ("code", "column", "end_column", "end_line", "key", "label", "line", "path",
                 "pointer")

    def __init__(self, code: str, key: str, path: str | None, line: int, column: int,
                 end_line: int, end_column: int, pointer: str, label: str) -> None:
        self.code = code
        self.key = key
        self.path = path
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.pointer = pointer
        self.label = label  # what the key is, for messages ("webUrl")


class Context:
    """One record under check. Rules read values here and report through ``report``."""

    __slots__ = ("config", "entries", "image_sizer", "index", "names", "notes", "now", "path",
                 "places", "record", "render", "rule", "site", "spans", "text")

    def __init__(self, path: str | None, record: Any, notes: Annotations, config: Config,
                 now: datetime, text: str | None = None, spans: dict[str, Span] | None = None,
                 index: LineIndex | None = None, image_sizer: ImageSizer | None = None,
                 site: Site | None = None, names: NameLookup | None = None,
                 rule: Rule | None = None, entries: list[IndexEntry] | None = None,
                 render: Callable[..., str] = scalars.render,
                 places: dict[str, Places | None] | None = None) -> None:
        self.path = path
        self.record = record
        self.notes = notes
        self.config = config
        self.now = now
        self.text = text
        self.spans: dict[str, Span] = {} if spans is None else spans
        self.index = index
        self.image_sizer = image_sizer
        self.site = Site() if site is None else site
        self.names = names
        self.rule = rule
        self.entries: list[IndexEntry] = [] if entries is None else entries
        # Writes a new value in the file's format (YAML, TOML, JSON), keeping the style it can.
        self.render = render
        # Where each character of a value is written, by pointer (worked out once per value).
        self.places: dict[str, Places | None] = {} if places is None else places

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
        return span is not None and plain(span)

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
            as_read(self.text, span)
        ):  # written as read: character i of the value is at the value's start + i
            lo = span.start + (0 if plain(span) else 1)
            count = len(span.raw)
            first = min(max(sub[0], 0), count - 1)
            last = min(max(sub[1], sub[0] + 1), count) - 1
            start, end = lo + first, lo + max(last, first) + 1
        elif sub is not None and self.text is not None and span.raw is not None:
            if pointer not in self.places:
                self.places[pointer] = char_spans(self.text, span)
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
            severity=self.config.severity_of(self.rule),
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
            start, tagged = after_properties(self.text, span)
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
