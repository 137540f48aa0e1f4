"""Go to definition: a value the schema marks as a reference (``x-fmlint-ref``) opens the
record or data file it names.

``x-fmlint-ref`` on a value's subschema (or on its array's) names a collection of files by a
glob relative to the site's root, and what in a file the value matches::

    {"files": "_articles/**/*.md", "by": "slug"}      the file name without extension
                                                     or date prefix (2024-01-22-)
    {"files": "_data/topics/*.yaml", "by": "name"}    the file name without extension, or
                                                     the top-level ``name`` of the data
                                                     file (or front matter)
    {"files": "_articles/**/*.md", "by": "name", "key": "class"}   ... or another key
    {"files": "_data/organizations/*.md", "by": "filename"}   the file name, with or without
                                                     its extension

Without the keyword nothing is guessed. Of several files of that name, the one in the
record's own folder wins (the same language folder of a translated site), then the one
nearest the collection's top. ``catalogue`` is the one place that knows how references are
resolved: the completion of reference values uses it too.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import pointer, source, yamldoc
from ..files import inside, read_whole
from .guide import Guide

REF = "x-fmlint-ref"
MAX_FILES = 20_000  # files of one collection looked at
MAX_READ = 2_000  # data files of one collection read for their names
MAX_DATA_BYTES = 1024 * 1024  # a data file read for its name
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
_BY = ("slug", "name", "filename")
_keys: dict[tuple[str, str, int, int], str | None] = {}  # a data file's key, by its stamp


@dataclass(frozen=True)
class Target:
    """A file a reference may name, and the name it answers to."""

    name: str
    path: str


def reference(guide: Guide, where: str) -> dict[str, Any] | None:
    """The ``x-fmlint-ref`` of the value at ``where`` (or of the array holding it)."""
    places = [where]
    if pointer.tokens(where)[-1:] and pointer.tokens(where)[-1].isdigit():
        places.append(where.rsplit("/", 1)[0])
    for place in places:
        for schema in guide.subschemas(place):
            found = schema.get(REF)
            if isinstance(found, dict) and _valid(found):
                return found
    return None


def _valid(ref: dict[str, Any]) -> bool:
    files = ref.get("files")
    return (isinstance(files, str) and bool(files) and not os.path.isabs(files)
            and os.pardir not in files.replace("\\", "/").split("/")
            and ref.get("by", "slug") in _BY and isinstance(ref.get("key", "name"), str))


def catalogue(ref: dict[str, Any], record_path: str | None, root: str) -> Iterator[Target]:
    """Every file of the collection ``ref`` names, under ``root``, with its names; the
    record's own folder first, then by depth and name (files are read only as far as the
    caller goes)."""
    here = os.path.dirname(os.path.abspath(record_path)) if record_path else None
    paths = sorted(_files(root, ref["files"]), key=lambda p: (
        os.path.dirname(p) != here, p.count(os.sep), p))
    by, key = ref.get("by", "slug"), ref.get("key", "name")
    for count, path in enumerate(paths):
        for name in _names(path, by, key, root, count < MAX_READ):
            yield Target(name, path)


def resolve(ref: dict[str, Any], value: Any, record_path: str | None, root: str
            ) -> Target | None:
    """The file ``value`` names, or None."""
    if not isinstance(value, str) or not value:
        return None
    return next((t for t in catalogue(ref, record_path, root) if t.name == value), None)


def _files(root: str, pattern: str) -> Iterator[str]:
    """The regular files under ``root`` matching ``pattern`` (at most ``MAX_FILES``), none
    leading out of ``root`` through a link."""
    matches = glob.iglob(os.path.join(glob.escape(os.path.abspath(root)), pattern),
                         recursive=True)
    for count, path in enumerate(matches):
        if count >= MAX_FILES:
            return
        if os.path.isfile(path) and inside(path, [root]):
            yield path


def _names(path: str, by: str, key: str, root: str, read: bool) -> list[str]:
    """The names a file answers to (``read``: look inside a data file for its key)."""
    stem, _ext = os.path.splitext(os.path.basename(path))
    if by == "filename":
        return [os.path.basename(path), stem]
    if by == "slug":
        return [_DATE_PREFIX.sub("", stem)]
    named = _data_key(path, key, root) if read else None
    return [stem, named] if named and named != stem else [stem]


def _data_key(path: str, key: str, root: str) -> str | None:
    """The top-level ``key`` of a data file (YAML or JSON) or of a record's front matter
    (kept while the file's size and modification time stay the same)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    stamp = (path, key, info.st_size, info.st_mtime_ns)
    if stamp not in _keys:
        if len(_keys) >= MAX_READ:
            _keys.clear()
        _keys[stamp] = _read_key(path, key, root)
    return _keys[stamp]


def _read_key(path: str, key: str, root: str) -> str | None:
    try:
        _stat, data = read_whole(path, roots=[root], limit=MAX_DATA_BYTES)
        text, _bom = source.decode(data)
    except (OSError, source.DecodeError):  # (ReadRefused is an OSError)
        return None
    if path.lower().endswith((".md", ".markdown")):
        try:
            front = source.split(text)
        except source.SplitError:
            return None
        record = yamldoc.parse(text[front.start:front.end], front.start).record
    else:
        record = yamldoc.parse(text).record
    named = record.get(key) if isinstance(record, dict) else None
    return named if isinstance(named, str) else None
