"""The result cache: unchanged files are not checked again.

A result is reused when the file's bytes, the configuration, the schemas, fmlint itself and
every file the check read (local images, ``_config.yml``) are unchanged. Results are stored as
JSON Lines, one file a line (never pickle: the cache folder sits in the checked repository).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .. import __version__
from ..engine.config import Config
from ..engine.lint import FileResult
from ..engine.suppress import Directive, Suppressions
from ..rules.finding import SEVERITY_RANK
from ..site.files import read_whole, sweep_once

if TYPE_CHECKING:
    from ..runner.batch import Outcome

DIR_NAME = ".fmlint_cache"


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
        "schemas": [asdict(m) for m in config.schemas],
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

    def settled(self) -> bool:
        """Whether every file was read and none changed too recently to trust (``_settled``)."""
        sizes, times = self._numbers[0::2], self._numbers[1::2]
        return (not sizes or min(sizes) >= 0) and _settled([0, max(times, default=0)]) is not None


def _settled(stamp: list[int] | None) -> list[int] | None:
    """A stamp to trust later, or None for a file changed in the last two seconds (a second
    change within the clock's resolution could keep size and time: hash it next time)."""
    if stamp is None or time.time_ns() - stamp[1] < 2_000_000_000:
        return None
    return stamp


def _encode(outcome: Outcome, deps: dict[str, list[int] | None]) -> list[Any]:
    """A file's result as compact JSON values (lists, not objects: the cache stays small)."""
    sup = outcome.result.suppressions
    findings, entries = outcome.packed()
    return [
        findings,
        entries,
        None if sup is None else [
            [[d.line, d.column, d.end_column, d.whole_file, d.codes, d.last_line]
             for d in sup.directives],
            sup.problems],
        deps,
        None if outcome.block is None else list(outcome.block),
        outcome.result.no_schema,
    ]


def _decode(path: str, data: list[Any]) -> Outcome:
    """The stored result of ``path``: suppressions decoded, findings and index entries left
    as rows (``Finding.from_row`` reads them when the report needs them), the stamps of the
    files it read, the file's lines of the text report with their layout, if they were made,
    and how many of its records no schema described."""
    from ..runner.batch import Outcome

    findings, entries, sup, deps, block, no_schema = data
    if not (_block_ok(block) and _list_of(findings, _finding_ok)
            and _list_of(entries, _entry_ok) and _suppressions_ok(sup) and _deps_ok(deps)
            and type(no_schema) is int and no_schema >= 0):
        raise TypeError("not a stored result")
    result = FileResult(
        no_schema=no_schema,
        suppressions=None if sup is None or sup == [[], []] else Suppressions(
            [Directive(line, col, end, whole, dict(codes), last_line=last)
             for line, col, end, whole, codes, last in sup[0]],
            [tuple(p) for p in sup[1]],  # type: ignore[misc]
        ),
    )
    return Outcome(path, result, rows=(findings, entries), dep_stamps=deps,
                   block=None if block is None else (block[0], block[1]))


# What a stored result's parts must be: a hand-edited or damaged line is not a result.


def _ints(values: list[Any]) -> bool:
    return all(type(v) is int for v in values)


def _list_of(value: Any, item_ok: Callable[[Any], bool]) -> bool:
    return type(value) is list and all(item_ok(item) for item in value)


def _strings(*values: Any) -> bool:
    return all(type(v) is str for v in values)


def _finding_ok(row: Any) -> bool:
    """A finding's row (``Finding.to_row``)."""
    return (type(row) is list and len(row) == 10 and _ints(row[:4])
            and _strings(row[4], row[5], row[7]) and row[6] in SEVERITY_RANK
            and (row[8] is None or type(row[8]) is str) and (row[9] is None or _fix_ok(row[9])))


def _fix_ok(fix: Any) -> bool:
    return (type(fix) is list and len(fix) == 3 and fix[0] in ("safe", "unsafe")
            and type(fix[1]) is str and _list_of(fix[2], lambda edit: (
                type(edit) is list and len(edit) == 5 and _ints(edit[:4])
                and type(edit[4]) is str)))


def _entry_ok(row: Any) -> bool:
    """An index entry's row (``IndexEntry.to_row``)."""
    return (type(row) is list and len(row) in (8, 9) and _strings(row[0], row[1], *row[6:])
            and _ints(row[2:6]))


def _suppressions_ok(sup: Any) -> bool:
    return sup is None or (
        type(sup) is list and len(sup) == 2
        and _list_of(sup[0], lambda d: (
            type(d) is list and len(d) == 6 and _ints([d[0], d[1], d[2], d[5]])
            and type(d[3]) is bool and type(d[4]) is dict and _strings(*d[4], *d[4].values())))
        and _list_of(sup[1], lambda p: (
            type(p) is list and len(p) == 4 and _ints(p[:3]) and type(p[3]) is str)))


def _deps_ok(deps: Any) -> bool:
    return type(deps) is dict and all(_stamp_ok(stamp) for stamp in deps.values())


def _stamp_ok(stamp: Any) -> bool:
    return stamp is None or (type(stamp) is list and len(stamp) == 2 and _ints(stamp))


def _block_ok(block: Any) -> bool:
    return block is None or (type(block) is list and len(block) == 2
                             and _strings(block[0], block[1]))


def warn_unreadable(file: Path | str, what: str = "") -> None:
    """Say, on one line of stderr, that a cache file cannot be read and is ignored (it is
    rebuilt as the run goes)."""
    why = f" ({what})" if what else ""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"fmlint: warning: ignoring the damaged cache file {file}{why}; "
                         "it will be rebuilt\n")


class Cache:
    """Stored results, one line of JSON per file (the path, a tab, then the result).

    Only each line's offset is kept in memory, by a hash of its path; a line is read when its
    file comes up. New lines go to a side file and are merged into a new cache file at the
    end, so a run over 100,000 files holds neither the old results nor the new ones.
    """

    def __init__(self, file: Path, config_key: str) -> None:
        self.file = file
        self.key = config_key
        self._old: BinaryIO | None = None
        self._offsets: dict[int, int] | None = None  # (``_stored``: built on first use)
        self._start = 0  # where the stored lines start
        self._new: BinaryIO | None = None  # lines written this run
        self._new_end = 0  # where the next of them goes
        self._new_paths = array("q")  # hashes of their names
        self._renewed: dict[int, int] = {}  # hash of a path's name -> its line, for lines
        # written again this run (a new stamp): the file may be asked for again
        # [size, mtime_ns] of the files results depend on, read once a run
        self.dep_stamp = dep_stamps()
        self._warned = False  # (about a damaged line: once a run)
        try:
            self._old = open(file, "rb")  # noqa: SIM115  (closed by save or close)
        except OSError:
            return
        try:
            head = json.loads(self._old.readline(1024))
            if type(head) is not dict or head.get("key") != config_key:
                raise ValueError("not this configuration's results")
            self._start = self._old.tell()
        except (OSError, ValueError, RecursionError) as err:
            warn_unreadable(file, str(err) if isinstance(err, ValueError) else "")
            self.close()

    def _stored(self) -> dict[int, int]:
        """Hash of a path's name -> offset of its line in the stored results file, read on
        first use (a run that prints the last report again needs none)."""
        if self._offsets is None:
            self._offsets = {}
            if self._old is not None:
                try:
                    self._old.seek(self._start)
                    offset = self._start
                    for line in self._old:
                        name, tab, _rest = line.partition(b"\t")
                        if tab:  # (keyed by the path as written: ``get`` writes it the same)
                            self._offsets[hash(name)] = offset
                        offset += len(line)
                except OSError:
                    self._offsets = {}
        return self._offsets

    @classmethod
    def open(cls, directory: str | None, config: Config) -> Cache | None:
        base = Path(directory) if directory else Path(
            os.path.dirname(config.source) if config.source else ".") / DIR_NAME
        key = _config_digest(config)
        return cls(base / f"results-{key}.jsonl", key)

    def folder(self) -> Path:
        """The cache folder, made if it is not there (``cache_folder``)."""
        return cache_folder(self.file.parent)

    def stamp(self) -> list[int] | None:
        """The stored results file's [size, mtime_ns] (None: there is none)."""
        return _stamp(str(self.file))

    @staticmethod
    def _content_key(path: str) -> str | None:
        try:
            return hashlib.sha256(read_whole(path)[1]).hexdigest()
        except OSError:
            return None

    def _line(self, path: str) -> bytes | None:
        """The stored line of ``path`` (after the tab), from this run's lines or the file."""
        name = _name(path)
        key = hash(name)
        for source, offsets in ((self._new, self._renewed), (self._old, self._stored())):
            offset = offsets.get(key)
            if source is None or offset is None:
                continue
            source.seek(offset)
            stored, _tab, rest = source.readline().partition(b"\t")
            return rest if stored == name else None
        return None

    def _write(self, path: str, line: bytes, again: bool = False) -> None:
        if self._new is None:
            self._new = tempfile.TemporaryFile(dir=self.folder(), prefix="new-")  # noqa: SIM115
            self._new_end = 0
        elif self._new.tell() != self._new_end:  # (a stored line was read back since)
            self._new.seek(self._new_end)
        key = hash(_name(path))
        if again:
            self._renewed[key] = self._new_end
        self._new_paths.append(key)
        self._new.write(line)
        self._new_end += len(line)

    def get(self, path: str, stamp: list[int] | None) -> Outcome | None:
        """The stored outcome if the file (and what its check read) is unchanged.

        A file whose size and modification time (``stamp``, read for the run: ``Stamps``)
        are as stored is not read again; otherwise its content hash decides.
        """
        try:
            line = self._line(path)
            if line is None:
                return None
            sha, stat, result = json.loads(line.decode("utf-8", "surrogatepass"))
            if type(sha) is not str or not _stamp_ok(stat) or type(result) is not list:
                raise TypeError("not a stored result")
            outcome = _decode(path, result)
        except OSError:
            return None
        except (KeyError, TypeError, ValueError, IndexError, RecursionError):
            if not self._warned:
                self._warned = True
                warn_unreadable(self.file, "a stored result that is not one")
            return None
        try:
            if stamp is None or stat != stamp:
                if sha != self._content_key(path):
                    return None
                self._write(path, _line(path, [sha, _settled(stamp), result]), again=True)
        except OSError:
            return None
        for dep, known in result[3].items():
            if self.dep_stamp(dep) != known:
                return None
        return outcome

    def put(self, outcome: Outcome) -> bool:
        """Store the result of checking a file (its line, when a worker made it already);
        False when it is not kept (an internal error, an unreadable file, a full disk)."""
        line = outcome.cache_line if outcome.cache_line is not None else encode_line(
            outcome, self.dep_stamp)
        if not line:
            return False
        try:
            self._write(outcome.path, line)
        except OSError:
            return False  # a cache that cannot be written only costs time
        return True

    def save(self) -> None:
        """Write the cache file anew: the stored lines this run did not replace, then this
        run's lines (streamed: nothing is held in memory)."""
        try:
            if self._new is None:  # nothing new this run
                return
            with replacing(self.file) as out:
                out.write(json.dumps({"key": self.key}).encode() + b"\n")
                if self._old is not None:
                    written = set(self._new_paths)
                    for key, offset in self._stored().items():
                        if key not in written:
                            self._old.seek(offset)
                            out.write(self._old.readline())
                self._new.seek(0)
                shutil.copyfileobj(self._new, out)
            for old in self.file.parent.glob("results-*.json*"):
                if old != self.file:
                    old.unlink(missing_ok=True)
        except OSError:  # a cache that cannot be written only costs time
            pass
        finally:
            self.close()

    def close(self) -> None:
        for handle in (self._old, self._new):
            if handle is not None:
                with contextlib.suppress(OSError):  # (a full disk: only costs time)
                    handle.close()
        self._old = self._new = None


def cache_folder(folder: Path) -> Path:
    """A cache folder (results, kept reports, online answers), made with a ``.gitignore`` of
    its own if it is not there."""
    folder.mkdir(parents=True, exist_ok=True)
    sweep_once(os.path.abspath(folder), _TEMPORARY)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Created by fmlint automatically.\n*\n", "utf-8")
    return folder


# ``replacing``'s temporaries: the target's name, a process number, ``.tmp``.
_TEMPORARY = re.compile(r"[a-z0-9-]+\.[0-9]+\.tmp")


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[BinaryIO]:
    """A file to write ``target``'s new content to: it takes ``target``'s place when the
    block ends, and is removed when the block fails (nothing half-written is left)."""
    temporary = target.with_suffix(f".{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as out:
            yield out
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise


def encode_line(outcome: Outcome, dep_stamp: Callable[[str], list[int] | None]) -> bytes:
    """The cache line of a checked file: its bytes' SHA-256 is ``outcome.digest``,
    ``outcome.stamp`` the file's [size, mtime_ns] taken before they were read, ``dep_stamp``
    gives those of the files the check read (kept in ``outcome.dep_stamps`` too). Empty for a
    result not to keep (an internal error, an unreadable file)."""
    findings, _entries = outcome.packed()
    if outcome.digest is None or any(row[4] in ("FM009", "FM017") for row in findings):
        return b""
    deps = outcome.dep_stamps = {dep: _settled_dep(dep_stamp(dep)) for dep in outcome.result.deps}
    return _line(outcome.path, [outcome.digest, _settled(outcome.stamp), _encode(outcome, deps)])


# Stored for a dependency changed too recently to trust (``_settled``): matches no stamp, so
# the file that read it is checked again next time.
_UNSETTLED = [-1, -1]


def _settled_dep(stamp: list[int] | None) -> list[int] | None:
    """A dependency's stamp to store. Each is read once a run, just after the first check
    that read the file: one changed in between is recent, and so not trusted."""
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


_PLAIN_NAME = re.compile(r"[ !#-\[\]-~]*")  # printable ASCII that JSON writes as it is


def _name(path: str) -> bytes:
    """A path as a cache line starts with it: JSON, ASCII (undecodable names survive)."""
    if _PLAIN_NAME.fullmatch(path):  # (the common case, without the encoder)
        return b'"' + path.encode("ascii") + b'"'
    return json.dumps(path).encode("ascii")


def _line(path: str, stored: list[Any]) -> bytes:
    """A cache file's line: the path as JSON (``_name``), a tab, the stored result as JSON."""
    return _name(path) + b"\t" + (json.dumps(
        stored, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8",
                                                                         "surrogatepass")
