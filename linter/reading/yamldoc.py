"""Parse front matter YAML into a plain record that remembers where every key and value sits.

PyYAML parses (libyaml's C parser when installed); the record is built here from the
parser's events (an alias reads its anchor's events again, a merge key adds the keys a mapping
lacks), so that timestamps stay strings, duplicate keys are seen, unknown tags construct
nothing, and hostile input (alias bombs, deep nesting, huge documents) is refused within fixed
bounds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import ComposerError

from . import pointer as json_pointer
from .lazyre import compile_later

if yaml.__with_libyaml__:
    LOADER: type[Any] = yaml.CSafeLoader
    """The safe loader, libyaml's when installed."""
    _EVENTS: type[Any] = yaml._yaml.CParser  # (the events alone: no constructor to set up)
else:  # pragma: no cover - libyaml missing
    LOADER = _EVENTS = yaml.SafeLoader


# Implicit tag resolvers of plain scalars, by first character (with those for any character).
_ANY_FIRST = tuple(LOADER.yaml_implicit_resolvers.get(None, []))
_RESOLVERS = {first: tuple(found) + _ANY_FIRST
              for first, found in LOADER.yaml_implicit_resolvers.items() if first is not None}


def _scalar_tag(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag of a scalar written without one, as the safe loader resolves it."""
    if implicit[0]:
        if _plain_decimal(value):
            return _INT  # (what the resolvers say, sooner)
        for tag, pattern in _RESOLVERS.get(value[:1], _ANY_FIRST):
            if pattern.match(value):
                return tag
    return _STR


def _plain_decimal(value: str) -> bool:
    """Whether a scalar is a plain decimal number (a width, a year): ASCII digits, no leading
    zero (YAML 1.1 reads ``012`` as octal)."""
    return value.isdigit() and value.isascii() and (value[0] != "0" or len(value) == 1)


MAX_DEPTH = 100
# What libyaml (0.2.6 and later, bundled with PyYAML 6.0.3 and later) says when nesting
# passes its own limit, which it may reach while looking ahead, before fmlint counts.
_PARSER_DEPTH = "exceeded maximum nesting depth"
MAX_NODES = 100_000
MAX_BYTES = 2 * 1024 * 1024

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_INT = "tag:yaml.org,2002:int"
_MERGE = "tag:yaml.org,2002:merge"
_KNOWN_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:binary",
    "tag:yaml.org,2002:value",
    "tag:yaml.org,2002:merge",
}
_KNOWN_COLLECTION_TAGS = {
    _MAP,
    _SEQ,
    "tag:yaml.org,2002:omap",
    "tag:yaml.org,2002:pairs",
    "tag:yaml.org,2002:set",
}
_CONSTRUCT = {
    "tag:yaml.org,2002:int": yaml.constructor.SafeConstructor.construct_yaml_int,
    "tag:yaml.org,2002:float": yaml.constructor.SafeConstructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": yaml.constructor.SafeConstructor.construct_yaml_bool,
}
_SCALAR_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_TAG_TYPES = {
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
}
# Line starts as YAML counts them (libyaml breaks lines at CR, NEL, LS and PS too).
_LINE_START = r"(?:\A|(?<=[\n\r\x85\u2028\u2029]))"
_STRUCTURE_PREFIX = compile_later(_LINE_START + r"[ \t\-?:]*")
_SHALLOW = 60  # block prefixes shorter than this need no closer look
_LONG_PREFIX = compile_later(rf"[\n\r\x85\u2028\u2029][ \t\-?:]{{{_SHALLOW}}}")
_LONG_LF_PREFIX = re.compile(rf"\n[ \t\-?:]{{{_SHALLOW}}}")  # (the same, for text whose
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")  # only line break is LF: much faster)


# A block scalar's header after any tag or anchor: the indicator, chomping and indentation,
# then an optional comment and the line break.
_BLOCK_HEADER = re.compile(r"[|>]([-+0-9]*)[ \t]*(?:#[^\r\n]*)?(?:\r\n|\r|\n)")


def block_header(text: str, start: int, end: int) -> tuple[int, bool] | None:
    """For the ``|`` or ``>`` block scalar written at ``text[start:end]`` (from its tag or
    anchor, if it has one): where its first line after the header starts, and whether the
    header gives an explicit indentation (which counts from the parent's). None when the
    header is not followed by a line."""
    match = _BLOCK_HEADER.search(text, start, end)
    if match is None:
        return None
    return match.end(), any(c.isdigit() for c in match.group(1))


def block_text_end(text: str, start: int, end: int) -> int:
    """Where a block scalar written at ``text[start:end]`` ends without the line breaks
    after its last line."""
    return start + len(text[start:end].rstrip("\r\n"))


class _TooDeep(Exception):
    """The record nests collections more than ``MAX_DEPTH`` deep."""


@dataclass(slots=True)
class Span:
    """Where one value of the record is written: character offsets in the whole file."""

    start: int
    end: int
    key_start: int | None = None
    key_end: int | None = None
    style: str | None = None  # scalar style: None plain, '"', "'", '|', '>'; "map"/"seq" else
    tag: str = _STR
    raw: str | None = None  # scalar text as the parser read it (before typing)
    node_id: int = 0  # the parser event its node starts at (an alias's: its anchor's)
    aliased: bool = False


@dataclass(slots=True)
class YamlProblem:
    """Something wrong with the YAML itself, at character offsets in the whole file."""

    kind: str  # "syntax", "duplicate-key", "tag", "limits", "key"
    message: str
    start: int
    end: int
    pointer: str | None = None


@dataclass(slots=True)
class Document:
    """Parsed front matter: the record, where each value is written, and YAML problems."""

    record: Any
    spans: dict[str, Span] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)
    # Every value by pointer, in document order, where the record is a plain tree read
    # without a problem (no alias, merge or duplicate key); else None.
    values: dict[str, Any] | None = None


def _plain_problem(err: yaml.MarkedYAMLError) -> str:
    problem = err.problem or "invalid YAML"
    hints = {
        "mapping values are not allowed": "a ': ' inside an unquoted value starts a new mapping; "
        "put the value in quotes",
        "found character '\\t' that cannot start any token": "YAML does not allow tabs for "
        "indentation; use spaces",
        "could not find expected ':'": "a line is missing its ':' or is indented wrongly",
        "found undefined alias": "an alias (*name) refers to an anchor (&name) that is not defined",
        "found unexpected end of stream": "a quote or bracket opened here is never closed",
        "did not find expected key": "indentation is off: this line does not line up with the "
        "keys around it",
        "found duplicate anchor": "the same anchor name is defined twice",
    }
    for start, hint in hints.items():
        if problem.startswith(start):
            return f"YAML syntax error: {problem} ({hint})"
    text = f"YAML syntax error: {problem}"
    if err.context:
        text += f" ({err.context}"
        if err.context_mark is not None and err.problem_mark is not None and (
            err.context_mark.line != err.problem_mark.line
        ):
            text += f" that starts on line {err.context_mark.line + 1} of the front matter"
        text += ")"
    return text


def _short_tag(tag: str) -> str:
    """A tag as it is usually written: ``!!int`` for ``tag:yaml.org,2002:int``."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") \
        else tag


def _shown(value: str) -> str:
    """A scalar's text for a message: quoted, shortened, or 'an empty value'."""
    if not value:
        return "an empty value"
    return repr(value if len(value) <= 40 else value[:39] + "…")


def _depth_bound(text: str) -> int:
    """A cheap upper bound on nesting depth: block nesting needs indentation or indicators."""
    brackets = text.count("[") + text.count("{")
    if brackets + _SHALLOW + 1 <= MAX_DEPTH:  # the common case: quick scans
        long_prefix = _LONG_PREFIX if any(b in text for b in _OTHER_BREAKS) else _LONG_LF_PREFIX
        if long_prefix.search("\n" + text) is None:
            return brackets + _SHALLOW + 1
    block = max((m.end() - m.start() for m in _STRUCTURE_PREFIX.finditer(text)), default=0)
    return block + 1 + brackets


def _node_bound(text: str) -> int:
    """A cheap upper bound on the number of nodes written in the text.

    Every node follows an indicator (``- ? : , [ {``), a line break or an alias mark, and
    one indicator leads to at most two nodes (``{a, b}`` holds keys with implicit nulls).
    """
    if 2 * len(text) + 2 <= MAX_NODES:  # (every mark is a character: short text is in bounds)
        return 2 * len(text) + 2
    marks = sum(text.count(c) for c in ",:-?[{*\n\r")
    return 2 * marks + 2


def _over_limits(text: str) -> str | None:
    """Stream the parser's events: which limit the text breaks ("depth", "nodes"), if any."""
    depth = nodes = 0
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            nodes += 1
            if depth > MAX_DEPTH:
                return "depth"
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            nodes += 1
        if nodes > MAX_NODES:
            return "nodes"
    return None


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
            None if key is None else key.end_mark.index + offset, None, _tag(self.events[i]),
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
        tag = _tag(event)
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
            raise _TooDeep
        try:
            if tag not in _KNOWN_COLLECTION_TAGS:
                self._tag_problem(tag, i, pointer)
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
        k: int | None
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
                k = self._key(j, pointer)
                j = ends.get(j, j) + 1
                if k is None or k < 0:
                    if k is not None:
                        merges.append(j)
                    j = ends.get(j, j) + 1
                    continue
                event = events[k]
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

    def _key(self, j: int, pointer: str) -> int | None:
        """For a key written at event ``j`` that is not a plain scalar: the event of its node
        (an alias's anchor), -1 for a merge key, None for a key that is not a scalar."""
        k = self._node(j)
        event = self.events[k]
        if type(event) is not yaml.ScalarEvent:
            self._problem("key", "a key must be a plain word or string, not a list or mapping",
                          k, pointer)
            return None
        return -1 if _tag(event) == _MERGE else k

    def _merge(self, j: int, mapping: dict[str, Any], pointer: str) -> None:
        """Adds to ``mapping`` the keys it lacks from the mapping, or the list of mappings,
        written at event ``j``."""
        events = self.events
        i = self._node(j)
        sources = [i]
        if type(events[i]) is yaml.SequenceStartEvent:
            sources, s = [], i + 1
            while s < self.ends[i]:
                sources.append(s)
                s = self.ends.get(s, s) + 1
        for source in sources:
            if type(events[self._node(source)]) is not yaml.MappingStartEvent:
                self._problem("key", "a merge key ('<<') needs a mapping or list of mappings",
                              self._node(source), pointer)
                continue
            merged = self.build(source, f"{pointer}/<<", None)
            for name, value in (merged or {}).items():
                mapping.setdefault(name, value)

    def _node(self, i: int) -> int:
        """The event where the node written at event ``i`` starts (an alias: its anchor's)."""
        return self.targets.get(i, i)

    def _scalar_event(self, event: Any, pointer: str, key: Any, i: int) -> Any:
        """The value of the scalar at event ``i``, its span recorded."""
        offset = self.offset
        value = event.value
        tag = event.tag
        if tag is None or tag == "!":
            tag = _scalar_tag(value, event.implicit)
        self.spans[pointer] = Span(
            event.start_mark.index + offset, event.end_mark.index + offset,
            None if key is None else key.start_mark.index + offset,
            None if key is None else key.end_mark.index + offset,
            event.style or None,  # libyaml reports the plain style as ''
            tag, value, i)
        if tag != _STR:
            value = self._scalar(tag, value, i, pointer)
        self.values[pointer] = value
        return value

    def _scalar(self, tag: str, value: str, i: int, pointer: str) -> Any:
        if tag == _INT and len(value) < 19 and _plain_decimal(value):
            return int(value)
        if tag in _CONSTRUCT:
            try:
                return _CONSTRUCT[tag](_SCALAR_CONSTRUCTOR, yaml.ScalarNode(tag, value))
            except (ValueError, KeyError, IndexError, yaml.YAMLError):
                # A value its tag cannot take ("!!bool x", "!!int" empty): PyYAML refuses it.
                self._problem("tag", f"the tag '{_short_tag(tag)}' asks for "
                              f"{_TAG_TYPES[tag]}, but {_shown(value)} is not one; PyYAML "
                              "refuses this value (remove the tag, or correct the value)",
                              i, pointer)
                return value
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag not in _KNOWN_SCALAR_TAGS:
            self._tag_problem(tag, i, pointer)
        return value

    def _tag_problem(self, tag: str, i: int, pointer: str) -> None:
        self._problem(
            "tag",
            f"the tag '{tag}' asks for a special type; fmlint reads front matter as plain "
            "data and ignores it (remove the tag)",
            i,
            pointer,
        )

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

def parse(yaml_text: str, offset: int = 0) -> Document:
    """Parse the YAML between the delimiters; ``offset`` is where it starts in the file."""
    if len(yaml_text) > MAX_BYTES:
        return Document(
            None,
            problems=[
                YamlProblem(
                    "limits",
                    f"the front matter is {len(yaml_text) / 1048576:.1f} MB; fmlint reads "
                    f"front matter of at most {MAX_BYTES // 1048576} MB",
                    offset,
                    offset,
                )
            ],
        )
    try:
        broken = None
        if _depth_bound(yaml_text) > MAX_DEPTH or _node_bound(yaml_text) > MAX_NODES:
            broken = _over_limits(yaml_text)
        if broken is None:
            try:
                return _build(yaml_text, offset)
            except _TooDeep:
                broken = "depth"
        return _over(broken, offset)
    except yaml.MarkedYAMLError as err:
        if (err.problem or "").startswith(_PARSER_DEPTH):  # libyaml's own nesting limit
            return _over("depth", offset)
        mark = err.problem_mark or err.context_mark
        index = offset + (mark.index if mark is not None else 0)
        index = min(index, offset + len(yaml_text))
        return Document(None, problems=[YamlProblem("syntax", _plain_problem(err), index, index)])
    except yaml.YAMLError as err:  # e.g. ReaderError: a character YAML cannot hold
        position = getattr(err, "position", 0) or 0
        character = getattr(err, "character", None)
        if isinstance(character, int) and not (
            position < len(yaml_text) and ord(yaml_text[position]) == character
        ):  # libyaml counts this position in UTF-8 bytes, not characters
            position = len(yaml_text.encode("utf-8")[:position].decode("utf-8", "ignore"))
        detail = (
            f"the character {character!r} is not allowed in YAML"
            if character is not None
            else str(err)
        )
        index = offset + min(position, len(yaml_text))
        return Document(None, problems=[YamlProblem("syntax", f"YAML error: {detail}", index,
                                                    index)])


def _over(broken: str, offset: int) -> Document:
    """The document of front matter that breaks a limit ("depth" or "nodes")."""
    message = (
        f"the front matter nests lists or mappings more than {MAX_DEPTH} deep"
        if broken == "depth"
        else f"the front matter holds more than {MAX_NODES:,} values"
    )
    return Document(None, problems=[
        YamlProblem("limits", f"{message}; fmlint stopped reading it", offset, offset)])


def _build(yaml_text: str, offset: int) -> Document:
    """The document from the parser's events."""
    tape = _read(yaml_text)
    if tape is None:
        record: dict[str, Any] = {}
        return Document(record, {"": Span(offset, offset, style="map", tag=_MAP)}, [],
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


@dataclass(slots=True)
class _Tape:
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


def _tag(event: Any) -> str:
    """The tag of the node that starts at ``event``: its own, or the one it resolves to."""
    tag = event.tag
    if tag is not None and tag != "!":
        return tag  # type: ignore[no-any-return]
    if type(event) is yaml.ScalarEvent:
        return _scalar_tag(event.value, event.implicit)
    return _SEQ if type(event) is yaml.SequenceStartEvent else _MAP
