"""What a large run keeps of each file until the report: on disk, not in memory.

A run would otherwise hold every finding and every key of the checks across records (about
1.2 KB a record). Up to ``IN_MEMORY`` files, they are kept as they are; past it, each
file's findings and keys are written to a temporary file as one pickle (the run reads back
only what it wrote itself, in the same run), and the run keeps only counts, the record's
offset, and a 64-bit hash per key. What it buys, at 50,000 records
(every core, peak of the summed PSS of all processes): a cold run takes 69 MB with it, 120 MB
without; a warm one 45 MB, 109 MB without. CPU time is the same within the noise (cold:
33.5 s with it, 32.0 s without).
"""

from __future__ import annotations

import io
import itertools
from array import array
from collections.abc import Iterator
from typing import IO

from ..rules.context import IndexEntry
from ..rules.finding import Finding

_BATCH = 1 << 18  # bytes of lines gathered before they are written out
# Files whose findings and keys are kept as they are (no pickling) before the run starts
# writing them out: a run of up to 20,000 records holds them in memory, some 25 MB. It buys
# about 8% of a warm run over 10,000 records (0.61-0.63 s of CPU against 0.67-0.78 s).
IN_MEMORY = 20_000


class Spill:
    """Findings and cross-record keys of many files, written out as they arrive."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._reader: IO[bytes] | None = None  # what lines are read back through
        self._offsets: dict[int, int] = {}  # hash of a path with findings -> its line
        self._more: dict[str, int] = {}  # path -> its line, for a path whose hash is taken
        self._key_hashes = array("q")  # hash of (code, key) of every index entry
        self._key_files = array("q")  # offset of the line that holds the entry
        self._elsewhere: set[int] = set()  # lines with an entry about another file
        self._pending = bytearray()  # lines not yet written out
        self._written = 0  # bytes in the file
        # Lines kept as they are, before any is written out; an "offset" is then an index
        # into this list. None once the run has started writing them out.
        self._kept: list[tuple[str, list[Finding], list[IndexEntry]]] | None = []

    def _out(self) -> IO[bytes]:
        if self._file is None:
            import tempfile  # (a run with no finding needs none)

            try:
                self._file = tempfile.TemporaryFile(prefix="fmlint-", buffering=0)  # noqa: SIM115
            except OSError:  # no writable temporary folder: keep the lines in memory
                self._file = io.BytesIO()
        return self._file

    def add(self, path: str, findings: list[Finding], entries: list[IndexEntry]) -> None:
        """Keep one file's findings and index entries; once per file."""
        if not findings and not entries:
            return
        if self._kept is not None and len(self._kept) >= IN_MEMORY:
            self._write_out_kept()
        if self._kept is not None:
            offset = len(self._kept)
            self._kept.append((path, findings, entries))
        else:
            offset = self._append(path, findings, entries)
        if findings and self._offsets.setdefault(hash(path), offset) != offset:
            self._more[path] = offset  # another path has this hash
        for entry in entries:
            self._key_hashes.append(hash((entry.code, entry.key)))
            self._key_files.append(offset)
            if entry.path != path:  # (an entry about another file: see ``shared_entries``)
                self._elsewhere.add(offset)

    def _append(self, path: str, findings: list[Finding], entries: list[IndexEntry]) -> int:
        """Write one file's line (pickled); its offset."""
        import pickle  # (only past IN_MEMORY files: most runs never write a line)

        line = pickle.dumps((path, findings, entries), pickle.HIGHEST_PROTOCOL)
        offset = self._written + len(self._pending)
        self._pending += line
        if len(self._pending) >= _BATCH:
            self._flush()
        return offset

    def _write_out_kept(self) -> None:
        """Write the lines kept so far out, and renumber what points at them."""
        assert self._kept is not None
        kept, self._kept = self._kept, None
        offsets = [self._append(*line) for line in kept]
        del kept
        self._offsets = {key: offsets[index] for key, index in self._offsets.items()}
        self._more = {path: offsets[index] for path, index in self._more.items()}
        self._key_files = array("q", (offsets[index] for index in self._key_files))
        self._elsewhere = {offsets[index] for index in self._elsewhere}

    def _flush(self) -> None:
        """Write the pending lines out; on a full disk, go on in memory (nothing is lost:
        the file is unbuffered, so what it holds is known)."""
        if not self._pending:
            return
        try:
            self._write(self._pending)
        except OSError:
            self._to_memory()
            self._write(self._pending)
        self._written += len(self._pending)
        self._pending.clear()

    def _write(self, data: bytes | bytearray) -> None:
        out = self._out()
        out.seek(self._written)
        view = memoryview(data)
        while view:  # (a raw file may take part of it)
            view = view[out.write(view):]

    def _to_memory(self) -> None:
        if isinstance(self._file, io.BytesIO):
            raise OSError("cannot keep the findings")
        self._close_reader()
        kept = io.BytesIO()
        if self._file is not None:
            self._file.seek(0)
            left = self._written  # the whole lines (not a part written)
            while left and (chunk := self._file.read(min(left, 1 << 24))):
                kept.write(chunk)
                left -= len(chunk)
            self._file.close()
        self._file = kept

    def _read(self, offset: int) -> tuple[str, list[Finding], list[IndexEntry]]:
        """The line at ``offset``: a path, its findings and index entries."""
        if self._kept is not None:
            return self._kept[offset]
        self._flush()
        assert self._file is not None
        if self._reader is None:
            # Read through a buffer of its own (lines are only ever added, so what it holds
            # stays true): one system call serves many lines read in order.
            in_memory = isinstance(self._file, io.BytesIO)
            self._reader = self._file if in_memory else open(  # noqa: SIM115
                self._file.fileno(), "rb", closefd=False)
        self._reader.seek(offset)
        import pickle

        return pickle.load(self._reader)

    def shared_entries(self) -> list[IndexEntry]:
        """The index entries whose key some other entry has too (only those can meet), and
        those about another file than their own (a value the site's defaults give, reported
        once where the defaults write it, however many records it reaches)."""
        hashes, files = self._key_hashes, self._key_files
        shared: set[int] = set()
        ordered = sorted(range(len(hashes)), key=hashes.__getitem__)  # ints, not tuples
        for a, b in itertools.pairwise(ordered):
            # (a key a file has twice, as when two of its URLs agree, does not count)
            if hashes[a] == hashes[b] and files[a] != files[b]:
                shared.add(hashes[a])
        del ordered
        out: list[IndexEntry] = []
        lines = sorted({files[i] for i in range(len(hashes)) if hashes[i] in shared}
                       | self._elsewhere)
        for offset in lines:
            path, _findings, entries = self._read(offset)
            out.extend(e for e in entries if e.path != path or hash((e.code, e.key)) in shared)
        return out

    def stored(self, path: str) -> list[Finding]:
        """The findings kept for ``path`` (none if it had none)."""
        offset = self._more.get(path, self._offsets.get(hash(path)))
        if offset is None:
            return []
        stored, findings, _entries = self._read(offset)
        return findings if stored == path else []

    def _close_reader(self) -> None:
        if self._reader is not None and self._reader is not self._file:
            self._reader.close()
        self._reader = None

    def close(self) -> None:
        self._close_reader()
        if self._file is not None:
            self._file.close()
            self._file = None


class SortedFindings:
    """A run's findings in report order, read back from the spill each time it is walked.

    Reports walk the findings more than once (a summary, fingerprints); each walk reads them
    again rather than holding them all.
    """

    def __init__(self, spill: Spill, paths: list[str], extra: list[Finding], count: int) -> None:
        self._spill = spill
        self._paths = paths
        self._extra: dict[str, list[Finding]] = {}
        for finding in extra:
            self._extra.setdefault(finding.path or "", []).append(finding)
        self._count = count  # all of them, ``extra`` included

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[Finding]:
        for path in sorted({*self._paths, *self._extra}):
            yield from sorted([*self._spill.stored(path), *self._extra.get(path, ())],
                              key=Finding.sort_key)
