"""Loading JSON Schemas, validating records, and turning failures into plain-word problems."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from . import pointer as json_pointer

BUILTIN = {
    "article": "article.schema.json",
    "organization": "organization.schema.json",
    "any": "any.schema.json",  # (records no schema describes)
}

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
# failures explained by jsonschema (``_modest``).
MODEST_VALUES = 10_000


class SchemaError(Exception):
    """A schema that cannot be used: unreadable, not JSON, or not a valid JSON Schema."""


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """One way a record fails its schema, at one value."""

    kind: str  # "unknown-key", "missing-key", "format", "schema"
    pointer: str  # the value (for a missing key: the mapping that lacks it)
    message: str
    at_key: bool = False


class Schema:
    """A schema with its validators, built once and shared by every record.

    Records are checked by jsonschema-rs, a compiled validator, with fmlint's own format
    checks; its errors explain most failures, and jsonschema is asked only where it alone
    can (``anyOf``, ``oneOf``), or where jsonschema-rs cannot take the record. Verdicts and
    explanations agree on every corpus record and on mutated ones
    (tests/test_schema_fastpath.py); jsonschema is the authority on what is reported.
    """

    def __init__(self, source: str, document: dict[str, Any], digest: str, *,
                 trusted: bool = False) -> None:
        self.source = source
        self.document = document
        self.digest = digest
        self._validator: Any = None
        if not trusted:
            self._meta_check()
        self._fast = _fast_validator(document)
        # Whether the compiled validator's errors can explain failures (not of draft-03/04,
        # where minimum and maximum mean other things).
        self._explains = self._fast is not None and not any(
            f"draft-0{n}" in str(document.get("$schema")) for n in (3, 4))

    def _meta_check(self) -> None:
        from jsonschema import validators

        cls = validators.validator_for(self.document, default=validators.Draft202012Validator)
        try:
            cls.check_schema(self.document)
        except Exception as err:  # jsonschema.SchemaError
            raise SchemaError(f"{self.source}: not a valid JSON Schema: {err}") from None

    @property
    def validator(self) -> Any:
        """The jsonschema validator (built on first use: most runs never need it)."""
        if self._validator is None:
            from jsonschema import validators

            from .formats import format_checker

            cls = validators.validator_for(self.document,
                                           default=validators.Draft202012Validator)
            self._validator = cls(self.document, format_checker=format_checker())
        return self._validator

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
        """The record's failures as jsonschema finds them."""
        found: dict[SchemaProblem, None] = {}  # one per problem: jsonschema repeats some
        for error in self.validator.iter_errors(record):
            found.update(dict.fromkeys(_explain(error)))
        return list(found)

    def _compiled_problems(self, record: Any) -> list[SchemaProblem] | None:
        """The record's failures from the compiled validator's errors, where each names a
        keyword of this document whose failure reads the same as jsonschema's (the test
        suite compares the two); None where only jsonschema can tell (``anyOf``...)."""
        if not self._explains or not _modest(record):
            return None
        own = self.document.get("$id")
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


def _modest(record: Any, most: int = MODEST_VALUES) -> bool:
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


def _fast_validator(document: dict[str, Any]) -> Any:
    try:
        import jsonschema_rs

        from .formats import CHECKS

        return jsonschema_rs.validator_for(document, validate_formats=True,
                                           formats=dict(CHECKS))
    except Exception:  # not installed, or a schema it cannot compile: jsonschema alone
        return None


@cache
def builtin_files() -> dict[str, tuple[str, ...]]:
    """Built-in schema name -> the file globs it applies to by default (``x-fmlint-files``)."""
    out: dict[str, tuple[str, ...]] = {}
    for name, filename in BUILTIN.items():
        document = json.loads(builtin_path(filename).read_text("utf-8"))
        patterns = document.get("x-fmlint-files")
        if isinstance(patterns, list):
            out[name] = tuple(p for p in patterns if isinstance(p, str))
    return out


def builtin_path(name: str) -> Path:
    """The file of a built-in schema: inside the installed package, or the source tree's."""
    packaged = Path(__file__).resolve().parent / "schemas" / name  # where the wheel puts it
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "schema" / name


@cache
def load(reference: str) -> Schema:
    """A schema by built-in name (``article``) or by path; cached per process."""
    if reference in BUILTIN:
        text = builtin_path(BUILTIN[reference]).read_text("utf-8")
    else:
        try:
            text = Path(reference).read_text("utf-8")
        except OSError as err:
            raise SchemaError(f"cannot read schema {reference}: {err.strerror}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise SchemaError(
            f"{reference}:{err.lineno}:{err.colno}: the schema is not valid JSON: {err.msg}"
        ) from None
    if not isinstance(document, dict):
        raise SchemaError(f"{reference}: a JSON Schema must be a JSON object")
    digest = f"{len(text)}:{hash(text)}"  # tells schema texts apart within this process
    return Schema(reference, document, digest, trusted=reference in BUILTIN)


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
        return " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
    return _TYPE_WORDS.get(expected, str(expected))


def _suggest(word: str, choices: list[str]) -> str | None:
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return lowered[word.lower()]
    import difflib

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.75)
    return close[0] if close else None


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
        known = list(schema.get("properties", {}))
        patterns = list(schema.get("patternProperties", {}))
        import re

        for key in value:
            if key in known or any(re.search(p, key) for p in patterns):
                continue
            where_key = f"{where}." if pointer else ""
            message = f"unknown key '{where_key}{key}'"
            hint = _suggest(key, known)
            if hint:
                message += f": did you mean '{hint}'?"
            elif known:
                message += f"; the keys allowed here are: {', '.join(sorted(known))}"
            where_key = f"{pointer}/{json_pointer.escape(key)}"
            yield SchemaProblem("unknown-key", where_key, message, at_key=True)
        return
    if validator == "required":
        missing = [k for k in expected if isinstance(value, dict) and k not in value]
        for key in missing:
            inside = f" in {where}" if pointer else ""
            yield SchemaProblem("missing-key", pointer, f"missing required key '{key}'{inside}",
                                at_key=bool(pointer))
        return
    if validator == "format":
        yield SchemaProblem(
            "format",
            pointer,
            f"{where} is not a valid {expected}: {describe(value)}",
        )
        return
    yield SchemaProblem("schema", pointer, _message(validator, expected, value, where, schema))


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


def _message(validator: str, expected: Any, value: Any, where: str, schema: dict) -> str:
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
