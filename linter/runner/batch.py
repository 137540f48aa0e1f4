"""Running checks over files: reading, site discovery, fixing, writing, parallel workers.

One module because the parallel workers share this module's per-process state (the file being
checked when a signal comes, what was read of sites and images), and tests replace
``check_path`` here to reach the workers; splitting them off is a step of its own.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Generator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NamedTuple

from ..engine import lint as engine
from ..engine import schemachoice
from ..engine.config import Config
from ..reading import source
from ..rules.finding import Finding
from ..site import files
from ..site.workspace import Workspace

if TYPE_CHECKING:
    from ..fixer.apply import FixOutcome

PARALLEL_THRESHOLD = 256  # fewer files are checked sooner in this process alone
_IN_FLIGHT = 4  # chunks queued per worker: enough that a worker never waits for the next


class Mode(NamedTuple):
    """What to do with fixes: report only, write them, or show them as a diff."""

    fix: bool = False
    unsafe: bool = False
    diff: bool = False


class Outcome:
    """What checking (and fixing) one file gave."""

    __slots__ = ("diff", "digest", "fixed", "fixed_text", "path", "result", "stamp", "text")

    def __init__(self, path: str, result: engine.FileResult, fixed: int = 0,
                 fixed_text: str | None = None, diff: str | None = None, text: str | None = None,
                 digest: str | None = None, stamp: list[int] | None = None) -> None:
        self.path = path
        self.result = result
        self.fixed = fixed
        self.fixed_text = fixed_text  # the whole fixed text, for stdin and --diff
        self.diff = diff
        self.text = text  # the text as checked, when it is kept (standard input)
        self.digest = digest  # SHA-256 of the bytes checked, for the result cache
        self.stamp = stamp  # [size, mtime_ns] of the file when it was read


def check_data(data: bytes, path: str, config: Config, mode: Mode,
               keep_text: bool = False, disk: Workspace | None = None) -> Outcome:
    """Check (and fix, per ``mode``) one file's bytes, with what ``disk`` read of sites,
    images and schemas (without it, read afresh). Writes nothing."""
    disk = disk or Workspace()
    site = disk.site_for(path, config)
    deps = list(site.looked)
    sizer = disk.image_sizer(site, deps)
    names = disk.name_lookup(site, config, deps)
    try:
        text, bom = source.decode(data)
    except source.DecodeError:
        return Outcome(path, engine.check_bytes(data, path, config, site=site,
                                                schemas=disk.schemas))

    def check(candidate: str) -> list[Finding]:
        return engine.check_text(candidate, path, config, site=site, image_sizer=sizer,
                                 names=names, schemas=disk.schemas).findings

    result = engine.check_text(text, path, config, site=site, image_sizer=sizer, names=names,
                               decoded=True, schemas=disk.schemas)
    result.deps = sorted({*deps, *result.deps})  # (the schema's files too)
    outcome = Outcome(path, result, text=text if keep_text else None)
    if not (mode.fix or mode.diff) or not any(f.fix for f in result.findings):
        result.findings = with_sources(result.findings, text)
        return outcome
    from ..fixer import apply as fixer  # (only when fixing)

    fixed = fixer.fix_text(text, check, unsafe=mode.unsafe, path=path)
    final = engine.check_text(fixed.text, path, config, site=site, image_sizer=sizer,
                              names=names, schemas=disk.schemas)
    final.findings.extend(_fix_notes(fixed, path, config))
    final.findings.sort(key=Finding.sort_key)
    final.findings = with_sources(final.findings, fixed.text)
    outcome.result = final
    outcome.fixed = len(fixed.applied)
    if fixed.text != text:
        outcome.fixed_text = ("\ufeff" if bom else "") + fixed.text
        outcome.text = fixed.text if keep_text else None
        if mode.diff:
            import difflib

            from ..output.safe_text import diff_path

            outcome.diff = "".join(difflib.unified_diff(
                text.splitlines(keepends=True), fixed.text.splitlines(keepends=True),
                fromfile=diff_path("a/", path), tofile=diff_path("b/", path)))
    return outcome


def with_sources(findings: list[Finding], text: str) -> list[Finding]:
    """The findings, each with its line of ``text`` (``Finding.source``) if it has one."""
    if not findings:
        return findings
    lines = source.Lines(text)
    count = len(lines)
    return [replace(f, source=lines[f.line - 1]) if 1 <= f.line <= count else f
            for f in findings]


def _fix_notes(fixed: FixOutcome, path: str, config: Config) -> list[Finding]:
    from ..fixer.apply import MAX_PASSES
    from ..rules.registry import RULES

    notes = []
    for finding in fixed.rejected:
        rule = RULES["FM015"]
        what = finding.fix.message if finding.fix else ""
        notes.append(Finding(path, finding.line, finding.column, finding.end_line,
                             finding.end_column, rule.code, rule.name,
                             config.severity_of(rule),
                             f"the fix of {finding.code} ({what}) was not applied: it would "
                             "change other values", finding.pointer))
    if fixed.hit_limit:
        rule = RULES["FM016"]
        notes.append(Finding(path, 1, 1, 1, 1, rule.code, rule.name,
                             config.severity_of(rule),
                             f"fixes were still changing the file after {MAX_PASSES} "
                             "passes; stopped", None))
    enabled = config.enabled()
    return [n for n in notes if n.code in enabled]


def check_path(path: str, config: Config, mode: Mode, roots: list[str],
               keep_text: bool = False, with_digest: bool = False,
               disk: Workspace | None = None) -> Outcome:
    """Read, check, and (with ``mode.fix``) write one file. Never raises. ``with_digest``:
    the outcome carries the SHA-256 of the bytes checked (for the result cache); ``disk``:
    what the run read of sites, images and schemas."""
    disk = disk or Workspace()
    try:
        info, data = read_checked(path, roots, disk, config.cwd)
    except OSError as err:
        return Outcome(path, engine.FileResult([_io_finding(path, config, err)]))
    outcome = check_data(data, path, config, mode, keep_text, disk)
    if with_digest:
        import hashlib  # (only with a cache)

        outcome.digest = hashlib.sha256(data).hexdigest()
    outcome.stamp = [info.st_size, info.st_mtime_ns]
    if mode.fix and not mode.diff and outcome.fixed_text is not None:
        try:
            files.write_atomic(path, outcome.fixed_text.encode("utf-8"), data, roots)
        except (files.WriteRefused, OSError) as err:
            message = str(err) if isinstance(err, files.WriteRefused) else (
                f"cannot write the fixed file: {err.strerror}")
            outcome = check_data(data, path, config, Mode(), disk=disk)
            outcome.result.findings.append(_io_finding(path, config, message))
    return outcome


def read_checked(path: str, roots: list[str], disk: Workspace, cwd: str | None = None
                 ) -> tuple[os.stat_result, bytes]:
    """A checked file's status and bytes (``files.read_whole``). It may lead anywhere when
    no symbolic link is on its way, else only within the checked folders ``roots`` (a file
    named itself: within its folder). ``disk``: where the run's folders really are, found
    once each; ``cwd``: the run's working folder, if it fixed one."""
    return files.read_whole(path, (os.path.dirname(root) or "." if root == path else root
                                   for root in roots),
                            real_folder=disk.folder_is_real(os.path.dirname(path), cwd))


def _io_finding(path: str, config: Config, err: OSError | str) -> Finding:
    from ..rules.registry import RULES

    rule = RULES["FM017"]
    if isinstance(err, files.ReadRefused):
        message = str(err)
    else:
        message = err if isinstance(err, str) else (
            f"cannot read the file: {err.strerror or err}")
    return Finding(path, 1, 1, 1, 1, rule.code, rule.name,
                   config.severity_of(rule), message, None)


# -- parallel workers ----------------------------------------------------------------------

class Interrupted(KeyboardInterrupt):
    """A signal (SIGTERM, SIGINT) asked the run to stop."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_in_file = False  # whether this process is checking (and fixing) a file
_stop: int | None = None  # the signal that asked to stop while it was


def interrupt(signum: int, _frame: object = None) -> None:
    """A signal handler: stop the run (``Interrupted``) once the file being checked is
    done, written and counted (at once if none is, or at a second signal: a file being
    written is then left whole, old or new, and its temporary file removed)."""
    global _stop
    if _in_file and _stop is None:
        _stop = signum
        return
    _stop = None
    raise Interrupted(signum)


class Written:
    """How many problems the fixes written to disk repaired, counted by the process that
    wrote each file as soon as it is written (a worker that dies afterwards still counts,
    and the file, checked again, has nothing left to fix)."""

    def __init__(self) -> None:
        self._own = 0
        self._shared: Any = None  # a number shared with the workers, once there are some

    def share(self, context: Any) -> None:
        """Count in memory the workers share from now on."""
        if self._shared is None:
            self._shared = context.Value("q", self._own)

    def add(self, count: int) -> None:
        if self._shared is None:
            self._own += count
            return
        with self._shared.get_lock():
            self._shared.value += count

    @property
    def value(self) -> int:
        return self._own if self._shared is None else self._shared.value


class Job(NamedTuple):
    """How every file of a run is checked: what to do with fixes, the checked folders, what
    the run reads of sites, images and schemas (``disk``: one per run; a forked worker has
    its own copy), whether outcomes carry their bytes' digest for the result cache, and
    what counts the fixes written (``written``)."""

    mode: Mode
    roots: list[str]
    disk: Workspace
    with_digest: bool = False
    written: Written | None = None


def _checked(path: str, config: Config, job: Job) -> Outcome:
    """``check_path``; a signal meanwhile stops the run after it (``interrupt``)."""
    global _in_file, _stop
    _in_file = True
    try:
        outcome = check_path(path, config, job.mode, job.roots, with_digest=job.with_digest,
                             disk=job.disk)
        if job.written is not None and job.mode.fix and not job.mode.diff and (
                outcome.fixed_text is not None):  # (a file not written: None)
            job.written.add(outcome.fixed)
    finally:
        _in_file = False
    if _stop is not None:
        signum, _stop = _stop, None
        raise Interrupted(signum)
    return outcome


_worker_state: tuple[list[Config], Job, Any] | None = None


def _init_worker(configs: list[Config], job: Job, stop: Any) -> None:
    """A worker's start: what it checks with, and how it stops. ``stop`` is set when the
    run is stopped; a signal to the worker itself ends it (``_signalled``)."""
    global _worker_state
    import signal

    _worker_state = (configs, job, stop)
    signal.signal(signal.SIGTERM, _signalled)
    signal.signal(signal.SIGINT, _signalled)


def _signalled(signum: int, frame: object) -> None:
    """A worker asked to stop ends after the file it is checking (``interrupt``, then
    ``_work``), or at once when it is waiting for work; quietly: the run checks the files
    it did not."""
    if not _in_file:
        os._exit(128 + signum)
    interrupt(signum, frame)


def _work(group: int, paths: list[str]) -> list[Outcome]:
    assert _worker_state is not None
    configs, job, stop = _worker_state
    config = configs[group]
    outcomes = []
    try:
        for path in paths:
            if stop.is_set():  # (the run is stopping: what is left is not wanted)
                break
            outcomes.append(_checked(path, config, job))
    except Interrupted as err:
        os._exit(128 + err.signum)
    return outcomes


def check_paths(groups: Sequence[tuple[Config, list[str]]], job: Job, jobs: int,
                progress: Callable[[int], None] | None = None
                ) -> Generator[Outcome, None, None]:
    """Outcomes of the files of ``groups`` (a configuration and the paths it applies to), in
    no set order; ``jobs`` processes check them in large runs.

    This process is one of them: it checks chunks of files itself while ``jobs - 1`` forked
    workers check others, and takes in their outcomes between its own chunks; once every
    chunk is handed out, it takes back those no worker has started. A worker that
    dies (killed, out of memory) leaves its files to this process. Stopped early (an
    exception, or closed), the workers stop after the file each is checking.
    """
    configs = [config for config, _paths in groups]
    total = sum(len(paths) for _config, paths in groups)
    if jobs <= 1 or total < PARALLEL_THRESHOLD:
        for config, paths in groups:
            for path in paths:
                yield _checked(path, config, job)
                if progress:
                    progress(1)
        return
    import gc
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    for config in configs:
        config.enabled()  # resolve once, before the workers copy the configuration
        # What every check needs, made once and shared with workers:
        schemachoice.prepare(config, job.disk.schemas)
    gc.freeze()  # the collector need not touch (and so copy) what the workers inherit
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    if job.written is not None:
        job.written.share(context)
    stop = context.Event()
    size = max(1, min(32, total // (jobs * 8) or 1))
    chunks = iter([(index, paths[i:i + size]) for index, (_config, paths) in enumerate(groups)
                   for i in range(0, len(paths), size)])
    workers = jobs - 1
    pending: dict[Future[list[Outcome]], tuple[int, list[str]]] = {}
    broken = False  # a worker died: this process checks the rest

    def outcomes_of(future: Future[list[Outcome]]) -> list[Outcome]:
        nonlocal broken
        index, chunk = pending.pop(future)
        try:
            return future.result()
        except BrokenProcessPool:
            broken = True
            return [_checked(path, configs[index], job) for path in chunk]

    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                               initargs=(configs, job, stop))
    try:
        while True:
            if not broken:
                for chunk in itertools.islice(chunks, _IN_FLIGHT * workers - len(pending)):
                    try:
                        pending[pool.submit(_work, *chunk)] = chunk
                    except BrokenProcessPool:
                        broken = True
                        chunks = itertools.chain([chunk], chunks)
                        break
            for future in [future for future in pending if future.done()]:
                outcomes = outcomes_of(future)
                yield from outcomes
                if progress:
                    progress(len(outcomes))
            mine = next(chunks, None)
            if mine is None:  # (at the end, a chunk no worker has started is this process's)
                taken = next((future for future in pending if future.cancel()), None)
                mine = None if taken is None else pending.pop(taken)
            if mine is None:
                break
            for path in mine[1]:
                yield _checked(path, configs[mine[0]], job)
            if progress:
                progress(len(mine[1]))
        for future in list(pending):
            outcomes = outcomes_of(future)
            yield from outcomes
            if progress:
                progress(len(outcomes))
    except BaseException:
        stop.set()  # (the workers end the file they are checking, and check no more)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
