"""Outcomes and their parts cross between processes intact."""

from __future__ import annotations

import pickle

from linter.engine.lint import FileResult
from linter.engine.suppress import Directive, Suppressions
from linter.rules.context import IndexEntry
from linter.rules.finding import Edit, Finding, Fix
from linter.runner.batch import Outcome


def test_an_outcome_crosses_whole() -> None:
    directive = Directive(3, 5, 30, False, {"FM105": "whitespace"}, {"FM105"}, 7)
    fix = Fix("safe", "decode", (Edit(2, 8, 2, 14, "é"),))
    finding = Finding("_news/a.md", 2, 8, 2, 14, "FM102", "html-entity", "warning", "m",
                      "/title", fix, "title: &eacute;")
    entry = IndexEntry("FM207", "https://x.org/", "_news/a.md", 3, 1, 3, 5, "/webUrl", "webUrl")
    outcome = Outcome("_news/a.md", FileResult([finding], [entry], Suppressions(
        [directive], [(1, 2, 3, "x")]), ["_config.yml"]),
                      fixed=2, fixed_text="t", digest="d", stamp=[1, 2])
    back = pickle.loads(pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL))
    assert (back.path, back.fixed, back.fixed_text, back.diff, back.text, back.digest,
            back.stamp) == ("_news/a.md", 2, "t", None, None, "d", [1, 2])
    result = back.result
    assert (result.findings, result.entries, result.deps, result.no_schema) == (
        [finding], [entry], ["_config.yml"], 0)
    assert result.findings[0].source == "title: &eacute;"  # (not compared by ==)
    assert result.suppressions is not None
    assert result.suppressions.problems == [(1, 2, 3, "x")]
    [kept] = result.suppressions.directives
    assert (kept.line, kept.column, kept.end_column, kept.whole_file, kept.codes, kept.used,
            kept.last_line) == (3, 5, 30, False, {"FM105": "whitespace"}, {"FM105"}, 7)
