"""One buffer as the guide features see it: its text, positions, configuration and site; and
hover, completion and definition answered for a position in it (in a worker thread)."""

from __future__ import annotations

import os
from typing import NamedTuple

from lsprotocol import types
from pygls.uris import from_fs_path

from ..engine.config import Config
from ..reading import pointer
from ..site import configfile
from ..site.workspace import Workspace
from . import completion, definition, hover
from .guide import Guide, load
from .linting import readable
from .positions import Positions


class Buffer(NamedTuple):
    """A buffer's text (without BOM) and what is needed to read it as the check does."""

    text: str
    positions: Positions
    path: str | None
    config: Config
    site_root: str | None
    root: str | None  # the workspace folder holding it
    disk: Workspace  # what was read from disk (its schemas)

    @classmethod
    def of(cls, text: str, encoding: str, path: str | None, root: str | None,
           disk: Workspace) -> Buffer | None:
        """None when its configuration cannot be read (its diagnostics say why)."""
        lead, body = readable(text)
        try:
            config = disk.config_for(path, root)
        except configfile.ConfigError:
            return None
        site = disk.site_for(path, config)
        return cls(body, Positions(body, encoding, lead), path, config, site.root, root, disk)

    def read(self, text: str) -> Guide | None:
        """The guide to ``text`` (this buffer's, or it changed) at this buffer's path."""
        return load(text, self.path, self.config, self.site_root, self.disk.schemas)

    @property
    def collections_root(self) -> str | None:
        """Where the globs of references start: the site's root, else the workspace's."""
        return self.site_root or self.root or (os.path.dirname(self.path) if self.path else None)

    def names(self, guide: Guide, where: str) -> list[str]:
        """The names a reference at ``where`` may take (none where the schema has no
        ``x-fmlint-ref``)."""
        ref = definition.reference(guide, where)
        top = self.collections_root
        if ref is None or top is None:
            return []
        return list(dict.fromkeys(
            t.name for t in definition.catalogue(ref, self.path, top, self.disk.names)))


def hover_schema(buffer: Buffer, where: types.Position) -> tuple[str, types.Range] | None:
    offset = buffer.positions.offset(where)
    return hover.schema_help(buffer.read(buffer.text), offset, buffer.positions)


def complete(buffer: Buffer, where: types.Position) -> types.CompletionList:
    items = completion.complete(buffer.text, buffer.positions.offset(where), buffer.read,
                                buffer.names)
    return types.CompletionList(is_incomplete=False, items=items)


def define(buffer: Buffer, where: types.Position) -> types.Location | None:
    """The file the reference under ``where`` names, or None."""
    guide = buffer.read(buffer.text)
    top = buffer.collections_root
    if guide is None or top is None:
        return None
    place = guide.place_at(buffer.positions.offset(where))
    if place is None or place.on_key:
        return None
    ref = definition.reference(guide, place.pointer)
    if ref is None:
        return None
    target = definition.resolve(ref, pointer.resolve(guide.record, place.pointer),
                                buffer.path, top, buffer.disk.names)
    if target is None:
        return None
    start = types.Position(line=0, character=0)
    return types.Location(uri=from_fs_path(target.path) or target.path,
                          range=types.Range(start=start, end=start))
