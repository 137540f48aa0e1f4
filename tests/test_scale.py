"""Large runs: worker processes beside the main one, and findings kept on disk until the
report reads them back."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from linter.rules.context import IndexEntry
from linter.rules.finding import Finding
from linter.runner.spill import SortedFindings, Spill

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


def _entry(path: str, key: str, line: int) -> IndexEntry:
    return IndexEntry("FM207", key, path, line, 1, line, 5, "/webUrl", "webUrl")


def test_findings_come_back_in_report_order_on_every_walk() -> None:
    spill = Spill()
    spill.add("b.md", [_finding("b.md", 3).to_row(), _finding("b.md", 1).to_row()], [])
    spill.add("a.md", [_finding("a.md", 9).to_row()], [])
    spill.add("c.md", [], [_entry("c.md", "https://x.org/", 2).to_row()])
    later = _finding("a.md", 2, "FM207")
    findings = SortedFindings(spill, ["b.md", "c.md", "a.md"], [later], 4)
    first = [(f.path, f.line) for f in findings]
    assert first == [("a.md", 2), ("a.md", 9), ("b.md", 1), ("b.md", 3)]
    assert [(f.path, f.line) for f in findings] == first
    assert len(findings) == 4 and bool(findings)
    spill.close()


def test_keys_meet_only_across_files() -> None:
    spill = Spill()
    spill.add("a.md", [], [_entry("a.md", "https://x.org/1", 2).to_row(),
                           _entry("a.md", "https://x.org/1", 3).to_row()])
    spill.add("b.md", [], [_entry("b.md", "https://x.org/2", 2).to_row()])
    assert spill.shared_entries() == []  # one file's two URLs may agree
    spill.add("c.md", [], [_entry("c.md", "https://x.org/2", 4).to_row()])
    assert sorted((e.path, e.line) for e in spill.shared_entries()) == [("b.md", 2), ("c.md", 4)]
    spill.close()


def test_without_a_temporary_folder_the_findings_stay_in_memory(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    spill = Spill()
    spill.add("a.md", [_finding("a.md", 1).to_row()], [])
    assert [(f.path, f.line) for f in SortedFindings(spill, ["a.md"], [], 1)] == [("a.md", 1)]
    spill.close()


def test_two_paths_of_one_hash_keep_their_own_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    import linter.runner.spill as spill_module

    monkeypatch.setattr(spill_module, "hash", lambda _value: 7, raising=False)
    spill = Spill()
    spill.add("a.md", [_finding("a.md", 1).to_row()], [])
    spill.add("b.md", [_finding("b.md", 2).to_row()], [])
    found = SortedFindings(spill, ["a.md", "b.md"], [], 2)
    assert [(f.path, f.line) for f in found] == [("a.md", 1), ("b.md", 2)]
    spill.close()


def test_a_full_disk_moves_the_findings_to_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    spill = Spill()
    spill.add("a.md", [_finding("a.md", 1).to_row()], [])
    spill._out()  # a temporary file, as a large run has
    spill._flush()  # a.md's findings are on disk; then the disk fills up
    real = Spill._write
    calls = []

    def full_once(self, data: bytes) -> None:
        calls.append(data)
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        real(self, data)

    monkeypatch.setattr(Spill, "_write", full_once)
    spill.add("b.md", [_finding("b.md", 2).to_row()], [])
    found = SortedFindings(spill, ["a.md", "b.md"], [], 2)
    assert [(f.path, f.line) for f in found] == [("a.md", 1), ("b.md", 2)]
    assert len(calls) == 2  # the failed write, then the same lines in memory
    spill.close()


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
def test_report_lines_made_where_files_are_checked_read_as_if_laid_out_at_the_end(
        cli, news: Path, color: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The text report's lines of each file are made by the process that checked it and kept
    in the cache; the report reads the same as one laid out from the findings at the end,
    filled or warm, and from a cache filled in the other colour. Only files that checks
    across files added findings to (FM207) are read again for the report."""
    from linter.cli import check
    from linter.output import text

    argv = ["check", "_news", "--isolated", "--now", NOW, "--jobs", "2", "--color", color]
    other = "always" if color == "never" else "never"
    filled = cli([*argv, "--cache-dir", "same"]).out
    cli([*argv[:-1], other, "--cache-dir", "other"])
    read_again: list[str] = []
    real = check._source_lines
    monkeypatch.setattr(check, "_source_lines", lambda texts: (
        lambda path: read_again.append(path) or real(texts)(path)))
    for kept in Path("same").glob("report-*"):  # (else the last run's report is printed)
        kept.unlink()
    warm = cli([*argv, "--cache-dir", "same"]).out
    plain = re.sub(r"\x1b\[[0-9;]*m", "", warm)
    across = {line.split(":")[0] for line in plain.splitlines() if " FM207 " in line}
    assert across and set(read_again) == across
    warm_other = cli([*argv, "--cache-dir", "other"]).out
    monkeypatch.setattr(text, "render_file", lambda findings, source, **_layout: None)
    laid_out = cli([*argv, "--no-cache"]).out
    assert "FM102" in laid_out and "FM207" in laid_out
    assert filled == warm == warm_other == laid_out
