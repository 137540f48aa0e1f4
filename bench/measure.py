"""Running a command and measuring it: wall time, CPU time, exit status, peak memory.

Peak memory comes from two places. GNU time's maximum RSS (or ``getrusage(RUSAGE_CHILDREN)``
when GNU time is missing) is the largest single process of the tree, not a sum. For a
program with worker processes, ``TreeSampler`` sums the RSS and the PSS of every process in
the tree from /proc while it runs (PSS divides a shared page among its users, so forked
workers are not counted twice).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WORK = Path(os.environ.get("FMLINT_BENCH_WORK") or BENCH / "work")  # (tests: elsewhere)
LOGS = WORK / "logs"
GNU_TIME = "/usr/bin/time"
RUN_TIMEOUT = 1800.0


@dataclass
class Sample:
    """One timed run of one command."""

    seconds: float
    returncode: int
    cpu_seconds: float | None  # user + system time of the process and its children
    largest_kb: int | None  # the largest single process's peak RSS (GNU time / getrusage)
    tree_rss_kb: int | None = None  # sampled peak of the summed RSS of the process tree
    tree_pss_kb: int | None = None  # the same for PSS (shared pages divided among users)
    background: float | None = None  # share of the CPUs busy just before the run


@dataclass
class Command:
    """What to run, where, and with what on standard input."""

    argv: list[str]
    cwd: Path
    stdin: Path | None = None
    ok_codes: tuple[int, ...] = (0, 1)


def _process_tree(root: int) -> list[int]:
    """``root``'s descendants (not ``root`` itself), from the parent ids in /proc."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        fields = data[data.rindex(b")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(name))
    found, stack = [], list(children.get(root, ()))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, ()))
    return found


def _rollup(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB, 0 when it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith(b"Pss:"):
                    pss = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return rss, pss


class TreeSampler(threading.Thread):
    """Samples the summed RSS and PSS of a process tree until stopped; keeps the peaks."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.stop = threading.Event()
        self.peak_rss = 0
        self.peak_pss = 0
        self.works = os.path.exists("/proc/self/smaps_rollup")

    def run(self) -> None:
        if not self.works:
            return
        started = time.perf_counter()
        while not self.stop.is_set():
            rss = pss = 0
            for pid in _process_tree(self.root):
                one_rss, one_pss = _rollup(pid)
                rss += one_rss
                pss += one_pss
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            elapsed = time.perf_counter() - started
            self.stop.wait(0.01 if elapsed < 1 else 0.05 if elapsed < 10 else 0.1)


_RUSAGE_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "open(sys.argv[1], 'w').write(f'{u.ru_maxrss} {u.ru_utime} {u.ru_stime}')\n"
    "sys.exit(code)\n"
)


def _cpu_times() -> tuple[int, int]:
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    return sum(values), values[3] + values[4]


def cpu_busy(interval: float = 0.5) -> float | None:
    """The share of all CPUs busy (with anything) over ``interval`` seconds."""
    try:
        total0, idle0 = _cpu_times()
        time.sleep(interval)
        total1, idle1 = _cpu_times()
    except (OSError, ValueError, IndexError):
        return None
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


class QuietWaiter:
    """Waits before each run until other work leaves the CPUs mostly idle (``limit`` busy).

    Waits up to ``patience`` seconds; after three waits in a row that ran out, only measures
    until the machine is seen quiet again, so a machine that is never quiet does not slow
    the benchmark down for nothing.
    """

    def __init__(self, patience: float = 3.0, limit: float = 0.15) -> None:
        self.patience = patience
        self.limit = limit
        self.misses = 0

    def wait(self) -> float | None:
        """The share of the CPUs busy just before returning."""
        if self.patience <= 0:  # (told not to wait: not even a look)
            return None
        patience = self.patience if self.misses < 3 else 0.0
        deadline = time.perf_counter() + patience
        busy = cpu_busy(0.3)
        while busy is not None and busy > self.limit and time.perf_counter() < deadline:
            busy = cpu_busy(0.5)
        if busy is not None:
            self.misses = self.misses + 1 if busy > self.limit else 0
        return busy


def child_env() -> dict[str, str]:
    """The environment for measured commands: byte-code caching on, in bench/work/pycache.

    Installed tools keep compiled byte code; a session that sets PYTHONDONTWRITEBYTECODE
    would make every run of an editable install recompile it.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    return env


def run_once(command: Command, log_name: str, *, sample_tree: bool = False,
             waiter: QuietWaiter | None = None) -> Sample:
    """Run ``command`` once: wall time, CPU time, exit status and peak memory.

    With ``sample_tree``, also samples the summed RSS and PSS of the whole process tree from
    /proc (reading the page tables slows the measured process a little, so timed runs do not).
    """
    LOGS.mkdir(parents=True, exist_ok=True)
    background = waiter.wait() if waiter else None
    with tempfile.NamedTemporaryFile("r", suffix=".rss", delete=False) as handle:
        usage_file = handle.name
    if os.access(GNU_TIME, os.X_OK):
        argv = [GNU_TIME, "-f", "%M %U %S", "-o", usage_file, *command.argv]
    else:
        argv = [sys.executable, "-c", _RUSAGE_WRAPPER, usage_file, *command.argv]
    stdin = open(command.stdin, "rb") if command.stdin else subprocess.DEVNULL  # noqa: SIM115
    sampler = None
    try:
        with open(LOGS / f"{log_name}.out", "wb") as out, open(LOGS / f"{log_name}.err",
                                                                 "wb") as err:
            started = time.perf_counter()
            process = subprocess.Popen(argv, cwd=command.cwd, stdin=stdin, stdout=out,
                                       stderr=err, start_new_session=True, env=child_env())
            if sample_tree:
                sampler = TreeSampler(process.pid)
                sampler.start()
            # A blocking wait returns as soon as the process ends (a wait with a timeout
            # polls, up to 50 ms apart, which would round every time up); a timer stops runs
            # that take too long.
            expired = threading.Event()

            def stop() -> None:
                expired.set()
                with contextlib.suppress(OSError):
                    os.killpg(process.pid, signal.SIGKILL)

            watchdog = threading.Timer(RUN_TIMEOUT, stop)
            watchdog.start()
            try:
                code = process.wait()
            finally:
                watchdog.cancel()
            seconds = time.perf_counter() - started
            if expired.is_set():
                code = -9
            if sampler:
                sampler.stop.set()
                sampler.join()
    finally:
        if command.stdin:
            stdin.close()  # type: ignore[union-attr]
    largest = cpu = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path(usage_file).read_text().strip().splitlines()[-1].split()
        largest, cpu = int(fields[0]), float(fields[1]) + float(fields[2])
    with contextlib.suppress(OSError):
        os.unlink(usage_file)
    sample = Sample(seconds, code, cpu, largest, background=background)
    if sampler and sampler.works:
        sample.tree_rss_kb, sample.tree_pss_kb = sampler.peak_rss or None, sampler.peak_pss or None
    return sample


@dataclass
class Result:
    """Every run of one tool in one scenario."""

    tool: str
    target: str  # "one" or a record count
    variant: str = ""  # e.g. "cold, every core"
    samples: list[Sample] = field(default_factory=list)
    fill: Sample | None = None  # the cache-filling run before warm runs
    memory: Sample | None = None  # an extra run that samples the whole process tree
    note: str = ""
    failed: str = ""

    @property
    def median(self) -> float | None:
        good = [s.seconds for s in self.samples]
        return statistics.median(good) if good else None

    @property
    def cpu(self) -> float | None:
        good = [s.cpu_seconds for s in self.samples if s.cpu_seconds is not None]
        return statistics.median(good) if good else None

    @property
    def peak_kb(self) -> int | None:
        """The memory of the whole run: the tree's PSS when sampled, else the largest RSS."""
        if self.memory and self.memory.tree_pss_kb:
            return self.memory.tree_pss_kb
        values = [s.largest_kb for s in self.samples if s.largest_kb]
        return max(values) if values else None


def measure(result: Result, command: Command, runs: int, *, warmup: int = 0,
            long_run: float | None = None, waiter: QuietWaiter | None = None,
            prepare: Callable[[], None] | None = None) -> Result:
    """Run ``command`` ``warmup`` times untimed, then ``runs`` times, into ``result``.

    With ``long_run``, stops after a run when the runs left would take more than that many
    seconds in all (noted in the result). ``prepare`` runs (untimed) before every run.
    """
    label = log_label(result)
    for index in range(warmup):
        if prepare:
            prepare()
        if not _run_into(result, command, f"{label}-warmup{index}", waiter, keep=False):
            return result
    for index in range(runs):
        if prepare:
            prepare()
        if not _run_into(result, command, f"{label}-{index}", waiter, keep=True):
            return result
        left = runs - index - 1
        sample = result.samples[-1]
        if long_run is not None and left and sample.seconds * left > long_run:
            result.note = (f"{index + 1} run(s): one run takes {sample.seconds:.0f} s, the "
                           f"other {left} would take more than {long_run:.0f} s")
            break
    return result


def _run_into(result: Result, command: Command, log: str, waiter: QuietWaiter | None, *,
              keep: bool) -> bool:
    """Run ``command`` once; keep its sample in ``result`` (``keep``), or note its failure
    there and say so (False)."""
    sample = run_once(command, log, waiter=waiter)
    if sample.returncode not in command.ok_codes:
        result.failed = _failure(sample, log)
        return False
    if keep:
        result.samples.append(sample)
    return True


def turn_orders(count: int) -> list[list[int]]:
    """Orders of ``count`` commands, one per round, in which each command runs right after
    each other one equally often (a Williams design: ``count`` rounds, twice as many for an
    odd count)."""
    first = [0]
    low, high = 1, count - 1
    while len(first) < count:
        first.append(low)
        low += 1
        if len(first) < count:
            first.append(high)
            high -= 1
    rows = [[(command + shift) % count for command in first] for shift in range(count)]
    return rows + [row[::-1] for row in rows] if count % 2 else rows


def measure_in_turn(pairs: list[tuple[Result, Command]], runs: int, *, warmup: int = 0,
                    waiter: QuietWaiter | None = None) -> list[Result]:
    """``measure`` for several commands at once, taking turns, so that a spell of a slower
    machine falls on every command alike and not on one of them. The rounds follow
    ``turn_orders``: a command run just after a heavy one is slower (one file after remark:
    by about 25 ms), and so each follows each other as often as the rounds allow."""
    orders = turn_orders(len(pairs))
    for index in range(warmup + runs):
        for position in orders[index % len(orders)]:
            result, command = pairs[position]
            if not result.failed:
                run = f"warmup{index}" if index < warmup else str(index - warmup)
                _run_into(result, command, f"{log_label(result)}-{run}", waiter,
                          keep=index >= warmup)
    return [result for result, _command in pairs]


def log_label(result: Result) -> str:
    text = f"{result.tool}-{result.target}-{result.variant}"
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-").lower()


def _failure(sample: Sample, log: str) -> str:
    tail = ""
    with contextlib.suppress(OSError):
        tail = (LOGS / f"{log}.err").read_text("utf-8", "replace").strip().splitlines()[-1:]
        tail = tail[0][:200] if tail else ""
    return f"exit status {sample.returncode} (log: bench/work/logs/{log}.err) {tail}".strip()
