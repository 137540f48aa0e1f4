"""Loading JSON Schemas, validating records, and turning failures into plain-word problems.

A schema is read from a built-in name, a file, or (only from the hosts the configuration's
``schema-hosts`` lists) a URL; every ``$ref`` to another file or URL is read up front, the
same way, so that neither validator ever fetches anything itself. Loaded schemas are kept
while the files they were read from keep their size and modification time (``reload``
forgets them all).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from ..reading import pointer as json_pointer

if TYPE_CHECKING:
    from ..engine.config import Config

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
        if not self._explains or not _modest(record):
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
    if isinstance(meta, str) and not _standard(meta):  # (read as 2020-12, as jsonschema does)
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
    packaged = Path(__file__).resolve().parent / "builtin" / name  # where the wheel puts it
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "schema" / name


# -- reading schemas -----------------------------------------------------------------------

REMOTE_LIMIT = 4 * 1024 * 1024  # the largest remote schema fmlint reads, in bytes
_MAX_DOCUMENTS = 256  # files and URLs one schema may reach through its $refs
_MAX_VALUES = 1_000_000  # values of a YAML schema once its aliases are expanded
_NOWHERE = object()
CACHE_FOLDER = "schemas"  # within fmlint's cache folder: one JSON file per fetched URL


@dataclass(frozen=True, slots=True)
class Access:
    """Where a schema, and what its ``$ref``s name, may be read from.

    ``roots``: local files only inside these folders (None: anywhere, for the schemas the
    configuration names); ``hosts``: the hosts remote schemas may come from
    (``schema-hosts``); ``home``: the folder of fmlint's cache folder (the configuration's),
    where fetched schemas are kept;
    ``network`` and ``base_dir``: the ``[network]`` settings, as for the online checks.
    """

    roots: tuple[str, ...] | None = None
    hosts: frozenset[str] = frozenset()
    home: str | None = field(default=None, compare=False, hash=False)
    network: dict[str, Any] | None = field(default=None, compare=False, hash=False)
    base_dir: str = field(default=".", compare=False, hash=False)


_fetching = True  # whether a schema missing from the cache may be fetched (see never_fetch)
_loaded: dict[tuple[str, Access], tuple[tuple[tuple[str, Any], ...], Schema | SchemaError]] = {}
_MAX_LOADED = 256
_remote: dict[str, tuple[Any, str | None] | SchemaError] = {}  # URL -> (document, cache file)


def never_fetch() -> None:
    """Read remote schemas from fmlint's cache only, never from the network (the language
    server: it never goes online)."""
    global _fetching
    _fetching = False


def reload() -> None:
    """Forget every loaded schema and fetched URL: the next check reads them again (for
    long-running callers such as the language server; edited files are noticed anyway)."""
    _loaded.clear()
    _remote.clear()
    _warned.clear()


def _stamp(path: str) -> Any:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


def load(reference: str, access: Access | None = None) -> Schema:
    """A schema by built-in name (``article``), path or URL, with every document its
    ``$ref``s reach. Kept while the files it was read from keep their size and
    modification time. Raises SchemaError (also for a schema that failed before and whose
    files did not change since)."""
    access = access or Access()
    key = (reference, access)
    kept = _loaded.get(key)
    if kept is not None and all(_stamp(path) == stamp for path, stamp in kept[0]):
        found = kept[1]
    else:
        reader = _Reader(access)
        try:
            found = reader.schema(reference)
        except SchemaError as err:
            found = err
        _loaded.pop(key, None)
        if len(_loaded) >= _MAX_LOADED:  # (a long editor session sees many schemas)
            del _loaded[next(iter(_loaded))]  # (the one loaded longest ago)
        _loaded[key] = (tuple(reader.tried.items()), found)
    if isinstance(found, SchemaError):
        raise SchemaError(str(found))  # (a new one: raising one again lengthens its traceback)
    return found


def access_for(config: Config, roots: Iterable[str] | None = None) -> Access:
    """How schemas may be read under ``config``; ``roots``: only files inside them."""
    folder = os.path.dirname(config.source) if config.source else "."
    return Access(None if roots is None else tuple(dict.fromkeys(roots)),
                  frozenset(host.lower() for host in config.schema_hosts),
                  folder, config.online_settings, config.base_dir)


def configured(config: Config, path: str | None = None) -> Schema:
    """The schema the configuration gives the file ``path`` (``Config.schema_for``)."""
    return load(config.schema_for(path), access_for(config))


def declared(record: Any, path: str | None, config: Config,
             site_root: str | None = None) -> Schema | None:
    """The schema a record names with its ``$schema`` key (taken out of the record), or None
    when it names none. A ``$schema`` names a built-in schema, a file inside the project
    (the configuration's folder, else the working folder; the site's root; the record's own
    folder), or a URL on a host of ``schema-hosts``. Raises SchemaError."""
    own = record.pop("$schema", None) if isinstance(record, dict) else None
    if not isinstance(own, str) or not own:
        return None
    for name, filename in BUILTIN.items():
        if own == name or own.endswith(f"/{filename}"):
            return load(name)
    if urlsplit(own).scheme.lower() in ("http", "https", "file"):
        return load(own, access_for(config, ()))
    folder = os.path.dirname(path) if path else ""
    roots = [os.path.join(config.working_folder(), config.base_dir if config.source else "."),
             *([site_root] if site_root else []), folder or "."]
    return load(os.path.normpath(os.path.join(folder, own)), access_for(config, roots))


class _Reader:
    """Reads one schema and every document its ``$ref``s reach, as ``access`` allows."""

    def __init__(self, access: Access) -> None:
        self.access = access
        # The files read or tried, with their [size, mtime_ns] as read (a result depends on
        # them).
        self.tried: dict[str, Any] = {}
        self.documents: dict[str, Any] = {}  # URI -> document
        self.embedded: set[str] = set()  # URIs of the resources documents hold ($id)
        self.texts: list[bytes] = []

    def schema(self, reference: str) -> Schema:
        if reference in BUILTIN:
            text = builtin_path(BUILTIN[reference]).read_bytes()
            document = _parse(text, reference)
            return Schema(reference, document, f"{len(text)}:{hash(text)}", trusted=True)
        scheme = urlsplit(reference).scheme.lower()
        if scheme in ("http", "https"):
            base, local = reference, None
            document = self._remote(reference, None, reference)
        elif scheme == "file" or reference.startswith("file:"):
            raise SchemaError(f"{reference}: fmlint does not read file: URLs; name the schema "
                              "by its path")
        else:
            document = self._file(reference, "cannot read schema")
            base = local = Path(os.path.abspath(reference)).as_uri()
        if not isinstance(document, dict):
            raise SchemaError(f"{reference}: a JSON Schema must be a JSON object")
        self._gather(document, base, local, reference)
        resources = {uri: doc for uri, doc in self.documents.items() if uri != base}
        digest = f"{len(self.texts)}:{hash(tuple(self.texts))}"
        return Schema(reference, document, digest, base_uri=base, resources=resources,
                      files=tuple(self.tried))  # (the paths)

    def _file(self, path: str, failure: str) -> Any:
        from ..site.files import ReadRefused, read_whole

        self.tried[path] = _stamp(path)
        try:
            info, data = read_whole(path, roots=self.access.roots)
        except ReadRefused as err:
            raise SchemaError(f"{failure} {path}: {err}") from None
        except OSError as err:
            raise SchemaError(f"{failure} {path}: {err.strerror or err}") from None
        self.tried[path] = (info.st_size, info.st_mtime_ns)
        self.texts.append(data)
        return _parse(data, path)

    def _gather(self, document: Any, base: str, local: str | None, name: str) -> None:
        """Register ``document`` (read from ``name``) at ``base`` and read what its
        ``$ref``s reach. ``local``: the ``file:`` URI it was read from (relative references
        resolve against it, whatever its ``$id`` says)."""
        self.documents[base] = document
        embedded, references = _references(document, base)
        self.embedded |= embedded
        for here, reference in references:
            target, place = urldefrag(urljoin(here, reference))
            if target in self.documents or target in self.embedded or _standard(target):
                self._point(target or base, place, name, reference)
                continue
            if len(self.documents) >= _MAX_DOCUMENTS:
                raise SchemaError(f"{name}: more than {_MAX_DOCUMENTS} schema files are "
                                  "reached through $ref")
            failure = f"{name}: cannot resolve $ref \"{reference}\":"
            scheme = urlsplit(reference).scheme.lower()
            if not scheme and local is not None:
                path = unquote(urlsplit(urldefrag(urljoin(local, reference))[0]).path)
                self._gather(self._file(path, failure + " cannot read"), target,
                             Path(path).as_uri(), path)
            elif urlsplit(target).scheme.lower() in ("http", "https"):
                self._gather(self._remote(target, name, reference), target, None, target)
            else:
                raise SchemaError(f"{failure} fmlint follows references to files (by a relative "
                                  "path) and to http(s) URLs only")
            self._point(target, place, name, reference)

    def _point(self, target: str, place: str, name: str, reference: str) -> None:
        """Refuse a ``$ref`` whose JSON Pointer names no place in the document it leads to."""
        document = self.documents.get(target)
        if document is None or not place.startswith("/"):
            return  # (a resource of its own inside a document, or an anchor: the validators')
        if json_pointer.resolve(document, unquote(place), _NOWHERE) is _NOWHERE:
            raise SchemaError(f"{name}: cannot resolve $ref \"{reference}\": there is no "
                              f"{place} in {target}")

    def _remote(self, url: str, name: str | None, reference: str) -> Any:
        """The document at ``url`` (``reference`` in ``name``; None: the schema itself)."""
        where = f"{name}: $ref \"{reference}\" leads to a schema" if name else (
            f"the schema {reference} is")
        host = (urlsplit(url).hostname or "").lower()
        if host not in self.access.hosts:
            raise SchemaError(
                f"{where} on the network, and fmlint reads remote schemas only from the hosts "
                f"the configuration allows: add schema-hosts = [\"{host}\"] to it, or keep a "
                "copy of the schema in the project")
        found = _remote.get(url)
        if found is None:
            try:
                found = _remote[url] = _fetched(url, self.access)
            except SchemaError as err:
                found = _remote[url] = err
        if isinstance(found, SchemaError):
            raise SchemaError(f"{name}: {found}" if name else str(found))
        document, kept = found
        if kept is not None:
            self.tried[kept] = _stamp(kept)
        self.texts.append(url.encode())
        return document


def _fetched(url: str, access: Access) -> tuple[Any, str | None]:
    """A remote schema, from fmlint's cache while it is fresh (``network.cache-hours``),
    else from the network through the online checks' address guard (kept in the cache).
    Without the network (``never_fetch``, or a failed request), a cached copy of any age
    serves. Returns the document and the cache file."""
    import hashlib
    import time

    from ..net.settings import SettingsError, from_table

    try:
        settings = from_table(access.network or {}, access.base_dir)
    except SettingsError as err:
        raise SchemaError(f"cannot fetch {url}: {err}") from None
    from ..cache.results import DIR_NAME

    kept = None if access.home is None else os.path.join(
        access.home, DIR_NAME, CACHE_FOLDER, hashlib.sha256(url.encode()).hexdigest()[:32]
        + ".json")
    stored = _stored(kept, url)
    if stored is not None and (not _fetching or
                               time.time() - stored[1] <= settings.cache_hours * 3600):
        return stored[0], kept
    if not _fetching:
        raise SchemaError(f"{url} is not in fmlint's cache, and the language server does not "
                          "fetch schemas: run fmlint check once to fetch it")
    try:
        data = _download(url, access.hosts, settings)
        document = _parse(data, url)
    except SchemaError:
        if stored is not None:
            return stored[0], kept
        raise
    if kept is not None:
        _store(kept, url, document)
    return document, kept


def _download(url: str, hosts: frozenset[str], settings: Any) -> bytes:
    """The body of ``url``, every hop on an allowed host and through the address guard."""
    from ..net.fetch import FetchError, Response, follow, request

    def send(hop: str, method: str) -> Response:
        if (urlsplit(hop).hostname or "").lower() not in hosts:
            raise FetchError("blocked", f"it redirects to {hop}, whose host is not in "
                             "schema-hosts", hop)
        return request(hop, method, settings, limit=REMOTE_LIMIT)

    try:
        response, _hops = follow(url, "GET", send, settings.max_redirects)
    except FetchError as err:
        raise SchemaError(f"cannot fetch {url}: {err}") from None
    if response.status != 200:
        raise SchemaError(f"cannot fetch {url}: the server answered {response.status} "
                          f"{response.reason}".rstrip())
    if not response.complete:
        raise SchemaError(f"cannot fetch {url}: it is larger than {REMOTE_LIMIT:,} bytes")
    return response.body


def _stored(file: str | None, url: str) -> tuple[Any, float] | None:
    """A cached copy of ``url``'s schema and when it was fetched (seconds since the epoch)."""
    if file is None:
        return None
    try:
        with open(file, encoding="utf-8") as handle:
            entry = json.load(handle)
        if entry["url"] == url and isinstance(entry["fetched"], int | float):
            return entry["schema"], float(entry["fetched"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _store(file: str, url: str, document: Any) -> None:
    """Keep a fetched schema (a cache that cannot be written only costs a request)."""
    import time
    from datetime import UTC, datetime

    from ..cache.results import cache_folder, replacing

    now = time.time()
    entry = {"url": url, "fetched": now,
             "fetched_at": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
             "schema": document}
    try:
        cache_folder(Path(file).parent.parent)
        Path(file).parent.mkdir(exist_ok=True)
        with replacing(Path(file)) as out:
            out.write(json.dumps(entry, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass


def _standard(uri: str) -> bool:
    """A metaschema of JSON Schema itself (both validators hold them)."""
    return urlsplit(uri).hostname == "json-schema.org"


def _references(document: Any, base: str) -> tuple[set[str], list[tuple[str, str]]]:
    """The URIs of the resources ``document`` holds (``$id``) and its references: (the base
    URI in effect, the ``$ref`` or ``$dynamicRef``)."""
    embedded: set[str] = set()
    references: list[tuple[str, str]] = []
    for node, here in subschemas(document, base):
        if declares_id(node):
            embedded.add(here)
        for keyword in ("$ref", "$dynamicRef"):
            if isinstance(node.get(keyword), str):
                references.append((here, node[keyword]))
    return embedded, references


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


def _parse(data: bytes, name: str) -> Any:
    """A schema document from JSON, or YAML for a ``.yaml``/``.yml`` name."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SchemaError(f"{name}: the schema is not UTF-8 (byte {err.start})") from None
    if name.lower().endswith((".yaml", ".yml")):
        return _parse_yaml(text, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise SchemaError(
            f"{name}:{err.lineno}:{err.colno}: the schema is not valid JSON: {err.msg}"
        ) from None
    except RecursionError:
        raise SchemaError(f"{name}: the schema is nested too deeply") from None


def _parse_yaml(text: str, name: str) -> Any:
    """A YAML schema (PyYAML's safe loader), as JSON values: timestamps become strings."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        document = yaml.load(text, Loader=loader)  # (a safe loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise SchemaError(f"{name}{where}: the schema is not valid YAML: "
                          f"{err.problem or err.context}") from None
    except (yaml.YAMLError, RecursionError) as err:
        raise SchemaError(f"{name}: the schema is not valid YAML: {err}") from None
    if not _modest(document, _MAX_VALUES):
        raise SchemaError(f"{name}: the schema holds more than {_MAX_VALUES:,} values once "
                          "its aliases are expanded")
    try:
        return json.loads(json.dumps(document, default=str))
    except (TypeError, ValueError, RecursionError) as err:
        raise SchemaError(f"{name}: the schema is not JSON data: {err}") from None


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
