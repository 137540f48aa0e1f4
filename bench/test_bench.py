"""Tests of the benchmark's own parts: corpus building, measuring, the report (not among the
default test paths; ``tests/test_bench_smoke.py`` runs the whole benchmark on a tiny corpus).

    python -m pytest bench -q
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import baseline_schema  # noqa: E402
import lsp_latency  # noqa: E402
import make_corpus  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402

REAL = make_corpus.real_records()


def test_real_records_are_the_three_collections() -> None:
    assert len(REAL) > 1000
    assert {r.relpath.split("/")[0] for r in REAL} == set(make_corpus.COLLECTIONS)


def test_copy_urls_get_the_suffix_in_their_path() -> None:
    assert make_corpus.with_suffix_url("https://youtube.com/watch?v=WJk-Y8LQlfE", "c2") == \
        "https://youtube.com/watch-c2?v=WJk-Y8LQlfE"
    assert make_corpus.with_suffix_url("https://example.com/blog/post/", "c1") == \
        "https://example.com/blog/post/c1/"
    assert make_corpus.with_suffix_url("https://example.com", "c3") == "https://example.com/c3"
    news = next(r for r in REAL if r.relpath.startswith("_news/")
                and "\nwebUrl:" in r.text and "\noriginalUrl:" in r.text)
    copied = yaml.safe_load(make_corpus.front_matter(make_corpus.copy_text(news.text, "c4")))
    original = yaml.safe_load(make_corpus.front_matter(news.text))
    for key in ("webUrl", "originalUrl"):
        assert copied[key] != original[key]
        assert "-c4" in copied[key] or "/c4/" in copied[key]
    assert {k: v for k, v in copied.items() if k not in ("webUrl", "originalUrl")} == \
        {k: v for k, v in original.items() if k not in ("webUrl", "originalUrl")}


def test_plan_is_seeded_and_names_are_distinct() -> None:
    first = make_corpus.plan(REAL, 3000)
    assert first == make_corpus.plan(REAL, 3000)
    assert first[:1000] == make_corpus.plan(REAL, 1000)
    names = [make_corpus.copy_name(r.relpath, suffix) for r, suffix in first]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("kind", sorted(make_corpus.DEFECTS))
def test_each_defect_changes_one_thing_the_schema_or_rules_see(kind: str) -> None:
    record = next(r for r in REAL if make_corpus.DEFECTS[kind](r.text) is not None)
    text, _at = make_corpus.DEFECTS[kind](record.text)  # type: ignore[misc]
    before = yaml.safe_load(make_corpus.front_matter(record.text))
    after = yaml.safe_load(make_corpus.front_matter(text))
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed == {"mojibake-title": {"title"}, "http-image-url": {"images"},
                       "missing-timezone": {"publishedDateTime"},
                       "misspelt-key": {"excerpt", "exerpt"}}[kind]


def test_front_matter_is_the_yaml_between_the_fences() -> None:
    text = "---\ntitle: x\n---\nbody\n---\n"
    assert make_corpus.front_matter(text) == "---\ntitle: x\n"
    assert make_corpus.front_matter("no front matter\n") == ""


def test_build_makes_files_yaml_and_manifest(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(make_corpus, "WORK", tmp_path)
    folder = make_corpus.build(60, share=0.1)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["records"] == 60
    assert manifest["defects"]["count"] == 6
    md = sorted((folder / "site").rglob("*.md"))
    assert len(md) == 60
    assert len(list((folder / "yaml").glob("*.yaml"))) == 60
    assert (folder / "site" / "_config.yml").is_file()
    for defect in manifest["defects"]["items"]:
        assert (folder / "site" / defect["path"]).is_file()
    # The same arguments give the same corpus; it is reused, not rebuilt.
    stamp = (folder / "manifest.json").stat().st_mtime_ns
    assert make_corpus.build(60, share=0.1) == folder
    assert (folder / "manifest.json").stat().st_mtime_ns == stamp


def test_baseline_loader_keeps_timestamps_as_strings() -> None:
    loaded = yaml.load("when: 2019-08-19T21:00:10Z\n", Loader=baseline_schema.Loader)
    assert loaded == {"when": "2019-08-19T21:00:10Z"}


def test_baseline_schema_reports_an_injected_defect(tmp_path: Path) -> None:
    record = next(r for r in REAL if r.relpath.startswith("_samples/"))
    text, _ = make_corpus.DEFECTS["misspelt-key"](record.text)  # type: ignore[misc]
    path = tmp_path / "a.md"
    path.write_text(text, "utf-8")
    done = subprocess.run([sys.executable, str(BENCH / "baseline_schema.py"), "--schema",
                           str(BENCH.parent / "schema" / "article.schema.json"), str(path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "'exerpt' was unexpected" in done.stdout


def test_run_once_times_and_measures_a_child() -> None:
    command = measure.Command([sys.executable, "-c", "x = bytearray(40 * 1024 * 1024)"],
                              BENCH)
    sample = measure.run_once(command, "test-run-once", sample_tree=True)
    assert sample.returncode == 0
    assert sample.seconds > 0
    assert sample.largest_kb and sample.largest_kb > 40 * 1024
    assert sample.cpu_seconds is not None


def test_debounce_is_read_from_server_source() -> None:
    found = lsp_latency.debounce_seconds("DEBOUNCE = 0.15  # seconds\n")
    assert found and found[0] == pytest.approx(0.15)
    found = lsp_latency.debounce_seconds("DEBOUNCE_MS = 150\n")
    assert found and found[0] == pytest.approx(0.15)
    assert lsp_latency.debounce_seconds("x = 1\n") is None


def test_report_judges_the_targets() -> None:
    def result(tool: str, target: str, variant: str, seconds: float) -> dict:
        sample = measure.Sample(seconds, 0, seconds, 50_000)
        return {"tool": tool, "target": target, "variant": variant, "samples": [
            sample.__dict__], "fill": None, "memory": None, "note": "", "failed": ""}

    data = {"sizes": [10000], "results": [
        result(report.FMLINT, "10000", report.COLD, 2.0),
        result(report.FMLINT, "10000", report.WARM, 0.1),
        result(report.FMLINT, "10000", report.WARM_CHANGED, 0.7),
        result(report.CJS_CLIB, "10000", "", 9.0),
        result(report.PARSE, "10000", "", 2.5),
        result(report.FMLINT, report.ONE, report.COLD, 0.15),
        result(report.FMLINT, report.ONE, report.STDIN, 0.09),
        result(report.CJS, report.ONE, "", 0.2),
    ]}
    verdicts = {name: ok for name, _m, _c, _g, ok in report.targets(data)}
    assert verdicts["10,000 records, cold, vs check-jsonschema + ruamel.yaml.clib"] is True
    assert verdicts["10,000 records, cold, vs the plain read-split-parse script"] is True
    assert verdicts["one file (a file) vs check-jsonschema on one file"] is False
    assert verdicts["one file (standard input) vs check-jsonschema on one file"] is True
    assert verdicts["warm re-run after 1% of 10,000 records changed"] is False
    assert verdicts["language server answers a change"] is None


def test_linear_cost_is_judged_on_the_runs_where_the_sizes_take_turns() -> None:
    """The sizes' own phases drifted (50k looks 1.4x dearer per record); the runs made in
    turn say the cost is linear, and they are the ones judged."""
    def result(variant: str, target: str, seconds: float) -> measure.Result:
        return measure.Result(report.FMLINT, target, variant,
                              [measure.Sample(seconds, 0, seconds, 1)])

    results = [result(report.COLD, report.ONE, 0.0),
               result(report.COLD_1, "10000", 5.0), result(report.COLD_1, "50000", 35.0),
               result(report.COLD_1_TURNS, "10000", 5.0),
               result(report.COLD_1_TURNS, "50000", 25.0)]
    data = {"sizes": [10000, 50000],
            "results": [r.__dict__ | {"samples": [s.__dict__ for s in r.samples]}
                        for r in results],
            "linearity": report.linearity(results, [10000, 50000])}
    verdicts = {name: (measured, ok) for name, measured, _c, _g, ok in report.targets(data)}
    measured, ok = verdicts[
        "linear cost 10k → 50k (marginal ms per record, 1 job, the sizes taking turns)"]
    assert ok is True and measured.startswith("0.500 / 0.500")


@pytest.mark.parametrize("count", range(1, 10))
def test_each_tool_runs_after_each_other_equally_often(count: int) -> None:
    orders = measure.turn_orders(count)
    assert all(sorted(order) == list(range(count)) for order in orders)
    follows: dict[tuple[int, int], int] = {}
    for order in orders:
        for before, after in itertools.pairwise(order):
            follows[before, after] = follows.get((before, after), 0) + 1
    assert len(follows) == count * (count - 1)
    assert len(set(follows.values())) <= 1
