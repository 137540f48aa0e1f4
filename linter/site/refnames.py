"""The records a reference names and the names they go by, read from the file system for
``x-fmlint-ref``: the one place that knows, for the rule (FM208) and the editor alike.

A reference names a record of a collection: the files a glob matches (from the site's root,
or from the referring record's folder when it starts with ``./``), each named by its file
name (``annotate.Reference``), or by the value of one of its keys (front matter, or a YAML,
JSON or TOML data file, or each entry of one that is a list). File names come from
listing folders, keys from a light read of each file; a ``NameIndex`` (a workspace's) keeps
both while the folders and files are unchanged (by their stamps), so many records of a run
read them once.

This is the edge: the rules get a lookup function (``context.NameLookup``) and stay pure;
the language server's go to definition and completion get ``targets``.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple, Protocol

from ..engine.config import Config
from ..reading import recordfile, source, yamldoc
from ..rules.context import NameLookup, Site
from ..schema.annotate import Reference
from . import files

_MAX_ENTRIES = 200_000  # folder entries one glob may list (bounded time on a huge tree)
_MAX_CACHED = 16384
_RECORD_SUFFIXES = (".md", ".markdown", ".mdx", ".html")

Stamp = tuple[int, int, int] | None


class Target(NamedTuple):
    """A file a reference may name, and one name it goes by."""

    name: str
    path: str


class _Known(NamedTuple):
    """The files of a glob, with their names for one way of naming them, and what they
    came from."""

    stamps: dict[str, Stamp]  # the folders listed and, by a key, the files read
    targets: tuple[Target, ...] | None  # by path; None: too many files to tell
    names: frozenset[str] | None


class NameIndex:
    """What was read of the records references name: the files each glob matches, and the
    names each file's keys give; kept while the folders and files are unchanged."""

    def __init__(self) -> None:
        # (folder, glob components, by, key) -> what was read
        self.sets: dict[tuple[str, tuple[str, ...], str, str], _Known] = {}
        # file -> (its stamp, the names each of its keys gives)
        self.files: dict[str, tuple[Stamp, dict[str, frozenset[str]]]] = {}


def name_lookup(site: Site, config: Config, deps: list[str], index: NameIndex) -> NameLookup:
    """The names the records a reference may take go by, for records of ``site``.

    Every folder listed and file read is added to ``deps``, so a cached result notices a
    target added, removed or renamed.
    """
    root = os.path.abspath(site.root or os.path.join(config.working_folder(), config.base_dir))

    def names(ref: Reference, record_path: str | None) -> frozenset[str] | None:
        record = (os.path.join(config.working_folder(), record_path)
                  if record_path and record_path != "-" else None)
        known = _known(ref, record, root, index)
        if known is None:
            return None
        deps.extend(known.stamps)
        return known.names

    return names


def targets(ref: Reference, record_path: str | None, root: str,
            index: NameIndex | None = None) -> list[Target] | None:
    """The files ``ref`` may name from the record at ``record_path`` (None: a record without
    a file), in the site at ``root``, once for each name they go by: the record's own folder
    first, then by depth and path. None when it cannot tell: a glob out of the site, ``./``
    without a record's file, or folders too large to list whole. ``index``: what was read
    before (without it, everything is read now)."""
    record = os.path.abspath(record_path) if record_path and record_path != "-" else None
    known = _known(ref, record, os.path.abspath(root), index or NameIndex())
    if known is None or known.targets is None:
        return None
    here = os.path.dirname(record) if record else None
    return sorted(known.targets, key=lambda t: (
        os.path.dirname(t.path) != here, t.path.count(os.sep), t.path))


def _known(ref: Reference, record: str | None, root: str, index: NameIndex) -> _Known | None:
    """What ``ref``'s glob matches from the record at ``record`` (an absolute path), kept
    while the folders listed and files read are unchanged; None for a glob out of the site
    or relative to no file."""
    start = _start(ref.files, root, record)
    if start is None:
        return None
    key = (*start, ref.by, ref.key)
    known = index.sets.get(key)
    if known is not None and all(_stamp(p) == stamp for p, stamp in known.stamps.items()):
        return known
    stamps: dict[str, Stamp] = {}
    budget = [0]
    found = sorted(set(_match(*start, root, stamps, budget)))
    if budget[0] > _MAX_ENTRIES:  # (cut short: it cannot tell what is missing)
        known = _Known(stamps, None, None)
    else:
        named = tuple(_named(found, ref, root, stamps, index))
        known = _Known(stamps, named, frozenset(t.name for t in named))
    if len(index.sets) >= _MAX_CACHED:
        index.sets.clear()
    index.sets[key] = known
    return known


def _named(paths: list[str], ref: Reference, root: str, stamps: dict[str, Stamp],
           index: NameIndex) -> Iterator[Target]:
    """Each file of ``paths`` once for every name ``ref`` gives it (a file read for its key
    has its stamp added to ``stamps``)."""
    for path in paths:
        names = dict.fromkeys(ref.file_names(path))
        if ref.by == "name":
            stamps[path], by_key = _file_names(path, root, index)
            names.update(dict.fromkeys(sorted(by_key.get(ref.key, ()))))
        yield from (Target(name, path) for name in names)


def _start(pattern: str, root: str, record: str | None) -> tuple[str, tuple[str, ...]] | None:
    """The folder a glob starts from (its leading names joined) and its other components;
    None for one that leaves the site, or that is relative to a record without a file."""
    if pattern.startswith("./"):
        if not record:
            return None
        base = os.path.dirname(record)
    else:
        base = root
    parts = [p for p in pattern.strip("/").split("/") if p not in ("", ".")]
    literal = 0
    while literal < len(parts) - 1 and not _wild(parts[literal]):
        literal += 1
    folder = os.path.normpath(os.path.join(base, *parts[:literal]))
    if ".." in parts[literal:] or not files.inside(folder, [root]):
        return None
    rest = tuple(parts[literal:])
    return folder, ((*rest, "*") if rest[-1:] == ("**",) else rest)


def _wild(part: str) -> bool:
    return any(ch in part for ch in "*?[")


def _stamp(path: str) -> Stamp:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


def _match(folder: str, parts: tuple[str, ...], root: str, listed: dict[str, Stamp],
           budget: list[int]) -> Iterator[str]:
    """The files under ``folder`` that the glob components ``parts`` match (none through a
    link out of ``root``)."""
    if not parts:
        return
    listed.setdefault(folder, _stamp(folder))
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError:
        return
    budget[0] += len(entries)
    if budget[0] > _MAX_ENTRIES:
        return
    if parts[0] == "**":
        yield from _match_here(entries, parts[1:], root, listed, budget)
        for entry in entries:
            if _folder(entry):
                yield from _match(entry.path, parts, root, listed, budget)
        return
    yield from _match_here(entries, parts, root, listed, budget)


def _match_here(entries: list[os.DirEntry], parts: tuple[str, ...], root: str,
                listed: dict[str, Stamp], budget: list[int]) -> Iterator[str]:
    head, rest = parts[0], parts[1:]
    for entry in entries:
        if entry.name.startswith(".") or not fnmatch.fnmatchcase(entry.name, head):
            continue
        if rest:
            if _folder(entry):
                yield from _match(entry.path, rest, root, listed, budget)
        elif entry.is_file() and (not entry.is_symlink() or files.inside(entry.path, [root])):
            yield entry.path


def _folder(entry: os.DirEntry) -> bool:
    return not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False)


def _file_names(path: str, root: str, index: NameIndex
                ) -> tuple[Stamp, dict[str, frozenset[str]]]:
    """A file's stamp and the names each top-level key of it gives (its front matter, or a
    data file's mapping or list of mappings); kept while the file is unchanged, and empty
    for a file that cannot be read."""
    stamp = _stamp(path)
    known = index.files.get(path)
    if known is not None and known[0] == stamp:
        return known
    try:
        _info, data = files.read_whole(path, roots=[root], limit=files.MAX_SETTINGS_BYTES)
        content = _content(path, source.decode(data)[0])
    except (OSError, ValueError, source.DecodeError, source.SplitError):
        content = None
    by_key: dict[str, set[str]] = {}
    for item in content if isinstance(content, list) else [content]:
        for key, value in item.items() if isinstance(item, dict) else ():
            for name in value if isinstance(value, list) else [value]:
                if isinstance(name, str | int) and not isinstance(name, bool):
                    by_key.setdefault(str(key), set()).add(str(name))
    if len(index.files) >= _MAX_CACHED:
        index.files.clear()
    known = index.files[path] = (stamp, {k: frozenset(v) for k, v in by_key.items()})
    return known


def _content(path: str, text: str) -> Any:
    """What a file holds, read as a check reads it: a record's front matter (YAML, TOML or
    JSON), or a data file's data; any other file as YAML."""
    if recordfile.data_format(path) is None and not path.lower().endswith(_RECORD_SUFFIXES):
        return yamldoc.parse(text).record
    return recordfile.read(text, path).doc.record


# -- proposing references (``fmlint init``) ------------------------------------------------

_DATA_SUFFIXES = (".yml", ".yaml", ".json", ".toml")
_KEYS_FROM = 50  # files of a target whose keys are offered as names


class Collection(Protocol):
    """What ``propose`` needs of a collection (``sitescan.Collection``)."""

    folder: str
    paths: list[str]
    records: list[dict[str, Any]]


def propose(root: str, collections: Sequence[Collection], schemas: Sequence[dict[str, Any]]
            ) -> None:
    """Mark in each collection's inferred schema the references its records' values make
    (``infer.propose_references``), to the site's collections and data folders."""
    from ..schema import infer  # (``fmlint init`` only)

    index = NameIndex()
    lookup = name_lookup(Site(root=root), Config(cwd=root), [], index)
    shared = _targets(root, [c.folder for c in collections if c.folder], index)
    for collection, schema in zip(collections, schemas, strict=True):
        own = _ways("./*.md", _keys_of(collection.records))
        infer.propose_references(schema, collection.records, collection.paths,
                                 [*own, *shared], lookup)


def _targets(root: str, folders: list[str], index: NameIndex) -> list[Reference]:
    """The ways of naming the site's collections, then its data: each folder of ``_data``,
    and each data file that is a list."""
    out = []
    for folder in folders:
        out.extend(_ways(f"{folder}/**/*.md", _keys_in(root, f"{folder}/**/*.md", index)))
    data = os.path.join(root, "_data")
    try:
        entries = sorted(os.scandir(data), key=lambda e: e.name)
    except OSError:
        entries = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False) and f"_data/{entry.name}" not in folders:
            glob = f"_data/{entry.name}/*"
            out.extend(_ways(glob, _keys_in(root, glob, index)))
        elif entry.is_file() and entry.name.lower().endswith(_DATA_SUFFIXES):
            glob = f"_data/{entry.name}"  # (its entries, by their keys)
            out.extend(Reference(glob, "name", key) for key in _keys_in(root, glob, index))
    return out


def _ways(files: str, keys: list[str]) -> list[Reference]:
    """The ways of naming the files of ``files``: by slug, file name, then each key."""
    return [Reference(files, "slug"), Reference(files, "filename"),
            *(Reference(files, "name", key) for key in keys)]


def _keys_in(root: str, glob: str, index: NameIndex) -> list[str]:
    """The keys of the first files of ``glob``, in the order they show them."""
    start = _start(glob, root, None)
    found = sorted(set(_match(*start, root, {}, [0]))) if start is not None else []
    keys: dict[str, None] = {}
    for path in found[:_KEYS_FROM]:
        keys.update(dict.fromkeys(_file_names(path, root, index)[1]))
    return list(keys)


def _keys_of(records: Any) -> list[str]:
    """The top-level keys holding strings, in the order records first show them."""
    keys: dict[str, None] = {}
    for record in records:
        keys.update((k, None) for k, v in record.items() if isinstance(v, str))
    return list(keys)
