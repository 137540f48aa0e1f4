"""Schema failures in plain words: what a value is, where it is, what the schema wanted,
the key a misspelt one was meant to be, and the repair that would mend it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

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


class Repair(NamedTuple):
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
COMPILED_KEYWORDS = frozenset({
    "type", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "uniqueItems", "required",
    "additionalProperties", "format", "not", "multipleOf", "minProperties", "maxProperties",
})


def explain(error: Any) -> Iterator[SchemaProblem]:
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
            yield from explain(best)
            return
        options = _alternatives(error.validator_value)
        where = friendly_path(pointer)
        value = error.instance
        wanted = f"should be {options}" if options else "matches none of the allowed forms"
        yield SchemaProblem("schema", pointer, f"{where} {wanted}, but it is {describe(value)}")
        return
    yield from explain_failure(validator, error.validator_value, error.instance, pointer,
                                schema)


def explain_failure(validator: str, expected: Any, value: Any, pointer: str,
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
