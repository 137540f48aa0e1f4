"""The result cache: unchanged files are not checked again, and anything that changes the
answer — the file, an image it declares, the configuration — makes fmlint check again."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def _database(site: Path) -> Path:
    return site / ".fmlint_cache" / "results.sqlite3"


def _stored_seed(site: Path) -> Any:
    """The seed record's stored result, as JSON."""
    with contextlib.closing(sqlite3.connect(_database(site))) as db:
        (blob,), = db.execute("SELECT result FROM results WHERE CAST(path AS TEXT) LIKE '%seed.md'")
    return json.loads(blob)


def _store_seed(site: Path, blob: str) -> None:
    """Replace the seed record's stored result with ``blob``."""
    with contextlib.closing(sqlite3.connect(_database(site))) as db, db:
        db.execute("UPDATE results SET result = ? WHERE CAST(path AS TEXT) LIKE '%seed.md'",
                   (blob.encode(),))


@pytest.mark.parametrize("content", [b"{not json", b"\x00" * 5000, b""])
def test_a_damaged_cache_is_replaced_with_one_warning(cli, site: Path, checks: list[str],
                                                      content: bytes) -> None:
    first = run(cli)
    _database(site).write_bytes(content)
    for journal in _database(site).parent.glob("results.sqlite3-*"):
        journal.unlink()
    checks.clear()
    again = _text_run(cli, "--output-format", "json")
    assert sorted((f["path"], f["code"]) for f in json.loads(again.out)) == first
    assert len(checks) == 2
    if content:  # (an empty file is an empty database)
        assert again.err.count("\n") == 1
        assert "ignoring the damaged cache file" in again.err
    checks.clear()
    assert run(cli) == first and checks == []  # (rebuilt)


def test_another_programs_database_is_replaced_with_one_warning(cli, site: Path,
                                                                checks: list[str]) -> None:
    (site / ".fmlint_cache").mkdir()
    with contextlib.closing(sqlite3.connect(_database(site))) as db, db:
        db.execute("CREATE TABLE notes (text TEXT)")
    first = _text_run(cli, "--output-format", "json")
    assert "ignoring the damaged cache file" in first.err and first.code == 1
    checks.clear()
    again = _text_run(cli, "--output-format", "json")
    assert again.out == first.out and again.err == "" and checks == []


def test_an_older_fmlints_cache_files_are_removed(cli, site: Path) -> None:
    folder = site / ".fmlint_cache"
    folder.mkdir()
    old = [folder / "results-0123456789abcdef.jsonl", folder / "report-0123-4567.txt"]
    for path in old:
        path.write_text('{"key": "0123456789abcdef"}\n', "utf-8")
    first = run(cli)
    assert not any(path.exists() for path in old) and _database(site).exists()
    assert ("_data/organizations/electrek.co.md", "FM403") in first


def test_a_damaged_row_costs_only_its_file(cli, site: Path, checks: list[str]) -> None:
    first = run(cli)
    _store_seed(site, json.dumps(_stored_seed(site))[:50])
    checks.clear()
    assert run(cli) == first
    assert checks == ["_news/2024-01-22-seed.md"]


def test_two_runs_at_once_on_one_cache_both_succeed(site: Path) -> None:
    """Two ``fmlint check`` processes sharing a cache both report in full, and the cache
    holds every file's result afterwards."""
    import subprocess

    (site / "_news" / "2024-01-23-other.md").write_text(
        (site / "_news" / "2024-01-22-seed.md").read_text("utf-8"), "utf-8")
    command = [sys.executable, "-m", "linter", "check", "--output-format", "json",
               "--no-progress", "--now", "2026-01-01T00:00:00Z", "--cache-dir", "shared"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    both = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=env) for _ in range(2)]
    outputs = [process.communicate(timeout=120) for process in both]
    assert [process.returncode for process in both] == [1, 1]
    assert [err for _out, err in outputs] == [b"", b""]
    assert outputs[0][0] == outputs[1][0] and json.loads(outputs[0][0])
    with contextlib.closing(sqlite3.connect(site / "shared" / "results.sqlite3")) as db:
        stored = sorted(path.decode() for path, in db.execute("SELECT path FROM results"))
    assert stored == ["_data/organizations/electrek.co.md", "_news/2024-01-22-seed.md",
                      "_news/2024-01-23-other.md"]
    warm = subprocess.run(command, capture_output=True, env=env, timeout=120, check=False)
    assert warm.stdout == outputs[0][0] and warm.stderr == b""


def test_no_cache_reads_and_writes_nothing(cli, site: Path) -> None:
    cli(["check", "--no-cache"])
    assert not (site / ".fmlint_cache").exists()


def _short_finding(result: dict) -> None:
    del result["findings"][0]["message"]  # one value short


def _odd_lines(result: dict) -> None:
    result["lines"] = ["yes", 1]  # the source lines: not line -> text


@pytest.mark.parametrize("damage", [_short_finding, _odd_lines])
def test_a_stored_result_of_the_wrong_shape_is_a_miss(cli, site: Path, checks: list[str],
                                                      damage) -> None:
    first = run(cli)
    stored = _stored_seed(site)
    damage(stored)
    _store_seed(site, json.dumps(stored))
    checks.clear()
    assert run(cli) == first
    assert checks == ["_news/2024-01-22-seed.md"]


def _text_run(cli, *extra: str):
    return cli(["check", "--jobs", "1", "--now", "2026-01-01T00:00:00Z", *extra])


def test_a_cache_folder_that_cannot_be_made_costs_only_time(cli, site: Path) -> None:
    (site / ".fmlint_cache").write_text("a file where the folder goes", "utf-8")
    result = _text_run(cli, "--no-progress")
    assert result.code == 1 and "FM403" in result.out and result.err == ""
    assert _text_run(cli, "--no-progress").out == result.out


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


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_hand_edit_of_a_stored_result_is_a_miss_with_one_warning(cli, site: Path,
                                                                     data) -> None:
    """Any value anywhere in a stored result (a string for a line number, a list for an
    object...) is a result of the right shape or a miss with a warning, never a crash."""
    shutil.rmtree(site / ".fmlint_cache", ignore_errors=True)
    first = _text_run(cli, "--output-format", "json")
    assert first.err == ""
    stored = _stored_seed(site)
    place = data.draw(st.sampled_from(_nodes(stored)))
    new = data.draw(JSON)
    _store_seed(site, json.dumps(_replaced(stored, place, new)))
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
    lambda result: _replaced(result, ("findings", 0, "line"), "4"),  # a string line
    lambda result: _replaced(result, ("deps",), []),  # a list for an object
    lambda result: _replaced(result, ("findings", 0, "fix"), {"safe": 1}),
    lambda result: _replaced(result, ("suppressions",), [[[1, 1, 1, True, [], 0]], []]),
    lambda result: _replaced(result, ("lines",), {"1": 5}),
    lambda result: [result],
])
def test_a_stored_result_of_the_wrong_types_is_a_miss_with_a_warning(cli, site: Path,
                                                                     checks, damage) -> None:
    first = _text_run(cli, "--output-format", "json")
    if json.loads(first.out)[0]["fix"] is None:
        pytest.skip("the seed's first finding has no fix")
    _store_seed(site, json.dumps(damage(_stored_seed(site))))
    checks.clear()
    again = _text_run(cli, "--output-format", "json")
    assert json.loads(again.out) == json.loads(first.out)
    assert checks == ["_news/2024-01-22-seed.md"]
    assert again.err.startswith("fmlint: warning: ignoring the damaged cache file .fmlint_cache")


def test_a_deeply_nested_stored_result_is_a_miss(cli, site: Path, checks) -> None:
    first = _text_run(cli, "--output-format", "json")
    _store_seed(site, "[" * 100_000)
    checks.clear()
    again = _text_run(cli, "--output-format", "json")
    assert json.loads(again.out) == json.loads(first.out)
    assert checks == ["_news/2024-01-22-seed.md"]
