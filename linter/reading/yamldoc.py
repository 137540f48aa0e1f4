"""Parse front matter YAML into a plain record that remembers where every key and value sits.

PyYAML parses (libyaml's C parser when installed); the record is built here from the
parser's events, or from PyYAML's node tree when the text has anchors, aliases or merge keys,
so that timestamps stay strings, duplicate keys are seen, unknown tags construct nothing, and
hostile input (alias bombs, deep nesting, huge documents) is refused within fixed bounds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml

from . import pointer as json_pointer

if yaml.__with_libyaml__:
    LOADER: type = yaml.CSafeLoader
    """The safe loader, libyaml's when installed."""
    _EVENTS: type = yaml.cyaml.CParser  # (the events alone: no constructor to set up)
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


class _Loader(LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, with the tag resolution of plain scalars done in one lookup."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _scalar_tag(value, implicit)
        if self.yaml_path_resolvers:  # pragma: no cover - none are registered
            return super().resolve(kind, value, implicit)
        return _SEQ if kind is yaml.SequenceNode else _MAP

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
_STRUCTURE_PREFIX = re.compile(_LINE_START + r"[ \t\-?:]*")
_SHALLOW = 60  # block prefixes shorter than this need no closer look
_LONG_PREFIX = re.compile(rf"[\n\r\x85\u2028\u2029][ \t\-?:]{{{_SHALLOW}}}")
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


class _Place(Protocol):
    """A node or a parser event: where it starts and ends in the text."""

    start_mark: Any
    end_mark: Any


class _NeedsComposer(Exception):
    """The text uses what only PyYAML's composer handles (anchors, aliases, merge keys)."""


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
    node_id: int = 0
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
    for event in yaml.parse(text, Loader=_Loader):
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
    def __init__(self, offset: int, aliases: bool = True) -> None:
        self.offset = offset
        self.aliases = aliases  # whether nodes may be shared (the text has an alias)
        self.spans: dict[str, Span] = {}
        self.values: dict[str, Any] = {}  # (events only)
        self.problems: list[YamlProblem] = []
        self.reported: set[tuple[int, str]] = set()  # (start, message) of each problem
        self.visits = 0
        self.seen: dict[int, int] = {}
        self.path_ids: set[int] = set()  # the collections around the value being built
        self.depth = 0  # how many collections are around it (events)
        self.stopped = False

    def build(self, node: yaml.Node, pointer: str, key: yaml.Node | None) -> Any:
        self.visits += 1
        node_id = id(node)
        offset = self.offset
        tag = node.tag
        span = Span(node.start_mark.index + offset, node.end_mark.index + offset,
                    None if key is None else key.start_mark.index + offset,
                    None if key is None else key.end_mark.index + offset, None, tag, None,
                    node_id)
        # Recorded even past the limit, so that findings on later keys keep their place.
        self.spans[pointer] = span
        if self.visits > MAX_NODES:
            if not self.stopped:
                self.stopped = True
                self._problem(
                    "limits",
                    f"the front matter expands to more than {MAX_NODES:,} values "
                    "(aliases that repeat aliases, as in a 'billion laughs' document); "
                    "fmlint stopped reading it",
                    node,
                    pointer,
                )
            return None
        if self.aliases:
            self.seen[node_id] = self.seen.get(node_id, 0) + 1
        if type(node) is yaml.ScalarNode:
            span.style = node.style or None  # libyaml reports the plain style as ''
            value = span.raw = node.value
            return value if tag == _STR else self._scalar(tag, value, node, pointer)
        if node_id in self.path_ids:
            self._problem("limits", "an alias refers to the collection that contains it", node,
                          pointer)
            return None
        self.path_ids.add(node_id)
        if len(self.path_ids) > MAX_DEPTH:  # (aliases can nest deeper than the text does)
            raise _TooDeep
        try:
            if node.tag not in _KNOWN_COLLECTION_TAGS:
                self._tag_problem(node.tag, node, pointer)
            if isinstance(node, yaml.SequenceNode):
                span.style = "seq"
                return [
                    self.build(item, f"{pointer}/{i}", None) for i, item in enumerate(node.value)
                ]
            span.style = "map"
            return self._mapping(node, pointer)
        finally:
            self.path_ids.discard(node_id)

    def _mapping(self, node: yaml.MappingNode, pointer: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        key_lines: dict[str, _Place] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem("key", "a key must be a plain word or string, not a list or mapping",
                              key_node, pointer)
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                merges.append(value_node)
                continue
            name = key_node.value
            child = f"{pointer}/{json_pointer.escape(name)}"
            if name in key_lines:
                self._duplicate(name, child, key_node, key_lines[name])
            key_lines[name] = key_node
            result[name] = self.build(value_node, child, key_node)
        for merge in merges:
            sources = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    self._problem("key", "a merge key ('<<') needs a mapping or list of mappings",
                                  source, pointer)
                    continue
                merged = self.build(source, f"{pointer}/<<", None)
                for name, value in (merged or {}).items():
                    result.setdefault(name, value)
        return result

    def _scalar(self, tag: str, value: str, place: _Place, pointer: str) -> Any:
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
                              place, pointer)
                return value
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag not in _KNOWN_SCALAR_TAGS:
            self._tag_problem(tag, place, pointer)
        return value

    def _tag_problem(self, tag: str, place: _Place, pointer: str) -> None:
        self._problem(
            "tag",
            f"the tag '{tag}' asks for a special type; fmlint reads front matter as plain "
            "data and ignores it (remove the tag)",
            place,
            pointer,
        )

    def _duplicate(self, name: str, child: str, place: _Place, first: _Place) -> None:
        line = first.start_mark.line + 2  # the file's line 1 is '---'
        self._problem(
            "duplicate-key",
            f"duplicate key '{name}': the key already appears on line {line}; "
            "PyYAML keeps this later value, other tools keep the first",
            place,
            child,
        )

    def _problem(self, kind: str, message: str, place: _Place, pointer: str | None) -> None:
        start, end = place.start_mark.index + self.offset, place.end_mark.index + self.offset
        if self.aliases:
            if (start, message) in self.reported:
                return  # (a node read again through an alias: reported once, where it is)
            self.reported.add((start, message))
        self.problems.append(YamlProblem(kind, message, start, end, pointer))

    def build_events(self, event: Any, get: Callable[[], Any], pointer: str,
                     key: Any) -> Any:
        """The value that starts with the parser's ``event``, read from the events that
        follow (``get``): no node tree is made. Raises ``_NeedsComposer`` at an anchor, an
        alias, a merge key or a key that is not a scalar (rare: the composer's path)."""
        kind = type(event)
        if event.anchor is not None or kind is yaml.AliasEvent:
            raise _NeedsComposer
        if kind is yaml.ScalarEvent:
            return self._scalar_event(event, pointer, key)
        offset = self.offset
        tag = event.tag
        sequence = kind is yaml.SequenceStartEvent
        if tag is None or tag == "!":
            tag = _SEQ if sequence else _MAP
        span = self.spans[pointer] = Span(
            event.start_mark.index + offset, event.end_mark.index + offset,
            None if key is None else key.start_mark.index + offset,
            None if key is None else key.end_mark.index + offset,
            "seq" if sequence else "map", tag)
        self.depth += 1
        if self.depth > MAX_DEPTH:  # (the depth bound before parsing is not exact)
            raise _TooDeep
        tag_problem = None
        if tag not in _KNOWN_COLLECTION_TAGS:
            tag_problem = len(self.problems)  # (its end is the collection's: set below)
            self._tag_problem(tag, event, pointer)
        items: list[Any] = []
        mapping: dict[str, Any] = {}
        self.values[pointer] = items if sequence else mapping
        key_lines: dict[str, _Place] = {}
        end = yaml.SequenceEndEvent if sequence else yaml.MappingEndEvent
        scalar, escape = yaml.ScalarEvent, json_pointer.escape
        while type(event := get()) is not end:
            if sequence:
                child, key_event = f"{pointer}/{len(items)}", None
            else:
                if type(event) is not scalar or event.anchor is not None or (
                        event.tag is not None and event.tag != "!") or event.value == "<<":
                    raise _NeedsComposer  # (a merge key, or a key that may be one)
                key_event = event
                name = event.value
                # (``escape``'s own test, made here: this runs for every key of every record)
                child = f"{pointer}/{escape(name) if '/' in name or '~' in name else name}"
                if name in key_lines:
                    self._duplicate(name, child, event, key_lines[name])
                key_lines[name] = event
                event = get()
            if type(event) is scalar and event.anchor is None:
                item = self._scalar_event(event, child, key_event)
            else:
                item = self.build_events(event, get, child, key_event)
            if sequence:
                items.append(item)
            else:
                mapping[name] = item
        span.end = event.end_mark.index + offset
        if tag_problem is not None:
            self.problems[tag_problem].end = span.end
        self.depth -= 1
        return items if sequence else mapping

    def _scalar_event(self, event: Any, pointer: str, key: Any) -> Any:
        """The value of a scalar event (without an anchor), its span recorded."""
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
            tag, value)
        if tag != _STR:
            value = self._scalar(tag, value, event, pointer)
        self.values[pointer] = value
        return value


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
    """The document from the parser's events, or from the node tree where only PyYAML's
    composer will do."""
    try:
        return _from_events(yaml_text, offset)
    except _NeedsComposer:
        return _from_nodes(yaml_text, offset)


def _empty(offset: int) -> Document:
    """The document of front matter with nothing in it: an empty mapping."""
    record: dict[str, Any] = {}
    return Document(record, {"": Span(offset, offset, style="map", tag=_MAP)}, [], {"": record})


def _from_nodes(yaml_text: str, offset: int) -> Document:
    """The document built from PyYAML's node tree (anchors, aliases and merge keys)."""
    root = yaml.compose(yaml_text, Loader=_Loader)
    if root is None:
        return _empty(offset)
    builder = _Builder(offset, aliases="*" in yaml_text)
    record = builder.build(root, "", None)
    shared = {node_id for node_id, count in builder.seen.items() if count > 1}
    if shared:
        for span in builder.spans.values():
            if span.node_id in shared:
                span.aliased = True
    return Document(record, builder.spans, builder.problems)


def _from_events(yaml_text: str, offset: int) -> Document:
    """The document built straight from the parser's events (most front matter): no node
    tree, no alias bookkeeping. Raises ``_NeedsComposer`` for what needs the composer,
    including a second document (the composer reports it)."""
    loader = _EVENTS(yaml_text)
    try:
        get = loader.get_event
        get()  # the stream's start
        event = get()
        if type(event) is yaml.StreamEndEvent:
            return _empty(offset)
        builder = _Builder(offset, aliases=False)
        record = builder.build_events(get(), get, "", None)
        get()  # the document's end
        if type(get()) is not yaml.StreamEndEvent:
            raise _NeedsComposer
        return Document(record, builder.spans, builder.problems,
                        None if builder.problems else builder.values)
    finally:
        loader.dispose()
