"""The schemas that ship with fmlint (``article``, ``organization``, ``any``), and what a check
asks of a source of schemas.

A built-in schema is package data: it does not change while fmlint runs, so each is read and
compiled once per process. Every other schema comes from the files and hosts the
configuration allows, read by ``linter.site.schemas`` and handed to the checks.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .documents import parse
from .validation import Schema, SchemaError

if TYPE_CHECKING:
    from ..engine.config import Config

BUILTIN = {
    "article": "article.schema.json",
    "organization": "organization.schema.json",
    "any": "any.schema.json",  # (records no schema describes)
}


class SchemaSource(Protocol):
    """Where a check finds its schemas (``linter.site.schemas.SchemaStore``)."""

    def named(self, reference: str, config: Config) -> Schema:
        """The schema ``reference`` names (a built-in name, a path or a URL), as the
        configuration allows it to be read; raises SchemaError."""

    def declared(self, record: Any, path: str | None, config: Config,
                 site_root: str | None = None) -> Schema | None:
        """The schema a record names with its ``$schema`` key (taken out of the record), or
        None when it names none; raises SchemaError."""


class Builtins:
    """The built-in schemas alone: a check given no other source of schemas."""

    def named(self, reference: str, config: Config) -> Schema:
        return builtin(reference)

    def declared(self, record: Any, path: str | None, config: Config,
                 site_root: str | None = None) -> Schema | None:
        own = take_declared(record)
        return None if own is None else builtin(builtin_name(own) or own)


def take_declared(record: Any) -> str | None:
    """The ``$schema`` a record names, taken out of it (None: it names none)."""
    own = record.pop("$schema", None) if isinstance(record, dict) else None
    return own if isinstance(own, str) and own else None


def builtin_name(reference: str) -> str | None:
    """The built-in schema a ``$schema`` names (``article``, or a URL or path ending in
    ``/article.schema.json``), or None."""
    for name, filename in BUILTIN.items():
        if reference == name or reference.endswith(f"/{filename}"):
            return name
    return None


@cache
def builtin(name: str) -> Schema:
    """A built-in schema by name; raises SchemaError for a name that is not one."""
    if name not in BUILTIN:
        raise SchemaError(f"{name}: not a built-in schema, and no schema files are read here")
    text = builtin_path(BUILTIN[name]).read_bytes()
    return Schema(name, parse(text, name), f"{len(text)}:{hash(text)}", trusted=True)


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
