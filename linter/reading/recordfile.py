"""A file's records: where they are written and in which format, read into one ``Document``.

A Markdown record holds one record in its front matter: YAML between ``---`` lines, TOML
between ``+++`` lines, or a JSON object opening the file. A data file (``*.yml``,
``*.yaml``, ``*.json``, ``*.toml``; ``*.jsonl``, one JSON record per line) is itself the
record, or a list of records, each named by its pointer (``/0``, ``/1``...).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, NamedTuple

from . import scalars, source, yamldoc
from .yamldoc import Document, Span

DATA_FORMATS = {".yml": "yaml", ".yaml": "yaml", ".json": "json", ".toml": "toml",
                ".jsonl": "jsonl"}
# What each format's syntax errors are reported as (the rule codes, registered in core.py).
SYNTAX_CODES = {"yaml": "FM004", "toml": "FM020", "json": "FM021", "jsonl": "FM021"}
Render = Callable[..., str]


def data_format(path: str | None) -> str | None:
    """The format of a data file by its name ("yaml", "json", "toml", "jsonl"), or None for
    a Markdown record (or any other file)."""
    if not path:
        return None
    return DATA_FORMATS.get(os.path.splitext(path)[1].lower())


class RecordFile(NamedTuple):
    """A file's text read: where its records are, their document, and how to write a value."""

    front: source.FrontMatter  # the front matter, or the whole data file
    doc: Document
    data: bool  # a data file (which may hold a list of records)

    @property
    def render(self) -> Render:
        """Writes a new value in this file's format: ``render(value, style, tag, source)``."""
        if self.front.format == "toml":
            from . import tomldoc

            return tomldoc.render
        if self.front.format in ("json", "jsonl"):
            from . import jsondoc

            return jsondoc.render
        return scalars.render

    def records(self) -> list[tuple[str, Any, dict[str, Span]]]:
        """(pointer, record, its spans by pointer within it) of each record: the front
        matter, a data file's mapping, or each mapping in a data file's list (other values
        in a data file are data, not records)."""
        record = self.doc.record
        spans = self.doc.spans
        if not self.data or isinstance(record, dict):
            return [("", record, spans)]
        if not isinstance(record, list):
            return []
        by_item: dict[str, dict[str, Span]] = {}
        for pointer, span in spans.items():
            if pointer:
                cut = pointer.find("/", 1)
                item = pointer if cut < 0 else pointer[:cut]
                by_item.setdefault(item, {})[pointer[len(item):]] = span
        return [(f"/{i}", item, by_item.get(f"/{i}", {})) for i, item in enumerate(record)
                if isinstance(item, dict)]


def read(text: str, path: str | None) -> RecordFile:
    """Read a file's records; raises ``source.SplitError`` for a Markdown file whose front
    matter is missing or never closes."""
    fmt = data_format(path)
    front = _located(text, fmt)
    return RecordFile(front, parse_front(text, front), fmt is not None)


def locate(text: str, path: str | None) -> source.FrontMatter:
    """Where a file's records are written, and in which format: a data file whole, else
    its front matter (``source.SplitError`` when there is none)."""
    return _located(text, data_format(path))


def _located(text: str, fmt: str | None) -> source.FrontMatter:
    """``locate`` for a file of data format ``fmt`` (None: a Markdown record)."""
    return source.split(text) if fmt is None else source.FrontMatter(0, len(text), fmt)


def parse_front(text: str, front: source.FrontMatter) -> Document:
    """The document written at ``front``, read in its format (the TOML and JSON readers are
    loaded for the files that need them)."""
    if front.format == "toml":
        from . import tomldoc

        return tomldoc.parse(text, front.start, front.end)
    if front.format in ("json", "jsonl"):
        from . import jsondoc

        if front.format == "jsonl":
            return jsondoc.parse_lines(text)
        return jsondoc.parse(text, front.start, front.end)
    return yamldoc.parse(text[front.start:front.end], front.start)
