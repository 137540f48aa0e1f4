"""What values say of themselves, where no schema speaks: URLs, timestamps, images, prose.

The lint rules find their targets in the schema's notes (``annotate``). Places the schema
does not know, or knows without a format, media type or role, are targeted here from their
values, so the same rules serve a record that no schema describes:

- a one-line string that starts as an absolute ``http(s)`` URL is a ``uri`` (a space in it
  is the URL's defect, reported by the URL rules);
- a timestamp written in RFC 3339 (or a YAML timestamp that is one) is a ``date-time``, with
  the role ``published`` or ``updated`` where its key says which;
- a date under a key that says it is one (``date``, ``lastmod``, ``last_modified_at``...)
  written as a site generator reads it (``2025-01-29 18:15:32 +0530``, ``2025-01-29``, or a
  date-time object from a TOML reader) is a ``GENERATOR_DATE``, with its role;
- a mapping with a URL and a ``width`` or ``height`` is an ``image``;
- a string of words is ``text/plain`` (one ASCII token without a space or an ``&`` is
  taken for an identifier: a word, a slug, a path, a hash).

Pure: values in, notes out. The timestamp rules read a ``GENERATOR_DATE`` as the generator
does, and report of it only what the generator itself would misread.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from ..checks import times as timetools
from .annotate import Annotations

TEXT = "text/plain"
GENERATOR_DATE = "generator-date-time"  # a date in one of the forms site generators read
_URL = re.compile(r"https?://[^\s/?#]+[^\n]*\Z", re.IGNORECASE)  # (a space is its defect)
_WORDS = re.compile(r"[^\W\d_]{2,}")  # (a word of letters, in any script)
_UPDATED = re.compile(r"(?:updated?|modified|lastmod|last[-_]?modified)", re.IGNORECASE)
_PUBLISHED = re.compile(r"(?:date|published|pub[-_]?date|created|posted)", re.IGNORECASE)
_IMAGE_URL_KEYS = ("url", "src", "href", "image", "path", "file")


def complete(notes: Annotations, raw: Callable[[str], str | None]) -> Annotations:
    """``notes`` with targets read from the values at places the schema leaves unannotated.

    ``raw`` gives a value's source text (a timestamp is judged as written). The schema's
    notes are shared by records of one shape and never changed: when a value adds anything,
    the record gets notes of its own.
    """
    formats: dict[str, str] = {}
    media: dict[str, str] = {}
    roles: dict[str, str] = {}
    mappings: list[tuple[str, dict[str, Any]]] = []
    annotated = notes.annotated
    for where, value in notes.values.items():
        if where in annotated or not where:
            continue
        if isinstance(value, str):
            kind = _string_kind(value, where, raw)
            if kind == "uri":
                formats[where] = "uri"
            elif kind in ("date-time", GENERATOR_DATE):
                formats[where] = kind
                role = _time_role(where)
                if role is not None:
                    roles[where] = role
            elif kind == TEXT:
                media[where] = TEXT
        elif isinstance(value, datetime | date):
            kind = _time_kind(raw(where), _time_role(where))
            if kind is not None:
                formats[where] = kind
                role = _time_role(where)
                if role is not None:
                    roles[where] = role
        elif isinstance(value, dict) and where not in notes.child_roles:
            mappings.append((where, value))
    for where, value in mappings:  # (once their values are known: they come after them)
        parts = _image_parts(where, value, notes, formats)
        if parts:
            roles[where] = "image"
            roles.update(parts)
    if not (formats or media or roles):
        return notes
    return _merged(notes, formats, media, roles)


def _string_kind(value: str, where: str, raw: Callable[[str], str | None]) -> str | None:
    if _URL.match(value):
        return "uri"
    if len(value) <= 40 and value[:4].isdigit():
        text = raw(where)  # (asked only of what may be a timestamp)
        written = text if text is not None else value
        if timetools.parse_rfc3339(written) is not None:
            return "date-time"
        if _time_role(where) is not None and timetools.read_generator_date(written) is not None:
            return GENERATOR_DATE
    if value.isascii() and "&" not in value and value.split() == [value]:
        return None  # (one ASCII token: a word, a slug, a path, a key or a hash, not prose)
    return TEXT if _WORDS.search(value) else None


def _time_kind(text: str | None, role: str | None) -> str | None:
    """The format of a date or date-time object: ``date-time`` when written in RFC 3339,
    ``GENERATOR_DATE`` under a date's key when written in a generator's form, or when there
    is no text (a TOML reader's object)."""
    if text is not None and timetools.parse_rfc3339(text) is not None:
        return "date-time"
    if role is not None and (text is None or timetools.read_generator_date(text) is not None):
        return GENERATOR_DATE
    return None


@lru_cache(maxsize=4096)  # (the records of a site repeat their places)
def _time_role(where: str) -> str | None:
    key = where.rsplit("/", 1)[-1]
    if _UPDATED.search(key):
        return "updated"
    if _PUBLISHED.search(key):
        return "published"
    return None


def _image_parts(where: str, value: dict[str, Any], notes: Annotations,
                 formats: dict[str, str]) -> dict[str, str]:
    """The roles of an image mapping's parts (``image-url``, ``width``, ``height``), or none
    when the mapping is not an image: a URL beside a width or a height."""
    sizes = {key: f"{where}/{key}" for key in ("width", "height") if key in value}
    if not sizes:
        return {}
    for key in _IMAGE_URL_KEYS:
        child = f"{where}/{key}"
        if isinstance(value.get(key), str) and (
                formats.get(child) == "uri" or notes.formats.get(child) in ("uri",
                                                                             "uri-reference")):
            parts = {child: "image-url"}
            parts.update({pointer: key for key, pointer in sizes.items()})
            return parts
    return {}


def _merged(notes: Annotations, formats: dict[str, str], media: dict[str, str],
            roles: dict[str, str]) -> Annotations:
    role_of = {**notes.role_of, **roles}
    by_role: dict[str, list[str]] = {name: list(found) for name, found in notes.roles.items()}
    child_roles = {parent: dict(kids) for parent, kids in notes.child_roles.items()}
    for where, role in roles.items():
        by_role.setdefault(role, []).append(where)
        parent = where.rsplit("/", 1)[0]
        if isinstance(notes.values.get(parent), dict):  # (an item of a list has no parent)
            child_roles.setdefault(parent, {}).setdefault(role, where)
    return Annotations(formats={**notes.formats, **formats}, media={**notes.media, **media},
                       roles=by_role, role_of=role_of, types=notes.types,
                       required=notes.required, values=notes.values, child_roles=child_roles,
                       refs=notes.refs, unique=notes.unique,
                       annotated=notes.annotated | formats.keys() | media.keys() | roles.keys())
