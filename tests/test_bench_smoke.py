"""The benchmark script runs from start to end on a tiny corpus (its own tests, of the corpus,
the measuring and the report: ``python -m pytest bench``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(BENCH))
    import make_corpus

    monkeypatch.setattr(make_corpus, "WORK", tmp_path)
    make_corpus.build(20)
    return tmp_path


def test_the_benchmark_measures_fmlint_and_puts_edited_records_back(work: Path) -> None:
    site = work / "corpus-20" / "site"
    before = {path: path.read_bytes() for path in site.rglob("*.md")}
    env = {**os.environ, "FMLINT_BENCH_WORK": str(work),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    report = work / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--skip-peers", "--sizes", "20", "--runs", "1",
         "--no-lsp", "--no-profile", "--no-install", "--quiet-wait", "0",
         "--output", str(report)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    data = json.loads((work / "results.json").read_text("utf-8"))
    fmlint = {(r["target"], r["variant"]): r for r in data["results"] if r["tool"] == "fmlint"}
    for variant in ("cold, every core", "cold, 1 job", "warm, every core", "warm, 1 job",
                    "warm, 1% of records edited", "warm, one record edited"):
        samples = fmlint["20", variant]["samples"]
        assert samples and all(s["returncode"] in (0, 1) for s in samples), variant
    found, injected = (sum(seen[n] for seen in data["detection"]["by_kind"].values())
                       for n in (0, 1))
    assert found == injected > 0
    assert {path: path.read_bytes() for path in site.rglob("*.md")} == before
    assert "warm re-run after 1% of 10,000 records changed" in report.read_text("utf-8")
