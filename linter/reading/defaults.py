"""What a site generator makes of a record before rendering it: Jekyll's front matter
defaults (``defaults:`` in ``_config.yml``), merged under the record's own keys, and whether
the generator holds the record back (a draft, an unpublished record).

Pure: settings and records in, records out.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from . import pointer as json_pointer
from .source import LineIndex
from .yamldoc import Span

if TYPE_CHECKING:
    from ..rules.context import Site

_MISSING = object()
Place = tuple[int, int, int, int]
"""(line, column, end line, end column), 1-based: where a value is written."""
_NOWHERE: Mapping[str, Place] = {}  # (a Mapping: read-only, one default for all)


class Scope(NamedTuple):
    """One entry of Jekyll's ``defaults:``: the values it gives the records in its scope."""

    path: str  # a prefix (or a glob) of the record's path from the site root; "" for all
    type: str | None  # a collection name ("posts", "pages", "drafts", ...); None for all
    values: dict[str, Any]
    file: str = ""  # the file that declares it, from the site root ("_config.yml")
    base: str = ""  # the pointer of ``values`` in that file ("/defaults/0/values")
    # Where each of its values is written in that file: pointer within ``values`` ->
    # (line, column, end line, end column), 1-based.
    places: Mapping[str, Place] = _NOWHERE


def jekyll_settings(data: dict[str, Any], places: Mapping[str, Place] | None = None
                    ) -> dict[str, Any]:
    """``future``, ``show_drafts``, ``collections`` and ``defaults`` of a ``_config.yml``
    mapping; a malformed entry of ``defaults:`` (or one whose values refer to themselves) is
    left out. ``places``: where each value of the file is written, by pointer."""
    declared = data.get("collections")
    names = declared if isinstance(declared, dict | list) else ()
    return {
        "future": data.get("future") is True,
        "show_drafts": data.get("show_drafts") is True,
        "collections": tuple(str(name) for name in names if isinstance(name, str)),
        "defaults": tuple(_scopes(data.get("defaults"), places or {})),
    }


def places(text: str, spans: Mapping[str, Span], prefix: str) -> dict[str, Place]:
    """Where each value whose pointer starts with ``prefix`` is written in ``text``, as a
    finding on it would point."""
    index = LineIndex(text)
    return {pointer: (*index.position(span.start), *index.position(max(span.end, span.start)))
            for pointer, span in spans.items() if pointer.startswith(prefix)}


def written_scope(path: str, kind: str | None, values: dict[str, Any], file: str, base: str,
                  written: Mapping[str, Place]) -> Scope:
    """A scope of defaults whose values the file ``file`` writes at ``base``; ``written``:
    where the file's values are (``places``)."""
    return Scope(path, kind, values, file, base,
                 {pointer[len(base):]: place for pointer, place in written.items()
                  if pointer.startswith(base + "/")})


def _scopes(entries: Any, places: Mapping[str, Place]) -> list[Scope]:
    out = []
    for number, entry in enumerate(entries if isinstance(entries, list) else ()):
        if not isinstance(entry, dict) or not _plain_tree(entry.get("values")):
            continue
        scope = entry.get("scope")
        scope = scope if isinstance(scope, dict) else {}
        path, kind = scope.get("path"), scope.get("type")
        out.append(written_scope(path.strip("/") if isinstance(path, str) else "",
                                 kind if isinstance(kind, str) and kind else None,
                                 entry["values"], "_config.yml", f"/defaults/{number}/values",
                                 places))
    return out


def _plain_tree(values: Any) -> bool:
    """Whether ``values`` is a mapping that holds no cycle (YAML aliases can make one)."""
    try:
        json.dumps(values, default=str)
    except (ValueError, RecursionError):
        return False
    return isinstance(values, dict)


def types_of(relative: str, collections: tuple[str, ...]) -> tuple[str, ...]:
    """The ``type`` names a record at ``relative`` (from the site root, '/'-separated) has
    for Jekyll: its collection's name, ``posts`` (and ``drafts``), or ``pages``."""
    folders = relative.split("/")[:-1]
    if "_drafts" in folders:
        return ("drafts", "posts")
    if "_posts" in folders:
        return ("posts",)
    if folders and folders[0].startswith("_") and folders[0][1:] in collections:
        return (folders[0][1:],)
    return ("pages",)


def _defaulted(record: Any, site: Site) -> bool:
    """Whether defaults may reach ``record``: a record (a mapping) of a site with defaults,
    and not one of Jekyll's data files (``_data/``), which no default reaches."""
    return (bool(site.defaults) and site.relative is not None and isinstance(record, dict)
            and not site.relative.startswith("_data/"))


def _in_order(record: Any, site: Site) -> Iterator[tuple[Scope, bool]]:
    """The scopes that apply to ``record``, in the site's order, each with whether it goes
    over what the earlier ones gave (a narrower scope over a wider one) or under it."""
    if not _defaulted(record, site):
        return
    assert site.relative is not None
    relative, types = site.relative, types_of(site.relative, site.collections)
    last: Scope | None = None
    for scope in site.defaults:
        if _applies(scope, relative, types):
            over = _precedes(last, scope)
            if over:
                last = scope
            yield scope, over


def applied(record: Any, site: Site) -> Any:
    """The record as the generator renders it: the defaults that apply to it, merged as
    Jekyll merges them (a narrower scope over a wider one), under the record's own keys.
    The record itself when no default applies."""
    merged: dict[str, Any] = {}
    for scope, over in _in_order(record, site):
        merged = (_deep_merge(merged, scope.values) if over
                  else _deep_merge(scope.values, merged))
    return _deep_merge(merged, record) if merged else record


def supplier(record: Any, site: Site, pointer: str) -> Scope | None:
    """The scope of the defaults whose value the generator renders at ``pointer`` (a place
    the record does not write), as ``applied`` merges them; None if none supplies it."""
    found: Scope | None = None
    for scope, over in _in_order(record, site):
        if (over or found is None) and json_pointer.resolve(
                scope.values, pointer, _MISSING) is not _MISSING:
            found = scope
    return found


def place(scope: Scope, pointer: str) -> Place | None:
    """Where the value at ``pointer`` (within the scope's values) is written in the scope's
    file: its own place, or the nearest place above it."""
    while True:
        found = scope.places.get(pointer)
        if found is not None or not pointer:
            return found
        pointer = pointer.rsplit("/", 1)[0]


def own(record: Any, pointer: str) -> bool:
    """Whether the value at ``pointer`` is written in the record (not supplied by defaults)."""
    return json_pointer.resolve(record, pointer, _MISSING) is not _MISSING


def draft(record: Any, site: Site) -> bool:
    """Whether the generator holds the record back as a draft: ``draft: true`` (Hugo,
    Zola), ``published: false`` (Jekyll), or a file in ``_drafts/`` (unless the site's
    ``show_drafts`` builds them)."""
    rendered = applied(record, site)
    if isinstance(rendered, dict) and (
            rendered.get("draft") is True or rendered.get("published") is False):
        return True
    return (site.relative is not None and not site.show_drafts
            and "_drafts" in site.relative.split("/")[:-1])


def _applies(scope: Scope, relative: str, types: tuple[str, ...]) -> bool:
    path, kind = scope.path, scope.type  # (each read once: every record asks every scope)
    if kind is not None and kind not in types:
        return False
    if "*" in path:
        return fnmatch.fnmatchcase(relative, path) or fnmatch.fnmatchcase(relative, path + "/*")
    return relative.startswith(path)


def _precedes(last: Scope | None, scope: Scope) -> bool:
    """Whether ``scope`` overrides ``last`` (Jekyll's order: the longer path, then the
    one with a type, then the later one)."""
    if last is None:
        return True
    if len(scope.path) != len(last.path):
        return len(scope.path) > len(last.path)
    return scope.type is not None or last.type is None


def _deep_merge(under: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over``'s keys over ``under``'s, mappings in both merged key by key."""
    out = dict(under)
    for key, value in over.items():
        below = out.get(key)
        out[key] = (_deep_merge(below, value)
                    if isinstance(below, dict) and isinstance(value, dict) else value)
    return out
