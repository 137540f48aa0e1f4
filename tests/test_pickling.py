"""Outcomes and their parts cross between processes intact."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field

import pytest

from linter.engine.lint import FileResult
from linter.engine.suppress import Directive, Suppressions
from linter.runner.batch import Outcome
from linter.runner.pickling import by_fields


def test_an_outcome_crosses_whole() -> None:
    directive = Directive(3, 5, 30, False, {"FM105": "whitespace"}, {"FM105"}, 7)
    outcome = Outcome("_news/a.md", FileResult([], [], Suppressions([directive], [(1, 2, 3, "x")]),
                                               ["_config.yml"]),
                      fixed=2, fixed_text="t", digest="d", stamp=[1, 2],
                      rows=([[1, 1, 1, 2, "FM105"]], []), dep_stamps={"a": [1, 2]},
                      block=(False, "lines"))
    assert pickle.loads(pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)) == outcome


@by_fields
@dataclass
class One:
    name: str


def test_a_one_field_dataclass_crosses_whole() -> None:
    assert pickle.loads(pickle.dumps(One("x"))) == One("x")


def test_a_field_the_constructor_does_not_take_in_order_is_refused() -> None:
    @dataclass
    class Derived:
        name: str
        length: int = field(init=False, default=0)

    @dataclass
    class Named:
        name: str
        size: int = field(kw_only=True, default=0)

    for cls in (Derived, Named):
        with pytest.raises(TypeError):
            by_fields(cls)
