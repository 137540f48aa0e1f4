"""Compiling JSON Schemas and validating records; ``explain`` puts the failures in plain words.

A ``Schema`` is given its document and every other document its ``$ref``s reach (read by
``linter.site.schemas``, or a built-in: ``builtin``), so that neither validator ever reads or
fetches anything itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from ..reading import pointer as json_pointer
from .explain import COMPILED_KEYWORDS, SchemaProblem, explain, explain_failure, friendly_path

# Records with more values than this (no real front matter comes close) have their schema
# failures explained by jsonschema (``modest``).
MODEST_VALUES = 10_000


class SchemaError(Exception):
    """A schema that cannot be used: unreadable, not JSON, or not a valid JSON Schema."""


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
                found.update(dict.fromkeys(explain(error)))
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
                if keyword not in COMPILED_KEYWORDS or not isinstance(schema, dict) or (
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
            found.update(dict.fromkeys(explain_failure(keyword, schema[keyword], value, pointer,
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
