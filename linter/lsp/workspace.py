"""What checks read from disk besides the buffer, and reading it again when it changes.

The configuration files, the schemas and the sites' ``_config.yml`` are read once and kept
(in memos across ``linter``); an editor session lasts for hours while they are edited. The
``Workspace`` remembers the size and modification time of each file a check used, and drops
every memo when one of them changed, before the next check.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable

from ..runner import batch as runner
from ..schema import validation as schemas
from ..site import configfile
from .linting import ConfigCache

Stamp = tuple[int, int] | None  # (size, mtime_ns); None: the file is not there


def stamp(path: str) -> Stamp:
    """A file's (size, mtime_ns), or None when it cannot be read."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_size, info.st_mtime_ns


class Workspace:
    """The one owner of what checks remember of files on disk (safe across threads)."""

    def __init__(self) -> None:
        self.configs = ConfigCache()  # (reads a configuration file again when it changes)
        self._stamps: dict[str, Stamp] = {}
        self._lock = threading.Lock()

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
            self.forget()
        return changed

    def forget(self) -> None:
        """Read every configuration file, schema, site setting and image again on next use."""
        with self._lock:
            self._stamps.clear()
        self.configs.forget()
        configfile.forget()
        runner.clear_caches()
        schemas.reload()

    def forget_images(self) -> None:
        """Measure images again (a save may come with new ones)."""
        runner.clear_caches()
