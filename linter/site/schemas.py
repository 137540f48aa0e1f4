"""Reading schemas: from a file, or (only from the hosts the configuration's ``schema-hosts``
lists) a URL, with every document their ``$ref``s reach read up front, the same way, so that
neither validator ever reads or fetches anything itself.

A ``SchemaStore`` (one per ``Workspace``) keeps the schemas it compiled while the files they
were read from keep their size and modification time, and each fetched URL; ``reload``
forgets them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from ..reading import pointer as json_pointer
from ..schema.documents import parse
from ..schema.shipped import BUILTIN, builtin, builtin_name, take_declared
from ..schema.validation import Schema, SchemaError, declares_id, standard, subschemas
from .files import ReadRefused, Stamp, read_whole, stamp
from .schemafetch import fetched

if TYPE_CHECKING:
    from ..engine.config import Config

_MAX_DOCUMENTS = 256  # files and URLs one schema may reach through its $refs
_MAX_LOADED = 256  # schemas a store keeps (a long editor session sees many)
_NOWHERE = object()


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


def access_for(config: Config, roots: Iterable[str] | None = None) -> Access:
    """How schemas may be read under ``config``; ``roots``: only files inside them."""
    folder = os.path.dirname(config.source) if config.source else "."
    return Access(None if roots is None else tuple(dict.fromkeys(roots)),
                  frozenset(host.lower() for host in config.schema_hosts),
                  folder, config.online_settings, config.base_dir)


Fetched = tuple[Any, str | None] | SchemaError  # (document, cache file), or why not


class SchemaStore:
    """The schemas read for checks, each with every document its ``$ref``s reach (safe
    across threads). ``fetching``: a schema missing from fmlint's cache may be fetched (not
    in the language server: it never goes online)."""

    def __init__(self, fetching: bool = True) -> None:
        self.fetching = fetching
        self._loaded: dict[tuple[str, Access], tuple[tuple[tuple[str, Stamp], ...],
                                                     Schema | SchemaError]] = {}
        self._remote: dict[str, Fetched] = {}  # URL -> what fetching it gave
        self._lock = threading.Lock()

    def reload(self) -> None:
        """Forget every schema read and URL fetched: the next check reads them again."""
        with self._lock:
            self._loaded.clear()
            self._remote.clear()

    def load(self, reference: str, access: Access | None = None) -> Schema:
        """A schema by built-in name (``article``), path or URL, with every document its
        ``$ref``s reach. Kept while the files it was read from keep their size and
        modification time. Raises SchemaError (also for a schema that failed before and
        whose files did not change since)."""
        if reference in BUILTIN:
            return builtin(reference)
        access = access or Access()
        key = (reference, access)
        kept = self._loaded.get(key)
        if kept is not None and all(stamp(path) == old for path, old in kept[0]):
            found = kept[1]
        else:
            reader = _Reader(access, self._fetch)
            try:
                found = reader.schema(reference)
            except SchemaError as err:
                found = err
            with self._lock:
                self._loaded.pop(key, None)
                if len(self._loaded) >= _MAX_LOADED:
                    del self._loaded[next(iter(self._loaded))]  # (the one read longest ago)
                self._loaded[key] = (tuple(reader.tried.items()), found)
        if isinstance(found, SchemaError):
            raise SchemaError(str(found))  # (a new one: raising one again lengthens its traceback)
        return found

    def _fetch(self, url: str, access: Access) -> Fetched:
        """What fetching ``url`` gave (once per store)."""
        found = self._remote.get(url)
        if found is None:
            try:
                found = fetched(url, access, self.fetching)
            except SchemaError as err:
                found = err
            self._remote[url] = found
        return found

    def named(self, reference: str, config: Config) -> Schema:
        """The schema ``reference`` names in the configuration (a built-in name, a path or a
        URL)."""
        # (a built-in is read from no file: no access to work out)
        return self.load(reference, None if reference in BUILTIN else access_for(config))

    def declared(self, record: Any, path: str | None, config: Config,
                 site_root: str | None = None) -> Schema | None:
        """The schema a record names with its ``$schema`` key (taken out of the record), or
        None when it names none. A ``$schema`` names a built-in schema, a file inside the
        project (the configuration's folder, else the working folder; the site's root; the
        record's own folder), or a URL on a host of ``schema-hosts``. Raises SchemaError."""
        own = take_declared(record)
        if own is None:
            return None
        name = builtin_name(own)
        if name is not None:
            return builtin(name)
        if urlsplit(own).scheme.lower() in ("http", "https", "file"):
            return self.load(own, access_for(config, ()))
        folder = os.path.dirname(path) if path else ""
        roots = [os.path.join(config.working_folder(), config.base_dir if config.source else "."),
                 *([site_root] if site_root else []), folder or "."]
        return self.load(os.path.normpath(os.path.join(folder, own)), access_for(config, roots))


class _Reader:
    """Reads one schema and every document its ``$ref``s reach, as ``access`` allows."""

    def __init__(self, access: Access, fetch: Callable[[str, Access], Fetched]) -> None:
        self.access = access
        self.fetch = fetch  # what fetching a URL gave (``SchemaStore._fetch``)
        # The files read or tried, with their (size, mtime_ns) as read (a result depends on
        # them).
        self.tried: dict[str, Stamp] = {}
        self.documents: dict[str, Any] = {}  # URI -> document
        self.embedded: set[str] = set()  # URIs of the resources documents hold ($id)
        self.texts: list[bytes] = []

    def schema(self, reference: str) -> Schema:
        """The schema at ``reference`` (a path or a URL)."""
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
        self.tried[path] = stamp(path)
        try:
            info, data = read_whole(path, roots=self.access.roots)
        except ReadRefused as err:
            raise SchemaError(f"{failure} {path}: {err}") from None
        except OSError as err:
            raise SchemaError(f"{failure} {path}: {err.strerror or err}") from None
        self.tried[path] = (info.st_size, info.st_mtime_ns)
        self.texts.append(data)
        return parse(data, path)

    def _gather(self, document: Any, base: str, local: str | None, name: str) -> None:
        """Register ``document`` (read from ``name``) at ``base`` and read what its
        ``$ref``s reach. ``local``: the ``file:`` URI it was read from (relative references
        resolve against it, whatever its ``$id`` says)."""
        self.documents[base] = document
        embedded, references = _references(document, base)
        self.embedded |= embedded
        for here, reference in references:
            target, place = urldefrag(urljoin(here, reference))
            if target in self.documents or target in self.embedded or standard(target):
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
        found = self.fetch(url, self.access)
        if isinstance(found, SchemaError):
            raise SchemaError(f"{name}: {found}" if name else str(found))
        document, kept = found
        if kept is not None:
            self.tried[kept] = stamp(kept)
        self.texts.append(url.encode())
        return document


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
