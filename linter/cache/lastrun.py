"""The last run's report, kept beside the result cache: the same run again, over the same
unchanged files, prints it again without reading a single stored result.

A report is kept only when every file was unchanged for two seconds before the run (size and
modification time can then be trusted, as the result cache trusts them) and every result
went into the cache. It is used again only for the same request (arguments, colour, working
folder), the same cache (configuration, schemas, fmlint itself, and the stored results file
as the run left it), the same files with the same sizes and times, and the same files their
results read (``_config.yml``, images). The report goes to disk as it is written and is read
back in pieces: memory does not grow with it.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from typing import IO, Any, TextIO, cast

from .results import Cache, Stamps, replacing, warn_unreadable

_PIECE = 1 << 20  # bytes read at a time
KEEP = 8  # reports kept for one configuration (the latest)


def _files_digest(files: list[str], stamps: Stamps) -> str | None:
    """A digest of the files' paths, sizes and times; None when one cannot be trusted (gone,
    or changed in the last two seconds)."""
    if not stamps.settled():
        return None
    text = "\n".join(f"{path}\0{stamps[i]}" for i, path in enumerate(files))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class LastRun:
    """The kept report of one request over one set of files, and the report being made."""

    def __init__(self, cache: Cache, request: dict[str, Any], files: list[str],
                 stamps: Stamps) -> None:
        self._cache = cache
        digest = hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode(
            "utf-8", "surrogatepass")).hexdigest()[:16]
        self.file = cache.file.parent / f"report-{cache.key}-{digest}.txt"
        self._files = _files_digest(files, stamps)
        self._body: IO[bytes] | None = None  # the report being written, as UTF-8
        self._body_hash = hashlib.sha256()
        self._deps: dict[str, list[int] | None] = {}  # the files the results read, stamped
        self._cached = True  # whether every result is in the cache

    def replay(self, out: TextIO) -> int | None:
        """When this run would print the same as the kept report: write that to ``out`` and
        return the exit status it ended with. Else None, and nothing is written."""
        if self._files is None:
            return None
        try:
            handle = open(self.file, "rb")  # noqa: SIM115  (closed below)
        except OSError:
            return None
        with handle:
            try:
                status = self._intact(handle)
            except OSError:
                return None
            except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
                warn_unreadable(self.file)
                return None
            if status is None:
                return None
            decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
            try:
                while piece := handle.read(_PIECE):  # (other errors writing to ``out`` are
                    out.write(decoder.decode(piece))  # the run's)
            except BrokenPipeError:  # the reader stopped early (``| head``): the status
                pass  # still says what was found
        with contextlib.suppress(OSError):
            os.utime(self.file)  # (used: pruning keeps the reports used last)
        return status

    def _intact(self, handle: IO[bytes]) -> int | None:
        """The exit status in the kept report's header if the report answers this run and
        its text is whole (the file is then at the text's start); else None."""
        head = json.loads(handle.readline())
        status = head["exit"]
        if type(status) is not int or type(head["deps"]) is not dict:
            raise TypeError("not a kept report")
        if head["files"] != self._files or head["results"] != self._cache.stamp():
            return None
        for dep, stamp in head["deps"].items():
            if self._cache.dep_stamp(dep) != stamp:
                return None
        start = handle.tell()
        body = hashlib.sha256()
        while piece := handle.read(_PIECE):
            body.update(piece)
        if body.hexdigest() != head["body"]:
            return None
        handle.seek(start)
        return status

    def add(self, deps: dict[str, list[int] | None] | None, cached: bool) -> None:
        """Note a file's result: whether it is in the cache, and the [size, mtime_ns] of the
        files it read as its cache line records them."""
        if not cached or deps is None:
            self._cached = False
            return
        for dep, stamp in deps.items():
            if self._deps.setdefault(dep, stamp) != stamp:
                self._cached = False  # (read at two times: it changed during the run)

    def tee(self, out: TextIO) -> TextIO:
        """``out``, also keeping what is written to it (in a temporary file), when it is to
        be kept (every result is in the cache: ``add``)."""
        if self._files is None or not self._cached:
            return out
        try:
            self._body = tempfile.TemporaryFile(dir=self._cache.folder(), prefix="report-")  # noqa: SIM115
        except OSError:
            return out  # (a report that cannot be kept only costs time next run)
        return cast(TextIO, _Tee(out, self._keep))

    def _keep(self, text: str) -> None:
        if self._body is None:
            return
        data = text.encode("utf-8", "surrogatepass")
        self._body_hash.update(data)
        try:
            self._body.write(data)
        except OSError:
            self.close()

    def save(self, status: int) -> None:
        """Keep the report written through ``tee`` when every result (``add``) is in the
        cache; the run ended with ``status``. Call it after the result cache is saved."""
        if self._body is None or not self._cached:
            self.close()
            return
        head = {"files": self._files, "results": self._cache.stamp(), "exit": status,
                "deps": dict(sorted(self._deps.items())),
                "body": self._body_hash.hexdigest()}
        try:
            with replacing(self.file) as out:
                out.write(json.dumps(head).encode("utf-8", "surrogatepass") + b"\n")
                self._body.seek(0)
                shutil.copyfileobj(self._body, out)
            self._prune()
        except OSError:  # a report that cannot be kept only costs time next run
            pass
        finally:
            self.close()

    def _prune(self) -> None:
        """Remove other configurations' reports, and all but the ``KEEP`` used last of this
        configuration's, this one among them (each request keeps its own: pre-commit names
        other files every time)."""
        others = []
        for path in self.file.parent.glob("report-*.txt"):
            with contextlib.suppress(OSError):  # (another run may remove it first)
                if not path.name.startswith(f"report-{self._cache.key}-"):
                    path.unlink()
                elif path != self.file:
                    others.append((path.stat().st_mtime_ns, path.name, path))
        for *_order, path in sorted(others, reverse=True)[KEEP - 1:]:
            with contextlib.suppress(OSError):
                path.unlink()

    def close(self) -> None:
        """Drop the report being kept (its temporary file)."""
        if self._body is not None:
            with contextlib.suppress(OSError):
                self._body.close()
            self._body = None


class _Tee:
    """A text stream that writes to another and keeps a copy."""

    def __init__(self, out: TextIO, keep: Callable[[str], None]) -> None:
        self._out = out
        self._keep = keep

    def write(self, text: str) -> int:
        self._keep(text)
        return self._out.write(text)

    def flush(self) -> None:
        self._out.flush()
