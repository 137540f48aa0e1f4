"""A run stopped by a signal (SIGTERM, Ctrl-C), or one of whose workers is stopped, leaves
every record whole, no temporary file behind, and says truly how many fixes it wrote."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import SEED

ROOT = Path(__file__).resolve().parent.parent
RECORDS = 400
BROKEN, FIXED = 'title: "Q&amp;A: Five', 'title: "Q&A: Five'  # one FM102, fixed safely


def _records(folder: Path) -> dict[Path, str]:
    """``RECORDS`` records with one safe fix each, by path."""
    text = SEED.read_text("utf-8").replace("Metâ€™s", "Met’s").replace(
        'title: "Corydon: Five', BROKEN)
    assert BROKEN in text
    news = folder / "_news"
    news.mkdir(parents=True)
    written = {}
    for index in range(RECORDS):
        path = news / f"2024-01-22-arrests-{index:03d}.md"
        written[path] = text.replace("Five arrests", f"Five arrests ({index})")
        path.write_text(written[path], "utf-8")
    return written


@pytest.fixture
def started(tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[str]]]:
    """Start ``fmlint check --fix`` on the records in ``tmp_path`` (ended, and its workers
    with it, if a test leaves it running)."""
    processes: list[subprocess.Popen[str]] = []

    def start() -> subprocess.Popen[str]:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("FMLINT_OUTPUT_FORMAT", None)
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "linter", "check", "--fix", "--jobs", "2", "--no-progress",
             "--select", "FM102", "_news"],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        return processes[-1]

    yield start
    for process in processes:
        if process.poll() is None:
            for pid in [*_workers(process), process.pid]:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            process.communicate()


def _workers(process: subprocess.Popen[str]) -> list[int]:
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def _written(folder: Path, process: subprocess.Popen[str], count: int = 1) -> None:
    """Wait until the run has replaced ``count`` records (a fixed record is a new file)."""
    news = folder / "_news"
    inodes = {entry.name: entry.inode() for entry in os.scandir(news)}
    deadline = time.monotonic() + 120
    while sum(inodes.get(entry.name, -1) != entry.inode() for entry in os.scandir(news)
              if not entry.name.startswith(".")) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{count} records were not fixed in two minutes"
        time.sleep(0.01)


def _state(records: dict[Path, str]) -> int:
    """How many records were fixed; every record is either as it was or wholly fixed, and
    no temporary file is left."""
    fixed = 0
    for path, text in records.items():
        now = path.read_text("utf-8")
        assert now in (text, text.replace(BROKEN, FIXED)), path
        fixed += now != text
    folder = next(iter(records)).parent
    assert [p.name for p in folder.iterdir() if p.name.startswith(".fmlint-")] == []
    return fixed


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_a_stopped_fix_run_leaves_whole_files_and_says_what_it_wrote(tmp_path: Path, started,
                                                                     signum: int) -> None:
    records = _records(tmp_path)
    process = started()
    _written(tmp_path, process)
    os.kill(process.pid, signum)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 128 + signum, err
    assert "Traceback" not in err
    said = re.fullmatch(r"fmlint: stopped; fixed (\d+) problems? in the files written so far, "
                        r"nothing else reported\n", err)
    assert said, err
    assert int(said.group(1)) == _state(records) > 0


def test_a_stopped_worker_leaves_its_files_to_the_run(tmp_path: Path, started) -> None:
    records = _records(tmp_path)
    process = started()
    _written(tmp_path, process, 30)  # (the worker is most likely halfway through a chunk)
    workers = _workers(process)
    if not workers:
        pytest.skip("no /proc to find the workers in")
    for pid in workers:
        os.kill(pid, signal.SIGTERM)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert _state(records) == RECORDS  # every record fixed, by a worker or by the run
    assert f"Fixed {RECORDS} problems." in out
