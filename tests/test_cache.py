"""The result cache: unchanged files are not checked again, and anything that changes the
answer — the file, an image it declares, the configuration — makes fmlint check again."""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.cli.main import main
from linter.engine import lint as engine

from .conftest import CORPUS, SEED

LOGO = "electrek.co-400x400.jpg"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small site: the seed record, and an organization whose logo is declared too large."""
    (tmp_path / "_config.yml").write_text("url: https://example.org\n", "utf-8")
    (tmp_path / "_news").mkdir()
    shutil.copy(SEED, tmp_path / "_news" / "2024-01-22-seed.md")
    organizations = tmp_path / "_data" / "organizations"
    organizations.mkdir(parents=True)
    shutil.copy(CORPUS / "_data" / "organizations" / "electrek.co.md", organizations)
    logos = tmp_path / "assets" / "images" / "organizations"
    logos.mkdir(parents=True)
    for name in ("electrek.co-50x50.jpg", LOGO):
        shutil.copy(CORPUS / "assets" / "images" / "organizations" / name, logos)
    old = 1_700_000_000  # files older than the cache's two-second settling window
    for path in tmp_path.rglob("*"):
        os.utime(path, (old, old))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the engine actually checks (cache hits do not reach it)."""
    seen: list[str] = []
    real = engine.check_text

    def counting(text, path, config, **kwargs):
        seen.append(path)
        return real(text, path, config, **kwargs)

    monkeypatch.setattr(engine, "check_text", counting)
    return seen


def run(cli) -> list[tuple[str, str]]:
    """One `fmlint check` of the site, as a fresh process would run it."""
    result = cli(["check", "--output-format", "json", "--jobs", "1", "--now",
                  "2026-01-01T00:00:00Z"])
    return sorted((f["path"], f["code"]) for f in json.loads(result.out))


def test_unchanged_files_come_from_the_cache(cli, site: Path, checks: list[str]) -> None:
    first = run(cli)
    assert len(checks) == 2
    assert ("_data/organizations/electrek.co.md", "FM403") in first
    assert (site / ".fmlint_cache" / ".gitignore").read_text("utf-8").endswith("*\n")
    checks.clear()
    assert run(cli) == first
    assert checks == []


def test_an_edited_record_is_checked_again(cli, site: Path, checks: list[str]) -> None:
    run(cli)
    record = site / "_news" / "2024-01-22-seed.md"
    record.write_text(record.read_text("utf-8").replace("Metâ€™s", "Met’s"), "utf-8")
    checks.clear()
    assert ("_news/2024-01-22-seed.md", "FM101") not in run(cli)
    assert checks == ["_news/2024-01-22-seed.md"]


def test_a_changed_image_invalidates_the_record_that_declares_it(cli, site: Path,
                                                                 checks: list[str]) -> None:
    assert ("_data/organizations/electrek.co.md", "FM403") in run(cli)
    logo = site / "assets" / "images" / "organizations" / LOGO
    shutil.copy(CORPUS / "assets" / "images" / "organizations" / "bbc.com-400x400.jpg", logo)
    checks.clear()
    assert ("_data/organizations/electrek.co.md", "FM403") not in run(cli)
    assert checks == ["_data/organizations/electrek.co.md"]


def test_an_image_changed_just_now_is_not_trusted_to_stay_as_read(cli, site: Path,
                                                                   checks: list[str]) -> None:
    """An image changed in the last two seconds may change again within the same clock tick
    (or did, between its check and its stamp): the result that read it is checked again."""
    logo = site / "assets" / "images" / "organizations" / LOGO
    os.utime(logo)  # (now)
    first = run(cli)
    checks.clear()
    assert run(cli) == first
    assert checks == ["_data/organizations/electrek.co.md"]
    os.utime(logo, (1_700_000_000, 1_700_000_000))
    run(cli)  # (stores the image's stamp: it is settled now)
    checks.clear()
    assert run(cli) == first
    assert checks == []


def test_a_site_config_added_above_the_records_is_noticed(cli, site: Path,
                                                          checks: list[str]) -> None:
    """Which ``_config.yml`` is nearest decides the site (its images, its time zone): one
    added where there was none makes the records below it be checked again."""
    config = site / "_config.yml"
    config.unlink()
    assert ("_data/organizations/electrek.co.md", "FM403") not in run(cli)
    config.write_text("url: https://example.org\n", "utf-8")
    os.utime(config, (1_700_000_000, 1_700_000_000))
    checks.clear()
    assert ("_data/organizations/electrek.co.md", "FM403") in run(cli)
    assert len(checks) == 2
    (site / "_data" / "_config.yml").write_text("url: https://example.org\n", "utf-8")
    checks.clear()
    run(cli)  # (a nearer one, between the other and the record)
    assert checks == ["_data/organizations/electrek.co.md"]


def test_the_site_settings_read_are_a_dependency_with_a_configured_site_root(
        cli, site: Path, checks: list[str]) -> None:
    """With ``site-root`` configured, a record still takes the site's URL and time zone from
    the ``_config.yml`` found above it: a change there makes it be checked again."""
    (site / "public").mkdir()
    (site / "fmlint.toml").write_text('site-root = "public"\n', "utf-8")
    os.utime(site / "fmlint.toml", (1_700_000_000, 1_700_000_000))
    run(cli)
    config = site / "_config.yml"
    config.write_text("url: https://example.net\n", "utf-8")
    os.utime(config, (1_700_000_100, 1_700_000_100))
    checks.clear()
    run(cli)
    assert sorted(checks) == ["_data/organizations/electrek.co.md", "_news/2024-01-22-seed.md"]


def test_another_configuration_does_not_use_the_results(cli, site: Path,
                                                        checks: list[str]) -> None:
    run(cli)
    (site / "fmlint.toml").write_text('ignore = ["FM101"]\n', "utf-8")
    checks.clear()
    assert ("_news/2024-01-22-seed.md", "FM101") not in run(cli)
    assert len(checks) == 2


def test_a_damaged_cache_is_ignored(cli, site: Path, checks: list[str]) -> None:
    first = run(cli)
    stored = list((site / ".fmlint_cache").glob("results-*"))
    assert stored
    for path in stored:
        path.write_text("{not json", "utf-8")
    checks.clear()
    assert run(cli) == first
    assert len(checks) == 2


def test_a_damaged_line_costs_only_its_file(cli, site: Path, checks: list[str]) -> None:
    first = run(cli)
    (stored,) = (site / ".fmlint_cache").glob("results-*")
    lines = stored.read_text("utf-8").splitlines(keepends=True)
    damaged = [i for i, line in enumerate(lines) if "seed.md" in line.split("\t")[0]]
    assert damaged
    lines[damaged[0]] = lines[damaged[0]][: len(lines[damaged[0]]) // 2] + "\n"
    stored.write_text("".join(lines), "utf-8")
    checks.clear()
    assert run(cli) == first
    assert checks == ["_news/2024-01-22-seed.md"]


def test_no_cache_reads_and_writes_nothing(cli, site: Path) -> None:
    cli(["check", "--no-cache"])
    assert not (site / ".fmlint_cache").exists()


def _short_rows(result: list) -> None:
    result[0] = [row[:9] for row in result[0]]  # one value short


def _odd_lines(result: list) -> None:
    result[4] = ["yes", 1]  # the report's lines: not [in colour, text]


@pytest.mark.parametrize("damage", [_short_rows, _odd_lines])
def test_a_stored_result_of_the_wrong_shape_is_a_miss(cli, site: Path, checks: list[str],
                                                      damage) -> None:
    first = run(cli)
    (stored,) = (site / ".fmlint_cache").glob("results-*")
    lines = stored.read_text("utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        name, tab, rest = line.partition("\t")
        if tab and "seed.md" in name:
            sha, stat, result = json.loads(rest)
            damage(result)
            lines[i] = name + "\t" + json.dumps([sha, stat, result]) + "\n"
    stored.write_text("".join(lines), "utf-8")
    checks.clear()
    assert run(cli) == first
    assert checks == ["_news/2024-01-22-seed.md"]


def test_a_stored_name_that_is_not_a_path_drops_the_cache(cli, site: Path,
                                                         checks: list[str]) -> None:
    first = run(cli)
    (stored,) = (site / ".fmlint_cache").glob("results-*")
    header = stored.read_text("utf-8").splitlines(keepends=True)[0]
    stored.write_text(header + "[1]\t[]\n", "utf-8")
    checks.clear()
    assert run(cli) == first
    assert len(checks) == 2


# -- the last run's report ------------------------------------------------------------------

def _text_run(cli, *extra: str):
    return cli(["check", "--jobs", "1", "--now", "2026-01-01T00:00:00Z", *extra])


def _kept_reports(site: Path) -> list[Path]:
    return sorted((site / ".fmlint_cache").glob("report-*"))


def test_the_same_run_again_prints_the_last_report_without_reading_results(
        cli, site: Path, checks: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from linter.cache.results import Cache

    first = _text_run(cli)
    assert first.code == 1 and "FM403" in first.out and "FM101" in first.out
    assert len(_kept_reports(site)) == 1
    checks.clear()

    def no_reading(self, path, stamp):
        raise AssertionError(f"read the stored result of {path}")

    monkeypatch.setattr(Cache, "get", no_reading)
    again = _text_run(cli)
    assert (again.code, again.out, again.err) == (first.code, first.out, first.err)
    assert checks == []


def test_another_request_gets_its_own_report(cli, site: Path) -> None:
    text = _text_run(cli)
    as_json = _text_run(cli, "--output-format", "json")
    quiet = _text_run(cli, "--quiet")
    assert json.loads(as_json.out) and "Found" not in quiet.out and "Found" in text.out
    assert _text_run(cli).out == text.out
    assert _text_run(cli, "--output-format", "json").out == as_json.out
    assert len(_kept_reports(site)) == 3


@pytest.mark.parametrize("change", ["edit", "add", "remove", "image"])
def test_a_changed_site_is_not_answered_with_the_last_report(cli, site: Path,
                                                             change: str) -> None:
    first = _text_run(cli).out
    record = site / "_news" / "2024-01-22-seed.md"
    old = 1_700_000_100  # (settled: the new state may be kept in its turn)
    changed = [record]
    if change == "edit":
        record.write_text(record.read_text("utf-8").replace("Metâ€™s", "Met’s"), "utf-8")
    elif change == "add":
        changed = [site / "_news" / "2024-01-23-copy.md"]
        shutil.copy(record, changed[0])
    elif change == "remove":
        record.unlink()
        changed = []
    else:  # a file the results read
        changed = [site / "assets" / "images" / "organizations" / LOGO]
        shutil.copy(CORPUS / "assets" / "images" / "organizations" / "bbc.com-400x400.jpg",
                    changed[0])
    for path in changed:
        os.utime(path, (old, old))
    second = _text_run(cli).out
    assert second != first
    assert _text_run(cli).out == second  # (and that one is kept in its turn)
    assert cli(["check", "--jobs", "1", "--now", "2026-01-01T00:00:00Z", "--no-cache"]
               ).out == second


def test_a_file_changed_just_now_keeps_no_report(cli, site: Path) -> None:
    (site / "_news" / "2024-01-22-seed.md").touch()  # (its size and time prove nothing yet)
    first = _text_run(cli)
    assert _kept_reports(site) == []
    assert _text_run(cli).out == first.out


def test_a_damaged_kept_report_is_ignored(cli, site: Path, checks: list[str]) -> None:
    first = _text_run(cli)
    (kept,) = _kept_reports(site)
    kept.write_text('{"files": 1}\nnot the report\n', "utf-8")
    checks.clear()
    assert _text_run(cli).out == first.out
    assert checks == []  # (the results are still stored)
    kept.write_bytes(b"\xff\x00")
    assert _text_run(cli).out == first.out


def test_damaged_results_are_not_answered_with_the_last_report(cli, site: Path,
                                                               checks: list[str]) -> None:
    first = _text_run(cli)
    (stored,) = (site / ".fmlint_cache").glob("results-*")
    stored.write_text("{not json", "utf-8")
    checks.clear()
    assert _text_run(cli).out == first.out
    assert len(checks) == 2


def test_no_report_is_kept_when_a_result_is_not_cached(cli, site: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from linter.cache.results import Cache

    monkeypatch.setattr(Cache, "put", lambda self, outcome: False)  # e.g. a full disk
    _text_run(cli)
    assert _kept_reports(site) == []


def test_no_report_is_kept_for_an_output_file(cli, site: Path) -> None:
    _text_run(cli, "--output-file", "report.txt")
    assert (site / "report.txt").read_text("utf-8").count("FM403") == 1
    assert _kept_reports(site) == []


def test_a_kept_report_with_a_damaged_body_prints_nothing_of_it(cli, site: Path,
                                                                checks: list[str]) -> None:
    first = _text_run(cli)
    (kept,) = _kept_reports(site)
    head, _newline, body = kept.read_bytes().partition(b"\n")
    kept.write_bytes(head + b"\n" + body.replace(b"FM403", b"FM999"))
    checks.clear()
    again = _text_run(cli)
    assert again.out == first.out and "FM999" not in again.out
    assert checks == []  # (the results are still stored)


def test_images_gone_while_workers_checked_are_not_answered_with_the_last_report(
        cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kept report records an image as the check saw it (in a worker process), not as
    it is when the run ends."""
    from linter.cli import check

    for folder in ("_data", "_news", "assets"):
        shutil.copytree(CORPUS / folder, tmp_path / folder)
    shutil.copy(CORPUS / "_config.yml", tmp_path)
    old = 1_700_000_000
    for path in tmp_path.rglob("*"):
        os.utime(path, (old, old))
    monkeypatch.chdir(tmp_path)
    # Only its organization's record shows this logo; the organizations come first, and the
    # first files go to the worker process.
    logo = tmp_path / "assets" / "images" / "organizations" / "amazon.com-400x400.jpg"
    real = check._run_files

    def logo_removed_after_checking(*args, **kwargs):
        yield from real(*args, **kwargs)
        logo.unlink()

    monkeypatch.setattr(check, "_run_files", logo_removed_after_checking)
    argv = ["check", "_data", "_news", "--jobs", "2", "--now", "2026-01-01T00:00:00Z"]
    cli(argv)
    monkeypatch.setattr(check, "_run_files", real)
    again = cli(argv)
    fresh = cli([*argv, "--no-cache"])
    assert "amazon.com-400x400.jpg is not in the site" in fresh.out
    assert (again.code, again.out) == (fresh.code, fresh.out)


def test_a_report_that_cannot_be_written_out_is_not_printed_twice(
        cli, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error writing the kept report out is the run's error, as it would be writing the
    report itself: the run does not start again and print the report a second time."""
    _text_run(cli)

    class FullOnce(io.StringIO):
        failed = False

        def write(self, text: str) -> int:
            if not self.failed:
                self.failed = True
                raise OSError(28, "No space left on device")
            return super().write(text)

    out, err = FullOnce(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    assert main(["check", "--jobs", "1", "--now", "2026-01-01T00:00:00Z"]) == 2
    assert out.getvalue() == ""
    assert err.getvalue() == "fmlint: cannot write the report: No space left on device\n"


def test_kept_reports_are_few(cli, site: Path) -> None:
    """Each request keeps its own report (pre-commit names other files on every commit);
    only the latest few are kept."""
    from linter.cache import lastrun
    from linter.output import FORMATS

    requests = [[*quiet, "--output-format", fmt] for fmt in FORMATS for quiet in ([], ["-q"])]
    assert len(requests) > lastrun.KEEP
    for request in requests:
        _text_run(cli, *request)
    assert len(_kept_reports(site)) == lastrun.KEEP
    assert _text_run(cli, *requests[-1]).out == _text_run(cli, *requests[-1], "--no-cache").out


def test_a_deeply_nested_stored_line_or_report_header_is_a_miss(cli, site: Path,
                                                                checks: list[str]) -> None:
    first = _text_run(cli)
    deep = "[" * 100_000
    (kept,) = _kept_reports(site)
    kept.write_text(deep + "\n", "utf-8")
    (stored,) = (site / ".fmlint_cache").glob("results-*")
    lines = stored.read_text("utf-8").splitlines(keepends=True)
    stored.write_text("".join(lines[:1] + [f"{line.split(chr(9))[0]}\t{deep}\n"
                                           for line in lines[1:]]), "utf-8")
    checks.clear()
    assert _text_run(cli).out == first.out
    assert len(checks) == 2


def test_the_report_just_kept_survives_pruning(cli, site: Path) -> None:
    """Reports of the same configuration used later (a clock ahead, a restored cache) do not
    push out the one this run keeps."""
    from linter.cache import lastrun

    _text_run(cli)
    (kept,) = _kept_reports(site)
    later = kept.stat().st_mtime + 3600
    for n in range(lastrun.KEEP):
        other = kept.with_name(kept.name.replace(".txt", f"{n}.txt"))
        other.write_text("{}\n", "utf-8")
        os.utime(other, (later, later))
    kept.unlink()
    _text_run(cli)
    assert kept.exists() and len(_kept_reports(site)) == lastrun.KEEP


def test_a_cache_that_cannot_be_finished_still_prints_the_report(
        cli, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk while the cache is written only costs time."""
    from linter.cache import results as cache

    class FullOnClose(io.BytesIO):
        def close(self) -> None:
            super().close()
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.tempfile, "TemporaryFile", lambda **_kwargs: FullOnClose())
    result = _text_run(cli, "--no-progress")
    assert result.code == 1 and "FM403" in result.out and result.err == ""


# -- hand-edited and damaged cache files --------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False)
    | st.text(max_size=4) | st.sampled_from([[], {}]),
    lambda inner: st.lists(inner, min_size=1, max_size=4) | st.dictionaries(
        st.text(max_size=4), inner, min_size=1, max_size=4),
    max_leaves=12)


def _nodes(value: Any, path: tuple = ()) -> list[tuple]:
    """The places in a JSON value, as paths of keys and indexes."""
    found = [path]
    if isinstance(value, list):
        for i, item in enumerate(value):
            found += _nodes(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            found += _nodes(item, (*path, key))
    return found


def _replaced(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    value = copy.deepcopy(value)
    holder = value
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = new
    return value


def _rewrite_seed_line(site: Path, change: Callable[[list], Any]) -> None:
    (stored,) = (site / ".fmlint_cache").glob("results-*")
    lines = stored.read_text("utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        name, tab, rest = line.partition("\t")
        if tab and "seed.md" in name:
            lines[i] = name + "\t" + json.dumps(change(json.loads(rest))) + "\n"
    stored.write_text("".join(lines), "utf-8")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_hand_edit_of_a_stored_result_is_a_miss_with_one_warning(cli, site: Path,
                                                                     data) -> None:
    """Any value anywhere in a stored line (a string for a line number, a list for an
    object...) is a result of the right shape or a miss with a warning, never a crash."""
    shutil.rmtree(site / ".fmlint_cache", ignore_errors=True)
    first = _text_run(cli, "--output-format", "json")
    assert first.err == ""
    stored = json.loads(next(
        line.partition("\t")[2] for line in next((site / ".fmlint_cache").glob(
            "results-*")).read_text("utf-8").splitlines() if "seed.md" in line))
    place = data.draw(st.sampled_from(_nodes(stored)))
    new = data.draw(JSON)
    _rewrite_seed_line(site, lambda _line: _replaced(stored, place, new))
    again = _text_run(cli, "--output-format", "json")
    assert again.code in (0, 1)
    assert {f["path"] for f in json.loads(again.out)} == {f["path"] for f in json.loads(
        first.out)}
    assert again.err.count("\n") <= 1
    if again.err:
        assert json.loads(again.out) == json.loads(first.out)
        assert again.err.startswith("fmlint: warning: ignoring the damaged cache file ")
        assert again.err.endswith("; it will be rebuilt\n")
        assert _text_run(cli, "--output-format", "json").err == ""  # (rebuilt)


@pytest.mark.parametrize("damage", [
    lambda line: [line[0], line[1], _replaced(line[2], (0, 0, 0), "4")],  # a string line
    lambda line: [line[0], line[1], _replaced(line[2], (3,), [])],  # a list for an object
    lambda line: [line[0], line[1], _replaced(line[2], (0, 0, 9), {"safe": 1})],
    lambda line: [line[0], line[1], _replaced(line[2], (2,), [[[1, 1, 1, True, [], 0]], []])],
    lambda line: [line[0], "yesterday", line[2]],
    lambda line: [[line[0]], line[1], line[2]],
])
def test_a_stored_result_of_the_wrong_types_is_a_miss_with_a_warning(cli, site: Path,
                                                                     checks, damage) -> None:
    first = _text_run(cli, "--output-format", "json")
    if json.loads(first.out)[0]["fix"] is None:
        pytest.skip("the seed's first finding has no fix")
    _rewrite_seed_line(site, damage)
    checks.clear()
    again = _text_run(cli, "--output-format", "json")
    assert json.loads(again.out) == json.loads(first.out)
    assert checks == ["_news/2024-01-22-seed.md"]
    assert again.err.startswith("fmlint: warning: ignoring the damaged cache file .fmlint_cache")


@pytest.mark.parametrize("header", [
    "[1, 2]", '{"key": ["x"]}', '"results"', "[" * 100_000, "\x00\xff garbage", "",
])
def test_a_results_file_with_a_damaged_first_line_is_rebuilt_with_a_warning(
        cli, site: Path, checks, header: str) -> None:
    first = _text_run(cli, "--output-format", "json")
    (stored,) = (site / ".fmlint_cache").glob("results-*")
    lines = stored.read_text("utf-8").splitlines(keepends=True)
    stored.write_text(header + "\n" + "".join(lines[1:]), "utf-8", errors="surrogateescape")
    checks.clear()
    again = _text_run(cli, "--output-format", "json")
    assert json.loads(again.out) == json.loads(first.out)
    assert len(checks) == 2
    assert again.err.count("\n") == 1
    assert "ignoring the damaged cache file" in again.err
    assert _text_run(cli, "--output-format", "json").err == ""


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=JSON, cut=st.integers(0, 400))
def test_a_kept_report_with_any_header_or_cut_short_is_not_printed(cli, site: Path, head,
                                                                    cut: int) -> None:
    shutil.rmtree(site / ".fmlint_cache", ignore_errors=True)
    first = _text_run(cli)
    assert _text_run(cli).out == first.out  # (printed again from the kept report)
    (kept,) = _kept_reports(site)
    text = kept.read_bytes()
    _header, _newline, body = text.partition(b"\n")
    for damaged in (json.dumps(head).encode() + b"\n" + body, text[:cut]):
        kept.write_bytes(damaged)
        again = _text_run(cli)
        assert again.out == first.out
        assert again.err.count("\n") <= 1
