"""What a first run shows: each finding's severity, info findings counted rather than listed,
--min-severity (and ``min-severity`` in the configuration), and the hint that ends a run over
records no schema describes.

The sites are copies of real ones (tests/data/sites/README.md says where each comes from):
the aggregator's records are described by the built-in schemas and carry info findings
(double spaces in scraped excerpts); the open-source guide's are described by none.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from linter.runner.batch import PARALLEL_THRESHOLD

from .conftest import DATA

SITES = DATA / "sites"
NOW = "2026-11-26T00:00:00Z"
HINT = re.compile(r"^(\d+) records? had no schema, so only the lint rules checked them; "
                  r"`fmlint init` writes schemas for this site\.$")
COLLAPSED = re.compile(r"^ *(\d+) (FM\d{3}) ([a-z-]+) \(info\): not listed; "
                       r"--min-severity info lists them$")
HEADER = re.compile(r"^(.+?):(\d+):(\d+): (FM\d{3}) \[(error|warning|info)\] ")


@pytest.fixture
def aggregator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the aggregator's records as the current folder (errors, warnings, info)."""
    copy = tmp_path / "everyday-powerapps"
    shutil.copytree(SITES / "everyday-powerapps", copy)
    monkeypatch.chdir(copy)
    return copy


@pytest.fixture
def guide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the open-source guide as the current folder: no configuration, and records
    no built-in schema describes."""
    copy = tmp_path / "opensource-guide"
    shutil.copytree(SITES / "opensource-guide", copy)
    monkeypatch.chdir(copy)
    return copy


def check(cli, *args: str):
    return cli(["check", "--now", NOW, "--jobs", "1", *args])


def json_findings(cli, *args: str) -> list[dict]:
    run = check(cli, "--output-format", "json", "--no-cache", *args)
    assert run.code in (0, 1), run.err
    return json.loads(run.out)


def headers(out: str) -> list[tuple[str, str, str]]:
    """(path, code, severity) of each finding listed in text or concise output."""
    return [(m[1], m[4], m[5]) for line in out.splitlines() if (m := HEADER.match(line))]


# --- severity in the text format -----------------------------------------------------------


def test_text_output_says_each_findings_severity(cli, aggregator: Path) -> None:
    expected = Counter((f["path"], f["code"], f["severity"]) for f in json_findings(cli)
                       if f["severity"] != "info")
    assert {severity for _p, _c, severity in expected} == {"error", "warning"}
    for fmt in ("text", "concise"):
        run = check(cli, "--no-cache", "--output-format", fmt)
        assert Counter(headers(run.out)) == expected, fmt


def test_colour_text_paints_the_severity_in_its_colour(cli, aggregator: Path) -> None:
    run = check(cli, "--no-cache", "--color", "always", "_data")
    assert "\x1b[31m[error]\x1b[0m" in run.out  # red, as the code and the carets
    assert "[error]" in re.sub(r"\x1b\[[0-9;]*m", "", run.out)


# --- info findings: counted, not listed --------------------------------------------------


def test_info_findings_are_counted_per_rule_not_listed(cli, aggregator: Path) -> None:
    found = json_findings(cli)
    info = Counter(f["code"] for f in found if f["severity"] == "info")
    assert info["FM105"] > 10  # the scraped excerpts' double spaces
    for fmt in ("text", "concise"):
        run = check(cli, "--no-cache", "--output-format", fmt)
        lines = run.out.splitlines()
        assert not [h for h in headers(run.out) if h[2] == "info"], fmt
        collapsed = {m[2]: int(m[1]) for line in lines if (m := COLLAPSED.match(line))}
        assert collapsed == dict(info), fmt
        # after the listed findings, before the summary, which still counts them
        first = next(n for n, line in enumerate(lines) if COLLAPSED.match(line))
        assert not headers("\n".join(lines[first:]))
        errors = sum(f["severity"] == "error" for f in found)
        warnings = sum(f["severity"] == "warning" for f in found)
        assert (f"Found {len(found)} problems ({errors} errors, {warnings} warnings, "
                f"{sum(info.values())} info) in 49 files.") in lines[first:]
        fixable = sum(f["fix"] is not None and f["fix"]["applicability"] == "safe"
                      for f in found)
        assert f"[*] {fixable} fixable with `fmlint check --fix`." in lines, fmt


def test_min_severity_info_lists_them(cli, aggregator: Path) -> None:
    expected = Counter((f["path"], f["code"], f["severity"]) for f in json_findings(cli))
    for fmt in ("text", "concise"):
        run = check(cli, "--no-cache", "--output-format", fmt, "--min-severity", "info")
        assert Counter(headers(run.out)) == expected, fmt
        assert not any(COLLAPSED.match(line) for line in run.out.splitlines())


def test_machine_formats_keep_info_findings(cli, aggregator: Path) -> None:
    info = sum(f["severity"] == "info" for f in json_findings(cli))
    run = check(cli, "--no-cache", "--output-format", "json-lines")
    assert sum(json.loads(line)["severity"] == "info" for line in run.out.splitlines()) == info
    sarif = json.loads(check(cli, "--no-cache", "--output-format", "sarif").out)
    assert sum(r["level"] == "note" for r in sarif["runs"][0]["results"]) == info


def test_blocks_kept_in_the_cache_follow_what_is_listed(cli, aggregator: Path) -> None:
    """The text format's lines made as files are checked are kept in the result cache:
    those made without the info findings are not shown where they are listed, and back."""
    info = sum(f["severity"] == "info" for f in json_findings(cli))
    for least, listed in (("warning", 0), ("info", info), ("warning", 0), ("info", info)):
        extra = ["--min-severity", "info"] if least == "info" else []
        run = check(cli, *extra)
        assert sum(h[2] == "info" for h in headers(run.out)) == listed, least
        check(cli, "--output-format", "concise", *extra)  # (not the same run: no replay)


# --- --min-severity and min-severity ---------------------------------------------------------


def test_min_severity_hides_findings_everywhere_and_from_the_status(cli, aggregator: Path
                                                                    ) -> None:
    found = json_findings(cli)
    errors = [f for f in found if f["severity"] == "error"]
    assert errors and len(errors) < len(found)
    assert json_findings(cli, "--min-severity", "error") == errors
    for fmt in ("text", "concise"):
        run = check(cli, "--no-cache", "--output-format", fmt, "--min-severity", "error")
        assert {h[2] for h in headers(run.out)} == {"error"}
        assert (f"Found {len(errors)} problems ({len(errors)} errors) in 49 files."
                in run.out.splitlines())
        assert not any(COLLAPSED.match(line) for line in run.out.splitlines())
    stats = check(cli, "--no-cache", "--statistics", "--min-severity", "error").out
    assert Counter(f["code"] for f in errors) == {
        line.split()[1]: int(line.split()[0]) for line in stats.splitlines()[:-1]}
    assert stats.splitlines()[-1] == f"Found {len(errors)} problems."
    assert "FM105" in check(cli, "--no-cache", "--statistics").out


def test_min_severity_decides_the_exit_status(cli, guide: Path) -> None:
    """The guide's Spanish article has two warnings, and nothing worse."""
    record = "_articles/es/metrics.md"
    Path(record).parent.mkdir()
    shutil.copy(DATA / "corpus" / "opensource-guide" / record, record)
    assert check(cli, "--no-cache", record).code == 1
    run = check(cli, "--no-cache", "--min-severity", "error", record)
    assert run.code == 0
    assert run.out.startswith("All checks passed! (1 file)\n")
    assert json_findings(cli, "--min-severity", "error", record) == []


def test_min_severity_in_the_configuration(cli, aggregator: Path) -> None:
    (aggregator / "fmlint.toml").write_text('min-severity = "warning"\n', "utf-8")
    found = json_findings(cli)
    assert found and not [f for f in found if f["severity"] == "info"]
    assert [f for f in json_findings(cli, "--min-severity", "info")
            if f["severity"] == "info"]  # the command line wins
    run = check(cli, "--output-format", "concise")
    assert not any(COLLAPSED.match(line) for line in run.out.splitlines())
    assert ", 0 info" not in run.out and " info)" not in run.out
    # the kept report of that run is not printed again once the setting changes
    (aggregator / "fmlint.toml").write_text('min-severity = "info"\n', "utf-8")
    again = check(cli, "--output-format", "concise")
    assert [h for h in headers(again.out) if h[2] == "info"]


def test_a_wrong_min_severity_is_a_configuration_error(cli, aggregator: Path) -> None:
    (aggregator / "fmlint.toml").write_text('ignore = []\nmin-severity = "notice"\n', "utf-8")
    run = check(cli, "--no-cache")
    assert run.code == 2
    assert run.err.startswith("fmlint: ") and "fmlint.toml:2: min-severity: 'notice'" in run.err
    assert "Traceback" not in run.err


def test_fix_repairs_info_findings_it_does_not_list(cli, aggregator: Path) -> None:
    spaced = [f for f in json_findings(cli) if f["code"] == "FM105" and f["fix"]]
    assert spaced
    before = {f["path"]: Path(f["path"]).read_bytes() for f in spaced}
    run = check(cli, "--fix")
    assert not [h for h in headers(run.out) if h[2] == "info"]
    assert all(Path(path).read_bytes() != data for path, data in before.items())
    assert not [f for f in json_findings(cli) if f["code"] == "FM105" and f["fix"]]


# --- the no-schema hint ----------------------------------------------------------------------


def hint_count(out: str) -> int | None:
    last = out.splitlines()[-1] if out else ""
    found = HINT.match(last)
    return int(found[1]) if found else None


def files_checked(out: str) -> int:
    """The files the summary says were checked."""
    found = re.search(r"^(?:All checks passed! \(|Found .* in )(\d+) files?[.)]", out,
                      re.MULTILINE)
    assert found, out
    return int(found[1])


def test_first_run_ends_with_the_no_schema_hint_then_init_writes_schemas(cli, guide: Path
                                                                         ) -> None:
    run = check(cli)
    records = files_checked(run.out)  # (every record of the guide: none has a schema)
    assert records >= len(list((guide / "_articles").rglob("*.md")))
    assert hint_count(run.out) == records
    assert hint_count(check(cli, "--output-format", "concise").out) == records  # (cached)
    assert hint_count(check(cli, "--isolated", "--no-cache").out) == records
    assert hint_count(check(cli, "--quiet", "--no-cache").out) is None
    for fmt in ("json", "json-lines", "github", "gitlab", "sarif", "junit"):
        assert "no schema" not in check(cli, "--no-cache", "--output-format", fmt).out, fmt
    assert cli(["init"]).code == 0
    after = check(cli)
    assert "no schema" not in after.out
    assert after.out.startswith("All checks passed!")


def test_no_hint_when_a_configuration_applies_or_every_record_has_a_schema(
        cli, guide: Path, aggregator: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert hint_count(check(cli, "--no-cache").out) is None  # (the aggregator: built-ins)
    monkeypatch.chdir(guide)
    (guide / "fmlint.toml").write_text("ignore = []\n", "utf-8")
    assert "no schema" not in check(cli, "--no-cache").out


def test_the_hint_counts_records_checked_by_parallel_workers(cli, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """Copies of both sites in one folder: enough records for workers, and only the
    guide's have no schema; the count is the same checked in one process or several, and
    from the cache."""
    shutil.copytree(SITES / "everyday-powerapps", tmp_path / "9-everyday-powerapps")
    copies = 0
    while len(list(tmp_path.rglob("*.md"))) <= PARALLEL_THRESHOLD:
        shutil.copytree(SITES / "opensource-guide", tmp_path / f"{copies}-opensource-guide")
        copies += 1
    monkeypatch.chdir(tmp_path)
    records = hint_count(check(cli, "--no-cache").out)
    assert records is not None
    assert records >= len(list((tmp_path / "0-opensource-guide" / "_articles").rglob("*.md")))
    run = cli(["check", "--now", NOW, "--jobs", "2"])
    assert hint_count(run.out) == records
    cached = cli(["check", "--now", NOW, "--jobs", "2", "--output-format", "concise"])
    assert hint_count(cached.out) == records
