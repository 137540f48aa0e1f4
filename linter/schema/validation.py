"""Compiling JSON Schemas, validating records, and turning failures into plain-word problems.

A ``Schema`` is given its document and every other document its ``$ref``s reach (read by
``linter.site.schemas``, or a built-in: ``builtin``), so that neither validator ever reads or
fetches anything itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from ..reading import pointer as json_pointer

_TYPE_WORDS = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping of keys to values",
    "array": "a list",
    "null": "empty (null)",
}


# Records with more values than this (no real front matter comes close) have their schema
# failures explained by jsonschema (``modest``).
MODEST_VALUES = 10_000


class SchemaError(Exception):
    """A schema that cannot be used: unreadable, not JSON, or not a valid JSON Schema."""


@dataclass(frozen=True, slots=True)
class Repair:
    """What would mend a schema problem: a new value for the failing one (``value``), a new
    name for an unknown key (``rename``), or a missing key with its default (``insert``,
    at its place in ``order``, the schema's order of the mapping's keys)."""

    kind: str  # "value", "rename", "insert"
    value: Any  # the new value; the new key's name; the missing key's default
    safe: bool
    message: str
    key: str = ""  # (insert) the missing key
    order: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """One way a record fails its schema, at one value."""

    kind: str  # "unknown-key", "extra-key", "missing-key", "format", "schema"
    pointer: str  # the value (for a missing key: the mapping that lacks it)
    message: str
    at_key: bool = False
    repair: Repair | None = field(default=None, compare=False)


class Schema:
    """A schema with its validators, built once and shared by every record.

    Records are checked by jsonschema-rs, a compiled validator, with fmlint's own format
    checks; its errors explain most failures, and jsonschema is asked only where it alone
    can (``anyOf``, ``oneOf``), or where jsonschema-rs cannot take the record. Verdicts and
    explanations agree on every corpus record and on mutated ones
    (tests/test_schema_fastpath.py); jsonschema is the authority on what is reported.

    ``base_uri`` is where the schema was read from (a ``file:`` URI or a URL), ``resources``
    every other document its ``$ref``s reach (by URI), ``files`` the files it was read from
    (the schema's and those its ``$ref``s name): a result that used the schema depends on
    them.
    """

    def __init__(self, source: str, document: dict[str, Any], digest: str, *,
                 trusted: bool = False, base_uri: str | None = None,
                 resources: dict[str, Any] | None = None, files: tuple[str, ...] = ()) -> None:
        self.source = source
        self.document = document
        self.digest = digest
        self.base_uri = base_uri
        self.resources = resources or {}
        self.files = files
        self._validator: Any = None
        if not trusted:
            self._meta_check()
        self._fast = _fast_validator(self)
        ident = document.get("$id")
        # The URI the compiled validator gives this document's keywords.
        self._own = (urljoin(base_uri or "", ident) if isinstance(ident, str) else base_uri)
        # Whether the compiled validator's errors can explain failures (not of draft-03/04,
        # where minimum and maximum mean other things).
        self._explains = self._fast is not None and not any(
            f"draft-0{n}" in str(document.get("$schema")) for n in (3, 4))
        if not trusted:
            _warn_unchecked_formats(self)

    def _meta_check(self) -> None:
        from jsonschema import FormatChecker, validators

        cls = validators.validator_for(self.document, default=validators.Draft202012Validator)
        # Patterns are vetted by the compiled validator, which runs them (``\p{L}``...),
        # not by Python's ``re``.
        checker = FormatChecker(formats=[name for name in cls.FORMAT_CHECKER.checkers
                                         if name != "regex"])
        try:
            # (types-jsonschema's Validator protocol omits the format_checker every
            # validator class takes)
            cls.check_schema(self.document, format_checker=checker)  # type: ignore[call-arg]
        except Exception as err:  # jsonschema.SchemaError
            raise SchemaError(f"{self.source}: not a valid JSON Schema: {err}") from None

    @property
    def validator(self) -> Any:
        """The jsonschema validator (built on first use: most runs never need it)."""
        if self._validator is None:
            from jsonschema import validators

            from .formats import format_checker

            cls = validators.extend(
                validators.validator_for(self.document, default=validators.Draft202012Validator),
                {"pattern": _pattern})
            self._validator = cls(self._rooted(), format_checker=format_checker(),
                                  registry=self._registry())
        return self._validator

    def _rooted(self) -> dict[str, Any]:
        """The document with its own URI as its ``$id`` (so that relative ``$ref``s resolve
        against where it was read from)."""
        keyword = "id" if any(f"draft-0{n}" in str(self.document.get("$schema"))
                              for n in (3, 4)) else "$id"
        if self.base_uri is None or keyword in self.document:
            return self.document
        return {**self.document, keyword: self.base_uri}

    def _registry(self) -> Any:
        """A ``referencing`` registry of the documents the ``$ref``s reach; it fetches nothing."""
        from referencing import Registry, Resource
        from referencing.exceptions import NoSuchResource
        from referencing.jsonschema import DRAFT202012

        def refuse(uri: str) -> Any:
            raise NoSuchResource(uri)

        # (``retrieve`` is the alias of an attrs field, which mypy's attrs plugin misses)
        return Registry(retrieve=refuse).with_resources(  # type: ignore[call-arg]
            (uri, Resource.from_contents(document, default_specification=DRAFT202012))
            for uri, document in self.resources.items())

    def is_valid(self, record: Any) -> bool | None:
        """The compiled validator's verdict, or None when it cannot tell."""
        if self._fast is None:
            return None
        try:
            return bool(self._fast.is_valid(record))
        except Exception:  # values jsonschema-rs cannot take (huge integers, NaN...)
            return None

    def problems(self, record: Any) -> list[SchemaProblem]:
        """Every failure of the record, one per problem, most specific first."""
        if self.is_valid(record):
            return []
        found = self._compiled_problems(record)
        return self.detailed_problems(record) if found is None else found

    def detailed_problems(self, record: Any) -> list[SchemaProblem]:
        """The record's failures as jsonschema finds them (as the compiled validator words
        them where jsonschema cannot run the schema: a pattern Python's ``re`` lacks)."""
        import re

        found: dict[SchemaProblem, None] = {}  # one per problem: jsonschema repeats some
        try:
            for error in self.validator.iter_errors(record):
                found.update(dict.fromkeys(_explain(error)))
        except re.error:
            return self._plain_problems(record)
        return list(found)

    def _plain_problems(self, record: Any) -> list[SchemaProblem]:
        """The compiled validator's own words for each failure."""
        found: dict[SchemaProblem, None] = {}
        if self._fast is None:
            return []
        for error in self._fast.iter_errors(record):
            where = json_pointer.join(list(error.instance_path))
            found[SchemaProblem("schema", where, f"{friendly_path(where)} does not match the "
                                f"schema: {error.message}")] = None
        return list(found)

    def _compiled_problems(self, record: Any) -> list[SchemaProblem] | None:
        """The record's failures from the compiled validator's errors, where each names a
        keyword of this document whose failure reads the same as jsonschema's (the test
        suite compares the two); None where only jsonschema can tell (``anyOf``...).

        0.18 ms a failing article where jsonschema takes 0.45 ms (and 45 ms to load): 2% of
        the benchmark's cold run, whose records seldom fail; some 30% of the checking time
        of a site whose records all fail (a first run, a schema that does not fit yet).
        """
        if not self._explains or not modest(record):
            return None
        own = self._own
        failures = []
        try:
            # Each error holds a copy of the failing value and a message quoting it: only
            # the places are kept (the value is read from the record).
            for error in self._fast.iter_errors(record):
                *where, keyword = error.schema_path
                path = list(error.instance_path)
                location = getattr(error, "absolute_keyword_location", None)
                del error
                schema = json_pointer.resolve(self.document, json_pointer.join(where))
                if keyword not in _COMPILED_KEYWORDS or not isinstance(schema, dict) or (
                        keyword not in schema) or (
                        location is not None and location.partition("#")[0] != own):
                    return None
                failures.append((json_pointer.join(path), list(schema).index(keyword), keyword,
                                 schema))
        except Exception:  # values jsonschema-rs cannot take
            return None
        # jsonschema takes a schema's keywords in the order they are written: so here too,
        # for failures of one value (the report keeps their order when they share a place;
        # failures of different values have places of their own).
        first = {pointer: n for n, (pointer, *_rest) in reversed(list(enumerate(failures)))}
        failures.sort(key=lambda failure: (first[failure[0]], failure[1]))
        found: dict[SchemaProblem, None] = {}
        for pointer, _index, keyword, schema in failures:
            value = json_pointer.resolve(record, pointer)
            found.update(dict.fromkeys(_explain_failure(keyword, schema[keyword], value, pointer,
                                                        schema)))
        return list(found)


def _pattern(validator: Any, pattern: str, instance: Any, _schema: Any) -> Iterator[Any]:
    """jsonschema's ``pattern``, run as the compiled validator runs it (``\\p{L}``...)."""
    from jsonschema.exceptions import ValidationError

    from .formats import pattern_search

    if validator.is_type(instance, "string") and not pattern_search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def modest(record: Any, most: int = MODEST_VALUES) -> bool:
    """Whether the record holds at most ``most`` values. jsonschema-rs gives each error a
    copy of the failing value: of a huge record (aliases repeating a subtree), many copies;
    jsonschema refers to the record's own values."""
    pending = [record]
    while pending:
        value = pending.pop()
        most -= 1
        if most < 0:
            return False
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return True


def _fast_validator(schema: Schema) -> Any:
    """The compiled validator, or None where jsonschema-rs is missing or cannot compile the
    schema (jsonschema alone then). Raises SchemaError for a pattern it cannot compile, or a
    ``$ref`` that leads nowhere."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    from .formats import CHECKS

    def refuse(uri: str) -> Any:
        raise ValueError(f"{uri} is not read by the validator itself")

    document = schema.document
    meta = document.get("$schema")
    if isinstance(meta, str) and not standard(meta):  # (read as 2020-12, as jsonschema does)
        document = {key: value for key, value in document.items() if key != "$schema"}
    try:
        registry = jsonschema_rs.Registry(list(schema.resources.items()), retriever=refuse)
        return jsonschema_rs.validator_for(
            document, validate_formats=True, formats=dict(CHECKS), retriever=refuse,
            registry=registry, base_uri=schema.base_uri)
    except jsonschema_rs.ValidationError as err:  # the schema itself
        message = str(err).split("\n", 1)[0]
        if 'is not a "regex"' in message or "not present in a registry" in message or (
                "Unresolvable" in message):
            raise SchemaError(f"{schema.source}: {message}") from None
        return None
    # (jsonschema-rs's type stubs before 0.60 do not say that it is an exception)
    except jsonschema_rs.ReferencingError as err:  # type: ignore[misc, unused-ignore]
        raise SchemaError(f"{schema.source}: {str(err).splitlines()[0]}") from None
    except Exception:  # a schema it cannot compile: jsonschema alone
        return None


_warned: set[tuple[str, str]] = set()


def _warn_unchecked_formats(schema: Schema) -> None:
    """Warn once per schema (per process) of each format no check of fmlint's knows: a
    value with such a format passes whatever it holds."""
    if (schema.source, schema.digest) in _warned:
        return
    _warned.add((schema.source, schema.digest))
    from .formats import CHECKS

    for name, where in unchecked_formats(schema.document, CHECKS).items():
        import logging  # (only to warn)

        logging.getLogger(__name__).warning(
            "fmlint: %s: format \"%s\" (at %s) is not one fmlint checks; its values are not "
            "checked", schema.source, name, where or "the root")


def unchecked_formats(document: Any, known: Iterable[str]) -> dict[str, str]:
    """Each ``format`` in ``document`` that is not in ``known``, with the JSON Pointer of
    its first use."""
    known = set(known)
    found: dict[str, str] = {}
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            name = node.get("format")
            if isinstance(name, str) and name not in known:
                found.setdefault(name, where)
            stack.extend((value, f"{where}/{json_pointer.escape(str(key))}")
                         for key, value in reversed(node.items())
                         if key not in _DATA_KEYWORDS)
        elif isinstance(node, list):
            stack.extend((value, f"{where}/{n}") for n, value in reversed(list(enumerate(node))))
    return found


# Keywords whose values are data, not schemas: never searched for ``$ref``, ``$id`` or
# ``format``.
_DATA_KEYWORDS = frozenset({"enum", "const", "default", "examples", "x-fmlint-files"})


def standard(uri: str) -> bool:
    """A metaschema of JSON Schema itself (both validators hold them)."""
    return urlsplit(uri).hostname == "json-schema.org"


def declares_id(node: dict[str, Any]) -> bool:
    """Whether a subschema names itself a resource (an ``$id`` that is not a fragment)."""
    ident = node.get("$id")
    return isinstance(ident, str) and bool(ident) and not ident.startswith("#")


def subschemas(document: Any, base: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Every mapping of ``document`` once (a YAML schema may share or nest itself through
    aliases), with the base URI in effect there (an ``$id`` changes it for itself and below);
    data keywords (``enum``, ``default``...) are not entered."""
    seen: set[int] = set()
    stack: list[tuple[Any, str]] = [(document, base)]
    while stack:
        node, here = stack.pop()
        if not isinstance(node, dict | list) or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, list):
            stack.extend((value, here) for value in node)
            continue
        if declares_id(node):
            here = urldefrag(urljoin(here, node["$id"]))[0]
        yield node, here
        stack.extend((value, here) for key, value in node.items() if key not in _DATA_KEYWORDS)


@lru_cache(maxsize=1024)  # (records of one schema share their places)
def friendly_path(pointer: str) -> str:
    """``/related/1/excerpt`` -> ``related[1].excerpt``; ``""`` -> ``the record``."""
    if not pointer:
        return "the record"
    out = ""
    for token in json_pointer.tokens(pointer):
        if token.isdigit():
            out += f"[{token}]"
        else:
            out += ("." if out else "") + token
    return out


def describe(value: Any) -> str:
    """A short plain-words description of a value, for messages."""
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {json.dumps(shown, ensure_ascii=False)}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def _type_words(expected: Any) -> str:
    if isinstance(expected, list):
        return " or ".join(_TYPE_WORDS.get(t, str(t)) for t in expected)
    return _TYPE_WORDS.get(expected, str(expected))


@lru_cache(maxsize=4096)  # (a schema's keys, compared with each unknown one)
def _folded(word: str) -> str:
    """``word`` without case or separators: ``published_date`` and ``publishedDate`` agree."""
    return word.replace("_", "").replace("-", "").replace(" ", "").replace(".", "").lower()


def _distance(a: str, b: str, most: int) -> int:
    """The edits (insert, delete, replace, swap two neighbours) from ``a`` to ``b``; any
    number above ``most`` stands for "too many"."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > most and min(row) > most:  # (no path back within reach)
            return most + 1
        before, row = row, current
    return row[-1]


def near_misses(word: str, choices: Iterable[str]) -> list[str]:
    """The choices ``word`` is a slip of: the same but for case and separators
    (``publishedDate`` for ``published_date``), else the closest ones within a typo's reach
    (one edit per four characters, at least one: ``titel``, ``exerpt``). Two words that
    merely share a long stem are not slips of each other (``categories``, ``category``)."""
    choices = [c for c in dict.fromkeys(choices) if c != word]
    folded = _folded(word)
    same = [c for c in choices if _folded(c) == folded]
    if same:
        return same
    best: list[str] = []
    least = 0
    for choice in choices:
        most = max(1, min(len(word), len(choice)) // 4)
        far = _distance(word.lower(), choice.lower(), most)
        if far > most or far >= min(len(word), len(choice)):  # (some of the word is kept)
            continue
        if not best or far < least:
            best, least = [choice], far
        elif far == least:
            best.append(choice)
    return best


def _suggest(word: str, choices: list[str]) -> str | None:
    """The one choice ``word`` is a slip of, if there is exactly one."""
    close = near_misses(word, choices)
    return close[0] if len(close) == 1 else None


# Keywords whose failure is explained from the keyword, its value, the failing value and
# its place alone (not ``anyOf``/``oneOf``: those need jsonschema's choice of the closest
# branch).
_COMPILED_KEYWORDS = frozenset({
    "type", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "uniqueItems", "required",
    "additionalProperties", "format", "not", "multipleOf", "minProperties", "maxProperties",
})


def _explain(error: Any) -> Iterator[SchemaProblem]:
    """The problems one jsonschema error stands for."""
    validator = error.validator
    pointer = json_pointer.join(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if validator in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match

        # The branch that came closest (jsonschema's own heuristics: deepest, right type);
        # its errors already carry their absolute path.
        best = best_match([error])
        if best is not error and best is not None:
            yield from _explain(best)
            return
        options = _alternatives(error.validator_value)
        where = friendly_path(pointer)
        value = error.instance
        wanted = f"should be {options}" if options else "matches none of the allowed forms"
        yield SchemaProblem("schema", pointer, f"{where} {wanted}, but it is {describe(value)}")
        return
    yield from _explain_failure(validator, error.validator_value, error.instance, pointer,
                                schema)


def _explain_failure(validator: str, expected: Any, value: Any, pointer: str,
                     schema: dict[str, Any]) -> Iterator[SchemaProblem]:
    """The problems of one failed keyword (``validator``, whose value in ``schema`` is
    ``expected``) at the value ``value``, found at ``pointer``."""
    where = friendly_path(pointer)
    if validator in ("additionalProperties", "unevaluatedProperties") and isinstance(value, dict):
        yield from _unknown_keys(value, pointer, schema)
        return
    if validator == "required":
        missing = [k for k in expected if isinstance(value, dict) and k not in value]
        for key in missing:
            inside = f" in {where}" if pointer else ""
            yield SchemaProblem("missing-key", pointer, f"missing required key '{key}'{inside}",
                                at_key=bool(pointer), repair=_default_of(key, schema))
        return
    if validator == "format":
        yield SchemaProblem(
            "format",
            pointer,
            f"{where} is not a valid {expected}: {describe(value)}",
        )
        return
    yield SchemaProblem("schema", pointer, _message(validator, expected, value, where, schema),
                        repair=_value_repair(validator, expected, value, schema))


def _unknown_keys(value: dict[str, Any], pointer: str,
                  schema: dict[str, Any]) -> Iterator[SchemaProblem]:
    """A problem for each key of ``value`` that ``schema`` neither lists nor matches: an
    ``unknown-key`` when it is a slip of one listed key (renamed to it, where the mapping
    lacks that key), an ``extra-key`` otherwise."""
    known = list(schema.get("properties", {}))
    patterns = list(schema.get("patternProperties", {}))
    from .formats import pattern_search

    where_key = f"{friendly_path(pointer)}." if pointer else ""
    for key in value:
        if key in known or any(pattern_search(p, key) for p in patterns):
            continue
        message = f"unknown key '{where_key}{key}'"
        at = f"{pointer}/{json_pointer.escape(key)}"
        hint = _suggest(key, known)
        if hint is None:
            if known:
                message += f"; the keys allowed here are: {', '.join(sorted(known))}"
            yield SchemaProblem("extra-key", at, message, at_key=True)
            continue
        repair = None if hint in value else Repair(
            "rename", hint, False, f"rename '{key}' to '{hint}'")
        yield SchemaProblem("unknown-key", at, f"{message}: did you mean '{hint}'?",
                            at_key=True, repair=repair)


def _default_of(key: str, schema: dict[str, Any]) -> Repair | None:
    """Inserting a missing key with the ``default`` its schema gives (a plain value)."""
    properties = schema.get("properties")
    wanted = properties.get(key) if isinstance(properties, dict) else None
    if not isinstance(wanted, dict) or "default" not in wanted:
        return None
    default = wanted["default"]
    if not isinstance(default, str | int | float | bool) and default is not None:
        return None
    return Repair("insert", default, False,
                  f"add '{key}: {json.dumps(default, ensure_ascii=False)}' (the schema's "
                  "default)", key=key, order=tuple(schema["properties"]))


def _value_repair(validator: str, expected: Any, value: Any,
                  schema: dict[str, Any]) -> Repair | None:
    """The allowed value a failing one is a slip of (case: safe; a typo: unsafe), or the one
    lossless reading of a value of the wrong type (unsafe)."""
    if validator == "enum" and isinstance(value, str) and isinstance(expected, list):
        hint = _suggest(value, [o for o in expected if isinstance(o, str)])
        if hint is None:
            return None
        safe = hint.lower() == value.lower()
        return Repair("value", hint, safe, f"change {describe(value)} to "
                      f"{json.dumps(hint, ensure_ascii=False)}")
    if validator != "type":
        return None
    wanted = expected if isinstance(expected, list) else [expected]
    readings = {(_json_type(reading), json.dumps(reading)): reading for kind in wanted
                for reading in _read_as(kind, value, schema.get("items"))}
    if len(readings) != 1:
        return None
    [(kind, _text)], [reading] = readings.keys(), readings.values()
    return Repair("value", reading, False, f"write {describe(value)} as {_type_words(kind)}")


def _read_as(kind: str, value: Any, items: Any) -> list[Any]:
    """``value`` read as a JSON value of type ``kind`` without losing anything: ``"89"`` as
    89, ``"true"`` as true, a string as a list of one string; [] where it cannot be."""
    if not isinstance(value, str):
        return []
    if kind in ("integer", "number") and value.lstrip("-").isdigit() and value.isascii():
        return [int(value)] if str(int(value)) == value else []
    if kind == "number":
        try:
            number = float(value)
        except ValueError:
            return []
        return [number] if repr(number) == value else []
    if kind == "boolean" and value in ("true", "false"):
        return [value == "true"]
    if kind == "array" and isinstance(items, dict) and items.get("type") == "string":
        return [[value]]
    return []


def _json_type(value: Any) -> str:
    """The JSON Schema type of a plain value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return "number" if isinstance(value, float) else "array"


def _alternatives(branches: Any) -> str:
    """``a whole number or a string``: what the branches of an anyOf/oneOf accept, in words."""
    words: list[str] = []
    for branch in branches if isinstance(branches, list) else []:
        if not isinstance(branch, dict):
            continue
        if "const" in branch:
            word = json.dumps(branch["const"], ensure_ascii=False)
        elif isinstance(branch.get("enum"), list):
            word = "one of " + ", ".join(json.dumps(o, ensure_ascii=False) for o in branch["enum"])
        elif "type" in branch:
            word = _type_words(branch["type"])
        elif isinstance(branch.get("title"), str):
            word = branch["title"]
        else:
            return ""
        if word not in words:
            words.append(word)
    return " or ".join(words)


def _message(validator: str, expected: Any, value: Any, where: str,
             schema: dict[str, Any]) -> str:
    found = describe(value)
    if validator == "type":
        return f"{where} should be {_type_words(expected)}, but it is {found}"
    if validator == "enum":
        options = ", ".join(json.dumps(o, ensure_ascii=False) for o in expected)
        hint = (
            _suggest(value, [o for o in expected if isinstance(o, str)])
            if isinstance(value, str)
            else None
        )
        tail = f"; did you mean {json.dumps(hint)}?" if hint else ""
        return f"{where} must be one of {options}, but it is {found}{tail}"
    if validator == "const":
        return f"{where} must be {json.dumps(expected, ensure_ascii=False)}, but it is {found}"
    if validator == "pattern":
        return f"{where} does not have the expected form (pattern {expected}): {found}"
    if validator == "minLength":
        return f"{where} must not be empty" if expected == 1 else (
            f"{where} must be at least {expected} characters long"
        )
    if validator == "maxLength":
        return f"{where} must be at most {expected} characters long, but it has {len(value)}"
    if validator in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {
            "minimum": "at least",
            "exclusiveMinimum": "greater than",
            "maximum": "at most",
            "exclusiveMaximum": "less than",
        }[validator]
        return f"{where} must be {words} {expected}, but it is {value}"
    if validator == "minItems":
        return f"{where} must have at least {expected} item{'s' if expected != 1 else ''}"
    if validator == "maxItems":
        return f"{where} must have at most {expected} items, but it has {len(value)}"
    if validator == "uniqueItems":
        return f"{where} has the same item more than once"
    if validator == "not":
        return f"{where} has a value the schema forbids: {found}"
    title = schema.get("title")
    extra = f" ({title})" if title else ""
    return f"{where}{extra} does not match the schema ({validator}): {found}"
