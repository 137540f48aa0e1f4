"""What a ``fmlint check`` run checks, and with what: each file's configuration, the files
grouped by it, their result caches, and what the network says of their URLs."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..engine.config import Config
from ..site.cachefolder import DIR_NAME
from .options import Options

if TYPE_CHECKING:
    from ..cache.results import Cache, Stamps


class UsageError(Exception):
    """Bad arguments or configuration: exit 2 with this message."""


class Group:
    """Files that share one configuration, and their result cache."""

    __slots__ = ("cache", "config", "files", "stamps")

    def __init__(self, config: Config, files: list[str] | None = None,
                 cache: Cache | None = None, stamps: Stamps | None = None) -> None:
        self.config = config
        self.files = [] if files is None else files
        self.cache = cache
        self.stamps = stamps  # the files' [size, mtime_ns], read once for the run


def load_config(options: Options, anchor: str) -> Config:
    """The configuration found from ``anchor`` (a configuration file or a folder), with the
    command line's settings over it."""
    from ..site import configfile

    if options.isolated:
        config = Config()
    else:
        path = options.config or configfile.find(anchor)
        config = configfile.load(path) if path else Config()
    if options.select is not None or options.extend_select or options.ignore:
        config.override(select=None if options.select is None else list(options.select),
                        extend_select=list(options.extend_select), ignore=list(options.ignore))
    if options.now is not None:
        config.now = options.now
    if options.min_severity is not None:
        config.min_severity = options.min_severity
    config.cwd = os.getcwd()  # (the run does not change it; ``cli.main`` made sure it exists)
    try:
        config.enabled()
    except KeyError as err:
        raise UsageError(f"unknown rule {err.args[0]!r}; 'fmlint rules' lists them") from None
    if options.online or options.offline:
        config.online = True
    return config


class Configs:
    """The configuration of each file of a run: the nearest configuration file above it
    (the one ``--config`` names for all; none with ``--isolated``), read once for the run,
    with the command line's settings over it."""

    def __init__(self, options: Options) -> None:
        self._options = options
        self._found: dict[str, str | None] = {}  # folder -> its configuration file
        self._configs: dict[str | None, Config] = {}  # configuration file -> its Config

    def for_path(self, path: str) -> Config:
        """The configuration of a file (or of a folder's files)."""
        return self._in(path if os.path.isdir(path) else os.path.dirname(path) or ".")

    def _in(self, folder: str) -> Config:
        """The configuration of the files in ``folder``."""
        found: str | None = None
        if not (self._options.isolated or self._options.config):
            if folder not in self._found:
                from ..site import configfile

                self._found[folder] = configfile.find(os.path.abspath(folder))
            found = self._found[folder]
        config = self._configs.get(found)
        if config is None:
            config = self._configs[found] = load_config(self._options, found or folder)
        return config

    def groups(self, paths: tuple[str, ...], force_exclude: bool) -> list[Group]:
        """The files to check, by configuration: files named as given (unless
        ``force_exclude`` and their configuration excludes them), folders walked for the
        files each file's own configuration includes and does not exclude."""
        from ..site.files import data_record, discover

        by_config: dict[int, Group] = {}
        seen: set[str] = set()
        for given in paths:
            walked = os.path.isdir(given)
            found = discover([given], _WALK) if walked else discover(
                [given], self.for_path(given), force_exclude=force_exclude)
            for path in found:
                config = self._in(os.path.dirname(path) or ".") if walked else self.for_path(
                    path)
                if path in seen or (walked and not config.includes(path)
                                     and not data_record(path, config)) or (
                        walked and config.excludes(path)):
                    continue
                seen.add(path)
                group = by_config.get(id(config))
                if group is None:
                    group = by_config[id(config)] = Group(config)
                group.files.append(path)
        return list(by_config.values())


# Walking folders finds every file that is not hidden, vendored or ignored by git; each
# file's own configuration then says whether it is checked (``Configs.groups``).
_WALK = Config(include=["*"])


def groups_of(options: Options) -> list[Group]:
    """The run's files by configuration (standard input: one group, its file added once
    read). Raises UsageError or ``configfile.ConfigError``."""
    paths = options.paths or (".",)
    if "-" in paths and len(paths) > 1:
        raise UsageError("'-' (standard input) cannot be mixed with other paths")
    for path in paths:
        if path != "-" and not os.path.exists(path):
            raise UsageError(f"{path}: no such file or folder")
    configs = Configs(options)
    if options.stdin:
        groups = [Group(configs.for_path(options.stdin_filename or "."))]
    else:
        groups = configs.groups(paths, force_exclude=options.force_exclude)
    for group in groups:
        check_online_settings(options, group.config)
    return groups


def check_online_settings(options: Options, config: Config) -> None:
    """Refuse unusable network settings before anything runs."""
    if not config.online:
        return
    if options.offline and options.no_cache:
        raise UsageError("--offline answers from the cache; it cannot go with --no-cache")
    from ..net.fetch import tls_context
    from ..net.settings import SettingsError, from_table

    try:
        tls_context(from_table(config.online_settings, config.base_dir).ca_bundle)
    except SettingsError as err:
        raise UsageError(str(err)) from None


def open_caches(options: Options, groups: list[Group]) -> None:
    """The result cache of each group checked offline (several configurations sharing
    ``--cache-dir`` each keep theirs in a folder of its own)."""
    for group in groups:
        if group.config.online:
            continue
        folder = options.cache_dir
        if folder and len(groups) > 1:
            import hashlib

            source = os.path.abspath(group.config.source or "")
            folder = os.path.join(folder, hashlib.sha256(
                source.encode("utf-8", "surrogatepass")).hexdigest()[:16])
        from ..cache.results import Cache, Stamps  # (a run without the cache needs none)

        group.cache = Cache.open(folder, group.config)
        group.stamps = Stamps(group.files)


def gather_online(options: Options, config: Config, sources: list[tuple[str, bytes | None]],
                  roots: list[str] | None = None) -> None:
    """Ask the network (or, with --offline, the cache) about the records' URLs."""
    if not config.online:
        return
    from ..online.gather import gather

    cache_dir = None if options.no_cache else options.cache_dir or os.path.join(
        os.path.dirname(config.source) if config.source else ".", DIR_NAME)
    progress = Progress(0, "URLs") if (
        not options.no_progress and sys.stderr.isatty()) else None
    config.online_facts = gather(sources, config, roots=roots, offline=options.offline,
                                 cache_dir=cache_dir,
                                 progress=progress.show if progress else None)
    if progress and progress.count:
        progress.done()


class Progress:
    """A one-line progress bar on stderr (only used when stderr is a terminal)."""

    def __init__(self, total: int, noun: str = "files") -> None:
        self.total = total
        self.noun = noun
        self.count = 0
        self.shown = -1

    def show(self, count: int, total: int) -> None:
        self.total = total
        self(count - self.count)

    def __call__(self, step: int) -> None:
        self.count += step
        percent = self.count * 100 // max(self.total, 1)
        if percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            sys.stderr.write(f"\r[{bar:<25}] {self.count}/{self.total} {self.noun}")
            sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\r" + " " * 60 + "\r")
        sys.stderr.flush()


ProgressStep = Callable[[int], None]
