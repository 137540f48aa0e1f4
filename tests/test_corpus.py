"""The whole real corpus against its reviewed expected results.

fmlint checks the corpus folders (``_news _learning _samples _data/organizations``, with the
organization schema mapped by ``examples/fmlint.toml``) and the seed record, as a site owner
would run it, with the clock pinned:

    cd tests/data/corpus/everyday-powerapps
    fmlint check _news _learning _samples _data/organizations ../../seed/article.md \\
        --config ../../../../examples/fmlint.toml --output-format json --no-cache \\
        --now 2026-11-26T00:00:00Z

``tests/data/expected/corpus.json`` holds (a) the number of findings per rule and (b) every
finding but the whitespace ones as (file relative to the corpus, code, line, column).
Each of them was read and judged a real problem; ``tests/data/expected/REVIEW.md`` says why,
rule by rule. After a deliberate change, regenerate the file, then review its diff the same
way before committing it:

    python -m tests.test_corpus --update
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from .conftest import CORPUS, SEED

REPO = Path(__file__).resolve().parent.parent
EXPECTED = Path(__file__).parent / "data" / "expected" / "corpus.json"
FOLDERS = ("_news", "_learning", "_samples", "_data/organizations")
NOW = "2026-11-26T00:00:00Z"
COUNT_ONLY = {"FM105"}  # whitespace: hundreds of findings, kept as a count


def _arguments(output: str) -> list[str]:
    seed = os.path.relpath(SEED, CORPUS)
    config = os.path.relpath(REPO / "examples" / "fmlint.toml", CORPUS)
    return ["check", *FOLDERS, seed, "--config", config, "--output-format", "json",
            "--no-cache", "--now", NOW, "--no-progress", "--output-file", output]


def run_corpus() -> list[dict[str, Any]]:
    """Every finding of the corpus run, as the JSON report gives it."""
    from linter.cli.main import main

    here = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        output = os.path.join(folder, "report.json")
        try:
            os.chdir(CORPUS)
            with contextlib.redirect_stderr(io.StringIO()) as err:
                code = main(_arguments(output))
        finally:
            os.chdir(here)
        assert code in (0, 1), err.getvalue()
        return json.loads(Path(output).read_text("utf-8"))


def summarise(findings: list[dict[str, Any]]) -> dict[str, Any]:
    counts = Counter(f["code"] for f in findings)
    listed = sorted({(f["path"], f["code"], f["line"], f["column"]) for f in findings
                     if f["code"] not in COUNT_ONLY})
    return {
        "now": NOW,
        "folders": [*FOLDERS, os.path.relpath(SEED, CORPUS)],
        "counts": dict(sorted(counts.items())),
        "count_only": sorted(COUNT_ONLY),
        "findings": [list(item) for item in listed],
    }


def write_expected(summary: dict[str, Any]) -> None:
    lines = [f"  {json.dumps(item, ensure_ascii=False)}" for item in summary["findings"]]
    head = {k: v for k, v in summary.items() if k != "findings"}
    text = json.dumps(head, indent=2, ensure_ascii=False)[:-2]
    text += ',\n  "findings": [\n  ' + ",\n  ".join(lines) + "\n  ]\n}\n"
    EXPECTED.parent.mkdir(parents=True, exist_ok=True)
    EXPECTED.write_text(text, "utf-8")


@pytest.fixture(scope="module")
def findings() -> list[dict[str, Any]]:
    return run_corpus()


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    return json.loads(EXPECTED.read_text("utf-8"))


def test_counts_by_rule(findings: list[dict[str, Any]], expected: dict[str, Any]) -> None:
    assert summarise(findings)["counts"] == expected["counts"]


def test_every_reviewed_finding_and_no_other(findings: list[dict[str, Any]],
                                             expected: dict[str, Any]) -> None:
    got = {tuple(item) for item in summarise(findings)["findings"]}
    want = {tuple(item) for item in expected["findings"]}
    assert sorted(got - want) == [], "new findings: review them, then run --update"
    assert sorted(want - got) == [], "reviewed findings no longer reported"


def test_every_record_reads_and_passes_its_schema(findings: list[dict[str, Any]]) -> None:
    core = [f for f in findings if f["code"] <= "FM017"]
    assert core == []  # no FM001-FM008 (reading, YAML), FM009 (crash), FM010-FM014 (schema)


def test_the_seed_has_exactly_its_one_defect(findings: list[dict[str, Any]]) -> None:
    seed = [f for f in findings if f["path"].endswith("seed/article.md")]
    assert [(f["code"], f["line"], f["column"], f["pointer"]) for f in seed] == [
        ("FM101", 49, 33, "/related/1/excerpt")]


def test_the_seed_is_clean_under_every_rule(cli) -> None:
    run = cli(["check", str(SEED), "--select", "ALL", "--output-format", "json", "--no-cache",
               "--now", NOW, "--isolated"])
    assert [f["code"] for f in json.loads(run.out)] == ["FM101"]


def test_every_rule_of_the_review_has_a_note(expected: dict[str, Any]) -> None:
    review = (EXPECTED.parent / "REVIEW.md").read_text("utf-8")
    for code in expected["counts"]:
        assert f"## {code}" in review, code


def main(argv: list[str]) -> int:
    if argv != ["--update"]:
        sys.stderr.write("usage: python -m tests.test_corpus --update\n")
        return 2
    summary = summarise(run_corpus())
    write_expected(summary)
    sys.stdout.write(f"wrote {EXPECTED.relative_to(REPO)}: "
                     f"{sum(summary['counts'].values())} findings, {summary['counts']}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
