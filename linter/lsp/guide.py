"""The schema as a guide to one buffer: its front matter, the schema the check applies to it,
the subschemas at any place of the record, and what they say, in words.

Shared by hover, completion and go to definition. Pure: text (and the configuration) in,
answers out; reading the schema files is ``schemas``' business, as for a check.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, NamedTuple

from ..engine import schemachoice
from ..engine.config import Config
from ..reading import pointer, recordfile, source, yamldoc
from ..schema import validation as schemas
from ..schema.annotate import Walker
from ..schema.shipped import SchemaSource

_KINDS = ("object", "array", "string", "number", "integer", "boolean", "null")
_UNKNOWN = object()  # a place whose value is not known yet (being typed): every branch fits


class Place(NamedTuple):
    """The key or value of the record at a character offset of the buffer."""

    pointer: str
    on_key: bool
    start: int
    end: int


class Guide(NamedTuple):
    """One buffer's front matter read as the check reads it, with its schema's walker."""

    text: str
    doc: yamldoc.Document
    walker: Walker
    source: str  # where the schema was read from (its name or file)

    @property
    def record(self) -> Any:
        return self.doc.record

    def place_at(self, offset: int) -> Place | None:
        """The key under ``offset``, else the innermost value written around it."""
        best: Place | None = None
        for where, span in self.doc.spans.items():
            if span.key_start is not None and span.key_end is not None and (
                    span.key_start <= offset <= span.key_end):
                return Place(where, True, span.key_start, span.key_end)
            if where and span.start <= offset <= span.end and (
                    best is None or span.end - span.start < best.end - best.start):
                best = Place(where, False, span.start, span.end)
        return best

    def subschemas(self, where: str, value: Any = _UNKNOWN) -> tuple[dict, ...]:
        """Every subschema that applies at ``where`` (``value``: the value taken to be
        there; by default the record's own, and every branch where it has none)."""
        return subschemas(self.walker, self.record, where, value)


def load(text: str, path: str | None, config: Config, site_root: str | None,
         store: SchemaSource | None = None) -> Guide | None:
    """The guide to a buffer's text (without BOM), or None: no readable front matter, or a
    schema that cannot be read (the check says why). ``store``: where schemas come from."""
    try:
        doc = recordfile.read(text, path).doc  # (as the check reads it: YAML, TOML, JSON)
    except source.SplitError:
        return None
    if not isinstance(doc.record, dict):
        return None
    try:  # (the check's own choice of schema, and its walker over it)
        schema = schemachoice.schema_of(dict(doc.record), path, config, site_root, store)[0]
    except schemas.SchemaError:
        return None
    return Guide(text, doc, schemachoice.walker(schema), schema.source)


def subschemas(walker: Walker, record: Any, where: str, value: Any = _UNKNOWN
               ) -> tuple[dict, ...]:
    """The subschemas that apply at the place ``where`` of ``record``: the walker's
    expansion (``$ref``, ``allOf``, the branches of ``anyOf``/``oneOf``/``if``) along the
    path, each step by the child's JSON type."""
    tokens = pointer.tokens(where)
    node: Any = record
    found = _expand(walker, walker.root, value if not tokens and value is not _UNKNOWN else node)
    for depth, token in enumerate(tokens):
        index = isinstance(node, list)
        node = pointer.resolve(node, "/" + pointer.escape(token), _UNKNOWN)
        here = node if depth < len(tokens) - 1 or value is _UNKNOWN else value
        children = [c for s in found for c in _children(s, token, index)]
        found = _unique(s for child in children for s in _expand(walker, child, here))
    return found


def _children(schema: dict, token: str, index: bool) -> list[dict]:
    """The subschemas one schema gives a child (an item of an array, a key of a mapping)."""
    if index:
        prefix = schema.get("prefixItems", [])
        if token.isdigit() and int(token) < len(prefix) and isinstance(prefix, list):
            return [prefix[int(token)]]
        items = schema.get("items")
        return [items] if isinstance(items, dict) else []
    properties = schema.get("properties", {})
    if isinstance(properties, dict) and isinstance(properties.get(token), dict):
        return [properties[token]]
    from ..schema.formats import pattern_search

    patterns = schema.get("patternProperties", {})
    matched = [sub for pattern, sub in (patterns.items() if isinstance(patterns, dict) else ())
               if isinstance(sub, dict) and pattern_search(pattern, token)]
    extra = schema.get("additionalProperties")
    return matched or ([extra] if isinstance(extra, dict) else [])


def _expand(walker: Walker, schema: dict, value: Any) -> tuple[dict, ...]:
    if value is _UNKNOWN or value is None:
        return _unique(s for kind in _KINDS for s in walker.expand(schema, kind))
    return walker.expand(schema, _json_type(value))


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _unique(found: Iterator[dict] | Any) -> tuple[dict, ...]:
    return tuple({id(s): s for s in found}.values())


# -- what the subschemas say ---------------------------------------------------------------------

def first(found: tuple[dict, ...], keyword: str) -> Any:
    """The first subschema's value of ``keyword`` (the place's own before its ``$ref``'s)."""
    return next((s[keyword] for s in found if keyword in s), None)


def types_of(found: tuple[dict, ...]) -> list[str]:
    out: list[str] = []
    for schema in found:
        kind = schema.get("type")
        for name in kind if isinstance(kind, list) else [kind]:
            if isinstance(name, str) and name not in out:
                out.append(name)
    return out


def allowed_values(found: tuple[dict, ...]) -> list[Any]:
    """The values an ``enum`` or ``const`` allows, in the schema's order."""
    out: list[Any] = []
    for schema in found:
        enum = schema.get("enum")
        values: list[Any] = enum if isinstance(enum, list) else []
        values = [*values, schema["const"]] if "const" in schema else values
        out.extend(v for v in values if v not in out)
    return out


def shown(value: Any) -> str:
    """A value as it would be written in YAML, short."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def summary_line(found: tuple[dict, ...]) -> str:
    """The type, format and allowed values in one line: ``string``, format `uri`..."""
    parts = []
    kinds = types_of(found)
    if kinds:
        parts.append(" or ".join(f"`{k}`" for k in kinds))
    fmt = first(found, "format")
    if isinstance(fmt, str):
        parts.append(f"format `{fmt}`")
    values = allowed_values(found)
    if values:
        parts.append("one of " + ", ".join(f"`{shown(v)}`" for v in values[:20])
                     + (", ..." if len(values) > 20 else ""))
    return " · ".join(parts)


def describe(found: tuple[dict, ...], name: str | None = None) -> str:
    """Markdown: ``name`` and the title, the summary line, the description."""
    title, description = first(found, "title"), first(found, "description")
    head = [f"`{name}`"] if name is not None else []
    head += [f"**{title}**"] if isinstance(title, str) else []
    lines = [" — ".join(head)] if head else []
    summary = summary_line(found)
    if summary:
        lines.append(summary)
    if isinstance(description, str):
        lines.append(description)
    return "\n\n".join(lines)
