"""The online step of a run: collect the URLs, answer from the cache or the network."""

from __future__ import annotations

from collections.abc import Iterable

from ..engine.config import Config
from ..net.settings import from_table
from ..rules.urlfacts import UrlFacts
from ..runner.batch import read_checked
from ..site.workspace import Workspace
from .collect import needs_in
from .probe import Prober, Progress
from .store import Store


def gather(sources: Iterable[tuple[str, bytes | None]], config: Config, *,
           roots: list[str] | None = None, offline: bool = False,
           cache_dir: str | None = None, progress: Progress | None = None
           ) -> dict[str, UrlFacts]:
    """URL -> facts for the records in ``sources`` ((path, bytes or None to read the file,
    as checking reads it: not through a link out of the checked ``roots``).

    ``offline``: only the cache answers (entries of any age); URLs it lacks are left out.
    ``cache_dir`` None: no cache is read or written. Raises SettingsError for bad settings.
    """
    settings = from_table(config.online_settings, config.base_dir)
    wanted: dict[str, set[str]] = {}
    disk = Workspace()  # (what the records' schemas and sites are, read once)
    for path, data in sources:
        if data is None:
            try:
                data = read_checked(path, roots or [path], disk)[1]
            except OSError:
                continue
        for url, needs in needs_in(data, path, config, settings.exclude, disk).items():
            wanted.setdefault(url, set()).update(needs)
    store = Store(cache_dir, settings) if cache_dir is not None else None
    facts: dict[str, UrlFacts] = {}
    todo: dict[str, frozenset[str]] = {}
    for url, needs in wanted.items():
        cached = store.get(url, frozenset(needs), any_age=offline) if store else None
        if cached is not None:
            facts[url] = cached
        elif not offline:
            todo[url] = frozenset(needs)
    if todo:
        found = Prober(settings).probe_all(todo, progress)
        facts.update(found)
        if store is not None:
            for item in found.values():
                store.put(item)
            store.save()
    return facts
