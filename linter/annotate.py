"""What the schema says about each value of a record: its format, media type and role.

Lint rules find their targets here (``format: uri``, ``contentMediaType: text/plain``,
``x-fmlint-role: image``...) instead of by key name, so one rule serves any site's schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import pointer

ROLE_KEYWORD = "x-fmlint-role"
_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


@dataclass(slots=True)
class Annotations:
    """Per JSON Pointer: the format, media type, roles and expected types the schema gives."""

    formats: dict[str, str] = field(default_factory=dict)
    media: dict[str, str] = field(default_factory=dict)
    roles: dict[str, list[str]] = field(default_factory=dict)
    role_of: dict[str, str] = field(default_factory=dict)
    types: dict[str, frozenset[str]] = field(default_factory=dict)
    required: dict[str, frozenset[str]] = field(default_factory=dict)  # keys a mapping needs
    values: dict[str, Any] = field(default_factory=dict)  # every value, by pointer

    def with_role(self, role: str) -> list[str]:
        return self.roles.get(role, [])

    memo: dict[tuple[str, ...], list[str]] = field(default_factory=dict)  # answers so far

    def with_format(self, *names: str) -> list[str]:
        key = ("format", *names)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = [p for p, f in self.formats.items() if f in names]
        return found

    def with_media(self, media_type: str) -> list[str]:
        key = ("media", media_type)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = [p for p, m in self.media.items() if m == media_type]
        return found


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), "object")


def _type_fits(schema: dict, kind: str) -> bool:
    expected = schema.get("type")
    if expected is None:
        return True
    options = expected if isinstance(expected, list) else [expected]
    return kind in options or (kind == "integer" and "number" in options)


class Walker:
    """Walks records alongside one schema document; memoises the schema side per shape."""

    def __init__(self, document: dict) -> None:
        self.root = document
        self._expanded: dict[tuple[int, str], tuple[dict, ...]] = {}
        self._children: dict[tuple[int, str, str], tuple[dict, ...]] = {}
        self._summaries: dict[tuple[int, str], _Summary] = {}

    def _resolve(self, ref: str) -> dict | None:
        if not ref.startswith("#"):
            return None
        node = pointer.resolve(self.root, ref[1:])
        return node if isinstance(node, dict) else None

    def expand(self, schema: dict, kind: str) -> tuple[dict, ...]:
        """The schema plus every subschema that applies to a value of this JSON type."""
        key = (id(schema), kind)
        if key in self._expanded:
            return self._expanded[key]
        out: list[dict] = []
        stack: list[tuple[dict, bool]] = [(schema, False)]
        seen: set[int] = set()
        while stack:
            current, branch = stack.pop()
            if id(current) in seen or not isinstance(current, dict):
                continue
            seen.add(id(current))
            if branch and not _type_fits(current, kind):
                continue
            out.append(current)
            if "$ref" in current:
                target = self._resolve(current["$ref"])
                if target is not None:
                    stack.append((target, branch))
            stack.extend((s, branch) for s in current.get("allOf", []) if isinstance(s, dict))
            for keyword in ("anyOf", "oneOf"):
                stack.extend((s, True) for s in current.get(keyword, []) if isinstance(s, dict))
            for keyword in ("then", "else"):
                if isinstance(current.get(keyword), dict):
                    stack.append((current[keyword], True))
        result = tuple(out)
        self._expanded[key] = result
        return result

    def _child(self, schemas: tuple[dict, ...], key: str, kind: str, index: bool) -> tuple:
        memo = (id(schemas), key if not index else "#" + key, kind)
        found = self._children.get(memo)
        if found is not None:
            return found
        children: list[dict] = []
        for schema in schemas:
            if index:
                position = int(key)
                prefix = schema.get("prefixItems", [])
                if position < len(prefix):
                    children.append(prefix[position])
                elif isinstance(schema.get("items"), dict):
                    children.append(schema["items"])
            else:
                props = schema.get("properties", {})
                if key in props:
                    children.append(props[key])
                    continue
                matched = False
                for pattern, sub in schema.get("patternProperties", {}).items():
                    if re.search(pattern, key):
                        children.append(sub)
                        matched = True
                if not matched and isinstance(schema.get("additionalProperties"), dict):
                    children.append(schema["additionalProperties"])
        expanded: list[dict] = []
        for child in children:
            if isinstance(child, dict):
                expanded.extend(self.expand(child, kind))
        result = tuple(expanded)
        self._children[memo] = result
        return result

    def annotate(self, record: Any) -> Annotations:
        notes = Annotations()
        values = notes.values
        root = self.expand(self.root, _json_type(record))
        stack: list[tuple[Any, str, tuple[dict, ...]]] = [(record, "", root)]
        while stack:
            value, where, schemas = stack.pop()
            values[where] = value
            kind = _json_type(value)
            summary = self._summaries.get((id(schemas), kind))
            if summary is None:
                summary = self._summaries[(id(schemas), kind)] = _summarise(schemas, kind)
            types, required, fmt, media, role = summary
            if types:
                notes.types[where] = types
            if required:
                notes.required[where] = required
            if fmt is not None:
                notes.formats[where] = fmt
            if media is not None:
                notes.media[where] = media
            if role is not None:
                notes.role_of[where] = role
                notes.roles.setdefault(role, []).append(where)
            if kind == "object":
                for key, child in value.items():
                    kids = self._child(schemas, key, _json_type(child), index=False)
                    stack.append((child, f"{where}/{pointer.escape(key)}", kids))
            elif kind == "array":
                for i, child in enumerate(value):
                    kids = self._child(schemas, str(i), _json_type(child), index=True)
                    stack.append((child, f"{where}/{i}", kids))
        return notes


_Summary = tuple[frozenset[str], frozenset[str], str | None, str | None, str | None]


def _summarise(schemas: tuple[dict, ...], kind: str) -> _Summary:
    """What a set of subschemas says about a value of one JSON type (memoised per shape)."""
    types: set[str] = set()
    required: set[str] = set()
    fmt = media = role = None
    for schema in schemas:
        expected = schema.get("type")
        if expected is not None:
            types.update(expected if isinstance(expected, list) else [expected])
        if kind == "object" and isinstance(schema.get("required"), list):
            required.update(k for k in schema["required"] if isinstance(k, str))
        if kind == "string":
            fmt = schema.get("format", fmt)
            media = schema.get("contentMediaType", media)
        found = schema.get(ROLE_KEYWORD)
        if isinstance(found, str) and role is None:
            role = found
    return frozenset(types), frozenset(required), fmt, media, role
