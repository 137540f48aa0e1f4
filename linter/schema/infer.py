"""A JSON Schema (2020-12) inferred from a collection's records: records in, schema out.

genson merges the records' types and structure (a key that is a string in some records and
a list in others becomes ``anyOf`` both). Each place then gets what its values show beyond
doubt, so that the records it was inferred from pass it and a misspelt key, a value of the
wrong type or a missing key is caught:

- ``required``: the keys every object at the place has, once there are ``REQUIRED_FROM``
  objects (fewer prove nothing);
- ``format`` (``date-time``, ``date``, ``email``, ``uri``): when every string there has it,
  by the checks fmlint validates formats with;
- ``enum``: a few distinct strings, each used more than once, among many values;
- ``contentMediaType``: ``text/plain`` on prose (most values have spaces, none has HTML
  tags), ``text/html`` where every value has tags;
- ``x-fmlint-role``: where the key's name and its values agree (a ``publishedDateTime`` of
  timestamps, an object with a URL, a width and a height...);
- ``additionalProperties: false``: for objects with a stable key set among many;
- ``x-fmlint-unique``: on a ``slug``, ``permalink`` or ``id`` whose values all differ;
- ``x-fmlint-ref`` (``propose_references``, given the names the site's files go by): where
  every value of a key names a record of one collection or data folder.

Titles and descriptions are left for people to write.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, NamedTuple

from .annotate import Reference
from .formats import CHECKS

if TYPE_CHECKING:
    from ..rules.context import NameLookup

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
REQUIRED_FROM = 5  # objects at a place before a key that all of them have is required
ENUM_FROM = 10  # values at a place before a few distinct ones make an enum
ENUM_MOST = 12  # distinct values of an enum at most
ENUM_USES = 2  # uses of each enum value at least
CLOSED_FROM = 20  # objects at a place before a stable key set closes it
FORMATS = ("date-time", "date", "email", "uri")  # tried in this order
UNIQUE_FROM = 5  # records before distinct identifiers are taken for unique ones
REFERENCE_FROM = 5  # values at a place before a reference is proposed
REF, UNIQUE = "x-fmlint-ref", "x-fmlint-unique"

_HTML = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*|/[A-Za-z][A-Za-z0-9-]*|!--)[\s>/]")
_SPACE = re.compile(r"\s")
_KEYWORD_ORDER = ("$schema", "type", "format", "enum", "contentMediaType", "x-fmlint-role",
                  REF, UNIQUE, "properties", "required", "additionalProperties", "items", "anyOf")
_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean",
               int: "integer", float: "number", type(None): "null"}

# Key names (lower case, without '_' and '-') that say what a value means; a role is given
# only where the values agree (timestamps, URLs).
_PUBLISHED = {"publisheddatetime", "published", "publishedat", "publishdate", "pubdate",
              "datepublished", "date"}
_UPDATED = {"updateddatetime", "updated", "updatedat", "lastmod", "lastmodifiedat",
            "lastmodified", "modified", "datemodified"}
_ORIGINAL_URL = {"originalurl", "canonicalurl", "canonical", "sourceurl"}
_SELF_URL = {"weburl", "selfurl", "permalinkurl"}
_IMAGE_URL = {"url", "src"}
_RELATED = {"related", "relateditems", "relatedposts", "relatedarticles"}
_IDENTIFIERS = {"slug", "permalink", "id", "uid", "uuid", "guid"}


def infer(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The JSON Schema of ``records`` (parsed front matter); deterministic for a given list."""
    from genson import SchemaBuilder

    samples = [_plain(record) for record in records]
    for sample in samples:
        sample.pop("$schema", None)  # (names the schema; not part of the record)
    builder = SchemaBuilder(schema_uri=SCHEMA_URI)
    builder.add_schema({"type": "object"})
    for sample in samples:
        builder.add_object(sample)
    schema = _refine(builder.to_schema(), samples)
    _mark_unique(schema, samples)
    return _ordered(schema)


def _mark_unique(schema: dict[str, Any], samples: list[Any]) -> None:
    """``x-fmlint-unique`` on identifiers (``slug``, ``permalink``, ``id``) whose values,
    in enough records, all differ."""
    for key, node in schema.get("properties", {}).items():
        if _name(key) not in _IDENTIFIERS or node.get("type") != "string":
            continue
        values = [s[key] for s in samples if isinstance(s.get(key), str)]
        if len(values) >= UNIQUE_FROM and len(set(values)) == len(values):
            node[UNIQUE] = True


def propose_references(schema: dict[str, Any], records: Sequence[Mapping[str, Any]],
                       paths: Sequence[str], targets: Sequence[Reference],
                       names: NameLookup) -> None:
    """Mark ``x-fmlint-ref`` on each place of ``schema`` (a key, or a key of an object)
    holding strings or lists of strings where every value names a record of one target:
    the first of ``targets`` (ways of naming a collection) whose names take every value of
    the records (at ``paths``). Naming by the key itself (``lang`` naming records by their
    ``lang``), or a way a record names itself by, is not a reference."""
    for node, values in _string_places(schema, records, paths):
        if len(values) < REFERENCE_FROM or len({v for _p, _r, v in values}) < 2:
            continue
        ref = next((ref for ref in targets if not (ref.by == "name" and ref.key == node.key)
                    and _all_named(values, ref, names)), None)
        if ref is not None:
            node.schema[REF] = {"files": ref.files, "by": ref.by} | (
                {"key": ref.key} if ref.by == "name" and ref.key != "name" else {})


class _Place(NamedTuple):
    key: str  # the key's own name
    schema: dict[str, Any]  # the schema of the strings (a list's items)


def _string_places(schema: dict[str, Any], records: Sequence[Mapping[str, Any]],
                   paths: Sequence[str]) -> Iterable[tuple[_Place, list[tuple[str, Any, str]]]]:
    """Each place of strings (or lists of strings) at the top, or one object down, with its
    values: (record's path, record, value)."""
    for key, node in schema.get("properties", {}).items():
        inner = node.get("properties") if node.get("type") == "object" else None
        for sub, child in (inner or {None: node}).items():
            target = child.get("items") if child.get("type") == "array" else child
            if not (isinstance(target, dict) and target.get("type") == "string"
                    and "format" not in target):
                continue
            values: list[tuple[str, Any, str]] = []
            for path, record in zip(paths, records, strict=True):
                value = record.get(key)
                if sub is not None:
                    value = value.get(sub) if isinstance(value, dict) else None
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str):
                        values.append((path, record, item))
            yield _Place(sub or key, target), values


def _all_named(values: list[tuple[str, Any, str]], ref: Reference, names: NameLookup
               ) -> bool:
    """Whether every value is a name ``ref`` gives, and none the record's own name."""
    known: dict[str, frozenset[str] | None] = {}
    relative = ref.files.startswith("./")
    for path, record, value in values:
        folder = path.rsplit("/", 1)[0] if relative else ""
        if folder not in known:
            known[folder] = names(ref, path)
        found = known[folder]
        if not found or value not in found or value in ref.file_names(path) or (
                ref.by == "name" and value == record.get(ref.key)):
            return False
    return True


def _plain(value: Any) -> Any:
    """``value`` as JSON data: dates and times (TOML, or YAML read elsewhere) as ISO text."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if type(value) in _JSON_TYPES:
        return value
    return str(value)


def _json_type(value: Any) -> str:
    return _JSON_TYPES[type(value)]


def _fits(schema: Mapping[str, Any], value: Any) -> bool:
    """Whether ``value``'s JSON type is one ``schema``'s ``type`` names."""
    expected = schema.get("type")
    if expected is None:
        return True
    kinds = expected if isinstance(expected, list) else [expected]
    kind = _json_type(value)
    return kind in kinds or (kind == "integer" and "number" in kinds)


def _refine(node: dict[str, Any], values: list[Any]) -> dict[str, Any]:
    """``node`` (genson's schema of a place) with what ``values`` (every value there) show."""
    if node.get("type") == "null":
        return {}  # (always empty: nothing tells what it will hold)
    if "anyOf" in node:
        node["anyOf"] = [_refine(branch, [v for v in values if _fits(branch, v)])
                         for branch in node["anyOf"]]
        return node
    if "properties" in node:
        _refine_object(node, [v for v in values if isinstance(v, dict)])
    if isinstance(node.get("items"), dict):
        items = [item for v in values if isinstance(v, list) for item in v]
        node["items"] = _refine(node["items"], items)
    strings = [v for v in values if isinstance(v, str)]
    if strings:
        _refine_strings(node, strings, all_strings=len(strings) == len(values))
    return node


def _refine_object(node: dict[str, Any], objects: list[dict[str, Any]]) -> None:
    properties: dict[str, Any] = node["properties"]
    counts = {key: sum(key in o for o in objects) for key in properties}
    for key, schema in properties.items():
        properties[key] = _refine(schema, [o[key] for o in objects if key in o])
    node.pop("required", None)
    if len(objects) >= REQUIRED_FROM:
        required = [key for key in properties if counts[key] == len(objects)]
        if required:
            node["required"] = required
    if len(objects) >= CLOSED_FROM and min(counts.values(), default=0) >= 2:
        node["additionalProperties"] = False
    _give_roles(node, objects)


def _refine_strings(node: dict[str, Any], strings: list[str], all_strings: bool) -> None:
    found = next((name for name in FORMATS if all(CHECKS[name](s) for s in strings)), None)
    if found:
        node["format"] = found
        return
    uses = Counter(strings)
    if (all_strings and len(strings) >= ENUM_FROM and len(uses) <= ENUM_MOST
            and min(uses.values()) >= ENUM_USES and not any(map(_link_like, uses))):
        node["enum"] = sorted(uses)
        return
    tagged = sum(1 for s in strings if _HTML.search(s))
    if tagged == len(strings):
        node["contentMediaType"] = "text/html"
    elif not tagged and 2 * sum(1 for s in strings if _SPACE.search(s.strip())) >= len(strings):
        node["contentMediaType"] = "text/plain"


def _link_like(text: str) -> bool:
    """A URL or a site path: one of many possible values, whatever the records show."""
    return "://" in text or text.startswith("/")


def _name(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def _give_roles(node: dict[str, Any], objects: list[dict[str, Any]]) -> None:
    """``x-fmlint-role`` where a key's name and its values agree."""
    properties: dict[str, Any] = node["properties"]
    for key, schema in properties.items():
        role = _role(_name(key), schema)
        if role:
            schema["x-fmlint-role"] = role
    _give_image_roles(node, objects)
    _give_provider_roles(properties, objects)


def _role(name: str, schema: dict[str, Any]) -> str | None:
    fmt = schema.get("format")
    if fmt in ("date-time", "date"):
        return "published" if name in _PUBLISHED else "updated" if name in _UPDATED else None
    if fmt == "uri":
        return ("original-url" if name in _ORIGINAL_URL
                else "self-url" if name in _SELF_URL else None)
    items = schema.get("items")
    if name in _RELATED and isinstance(items, dict) and any(
            child.get("x-fmlint-role") in ("original-url", "self-url")
            for child in items.get("properties", {}).values()):
        return "related"
    return None


def _give_image_roles(node: dict[str, Any], objects: list[dict[str, Any]]) -> None:
    """An object with a URL (``url``, ``src``), a ``width`` and a ``height`` in whole numbers
    is an image."""
    properties: dict[str, Any] = node["properties"]
    url = next((k for k in properties if _name(k) in _IMAGE_URL), None)
    if url is None or any(properties.get(k, {}).get("type") != "integer"
                          for k in ("width", "height")):
        return
    urls = [o[url] for o in objects if url in o]
    if not urls or not all(isinstance(u, str) and CHECKS["uri-reference"](u) for u in urls):
        return
    node["x-fmlint-role"] = "image"
    properties[url].setdefault("format", "uri-reference")
    properties[url]["x-fmlint-role"] = "image-url"
    properties["width"]["x-fmlint-role"] = "width"
    properties["height"]["x-fmlint-role"] = "height"


def _give_provider_roles(properties: dict[str, Any], objects: list[dict[str, Any]]) -> None:
    """A ``provider`` object whose ``domain`` values are all host names."""
    provider = properties.get("provider")
    if not isinstance(provider, dict) or "domain" not in provider.get("properties", {}):
        return
    domains = [o["provider"]["domain"] for o in objects
               if isinstance(o.get("provider"), dict) and "domain" in o["provider"]]
    if not domains or not all(isinstance(d, str) and CHECKS["hostname"](d) for d in domains):
        return
    domain = provider["properties"]["domain"]
    for name in ("format", "enum", "contentMediaType"):
        domain.pop(name, None)
    domain.update(format="hostname", **{"x-fmlint-role": "domain"})
    provider["x-fmlint-role"] = "provider"


def _ordered(node: dict[str, Any]) -> dict[str, Any]:
    """``node`` and every schema in it with their keywords in a fixed, readable order."""
    head = {key: node[key] for key in _KEYWORD_ORDER if key in node}
    out = head | {key: value for key, value in node.items() if key not in head}
    if "properties" in out:
        out["properties"] = {k: _ordered(v) for k, v in out["properties"].items()}
    if isinstance(out.get("items"), dict):
        out["items"] = _ordered(out["items"])
    if "anyOf" in out:
        out["anyOf"] = [_ordered(branch) for branch in out["anyOf"]]
    return out


class Summary:
    """What a schema says of a collection, in brief: for people reading ``fmlint init``."""

    __slots__ = ("closed", "enums", "formats", "keys", "references", "required", "roles",
                 "unique")

    def __init__(self, keys: list[str] | None = None, required: list[str] | None = None,
                 formats: list[tuple[str, str]] | None = None, enums: list[str] | None = None,
                 roles: list[tuple[str, str]] | None = None,
                 references: list[tuple[str, str]] | None = None,
                 unique: list[str] | None = None, closed: bool = False) -> None:
        self.keys = [] if keys is None else keys
        self.required = [] if required is None else required
        self.formats = [] if formats is None else formats  # (place, format)
        self.enums = [] if enums is None else enums
        self.roles = [] if roles is None else roles  # (place, role)
        self.references = [] if references is None else references  # (place, target)
        self.unique = [] if unique is None else unique
        self.closed = closed


def summarize(schema: Mapping[str, Any]) -> Summary:
    """The keys, required keys, formats, enums and roles of an inferred schema."""
    summary = Summary(keys=list(schema.get("properties", {})),
                      required=list(schema.get("required", [])),
                      closed=schema.get("additionalProperties") is False)
    _collect(schema, "", summary)
    return summary


def _collect(node: Mapping[str, Any], place: str, summary: Summary) -> None:
    if "format" in node:
        summary.formats.append((place, node["format"]))
    if "enum" in node:
        summary.enums.append(place)
    if "x-fmlint-role" in node:
        summary.roles.append((place or "(record)", node["x-fmlint-role"]))
    if isinstance(node.get(REF), dict):
        ref = node[REF]
        by = ref.get("key", "name") if ref.get("by") == "name" else ref.get("by")
        summary.references.append((place, f"{ref.get('files')} by {by}"))
    if node.get(UNIQUE) is True:
        summary.unique.append(place)
    for key, child in node.get("properties", {}).items():
        _collect(child, f"{place}.{key}" if place else key, summary)
    if isinstance(node.get("items"), dict):
        _collect(node["items"], f"{place}[]", summary)
    for branch in node.get("anyOf", []):
        _collect(branch, place, summary)
