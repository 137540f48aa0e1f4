"""Large runs: worker processes beside the main one, and what a run keeps of each file for
its report."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from linter.cli.report import Totals
from linter.engine.lint import FileResult
from linter.rules.context import IndexEntry
from linter.rules.finding import Finding
from linter.runner.batch import Outcome

from .conftest import CORPUS

NOW = "2026-01-01T00:00:00Z"


@pytest.fixture
def news(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The corpus's 675 news records (enough for worker processes), as a site."""
    shutil.copytree(CORPUS / "_news", tmp_path / "_news")
    shutil.copy(CORPUS / "_config.yml", tmp_path / "_config.yml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("output", ["json", "text"])
def test_every_number_of_jobs_gives_the_same_report(cli, news: Path, output: str) -> None:
    runs = [cli(["check", "_news", "--isolated", "--no-cache", "--now", NOW, "--jobs", str(jobs),
                 "--output-format", output]) for jobs in (1, 2, 3)]
    assert runs[0].out == runs[1].out == runs[2].out
    assert {run.code for run in runs} == {1}
    if output == "json":
        codes = {finding["code"] for finding in json.loads(runs[0].out)}
        assert {"FM102", "FM207"} <= codes  # per-file findings and findings across files


def test_statistics_count_what_the_report_shows(cli, news: Path) -> None:
    report = json.loads(cli(["check", "_news", "--isolated", "--no-cache", "--now", NOW,
                             "--output-format", "json"]).out)
    table = cli(["check", "_news", "--isolated", "--no-cache", "--now", NOW,
                 "--statistics"]).out
    counted = {line.split()[1]: int(line.split()[0]) for line in table.splitlines()
               if line.split()[1:2] and line.split()[1].startswith("FM")}
    expected: dict[str, int] = {}
    for finding in report:
        expected[finding["code"]] = expected.get(finding["code"], 0) + 1
    assert counted == expected
    assert table.splitlines()[-1] == f"Found {len(report)} problems."


def _finding(path: str, line: int, code: str = "FM102") -> Finding:
    return Finding(path, line, 1, line, 2, code, "html-entity", "warning", f"at {line}", "/x")


@pytest.fixture(params=[20_000, 1, 0], ids=["in-memory", "written-out-midway", "written-out"])
def kept(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run keeps what the report needs in memory, or writes it out past a number of files
    (from the first, or midway): the report is the same."""
    import linter.runner.spill as spill_module

    monkeypatch.setattr(spill_module, "IN_MEMORY", request.param)


def _entry(path: str, key: str, line: int) -> IndexEntry:
    return IndexEntry("FM207", key, path, line, 1, line, 5, "/webUrl", "webUrl")


def _totals(*files: tuple[str, list[Finding], list[IndexEntry]]) -> Totals:
    totals = Totals()
    for path, findings, entries in files:
        totals.add(Outcome(path, FileResult(findings, entries)))
    return totals


def test_findings_come_in_report_order_with_those_across_records(kept: None) -> None:
    totals = _totals(("b.md", [_finding("b.md", 3), _finding("b.md", 1)], []),
                     ("a.md", [_finding("a.md", 9)], []),
                     ("c.md", [], [_entry("c.md", "https://x.org/", 2)]))
    totals.add_across([_finding("b.md", 2, "FM207")])
    assert [(f.path, f.line) for f in totals.sorted_findings()] == [
        ("a.md", 9), ("b.md", 1), ("b.md", 2), ("b.md", 3)]
    assert totals.codes == {"FM102": 3, "FM207": 1}


def test_keys_meet_only_across_files(kept: None) -> None:
    totals = _totals(("a.md", [], [_entry("a.md", "https://x.org/1", 2),
                                   _entry("a.md", "https://x.org/1", 3)]),
                     ("b.md", [], [_entry("b.md", "https://x.org/2", 2)]))
    assert totals.shared_entries() == []  # one file's two URLs may agree
    totals.add(Outcome("c.md", FileResult([], [_entry("c.md", "https://x.org/2", 4)])))
    assert sorted((e.path, e.line) for e in totals.shared_entries()) == [
        ("b.md", 2), ("c.md", 4)]


def test_a_large_run_keeps_every_finding_whole_without_a_temporary_folder(
        kept: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Findings are kept on disk until the report; where no temporary file can be made they
    stay in memory, and come back whole (their source lines too) either way."""
    import tempfile

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    long = "x" * 300
    files = [(f"{n:04}.md", [replace(_finding(f"{n:04}.md", line), source=f"{long} {n}")
                             for line in (3, 1)], []) for n in range(1000)]
    found = list(_totals(*reversed(files)).sorted_findings())
    assert [(f.path, f.line) for f in found[:3]] == [("0000.md", 1), ("0000.md", 3),
                                                    ("0001.md", 1)]
    assert len(found) == 2000 and found[-1].source == f"{long} 999"


def test_two_paths_of_one_hash_keep_their_own_findings(
        kept: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import linter.runner.spill as spill_module

    monkeypatch.setattr(spill_module, "hash", lambda _value: 7, raising=False)
    totals = _totals(("a.md", [_finding("a.md", 1)], []), ("b.md", [_finding("b.md", 2)], []))
    assert [(f.path, f.line) for f in totals.sorted_findings()] == [("a.md", 1), ("b.md", 2)]


def test_diffs_come_in_file_order_whatever_the_jobs(cli, news: Path) -> None:
    runs = [cli(["check", "_news", "--isolated", "--no-cache", "--now", NOW, "--diff",
                 "--jobs", str(jobs)]) for jobs in (1, 2)]
    assert runs[0].out == runs[1].out
    names = [line[6:] for line in runs[0].out.splitlines() if line.startswith("--- a/")]
    assert len(names) > 10 and names == sorted(names)


def test_a_worker_that_dies_costs_time_not_findings(cli, news: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from linter.runner import batch as runner

    expected = cli(["check", "_news", "--isolated", "--no-cache", "--now", NOW, "--jobs", "1",
                    "--output-format", "json"]).out
    real = runner.check_path

    def dies(*args, **kwargs):
        if os.getpid() != parent:  # in a worker: die as if killed
            os._exit(9)
        return real(*args, **kwargs)

    parent = os.getpid()
    monkeypatch.setattr(runner, "check_path", dies)
    run = cli(["check", "_news", "--isolated", "--no-cache", "--now", NOW, "--jobs", "2",
               "--output-format", "json"])
    assert run.out == expected and run.code == 1


@pytest.mark.parametrize("color", ["never", "always"])
def test_the_report_reads_the_same_checked_or_from_the_cache(
        cli, news: Path, color: str) -> None:
    """Stored results hold no colour: a cache filled by a run in one colour serves a run in
    the other, and the report reads as it does without the cache."""
    argv = ["check", "_news", "--isolated", "--now", NOW, "--jobs", "2", "--color", color]
    other = "always" if color == "never" else "never"
    filled = cli([*argv, "--cache-dir", "same"]).out
    cli([*argv[:-1], other, "--cache-dir", "other"])
    warm = cli([*argv, "--cache-dir", "same"]).out
    warm_other = cli([*argv, "--cache-dir", "other"]).out
    laid_out = cli([*argv, "--no-cache"]).out
    assert "FM102" in laid_out and "FM207" in laid_out
    assert ("\x1b[" in laid_out) is (color == "always")
    assert filled == warm == warm_other == laid_out
