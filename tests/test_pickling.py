"""Outcomes and their parts cross between processes intact."""

from __future__ import annotations

import pickle
from typing import Any

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
    assert _parts(back) == _parts(outcome)
    assert back.result.findings[0].source == "title: &eacute;"  # (not compared by ==)


def _parts(outcome: Outcome) -> tuple[Any, ...]:
    """Everything an outcome holds, as values ``==`` compares (a file's result and its
    suppressions are compared by identity)."""
    result, sup = outcome.result, outcome.result.suppressions
    assert sup is not None
    return (
        outcome.path, outcome.fixed, outcome.fixed_text, outcome.diff, outcome.text,
        outcome.digest, outcome.stamp, result.findings, result.deps, result.no_schema,
        [(e.code, e.key, e.path, e.line, e.column, e.end_line, e.end_column, e.pointer,
          e.label) for e in result.entries],
        [(d.line, d.column, d.end_column, d.whole_file, d.codes, d.used, d.last_line)
         for d in sup.directives],
        sup.problems)
