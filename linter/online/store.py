"""The on-disk cache of online facts: ``online.json`` in fmlint's cache folder.

JSON, never pickle (the folder sits in the checked repository). Entries expire after
``cache-hours``; answers that may change on the next try (timeouts, 429, 5xx) are not kept.
Facts fetched with other network settings (``resolve``, allowed addresses, CA bundle) are
not reused.
"""

from __future__ import annotations

import json
from pathlib import Path
from time import time as _now

from ..net.settings import Settings
from ..rules.urlfacts import UrlFacts
from ..site.cachefolder import cache_folder, replacing, warn_unreadable
from ..site.files import read_whole

FILE_NAME = "online.json"


class Store:
    def __init__(self, directory: str, settings: Settings) -> None:
        self.file = Path(directory) / FILE_NAME
        self.key = settings.fetch_key()
        self.lifetime = settings.cache_hours * 3600
        self.entries: dict[str, dict] = {}
        self.dirty = False
        self._warned = False  # (about a damaged entry: once a run)
        try:
            data = read_whole(str(self.file))[1]
        except OSError:
            return
        try:
            stored = json.loads(data.decode("utf-8"))
            if type(stored) is not dict or type(stored.get("urls")) is not dict:
                raise ValueError("not the online cache")
        except (ValueError, RecursionError):
            warn_unreadable(self.file)
            return
        if stored.get("key") == self.key:
            self.entries = stored["urls"]

    def _fresh(self, facts: UrlFacts) -> bool:
        return 0 <= _now() - facts.checked <= self.lifetime

    def get(self, url: str, needs: frozenset[str], *, any_age: bool = False) -> UrlFacts | None:
        """Cached facts that answer ``needs``; expired ones only with ``any_age``."""
        data = self.entries.get(url)
        if data is None:
            return None
        try:
            facts = UrlFacts.from_dict(data)
        except (KeyError, ValueError, IndexError):
            if not self._warned:
                self._warned = True
                warn_unreadable(self.file, "an entry that is not one")
            return None
        if not needs <= set(facts.needs) or not (any_age or self._fresh(facts)):
            return None
        return facts

    def put(self, facts: UrlFacts) -> None:
        if facts.transient:
            return  # ask again next time
        self.entries[facts.url] = facts.to_dict()
        self.dirty = True

    def save(self) -> None:
        """Write the cache (dropping expired entries); a cache that cannot be written only
        costs time."""
        if not self.dirty:
            return
        kept = {}
        for url, data in self.entries.items():
            try:
                if self._fresh(UrlFacts.from_dict(data)):
                    kept[url] = data
            except (KeyError, ValueError, IndexError):
                continue

        try:
            cache_folder(self.file.parent)
            with replacing(self.file) as out:
                out.write(json.dumps({"key": self.key, "urls": kept}).encode("utf-8"))
        except OSError:
            pass
