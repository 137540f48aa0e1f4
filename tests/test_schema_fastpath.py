"""The compiled fast path and jsonschema agree: same verdict on real and mutated records."""

from __future__ import annotations

import copy
import random

import pytest

from linter.schemas import load
from linter.source import split
from linter.yamldoc import parse

from .conftest import article_records, organization_records


def _record(path):
    text = path.read_text("utf-8")
    front = split(text)
    return parse(text[front.start:front.end], front.start).record


def _mutations(record: dict, rng: random.Random) -> list[dict]:
    out = []
    for _ in range(4):
        mutated = copy.deepcopy(record)
        target = mutated
        # Walk into a nested mapping or list now and then, so inner shapes are mutated too.
        while rng.random() < 0.5:
            inner = [v for v in (target.values() if isinstance(target, dict) else target)
                     if isinstance(v, dict | list) and v]
            if not inner:
                break
            target = rng.choice(inner)
        if isinstance(target, list):
            target.append(rng.choice([None, 5, "x", {"url": "not a uri"}]))
        else:
            key = rng.choice(list(target))
            target[rng.choice([key, key + "x", key.lower()])] = rng.choice(
                [None, 5, -1, 0, "", "not a uri", "yesterday", "2024-01-22T18:23:00",
                 [], {}, True, 1.5, "https://example.com/a b", "x" * 3])
        out.append(mutated)
    return out


@pytest.mark.parametrize("kind", ["article", "organization"])
def test_fast_path_agrees_with_jsonschema(kind: str) -> None:
    schema = load(kind)
    files = article_records() if kind == "article" else organization_records()
    rng = random.Random(20261126)
    checked = invalid = 0
    for path in files:
        record = _record(path)
        for candidate in [record, *_mutations(record, rng)]:
            fast = schema.is_valid(candidate)
            assert fast is not None, path
            slow = schema.validator.is_valid(candidate)
            assert fast == slow, (path, candidate)
            checked += 1
            invalid += not slow
    # The comparison covers both verdicts in bulk.
    assert checked > 5 * len(files) - 1
    assert invalid > len(files)


def test_problems_come_from_jsonschema_when_the_fast_path_rejects() -> None:
    schema = load("article")
    record = _record(article_records()[0])
    assert schema.problems(record) == []
    record["publishedDatetime"] = record.pop("publishedDateTime", "x")
    kinds = {p.kind for p in schema.problems(record)}
    assert "unknown-key" in kinds
