"""The result cache: unchanged files are not checked again.

A result is reused when the file's bytes, the configuration, the schemas, fmlint itself and
every file the check read (local images, ``_config.yml``) are unchanged. Results live in one
SQLite database in the cache folder, a row per file keyed on the configuration's digest and
the file's path, the result as JSON (``stored``). Rows are written in short transactions as
results arrive (write-ahead log), so two runs on one cache at once both read and write it; a
file that is not such a database is replaced, with one warning.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from array import array
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..engine.config import Config
from ..engine.lint import FileResult
from ..site.cachefolder import DIR_NAME, cache_folder, warn_unreadable
from ..site.files import read_whole
from ..version import __version__
from .stored import decode, encode


def _code_digest() -> str:
    """fmlint's version and its source files' sizes and times (a changed install misses)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(__version__.encode())
    schemas = sorted(package.rglob("*.json")) + sorted(package.parent.glob("schema/*.json"))
    for path in sorted(package.rglob("*.py")) + schemas:
        info = path.stat()
        digest.update(f"{path.name}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()


def _config_digest(config: Config) -> str:
    now = config.now or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    parts: dict[str, Any] = {
        "enabled": sorted(config.enabled()),
        "severity": config.severity,
        "per_file_ignores": config.per_file_ignores,
        "schemas": [m._asdict() for m in config.schemas],
        "default_schema": config.default_schema,
        "site": [config.site_root, config.site_url, config.baseurl, config.timezone],
        "options": config.rule_options,
        "now": now.isoformat(),
        "code": _code_digest(),
    }
    references = {config.schema_for(None), *(config.resolve_path(m.schema)
                                             for m in config.schemas)}
    for reference in sorted(references):
        if os.path.isfile(reference):
            info = os.stat(reference)
            parts[f"schema:{reference}"] = [info.st_size, info.st_mtime_ns]
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _stamp(path: str) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


class Stamps:
    """The [size, mtime_ns] of many files, read once for the run (two numbers a file)."""

    def __init__(self, paths: list[str]) -> None:
        self._numbers = array("q")
        for path in paths:
            stamp = _stamp(path)
            self._numbers.extend(stamp if stamp is not None else (-1, -1))

    def __getitem__(self, index: int) -> list[int] | None:
        """The stamp of the ``index``-th path (None: it could not be read)."""
        size = self._numbers[2 * index]
        return None if size < 0 else [size, self._numbers[2 * index + 1]]


def _settled(stamp: list[int] | None) -> list[int] | None:
    """A stamp to trust later, or None for a file changed in the last two seconds (a second
    change within the clock's resolution could keep size and time: hash it next time)."""
    if stamp is None or time.time_ns() - stamp[1] < 2_000_000_000:
        return None
    return stamp



# -- the database --------------------------------------------------------------------------

FILE_NAME = "results.sqlite3"
_APPLICATION_ID = 0x464D4C54  # "FMLT": the database is fmlint's
_FORMAT = 1  # the rows' format (``PRAGMA user_version``): another one's rows are dropped
_BATCH = 500  # results read in one query, or written in one transaction
_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    config TEXT NOT NULL,  -- the configuration's digest (fmlint itself and schemas too)
    path BLOB NOT NULL,    -- the file's path as given, UTF-8 (undecodable bytes kept)
    digest TEXT NOT NULL,  -- SHA-256 of the file's bytes
    size INTEGER,          -- the file's size and modification time when it was read;
    mtime_ns INTEGER,      -- NULL when they cannot be trusted (changed just before)
    result BLOB NOT NULL,  -- the result as JSON (``_encode``)
    PRIMARY KEY (config, path)
) WITHOUT ROWID
"""


class NotACache(Exception):
    """The database file is not fmlint's result cache (damaged, or another program's)."""


def _connect(file: Path) -> sqlite3.Connection:
    """The result database at ``file``, made if it is not there. Raises NotACache for a
    file that is not one, OSError or sqlite3.Error when it cannot be opened."""
    connection = sqlite3.connect(file, timeout=30, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        application, = connection.execute("PRAGMA application_id").fetchone()
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if application != _APPLICATION_ID and tables:
            raise NotACache("another program's database")
        version, = connection.execute("PRAGMA user_version").fetchone()
        if version != _FORMAT:
            with connection:
                connection.execute("BEGIN IMMEDIATE")  # (another run may have made it since)
                version, = connection.execute("PRAGMA user_version").fetchone()
                if version != _FORMAT:
                    connection.execute("DROP TABLE IF EXISTS results")
                    connection.execute(f"PRAGMA application_id={_APPLICATION_ID}")
                    connection.execute(f"PRAGMA user_version={_FORMAT}")
                    connection.execute(_SCHEMA)
        connection.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.DatabaseError as err:
        connection.close()
        if isinstance(err, sqlite3.OperationalError) and "locked" in str(err):
            raise
        raise NotACache(str(err)) from None
    except BaseException:
        connection.close()
        raise
    return connection


def _remove(file: Path) -> None:
    """Remove a database file and its journals."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.unlink(f"{file}{suffix}")


class Cache:
    """Stored results of one configuration: read a file at a time as it comes up, written a
    batch at a time as results arrive (``put``), each batch a transaction of its own."""

    def __init__(self, connection: sqlite3.Connection, file: Path, config_key: str) -> None:
        self._db: sqlite3.Connection | None = connection
        self.file = file
        self.key = config_key
        self._pending: list[tuple[str, bytes, str, int | None, int | None, bytes]] = []
        self._wrote = False  # (some result was stored this run)
        self._warned = False  # (about a damaged row: once a run)
        # [size, mtime_ns] of the files results depend on, read once a run
        self.dep_stamp = dep_stamps()

    @classmethod
    def open(cls, directory: str | None, config: Config) -> Cache | None:
        """The cache of ``config`` in ``directory`` (default: ``.fmlint_cache`` beside the
        configuration file, or in the current folder); None when there can be none (a
        folder that cannot be written). A file there that is not a result database is
        replaced, with a warning."""
        base = Path(directory) if directory else Path(
            os.path.dirname(config.source) if config.source else ".") / DIR_NAME
        file = base / FILE_NAME
        key = _config_digest(config)
        try:
            cache_folder(base)
            for old in (*base.glob("results-*.jsonl"), *base.glob("report-*.txt")):
                old.unlink(missing_ok=True)  # (an older fmlint's results and reports)
            try:
                return cls(_connect(file), file, key)
            except NotACache as err:
                warn_unreadable(file, str(err))
                _remove(file)
                return cls(_connect(file), file, key)
        except (OSError, sqlite3.Error, NotACache):
            return None  # (a cache that cannot be opened only costs time)

    def results(self, paths: list[str], stamps: Stamps | None
                ) -> Iterator[tuple[str, FileResult | None]]:
        """Each path with its stored result if the file (and what its check read) is
        unchanged, else None; read a batch of rows at a time.

        A file whose size and modification time (``stamps``, read for the run) are as stored
        is not read again; otherwise its content hash decides.
        """
        for start in range(0, len(paths), _BATCH):
            batch = paths[start:start + _BATCH]
            rows = self._rows(batch)
            for index, path in enumerate(batch, start):
                row = rows.get(_name(path))
                stamp = stamps[index] if stamps is not None else None
                yield path, None if row is None else self._result(path, stamp, row)

    def _rows(self, paths: list[str]) -> dict[bytes, tuple[str, int | None, int | None, bytes]]:
        """The stored rows of ``paths``, by name."""
        if self._db is None:
            return {}
        names = [_name(path) for path in paths]
        try:
            return {name: rest for name, *rest in self._db.execute(
                "SELECT path, digest, size, mtime_ns, result FROM results WHERE config = ? "
                f"AND path IN ({', '.join('?' * len(names))})", (self.key, *names))}
        except sqlite3.Error:
            return {}

    def _result(self, path: str, stamp: list[int] | None,
                row: tuple[str, int | None, int | None, bytes]) -> FileResult | None:
        """The result in a stored row, if it answers the file as it is now."""
        digest, size, mtime_ns, blob = row
        try:
            result, deps = decode(path, blob)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, RecursionError):
            if not self._warned:
                self._warned = True
                warn_unreadable(self.file, "a stored result that is not one")
            return None
        if stamp is None or [size, mtime_ns] != stamp:
            if digest != _content_key(path):
                return None
            self._add(_name(path), digest, stamp, blob)  # (trusted by its stamp next time)
        for dep, known in deps.items():
            if self.dep_stamp(dep) != known:
                return None
        return result

    def put(self, path: str, result: FileResult, digest: str | None,
            stamp: list[int] | None) -> None:
        """Store the result of checking a file whose bytes have SHA-256 ``digest`` and were
        read at ``stamp``; not a result to keep (an internal error, an unreadable file)."""
        if self._db is None or digest is None or any(
                f.code in ("FM009", "FM017") for f in result.findings):
            return
        deps = {dep: _settled_dep(self.dep_stamp(dep)) for dep in result.deps}
        self._add(_name(path), digest, stamp, encode(path, result, deps))

    def _add(self, name: bytes, digest: str, stamp: list[int] | None, blob: bytes) -> None:
        settled = _settled(stamp)
        size, mtime_ns = settled if settled is not None else (None, None)
        self._pending.append((self.key, name, digest, size, mtime_ns, blob))
        if len(self._pending) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        """Write the pending results in one transaction (dropped if the database is busy
        for long, or full: a cache that cannot be written only costs time)."""
        if self._db is None or not self._pending:
            return
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?)", self._pending)
            self._wrote = True
        except sqlite3.Error:
            pass
        self._pending.clear()

    def close(self) -> None:
        """Write what is pending, drop the results of other configurations once this one
        stored some, and close the database."""
        if self._db is None:
            return
        self._flush()
        try:
            if self._wrote:
                with self._db:
                    self._db.execute("BEGIN IMMEDIATE")
                    self._db.execute("DELETE FROM results WHERE config != ?", (self.key,))
        except sqlite3.Error:
            pass
        finally:
            self._db.close()
            self._db = None


def _name(path: str) -> bytes:
    """A path as the cache keys it: UTF-8, undecodable names kept."""
    return path.encode("utf-8", "surrogatepass")


def _content_key(path: str) -> str | None:
    try:
        return hashlib.sha256(read_whole(path)[1]).hexdigest()
    except OSError:
        return None


# Stored for a dependency changed too recently to trust (``_settled``): matches no stamp, so
# the file that read it is checked again next time.
_UNSETTLED = [-1, -1]


def _settled_dep(stamp: list[int] | None) -> list[int] | None:
    """A dependency's stamp to store. Each is read once a run, when the first result that
    read the file is stored: one changed just before is recent, and so not trusted."""
    if stamp is not None and _settled(stamp) is None:
        return _UNSETTLED
    return stamp


def dep_stamps() -> Callable[[str], list[int] | None]:
    """A stamp reader for the files results depend on, reading each once (for one run)."""
    stamps: dict[str, list[int] | None] = {}

    def stamp_of(path: str) -> list[int] | None:
        if path not in stamps:
            stamps[path] = _stamp(path)
        return stamps[path]

    return stamp_of
