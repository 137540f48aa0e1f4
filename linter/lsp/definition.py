"""Go to definition: a value the schema marks as a reference (``x-fmlint-ref``) opens the
record or data file it names; completion offers the names of that collection.

``x-fmlint-ref`` on a value's subschema (or on its array's) names a collection of files by a
glob (from the site's root, or from the record's own folder when it starts with ``./``), and
what in a file the value matches (``annotate.Reference``)::

    {"files": "_articles/**/*.md", "by": "slug"}      the file name without extension
                                                     or date prefix (2024-01-22-)
    {"files": "_data/topics/*.yaml", "by": "name"}    the file name without extension, or
                                                     the top-level ``name`` of the data
                                                     file (or front matter)
    {"files": "./*.md", "by": "name", "key": "class"}   ... or another key
    {"files": "_data/organizations/*.md", "by": "filename"}   the file name, with or without
                                                     its extension

Without the keyword nothing is guessed. Of several files of that name, the one in the
record's own folder wins (the same language folder of a translated site), then the one
nearest the collection's top. The files and their names are ``refnames.targets``: what the
broken-reference rule (FM208) reads too.
"""

from __future__ import annotations

from typing import Any

from ..reading import pointer
from ..schema.annotate import REF_KEYWORD, Reference
from ..site.refnames import NameIndex, Target, targets
from .guide import Guide


def reference(guide: Guide, where: str) -> Reference | None:
    """The ``x-fmlint-ref`` of the value at ``where`` (or of the array holding it)."""
    places = [where]
    if pointer.tokens(where)[-1:] and pointer.tokens(where)[-1].isdigit():
        places.append(where.rsplit("/", 1)[0])
    for place in places:
        for schema in guide.subschemas(place):
            found = Reference.read(schema.get(REF_KEYWORD))
            if found is not None:
                return found
    return None


def catalogue(ref: Reference, record_path: str | None, root: str,
              index: NameIndex | None = None) -> list[Target]:
    """Every file ``ref`` may name from the record at ``record_path``, in the site at
    ``root``, once for each of its names: the record's own folder first, then by depth and
    path (none when the collection cannot be told). ``index``: what was read before."""
    return targets(ref, record_path, root, index) or []


def resolve(ref: Reference, value: Any, record_path: str | None, root: str,
            index: NameIndex | None = None) -> Target | None:
    """The file ``value`` names, or None."""
    if not isinstance(value, str) or not value:
        return None
    return next((t for t in catalogue(ref, record_path, root, index) if t.name == value),
                None)
