"""The site a record belongs to: its root, generator and settings (a Jekyll ``_config.yml``,
a Hugo configuration and the ``cascade`` of its sections), as ``Site`` facts for the checks.

Everything here reads the disk afresh; a ``Workspace`` keeps what it found.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from ..engine.config import Config
from ..reading.defaults import places, written_scope
from ..reading.siteconfig import generator_settings
from ..rules.context import Site
from . import files
from .info import find_generator, hugo_settings

# The site root above a folder (or None), its settings, and the files looked for on the way.
SiteFound = tuple[str | None, dict[str, Any], tuple[str, ...]]
FindSite = Callable[[str, str], SiteFound]


def find_site_root(start: Path, looked: list[str] | None = None) -> Path | None:
    """The nearest directory at or above `start` that holds a `_config.yml` file; each
    `_config.yml` path it looks for is added to `looked`."""
    try:
        here = start.resolve()
        directory = here if here.is_dir() else here.parent
        for candidate in (directory, *directory.parents):
            config = candidate / "_config.yml"
            if looked is not None:
                looked.append(str(config))
            if config.is_file():
                return candidate
    except OSError:
        return None
    return None


def site_in(directory: str, cwd: str = "") -> SiteFound:
    """The site root above ``directory`` (relative to ``cwd``), its settings, and the
    ``_config.yml`` paths looked for on the way (``Site.looked``)."""
    looked: list[str] = []
    folder = os.path.normpath(os.path.join(cwd, directory))
    root = find_site_root(Path(folder), looked)
    if root is None:
        return None, _other_generator(folder, looked), tuple(looked)
    try:  # (a link to a file outside the site, or to a device, is not read)
        _info, data = files.read_whole(str(root / "_config.yml"), roots=[str(root)],
                                       limit=files.MAX_SETTINGS_BYTES)
    except OSError:
        return str(root), {}, tuple(looked)
    settings = generator_settings(data.decode("utf-8", errors="replace"))
    return str(root), {**settings, "generator": "jekyll"}, tuple(looked)


def _other_generator(folder: str, looked: list[str]) -> dict[str, Any]:
    """The generator of a site at or above ``folder``; for Hugo, its settings and the
    ``cascade`` of the sections above it as defaults; {} for none. Every file read or
    looked for is added to ``looked``. (Its root is not the site's: Hugo serves images
    from ``static/``.)"""
    found = find_generator(folder)
    if found is None:
        return {}
    root, generator, settings = found
    looked.append(settings)
    if generator != "hugo":
        return {"generator": generator}
    return {**hugo_settings(settings), "generator": "hugo", "generator_root": root,
            "defaults": _hugo_cascade(folder, root, looked)}


def _hugo_cascade(folder: str, root: str, looked: list[str]) -> tuple[Any, ...]:
    """The ``cascade`` values of the ``_index.md`` of each section from ``root`` down to
    ``folder``, as defaults scoped to the section (a nearer section's win). A cascade with
    a ``_target`` is left out: fmlint does not know a page's kind or language."""
    scopes = []
    relative = os.path.relpath(folder, root).replace(os.sep, "/")
    parts = [] if relative == "." else relative.split("/")
    for depth in range(1, len(parts) + 1):
        section = "/".join(parts[:depth])
        index = os.path.join(root, section, "_index.md")
        looked.append(index)
        if not os.path.isfile(index):
            continue
        from .scan import NotARecord, read_document  # (a Hugo site's sections only)

        try:
            text, doc = read_document(index, [root])
        except NotARecord:
            continue
        cascade = doc.record.get("cascade")
        written = places(text, doc.spans, "/cascade/")
        listed = isinstance(cascade, list)
        for number, values in enumerate(cascade if listed else [cascade]):
            if isinstance(values, dict) and not {"_target", "target"} & values.keys():
                scopes.append(written_scope(section + "/", None, values,
                                            f"{section}/_index.md",
                                            f"/cascade/{number}" if listed else "/cascade",
                                            written))
    return tuple(scopes)


def site_for(path: str | None, config: Config, find: FindSite = site_in) -> Site:
    """The site a record belongs to: configuration first, then the nearest ``_config.yml``
    (``find``: the site above a folder, ``site_in`` or a workspace's memo of it)."""
    return record_site(path, folder_site(*folder_key(path, config), find=find), config)


# What the site of a record's folder depends on: the folder (None for a record without a
# file), the folder it is relative to ('' when absolute), and ``Config``'s ``site_root``,
# ``site_url``, ``baseurl`` and ``timezone``.
FolderKey = tuple[str | None, str, str | None, str | None, str, str | None]


class FolderSite(NamedTuple):
    """The site of the records of a folder (``relative`` unset), the root their paths are
    taken from, and the '/'-separated path from it to the folder, '/'-ended, when the
    folder is within it as written (else None: each record's path is worked out alone)."""

    site: Site
    root: str | None
    prefix: str | None


def folder_key(path: str | None, config: Config) -> FolderKey:
    """What ``folder_site`` needs to know of a record at ``path`` (``FolderKey``)."""
    directory, cwd = None, ""
    if path and path != "-":
        directory = os.path.dirname(path)
        cwd = "" if os.path.isabs(directory) else config.working_folder()
    return directory, cwd, config.site_root, config.site_url, config.baseurl, config.timezone


def folder_site(directory: str | None, cwd: str, site_root: str | None,
                site_url: str | None, baseurl: str, timezone: str | None,
                *, find: FindSite = site_in) -> FolderSite:
    """The site of the records in ``directory`` (relative to ``cwd``), for the ``Config``
    settings named alike (``FolderKey``)."""
    root: str | None = None
    settings: dict[str, Any] = {}
    looked: tuple[str, ...] = ()
    if directory is not None:
        root, settings, looked = find(directory, cwd)
    if site_root:
        root = site_root
        if not settings:
            _root, settings, more = find(site_root, "")
            looked += more
    site = Site(
        root=root,
        url=site_url or settings.get("url"),
        baseurl=baseurl or settings.get("baseurl") or "",
        timezone=timezone or settings.get("timezone"),
        generator=settings.get("generator"),
        future=settings.get("future", False),
        show_drafts=settings.get("show_drafts", False),
        collections=settings.get("collections", ()),
        defaults=settings.get("defaults", ()),
        looked=looked,
    )
    top = root or settings.get("generator_root")
    within = None if directory is None or top is None else _within(
        os.path.join(cwd, directory), top)
    return FolderSite(site, top, within)


def record_site(path: str | None, folder: FolderSite, config: Config) -> Site:
    """The site of the record at ``path`` in ``folder`` (``FolderSite``), with the path
    from its root."""
    if not path or path == "-" or folder.root is None:
        return folder.site
    name = os.path.basename(path)
    # (a plain name within a folder that is within the root is within it: no link matters)
    if folder.prefix is not None and name not in ("", os.curdir, os.pardir):
        return folder.site._replace(relative=folder.prefix + name)
    return folder.site._replace(relative=_relative(path, folder.root, config))


def _within(folder: str, root: str) -> str | None:
    """The '/'-separated path from ``root`` to ``folder``, '/'-ended, when ``folder`` is
    absolute and within ``root`` as written (``_relative``'s common case); else None."""
    if not os.path.isabs(folder):
        return None
    return _under(os.path.join(os.path.abspath(folder), ""), root)


def _under(where: str, root: str) -> str | None:
    """The '/'-separated path from ``root`` to the absolute ``where``, when ``where`` lies
    below ``root`` as written (no link resolved); else None."""
    top = os.path.join(root, "")
    if where.startswith(top) and not where.startswith(os.sep, len(top)):
        return where[len(top):].replace(os.sep, "/")
    return None


def _relative(path: str | None, root: str | None, config: Config) -> str | None:
    """``path`` from the site ``root``, '/'-separated; None outside it (or without either)."""
    if not path or path == "-" or root is None:
        return None
    where = os.path.abspath(os.path.join(config.working_folder(), path))
    below = _under(where, root)
    if below is not None:  # (the common case, without relpath)
        return below
    relative = os.path.relpath(where, root)
    if files.leads_out(relative):  # (through a link: compare where both really are)
        relative = os.path.relpath(os.path.realpath(where), os.path.realpath(root))
    return None if files.leads_out(relative) else relative.replace(os.sep, "/")
