"""The last run's report, kept beside the result cache: the same run again, over the same
unchanged files, prints it again without reading a single stored result.

A report is kept only when every file was unchanged for two seconds before the run (size and
modification time can then be trusted, as the result cache trusts them) and every result
went into the cache. It is used again only for the same request (arguments, colour, working
folder), the same cache (configuration, schemas, fmlint itself, and the stored results file
as the run left it), the same files with the same sizes and times, and the same files their
results read (``_config.yml``, images).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
from collections.abc import Callable
from typing import Any, TextIO, cast

from .cache import Cache, Stamps

LIMIT = 16 << 20  # characters of report kept at most (a larger one is not kept)


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
        self._kept: io.StringIO | None = None
        self._size = 0
        self._deps: set[str] = set()  # the files the results read
        self._cached = True  # whether every result is in the cache

    def report(self) -> tuple[str, int] | None:
        """The kept report and exit status, when this run would print the same."""
        if self._files is None:
            return None
        try:
            with open(self.file, "rb") as handle:
                head = json.loads(handle.readline())
                if head["files"] != self._files or head["results"] != self._cache.stamp():
                    return None
                for dep, stamp in head["deps"].items():
                    if self._cache.dep_stamp(dep) != stamp:
                        return None
                status = head["exit"]
                if type(status) is not int:
                    return None
                return handle.read().decode("utf-8", "surrogatepass"), status
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def add(self, deps: list[str], cached: bool) -> None:
        """Note a file's result: the files it read, and whether it is in the cache."""
        self._deps.update(deps)
        self._cached = self._cached and cached

    def tee(self, out: TextIO) -> TextIO:
        """``out``, also keeping what is written to it (up to ``LIMIT``)."""
        if self._files is None:
            return out
        self._kept = io.StringIO()
        return cast(TextIO, _Tee(out, self._keep))

    def _keep(self, text: str) -> None:
        if self._kept is None:
            return
        self._size += len(text)
        if self._size > LIMIT:
            self._kept = None  # too large to keep
        else:
            self._kept.write(text)

    def save(self, status: int) -> None:
        """Keep the report written through ``tee`` when every result (``add``) is in the
        cache; the run ended with ``status``. Call it after the result cache is saved."""
        if self._kept is None or not self._cached:
            return
        head = {"files": self._files, "results": self._cache.stamp(), "exit": status,
                "deps": {dep: self._cache.dep_stamp(dep) for dep in sorted(self._deps)}}
        temporary = self.file.with_suffix(f".{os.getpid()}.tmp")
        try:
            self._cache.folder()
            with open(temporary, "wb") as out:
                out.write(json.dumps(head).encode("utf-8", "surrogatepass") + b"\n")
                out.write(self._kept.getvalue().encode("utf-8", "surrogatepass"))
            os.replace(temporary, self.file)
            for old in self.file.parent.glob("report-*.txt"):
                if not old.name.startswith(f"report-{self._cache.key}-"):
                    old.unlink(missing_ok=True)  # (another configuration's)
        except OSError:  # a report that cannot be kept only costs time next run
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise


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
