"""The one owner of what checks read from disk that can change while fmlint runs.

Configurations (by file), schemas (by file or URL, with what their ``$ref``s reach), sites
(generator, ``_config.yml`` settings, defaults), the records references name, the sizes of
the site's images and where folders really are (links resolved) are read once and kept
here, not in module memos. A batch run makes one
``Workspace`` (and each worker process its own); the language server keeps one for hours, and
``refresh`` drops everything when a file a check used changed, ``reload`` whatever happens.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from ..engine.config import Config
from ..rules.context import ImageSizer, NameLookup, Site
from . import configfile, facts, images, refnames
from .configfile import ConfigError
from .files import Stamp, stamp
from .schemas import SchemaStore

_MAX_KEPT = 4096  # entries of each memo (a long editor session meets many sites and images)
_T = TypeVar("_T")


def _is_real(folder: str, cwd: str) -> bool:
    # (``link/..`` is resolved through the link, not tidied away before it is looked at)
    where = os.path.join(cwd, folder)
    return os.path.realpath(where) == os.path.normpath(where)


class Workspace:
    """What checks remember of files on disk (safe across threads). ``fetching``: remote
    schemas missing from fmlint's cache may be fetched (not in the language server)."""

    def __init__(self, fetching: bool = True) -> None:
        self.schemas = SchemaStore(fetching)
        self.names = refnames.NameIndex()
        # configuration file -> the stamps of the files it was read from, and what it gave
        self._configs: dict[str, tuple[tuple[Stamp, ...], Config | ConfigError]] = {}
        self._new_errors: list[str] = []
        self._memos: dict[str, dict[Any, Any]] = {
            "sites": {}, "folder sites": {}, "sizes": {}, "paths": {}, "folders": {}}
        self._stamps: dict[str, Stamp] = {}
        self._lock = threading.Lock()

    # -- configurations ----------------------------------------------------------------------

    def config(self, path: str) -> Config:
        """The configuration file at ``path`` (and those it extends), read again when one of
        them changed on disk; raises ConfigError (also for an unknown rule). The one Config
        is shared: callers do not change it."""
        kept = self._configs.get(path)
        if kept is None or kept[0] != self._sources_now(kept[1], path):
            value: Config | ConfigError
            try:
                value = configfile.load(path)
            except ConfigError as err:
                value = err
            except KeyError as err:
                value = ConfigError(f"{path}: unknown rule {err.args[0]!r}")
            if isinstance(value, ConfigError):
                self._new_errors.append(str(value))
            kept = self._configs[path] = (self._sources_now(value, path), value)
        if isinstance(kept[1], ConfigError):
            raise kept[1]
        return kept[1]

    @staticmethod
    def _sources_now(value: Config | ConfigError, path: str) -> tuple[Stamp, ...]:
        """The stamps of the files a configuration was read from (of its own file alone
        when it could not be read)."""
        sources = value.sources if isinstance(value, Config) else (path,)
        return tuple(stamp(source) for source in sources)

    def config_for(self, path: str | None, root: str | None) -> Config:
        """The configuration ``fmlint check`` would use for the file ``path`` (else for the
        folder ``root``): the nearest configuration file's, or the defaults."""
        anchor = path or root
        found = configfile.find(anchor) if anchor else None
        return Config() if found is None else self.config(found)

    def take_new_errors(self) -> list[str]:
        """Errors of configuration files read since the last call (to show them once)."""
        with self._lock:
            errors, self._new_errors = self._new_errors, []
        return errors

    # -- sites, images, references -----------------------------------------------------------

    def site_for(self, path: str | None, config: Config) -> Site:
        """The site a record belongs to (``facts.site_for``), found once a folder."""
        folder = self._kept("folder sites", facts.folder_key(path, config), self._folder_site)
        return facts.record_site(path, folder, config)

    def _folder_site(self, *key: Any) -> facts.FolderSite:
        return facts.folder_site(*key, find=self._site_in)

    def _site_in(self, directory: str, cwd: str) -> facts.SiteFound:
        return self._kept("sites", (directory, cwd), facts.site_in)

    def image_sizer(self, site: Site, deps: list[str]) -> ImageSizer | None:
        """Measures the site's own images (``images.image_sizer``), each once."""
        return images.image_sizer(site, deps, self._size, self._path)

    def _size(self, path: str, root: str) -> images.Size:
        return self._kept("sizes", (path, root), images.image_size)

    def _path(self, url: str, root: str, site_url: str | None, baseurl: str) -> str | None:
        return self._kept("paths", (url, root, site_url, baseurl), images.local_path)

    def folder_is_real(self, folder: str, cwd: str | None = None) -> bool:
        """Whether ``folder`` (relative to ``cwd``, by default the current folder, or
        absolute) is where it really is: no symbolic link on its way."""
        cwd = "" if os.path.isabs(folder) else cwd or os.getcwd()
        return self._kept("folders", (folder, cwd), _is_real)

    def name_lookup(self, site: Site, config: Config, deps: list[str]) -> NameLookup:
        """The names of the records references may name (``refnames.name_lookup``)."""
        return refnames.name_lookup(site, config, deps, self.names)

    def _kept(self, memo: str, key: tuple[Any, ...], make: Callable[..., _T]) -> _T:
        kept = self._memos[memo]
        if key in kept:
            return kept[key]
        found = make(*key)
        with self._lock:
            if len(kept) >= _MAX_KEPT:
                kept.clear()
            kept[key] = found
        return found

    # -- noticing changes --------------------------------------------------------------------

    def used(self, paths: Iterable[str]) -> None:
        """Note the files a check read (or looked for), as they are now."""
        with self._lock:
            for path in paths:
                if path not in self._stamps:
                    self._stamps[path] = stamp(path)

    def refresh(self) -> bool:
        """Forget everything read if a used file changed, appeared or went; whether it did."""
        with self._lock:
            changed = any(stamp(path) != old for path, old in self._stamps.items())
        if changed:
            self.reload()
        return changed

    def reload(self) -> None:
        """Read every configuration file, schema, site, reference target and image again on
        next use."""
        with self._lock:
            self._stamps.clear()
            self._configs.clear()
            for kept in self._memos.values():
                kept.clear()
            self.names = refnames.NameIndex()
        self.schemas.reload()

    def forget_images(self) -> None:
        """Find sites and measure images again (a save may come with new ones)."""
        with self._lock:
            for kept in self._memos.values():
                kept.clear()

    def __reduce__(self) -> tuple[Any, ...]:
        """A workspace sent to another process (a spawned worker) starts empty there."""
        return Workspace, (self.schemas.fetching,)
