"""Build the record of one YAML document from the parser's events, remembering where every
key and value is written.

An alias reads its anchor's events again (its values sit where the anchor wrote them); a merge
key (``<<``) adds the keys a mapping lacks, earlier merged mappings first; how many values
aliases expand to, and how deep they nest, is bounded.
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

import yaml
from yaml.composer import ComposerError

from . import pointer as json_pointer
from .yamltags import (
    KNOWN_COLLECTION_TAGS,
    MAP,
    MERGE,
    STR,
    node_tag,
    scalar_tag,
    typed_scalar,
    unknown_tag,
)

if yaml.__with_libyaml__:
    _EVENTS: type[Any] = yaml._yaml.CParser  # (the events alone: no constructor to set up)
else:  # pragma: no cover - libyaml missing
    _EVENTS = yaml.SafeLoader

MAX_DEPTH = 100
MAX_NODES = 100_000


class TooDeep(Exception):
    """The record nests collections more than ``MAX_DEPTH`` deep."""


class Span:
    """Where one value of the record is written: character offsets in the whole file."""

    __slots__ = ("aliased", "end", "key_end", "key_start", "node_id", "raw", "start", "style",
                 "tag")

    def __init__(self, start: int, end: int, key_start: int | None = None,
                 key_end: int | None = None, style: str | None = None, tag: str = STR,
                 raw: str | None = None, node_id: int = 0, aliased: bool = False) -> None:
        self.start = start
        self.end = end
        self.key_start = key_start
        self.key_end = key_end
        self.style = style  # scalar style: None plain, '"', "'", '|', '>'; "map"/"seq" else
        self.tag = tag
        self.raw = raw  # scalar text as the parser read it (before typing)
        self.node_id = node_id  # the parser event its node starts at (an alias's: its anchor's)
        self.aliased = aliased


class YamlProblem(NamedTuple):
    """Something wrong with the YAML itself, at character offsets in the whole file."""

    kind: str  # "syntax", "duplicate-key", "tag", "limits", "key"
    message: str
    start: int
    end: int
    pointer: str | None = None


class Document:
    """Parsed front matter: the record, where each value is written, and YAML problems."""

    __slots__ = ("problems", "record", "spans", "values")

    def __init__(self, record: Any, spans: dict[str, Span] | None = None,
                 problems: list[YamlProblem] | None = None,
                 values: dict[str, Any] | None = None) -> None:
        self.record = record
        self.spans = {} if spans is None else spans
        self.problems = [] if problems is None else problems
        # Every value by pointer, in document order, where the record is a plain tree read
        # without a problem (no alias, merge or duplicate key); else None.
        self.values = values


def build(yaml_text: str, offset: int) -> Document:
    """The document of the YAML text, from the parser's events; ``offset`` is where the text
    starts in the file."""
    tape = _read(yaml_text)
    if tape is None:
        record: dict[str, Any] = {}
        return Document(record, {"": Span(offset, offset, style="map", tag=MAP)}, [],
                        {"": record})
    builder = _Builder(tape, offset)
    record = builder.build(0, "", None)
    shared = {i for i, count in builder.seen.items() if count > 1}
    if shared:
        for span in builder.spans.values():
            if span.node_id in shared:
                span.aliased = True
    values = builder.values if builder.plain and not builder.problems else None
    return Document(record, builder.spans, builder.problems, values)


class _Tape(NamedTuple):
    """One document's events, and what reading an alias needs: where each collection ends
    and where each anchor's node starts."""

    events: list[Any]
    ends: dict[int, int]  # the index of each collection's end event, by its start event's
    targets: dict[int, int]  # the index of each alias's node (its anchor's), by its own
    anchored: bool  # whether the document has an anchor


def _read(yaml_text: str) -> _Tape | None:
    """The events of the text's one document (None when it has none), refused as PyYAML's
    composer refuses them: an undefined alias, an anchor defined twice, a second document."""
    loader = _EVENTS(yaml_text)
    try:
        get = loader.get_event
        get()  # the stream's start
        if type(get()) is yaml.StreamEndEvent:
            return None
        events: list[Any] = []
        ends: dict[int, int] = {}
        anchors: dict[str, int] = {}  # the index of each anchor's node, by its name
        targets: dict[int, int] = {}
        starts: list[int] = []  # the collections open at this event
        append, push, scalar, alias = (events.append, starts.append, yaml.ScalarEvent,
                                       yaml.AliasEvent)
        mapping, sequence, document_end = (yaml.MappingStartEvent, yaml.SequenceStartEvent,
                                           yaml.DocumentEndEvent)
        while True:
            event = get()
            kind = type(event)
            if kind is scalar:
                if event.anchor is not None:
                    _anchor(event, len(events), anchors, events)
            elif kind is mapping or kind is sequence:
                if event.anchor is not None:
                    _anchor(event, len(events), anchors, events)
                push(len(events))
            elif kind is alias:
                if event.anchor not in anchors:
                    raise ComposerError(None, None, "found undefined alias", event.start_mark)
                targets[len(events)] = anchors[event.anchor]
            elif kind is document_end:
                break
            else:
                ends[starts.pop()] = len(events)
            append(event)
        event = get()
        if type(event) is not yaml.StreamEndEvent:
            raise ComposerError("expected a single document in the stream",
                                events[0].start_mark, "but found another document",
                                event.start_mark)
        return _Tape(events, ends, targets, bool(anchors))
    finally:
        loader.dispose()


def _anchor(event: Any, index: int, anchors: dict[str, int], events: list[Any]) -> None:
    """Notes the anchor of the node that starts at ``event``, the ``index``-th."""
    if event.anchor in anchors:
        raise ComposerError("found duplicate anchor; first occurrence",
                            events[anchors[event.anchor]].start_mark, "second occurrence",
                            event.start_mark)
    anchors[event.anchor] = index


class _Builder:
    """Builds the record from one document's events (``_Tape``), reading an alias's anchored
    value again from its events, within the bounds on expansion and depth."""

    def __init__(self, tape: _Tape, offset: int) -> None:
        self.events = tape.events
        self.ends = tape.ends
        self.targets = tape.targets
        self.offset = offset
        self.aliases = bool(tape.targets)  # whether a node may be read more than once
        self.plain = not tape.anchored  # (no anchor, alias, merge key or odd key)
        self.spans: dict[str, Span] = {}
        self.values: dict[str, Any] = {}
        self.problems: list[YamlProblem] = []
        self.reported: set[tuple[int, str]] = set()  # (start, message) of each problem
        self.visits = 0
        self.seen: dict[int, int] = {}  # how often each node was read, by its first event
        self.path: set[int] = set()  # the collections around the value being built
        self.stopped = False

    def build(self, i: int, pointer: str, key: Any) -> Any:
        """The value of the node written at event ``i`` (an alias: its anchor's node); ``key``
        is the event of its key in a mapping."""
        i = self.targets.get(i, i)
        event = self.events[i]
        if self.aliases:  # (only an alias reads a node again: bounds and counts)
            self.visits += 1
            if self.visits > MAX_NODES:
                return self._stop(i, pointer, key)
            self.seen[i] = self.seen.get(i, 0) + 1
        if type(event) is yaml.ScalarEvent:
            return self._scalar_event(event, pointer, key, i)
        return self._collection(i, pointer, key)

    def _stop(self, i: int, pointer: str, key: Any) -> None:
        """Past the bound on values: the span is recorded (findings on later keys keep their
        place), the value is not read."""
        offset = self.offset
        self.spans[pointer] = Span(
            self.events[i].start_mark.index + offset,
            self.events[self.ends.get(i, i)].end_mark.index + offset,
            None if key is None else key.start_mark.index + offset,
            None if key is None else key.end_mark.index + offset, None, node_tag(self.events[i]),
            None, i)
        if not self.stopped:
            self.stopped = True
            self._problem(
                "limits",
                f"the front matter expands to more than {MAX_NODES:,} values "
                "(aliases that repeat aliases, as in a 'billion laughs' document); "
                "fmlint stopped reading it",
                i,
                pointer,
            )

    def _collection(self, i: int, pointer: str, key: Any) -> Any:
        """A sequence or mapping, unless it contains itself through an alias."""
        events, end, offset = self.events, self.ends[i], self.offset
        event = events[i]
        sequence = type(event) is yaml.SequenceStartEvent
        tag = node_tag(event)
        span = self.spans[pointer] = Span(
            event.start_mark.index + offset, events[end].end_mark.index + offset,
            None if key is None else key.start_mark.index + offset,
            None if key is None else key.end_mark.index + offset, None, tag, None, i)
        if i in self.path:
            self._problem("limits", "an alias refers to the collection that contains it", i,
                          pointer)
            return None
        self.path.add(i)
        if len(self.path) > MAX_DEPTH:  # (aliases can nest deeper than the text does)
            raise TooDeep
        try:
            if tag not in KNOWN_COLLECTION_TAGS:
                self._problem("tag", unknown_tag(tag), i, pointer)
            span.style = "seq" if sequence else "map"
            return self._items(i + 1, end, pointer) if sequence else self._mapping(
                i + 1, end, pointer)
        finally:
            self.path.discard(i)

    def _items(self, j: int, end: int, pointer: str) -> list[Any]:
        """The items of the sequence whose events are ``j`` to ``end``."""
        events, ends, fast = self.events, self.ends, not self.aliases
        items: list[Any] = []
        self.values[pointer] = items
        scalar = yaml.ScalarEvent
        while j < end:
            event = events[j]
            child = f"{pointer}/{len(items)}"
            if fast and type(event) is scalar:
                items.append(self._scalar_event(event, child, None, j))
                j += 1
            else:
                items.append((self._collection if fast else self.build)(j, child, None))
                j = ends.get(j, j) + 1
        return items

    def _mapping(self, j: int, end: int, pointer: str) -> dict[str, Any]:
        """The mapping whose events are ``j`` to ``end``: its own keys, then those it merges
        (``<<``) that it does not have, earlier merged mappings first."""
        events, ends, fast = self.events, self.ends, not self.aliases
        mapping: dict[str, Any] = {}
        self.values[pointer] = mapping
        key_lines: dict[str, int] = {}
        merges: list[int] = []
        scalar, escape = yaml.ScalarEvent, json_pointer.escape
        while j < end:
            event = events[j]
            if type(event) is scalar and (event.tag is None or event.tag == "!") and (
                    event.value != "<<"):
                k = j
                j += 1
            else:  # (an alias, a collection, a tag or a merge key)
                self.plain = False
                k = self.targets.get(j, j)
                j = ends.get(j, j) + 1  # (its value)
                event = events[k]
                if type(event) is not scalar or node_tag(event) == MERGE:
                    self._unnamed(k, j, merges, pointer)
                    j = ends.get(j, j) + 1
                    continue
            name = event.value
            # (``escape``'s own test, made here: this runs for every key of every record)
            child = f"{pointer}/{escape(name) if '/' in name or '~' in name else name}"
            if name in key_lines:
                self._duplicate(name, child, k, key_lines[name])
            key_lines[name] = k
            value = events[j]
            if fast and type(value) is scalar:
                mapping[name] = self._scalar_event(value, child, event, j)
                j += 1
            else:
                mapping[name] = (self._collection if fast else self.build)(j, child, event)
                j = ends.get(j, j) + 1
        for merge in merges:
            self._merge(merge, mapping, pointer)
        return mapping

    def _unnamed(self, k: int, j: int, merges: list[int], pointer: str) -> None:
        """A key (its node at event ``k``) that names no value: a merge key, whose value at
        event ``j`` is merged once the mapping's own keys are read, or a collection."""
        if type(self.events[k]) is yaml.ScalarEvent:
            merges.append(j)
        else:
            self._problem("key", "a key must be a plain word or string, not a list or mapping",
                          k, pointer)

    def _merge(self, j: int, mapping: dict[str, Any], pointer: str) -> None:
        """Adds to ``mapping`` the keys it lacks from the mapping, or the list of mappings,
        written at event ``j``."""
        events, targets = self.events, self.targets
        i = targets.get(j, j)
        sources = [i]
        if type(events[i]) is yaml.SequenceStartEvent:
            sources, s = [], i + 1
            while s < self.ends[i]:
                sources.append(s)
                s = self.ends.get(s, s) + 1
        for source in sources:
            if type(events[targets.get(source, source)]) is not yaml.MappingStartEvent:
                self._problem("key", "a merge key ('<<') needs a mapping or list of mappings",
                              targets.get(source, source), pointer)
                continue
            base = f"{pointer}/<<"
            merged = self.build(source, base, None)
            written = [(p, span) for p, span in self.spans.items() if p.startswith(base + "/")]
            for name, value in (merged or {}).items():
                if name in mapping:
                    continue
                mapping[name] = value
                # (a merged value sits where its mapping wrote it, as an alias's does)
                escaped = json_pointer.escape(name)
                src, own = f"{base}/{escaped}", f"{pointer}/{escaped}"
                for p, span in written:
                    if p == src or p.startswith(src + "/"):
                        aliased = self.spans[own + p[len(src):]] = copy.copy(span)
                        aliased.aliased = True

    def _scalar_event(self, event: Any, pointer: str, key: Any, i: int) -> Any:
        """The value of the scalar at event ``i``, its span recorded."""
        offset = self.offset
        value = event.value
        tag = event.tag
        if tag is None or tag == "!":
            tag = scalar_tag(value, event.implicit)
        self.spans[pointer] = Span(
            event.start_mark.index + offset, event.end_mark.index + offset,
            None if key is None else key.start_mark.index + offset,
            None if key is None else key.end_mark.index + offset,
            event.style or None,  # libyaml reports the plain style as ''
            tag, value, i)
        if tag != STR:
            value, wrong = typed_scalar(tag, value)
            if wrong is not None:
                self._problem("tag", wrong, i, pointer)
        self.values[pointer] = value
        return value

    def _duplicate(self, name: str, child: str, k: int, first: int) -> None:
        line = self.events[first].start_mark.line + 2  # the file's line 1 is '---'
        self._problem(
            "duplicate-key",
            f"duplicate key '{name}': the key already appears on line {line}; "
            "PyYAML keeps this later value, other tools keep the first",
            k,
            child,
        )

    def _problem(self, kind: str, message: str, i: int, pointer: str | None) -> None:
        """A problem with the node written from event ``i`` (to its end event)."""
        offset = self.offset
        start = self.events[i].start_mark.index + offset
        end = self.events[self.ends.get(i, i)].end_mark.index + offset
        if self.aliases:
            if (start, message) in self.reported:
                return  # (a node read again through an alias: reported once, where it is)
            self.reported.add((start, message))
        self.problems.append(YamlProblem(kind, message, start, end, pointer))

