"""The file system edge: finding records to check and writing fixed files safely."""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.config import DEFAULT_EXCLUDE, Config, glob_any
from ..reading.recordfile import data_format

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

# The temporary file a fixed record is written to before it takes the record's place
# (``write_atomic``): ``.fmlint-`` and eight characters of ``tempfile``'s, then ``.tmp``.
TEMPORARY_PREFIX, TEMPORARY_SUFFIX = ".fmlint-", ".tmp"
TEMPORARY = re.compile(r"\.fmlint-[a-z0-9_]{8}\.tmp")
STALE_SECONDS = 60  # a temporary this old was left by a run that was interrupted


def remove_stale(directory: str, names: Iterable[str], pattern: re.Pattern[str] = TEMPORARY
                 ) -> None:
    """Remove the files among ``names`` in ``directory`` that fmlint named (``pattern``)
    and left behind: regular files of this user, unchanged for ``STALE_SECONDS`` (a run
    killed while it wrote a fix; a running one finishes its file within that time)."""
    now = time.time()
    user = getattr(os, "geteuid", lambda: None)()
    for name in names:
        if not pattern.fullmatch(name):
            continue
        path = os.path.join(directory, name)
        try:
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_SECONDS and (
                    user is None or info.st_uid == user):
                os.unlink(path)
        except OSError:
            continue


@lru_cache(maxsize=1024)
def sweep_once(directory: str, pattern: re.Pattern[str] = TEMPORARY) -> None:
    """``remove_stale`` over a folder's files, once a process (``directory``: absolute)."""
    try:
        names = [n for n in os.listdir(directory) if pattern.fullmatch(n)]
    except OSError:
        return
    remove_stale(directory, names, pattern)


class WriteRefused(Exception):
    """A fixed file was not written; the message says why (the original is untouched)."""


def _gitignore(directory: str, root: str) -> GitIgnoreSpec | None:
    """The ``.gitignore`` of ``directory``; None without one, or for one that is not a
    regular file within ``root`` (links resolved) of at most ``MAX_SETTINGS_BYTES``."""
    path = os.path.join(directory, ".gitignore")
    try:
        lines = read_whole(path, roots=[root], limit=MAX_SETTINGS_BYTES)[1].decode(
            "utf-8", errors="replace").splitlines()
    except OSError:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _repo_root(start: str) -> str | None:
    current = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


Specs = tuple[tuple[str, "GitIgnoreSpec"], ...]  # (folder, its .gitignore's spec)


def _gitignores(directory: str, stop: str | None, read: dict[str, Specs]) -> Specs:
    """The .gitignore specs that apply in ``directory``: its own and its parents' up to
    ``stop`` (the repository root), nearest first. ``read``: those of the folders one walk
    met (each .gitignore is read once a walk)."""
    found = read.get(directory)
    if found is not None:
        return found
    spec = _gitignore(directory, stop or directory)
    own = ((directory, spec),) if spec is not None else ()
    parent = os.path.dirname(directory)
    found = read[directory] = (own if stop is None or directory in (stop, parent)
                               else own + _gitignores(parent, stop, read))
    return found


def _ignored_by_git(folder: str, name: str, is_dir: bool, specs: Specs) -> bool:
    """Whether any of the .gitignore ``specs`` that apply in the absolute ``folder``
    (``_gitignores``) ignores ``name`` there."""
    absolute = os.path.join(folder, name)
    for directory, spec in specs:
        relative = absolute[len(directory):].lstrip(os.sep).replace(os.sep, "/")
        if spec.match_file(relative + ("/" if is_dir else "")):
            return True
    return False


def _excluded_name(name: str) -> bool:
    """A file or folder name walking never enters (.git, node_modules, hidden...)."""
    return glob_any(name, DEFAULT_EXCLUDE)


def _excluded(relative: str, name: str, config: Config) -> bool:
    if _excluded_name(name):
        return True
    return bool(config.exclude) and glob_any(relative, config.exclude)


def _excluded_file(path: str, config: Config) -> bool:
    """Whether a named file lies where walking would not go, or matches ``exclude``."""
    relative = config.relative(path)
    parts = [p for p in relative.split("/") if p not in ("", ".", "..")]
    if any(_excluded_name(part) for part in parts):
        return True
    return glob_any(relative, config.exclude)


def discover(paths: list[str], config: Config, force_exclude: bool = False) -> Iterator[str]:
    """Files to check: explicit files as given, directories walked for Markdown records and
    for data files that are records (``data_record``).

    Walking skips ``.git``, ``node_modules``, ``_site``, ``vendor``, hidden folders, the
    configured ``exclude`` globs and whatever ``.gitignore`` files ignore. With
    ``force_exclude`` (for tools that name every file, like pre-commit), explicit files under
    those folders or matching ``exclude`` are skipped too.
    """
    seen: set[str] = set()
    for given in paths:
        if not os.path.isdir(given):
            if force_exclude and given != "-" and _excluded_file(given, config):
                continue
            if given not in seen:
                seen.add(given)
                yield given
            continue
        stop = _repo_root(given)
        read: dict[str, Specs] = {}
        # Report "_news/a.md", not "./_news/a.md": CI annotations and code quality reports
        # need paths relative to the repository, as git writes them.
        strip = given in (".", "./") or given.startswith("./")
        for directory, dirnames, filenames in os.walk(given):
            folder = os.path.abspath(directory)
            specs = _gitignores(folder, stop, read)
            dirnames[:] = sorted(
                d for d in dirnames
                if not _excluded(config.relative(os.path.join(directory, d))
                                 if config.exclude else d, d, config)
                and not (specs and _ignored_by_git(folder, d, True, specs))
            )
            stale = [n for n in filenames if n.startswith(TEMPORARY_PREFIX)]
            if stale:
                remove_stale(directory, stale)
            prefix = os.path.join(directory, "")
            if strip:
                prefix = prefix.removeprefix("./")
            for name in sorted(filenames):
                path = prefix + name
                if not config.includes(path) and not data_record(path, config):
                    continue
                relative = config.relative(path) if config.exclude else name
                if _excluded(relative, name, config) or (
                        specs and _ignored_by_git(folder, name, False, specs)):
                    continue
                if path not in seen:
                    seen.add(path)
                    yield path


_DATA_FOLDER = "_data"


def data_record(path: str, config: Config) -> bool:
    """Whether a walked file is a data file that holds records: a ``*.yml``, ``*.yaml``,
    ``*.json``, ``*.toml`` or ``*.jsonl`` file in a Jekyll ``_data`` folder, or one that a
    ``schemas`` mapping names. Other data files (``package.json``, a site's generated
    ``api/**.json``) are not records, nor is a site's ``_config.yml``."""
    name = os.path.basename(path)
    if data_format(name) is None or name.startswith("_config."):
        return False
    if _DATA_FOLDER in os.path.abspath(path).split(os.sep)[:-1]:
        return True
    return bool(config.schemas) and config.mapped(path)


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)

MAX_FILE_BYTES = 64 * 1024 * 1024  # the largest file fmlint reads (a 50 MB record still is)
MAX_SETTINGS_BYTES = 1024 * 1024  # the largest .gitignore or _config.yml fmlint reads


Stamp = tuple[int, int] | None  # (size, mtime_ns); None: the file cannot be read


def stamp(path: str) -> Stamp:
    """A file's (size, mtime_ns), or None when it cannot be read: whether a file read before
    changed since."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_size, info.st_mtime_ns


class ReadRefused(OSError):
    """A file fmlint will not read; the message says why (not a regular file, a link that
    leads outside the checked folders, or larger than the limit)."""


def leads_out(relative: str) -> bool:
    """Whether a relative path (as ``os.path.relpath`` gives it) leaves its start folder:
    ``..`` or ``../x``, not a name such as ``..old``."""
    return relative == os.pardir or relative.startswith(os.pardir + os.sep)


def inside(path: str, roots: Iterable[str]) -> bool:
    """Whether ``path``, with every symbolic link resolved, lies within one of ``roots``."""
    real = os.path.realpath(path)
    for root in roots:
        top = os.path.realpath(root)
        if real == top or real.startswith(top.rstrip(os.sep) + os.sep):
            return True
    return False


def _readable_kind(mode: int) -> bool:
    return stat.S_ISREG(mode) or stat.S_ISFIFO(mode)


def read_whole(path: str, roots: Iterable[str] | None = None,
               limit: int = MAX_FILE_BYTES, *, real_folder: bool = False
               ) -> tuple[os.stat_result, bytes]:
    """A regular file's status (as it was opened) and all its bytes.

    With ``roots``, the file (links resolved) must lie within one of them; ``real_folder``
    (no symbolic link leads to the file's folder) spares that test unless the file itself
    is a link. Raises ``ReadRefused`` for a device, a socket, a folder, a file over
    ``limit`` bytes, or one outside ``roots``, and ``OSError`` when it cannot be read. A
    named pipe (``<(command)``) is read to its end. Never reads more than ``limit + 1``
    bytes, whatever the file claims.
    """
    info = os.lstat(path)
    link = stat.S_ISLNK(info.st_mode)
    if roots is not None and (link or not real_folder) and not inside(path, roots):
        real = os.path.realpath(path)
        if real == os.path.abspath(path):
            raise ReadRefused(f"{path} is outside the checked folders; not reading it")
        raise ReadRefused(f"{path} leads outside the checked folders through a symbolic "
                          f"link (to {real}); not reading it")
    if link:
        info = os.stat(path)
    if not _readable_kind(info.st_mode):  # (before opening: a device is not opened)
        raise ReadRefused(f"{path} is not a regular file; not reading it")
    # (not a link when looked at: none is followed if one took its place since)
    fd = os.open(path, _READ_FLAGS if link else _READ_FLAGS | _NO_FOLLOW)
    try:
        info = os.fstat(fd)
        if not _readable_kind(info.st_mode):
            raise ReadRefused(f"{path} is not a regular file; not reading it")
        if info.st_size > limit:
            raise ReadRefused(f"{path} is {info.st_size:,} bytes, over fmlint's limit of "
                              f"{limit:,}; not reading it")
        data = os.read(fd, info.st_size + 1)  # (all of it, in one read)
        if len(data) == info.st_size:
            return info, data  # (the whole file as its status gave it)
        parts, size = [data], len(data)
        while size <= limit and (more := os.read(fd, 1 << 16)):  # (a file that grew)
            parts.append(more)
            size += len(more)
        if size > limit:
            raise ReadRefused(f"{path} grew over fmlint's limit of {limit:,} bytes "
                              "while it was read; not reading it")
        return info, b"".join(parts)
    finally:
        os.close(fd)


def write_atomic(path: str, data: bytes, expected: bytes, roots: list[str]) -> None:
    """Replace ``path`` with ``data`` in one step, keeping its permissions.

    Refuses (``WriteRefused``) a read-only file, a symbolic link that points outside the
    checked folders, and a file that changed on disk since it was read as ``expected``.
    A crash at any moment leaves either the old or the new file, never a mix.
    """
    target = path
    if os.path.islink(path):
        target = os.path.realpath(path)
        inside = any(
            os.path.commonpath([target, os.path.realpath(r)]) == os.path.realpath(r)
            for r in roots
        )
        if not inside:
            raise WriteRefused(f"{path} is a symbolic link to {target}, outside the checked "
                               "files; not writing through it")
    try:
        info = os.stat(target)
    except OSError as err:
        raise WriteRefused(f"cannot write {path}: {err.strerror}") from None
    writable_bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    if not info.st_mode & writable_bits or not os.access(target, os.W_OK):
        raise WriteRefused(f"{path} is read-only; not changing it")
    try:
        current = Path(target).read_bytes()
    except OSError as err:
        raise WriteRefused(f"cannot read {path} again before writing: {err.strerror}") from None
    if current != expected:
        raise WriteRefused(f"{path} changed on disk while fmlint was checking it; "
                           "not overwriting it (run fmlint again)")
    directory = os.path.dirname(os.path.abspath(target))
    import tempfile  # (imported for --fix only: start-up stays short)

    sweep_once(directory)  # (absolute)
    handle, temporary = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX,
                                         dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        try:
            os.chown(temporary, info.st_uid, info.st_gid)
        except OSError:
            pass
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    _sync_directory(directory)


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable (a power cut after it keeps the new file)."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
