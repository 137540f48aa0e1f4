"""What the schema says about each value of a record: its format, media type and role.

Lint rules find their targets here (``format: uri``, ``contentMediaType: text/plain``,
``x-fmlint-role: image``...) instead of by key name, so one rule serves any site's schema.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, NamedTuple
from urllib.parse import unquote, urldefrag, urljoin

from ..reading import pointer
from .formats import pattern_search
from .validation import declares_id, subschemas

ROLE_KEYWORD = "x-fmlint-role"
REF_KEYWORD = "x-fmlint-ref"  # {"files": glob, "by": "slug" | "filename" | "name", "key"}
UNIQUE_KEYWORD = "x-fmlint-unique"  # true: no two records share the value
_DATE_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}-")  # a Jekyll post's date, in its file name
_MAX_KIDS = 512  # child shapes remembered per place
_MAX_RECORD_SHAPES = 1024  # whole-record shapes remembered per schema
_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
    datetime: "string",  # (date-times and dates from a TOML reader: written as text)
    date: "string",
}


class Reference(NamedTuple):
    """What an ``x-fmlint-ref`` says: the records a value must name (``files``, a glob from
    the site's root, or from the record's own folder when it starts with ``./``) and what
    names them (``by``): ``slug`` (the file name without extension or date prefix),
    ``filename`` (the file name, with or without extension) or ``name`` (the file name
    without extension, or the value of ``key`` in the file)."""

    files: str
    by: str = "slug"
    key: str = "name"

    @classmethod
    def read(cls, keyword: Any) -> Reference | None:
        """The reference an ``x-fmlint-ref`` value describes (None: not one)."""
        if not isinstance(keyword, dict):
            return None
        files, by, key = (keyword.get("files"), keyword.get("by", "slug"),
                          keyword.get("key", "name"))
        if not (isinstance(files, str) and files and not files.startswith(("/", "\\"))
                and ".." not in files.replace("\\", "/").split("/")
                and by in ("slug", "filename", "name") and isinstance(key, str) and key):
            return None
        return cls(files, by, key)

    def file_names(self, path: str) -> tuple[str, ...]:
        """The names the file at ``path`` goes by, from its name alone."""
        name = path.replace("\\", "/").rsplit("/", 1)[-1]
        stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
        if self.by == "slug":
            return (_DATE_PREFIX.sub("", stem, count=1),)
        return (name, stem) if self.by == "filename" else (stem,)


class Annotations:
    """Per JSON Pointer: the format, media type, roles and expected types the schema gives.

    Records of one shape share what is said of each place (every field but ``values`` and
    ``memo``): read it, never change it.
    """

    __slots__ = ("annotated", "child_roles", "formats", "media", "memo", "refs", "required",
                 "role_of", "roles", "types", "unique", "values")

    def __init__(self, formats: dict[str, str] | None = None,
                 media: dict[str, str] | None = None,
                 roles: dict[str, list[str]] | None = None,
                 role_of: dict[str, str] | None = None,
                 types: dict[str, frozenset[str]] | None = None,
                 required: dict[str, frozenset[str]] | None = None,
                 values: dict[str, Any] | None = None,
                 child_roles: dict[str, dict[str, str]] | None = None,
                 refs: dict[str, Reference] | None = None,
                 unique: list[str] | None = None,
                 annotated: frozenset[str] = frozenset(),
                 memo: dict[tuple[str, ...], Any] | None = None) -> None:
        self.formats = {} if formats is None else formats
        self.media = {} if media is None else media
        self.roles = {} if roles is None else roles
        self.role_of = {} if role_of is None else role_of
        self.types = {} if types is None else types
        self.required = {} if required is None else required  # keys a mapping needs
        self.values = {} if values is None else values  # every value, by pointer
        # Mapping pointer -> role -> its first child with that role.
        self.child_roles = {} if child_roles is None else child_roles
        self.refs = {} if refs is None else refs  # values that name records
        self.unique = [] if unique is None else unique  # values no two records may share
        # The places given a format, media type or role (``valuenotes`` targets the others).
        self.annotated = annotated
        self.memo = {} if memo is None else memo  # the record's answers so far

    def with_values(self, values: dict[str, Any]) -> Annotations:
        """These notes for another record of the same shape: what is said of each place is
        shared; its values are its own, and its memo starts empty."""
        return Annotations(formats=self.formats, media=self.media, roles=self.roles,
                           role_of=self.role_of, types=self.types, required=self.required,
                           values=values, child_roles=self.child_roles, refs=self.refs,
                           unique=self.unique, annotated=self.annotated)

    def with_role(self, role: str) -> list[str]:
        return self.roles.get(role, [])

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


def _type_fits(schema: dict[str, Any], kind: str) -> bool:
    expected = schema.get("type")
    if expected is None:
        return True
    options = expected if isinstance(expected, list) else [expected]
    return kind in options or (kind == "integer" and "number" in options)


class Walker:
    """Walks records alongside one schema document; memoises the schema side per shape."""

    def __init__(self, document: dict[str, Any], resources: dict[str, Any] | None = None,
                 base: str | None = None) -> None:
        """``resources``: the other documents the schema's ``$ref``s reach, by URI (read
        from ``base``, its own URI)."""
        self.root = document
        self._base = base or ""
        self._documents: dict[str, Any] = {**(resources or {}), self._base: document}
        # The base URI in effect at each subschema, where $refs lead to other documents.
        self._bases = _bases(self._documents) if resources else {}
        self._expanded: dict[tuple[int, str], tuple[dict[str, Any], ...]] = {}
        self._shapes: dict[tuple[tuple[int, ...], str], _Shape] = {}
        self._records: dict[tuple[tuple[str, ...], tuple[type, ...]], Annotations] = {}

    def _resolve(self, ref: str, at: dict[str, Any]) -> dict[str, Any] | None:
        """The subschema the ``$ref`` of the subschema ``at`` leads to (None: elsewhere)."""
        if not self._bases:
            node = pointer.resolve(self.root, ref[1:]) if ref.startswith("#") else None
        else:
            target, place = urldefrag(urljoin(self._bases.get(id(at), self._base), ref))
            document = self._documents.get(target)
            node = pointer.resolve(document, unquote(place)) if (
                document is not None and place[:1] in ("", "/")) else None
        return node if isinstance(node, dict) else None

    def expand(self, schema: dict[str, Any], kind: str) -> tuple[dict[str, Any], ...]:
        """The schema plus every subschema that applies to a value of this JSON type."""
        key = (id(schema), kind)
        if key in self._expanded:
            return self._expanded[key]
        out: list[dict[str, Any]] = []
        stack: list[tuple[dict[str, Any], bool]] = [(schema, False)]
        seen: set[int] = set()
        while stack:
            current, branch = stack.pop()
            if id(current) in seen or not isinstance(current, dict):
                continue
            seen.add(id(current))
            if branch and not _type_fits(current, kind):
                continue
            out.append(current)
            if isinstance(current.get("$ref"), str):
                target = self._resolve(current["$ref"], current)
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

    def _child(self, schemas: tuple[dict[str, Any], ...], key: str, kind: str,
               index: bool) -> tuple[dict[str, Any], ...]:
        children: list[dict[str, Any]] = []
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
                    if pattern_search(pattern, key):
                        children.append(sub)
                        matched = True
                if not matched and isinstance(schema.get("additionalProperties"), dict):
                    children.append(schema["additionalProperties"])
        expanded: list[dict[str, Any]] = []
        for child in children:
            if isinstance(child, dict):
                expanded.extend(self.expand(child, kind))
        return tuple(expanded)

    def _shape(self, schemas: tuple[dict[str, Any], ...], kind: str) -> _Shape:
        key = (tuple(map(id, schemas)), kind)  # the subschemas live as long as the schema
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shapes[key] = _Shape(schemas, kind, _summarise(schemas, kind))
        return shape

    def _kid(self, shape: _Shape, key: str | int, child: Any) -> _Shape:
        """The shape of a child value (memoised on the parent's shape)."""
        kind = _JSON_TYPES.get(type(child), "object")
        memo = (key, kind)
        found = shape.kids.get(memo)
        if found is None:
            index = isinstance(key, int)
            schemas = self._child(shape.schemas, str(key), kind, index=index)
            found = self._shape(schemas, kind)
            if len(shape.kids) < _MAX_KIDS:  # records with free-form keys: memory stays flat
                shape.kids[memo] = found
        return found

    def annotate(self, record: Any, values: dict[str, Any] | None = None) -> Annotations:
        """What the schema says of each value of ``record``.

        With ``values`` (every value of the record by pointer, in document order), records
        of one shape (the same places holding the same types, as the records of one site
        mostly are) share what the schema says of their places: it is worked out once. This
        buys about 7% of a cold run over the benchmark's 10,000 records (one job).
        """
        if values is None:
            return self._walk(record)
        shape = (tuple(values), tuple(map(type, values.values())))
        known = self._records.get(shape)
        if known is None:
            notes = self._walk(record)
            if len(self._records) < _MAX_RECORD_SHAPES:  # (memory stays bounded)
                self._records[shape] = notes.with_values({})
            return notes
        return known.with_values(values)

    def _walk(self, record: Any) -> Annotations:
        notes = Annotations()
        values = notes.values
        kind = _json_type(record)
        root = self._shape(self.expand(self.root, kind), kind)
        stack: list[tuple[Any, str, _Shape, str | None]] = [(record, "", root, None)]
        while stack:
            value, where, shape, parent = stack.pop()
            values[where] = value
            kind = shape.kind
            types, required, fmt, media, role, ref, unique = shape.summary
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
                if parent is not None:  # later siblings are taken first: the first one wins
                    notes.child_roles.setdefault(parent, {})[role] = where
            if ref is not None:
                notes.refs[where] = ref
            if unique:
                notes.unique.append(where)
            if kind == "object":
                for key, child in value.items():
                    stack.append((child, f"{where}/{pointer.escape(key)}",
                                  self._kid(shape, key, child), where))
            elif kind == "array":
                for i, child in enumerate(value):
                    stack.append((child, f"{where}/{i}", self._kid(shape, i, child), None))
        notes.annotated = frozenset(notes.formats.keys() | notes.media.keys()
                                    | notes.role_of.keys())
        return notes


def _bases(documents: dict[str, Any]) -> dict[int, str]:
    """The base URI in effect at each subschema of ``documents`` (by URI), which gain the
    resources they hold (``$id``)."""
    out: dict[int, str] = {}
    for uri, document in list(documents.items()):
        for node, here in subschemas(document, uri):
            if declares_id(node):
                documents.setdefault(here, node)
            out.setdefault(id(node), here)
    return out


_Summary = tuple[frozenset[str], frozenset[str], str | None, str | None, str | None,
                 Reference | None, bool]


class _Shape:
    """The subschemas that apply at one place of a record to a value of one JSON type,
    what they say, and the shapes of its children (filled in as records show them)."""

    __slots__ = ("kids", "kind", "schemas", "summary")

    def __init__(self, schemas: tuple[dict[str, Any], ...], kind: str, summary: _Summary) -> None:
        self.schemas = schemas
        self.kind = kind
        self.summary = summary
        self.kids: dict[tuple[str | int, str], _Shape] = {}


def _summarise(schemas: tuple[dict[str, Any], ...], kind: str) -> _Summary:
    """What a set of subschemas says about a value of one JSON type (memoised per shape)."""
    types: set[str] = set()
    required: set[str] = set()
    fmt = media = role = ref = None
    unique = False
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
        ref = ref or Reference.read(schema.get(REF_KEYWORD))
        unique = unique or schema.get(UNIQUE_KEYWORD) is True
    return frozenset(types), frozenset(required), fmt, media, role, ref, unique
