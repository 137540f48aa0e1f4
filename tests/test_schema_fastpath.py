"""The compiled fast path and jsonschema agree: same verdict on real and mutated records."""

from __future__ import annotations

import copy
import json
import random

import pytest

from linter.reading.source import split
from linter.reading.yamldoc import parse
from linter.schema.explain import SchemaProblem
from linter.schema.validation import MODEST_VALUES, Schema
from linter.site.workspace import Workspace

from .conftest import article_records, organization_records


class _Explained:
    """A schema whose ``problems`` are watched: whether they came from the compiled
    validator's errors alone, or needed jsonschema's explanation (``detailed_problems``)."""

    def __init__(self, schema: Schema, monkeypatch: pytest.MonkeyPatch) -> None:
        self.schema = schema
        self.detailed = schema.detailed_problems  # (jsonschema's explanation itself)
        self.asked = 0

        def counted(record: object) -> list[SchemaProblem]:
            self.asked += 1
            return self.detailed(record)

        monkeypatch.setattr(schema, "detailed_problems", counted)

    def compiled(self, record: object) -> list[SchemaProblem] | None:
        """The record's problems if they came from the compiled validator alone, else None."""
        asked = self.asked
        found = self.schema.problems(record)
        return None if self.asked > asked else found


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
    schema = Workspace().schemas.load(kind)
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


@pytest.mark.parametrize("kind", ["article", "organization"])
def test_compiled_problems_read_as_jsonschema_s(kind: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The problems explained from jsonschema-rs's errors are jsonschema's, in its order."""
    schema = _Explained(Workspace().schemas.load(kind), monkeypatch)
    files = article_records() if kind == "article" else organization_records()
    rng = random.Random(20261127)
    compared = 0
    for path in files:
        for candidate in _mutations(_record(path), rng):
            found = schema.compiled(candidate)
            if found is not None:
                assert _by_value(found) == _by_value(schema.detailed(candidate)), (
                    path, candidate)
                compared += bool(found)
    assert compared > len(files)


def _by_value(problems: list) -> list:
    """Problems as the report orders them: by place, and in their order at one place."""
    return sorted(problems, key=lambda problem: (problem.pointer, problem.at_key))


@pytest.mark.parametrize("draft", [None, "http://json-schema.org/draft-07/schema#",
                                   "http://json-schema.org/draft-04/schema#"])
def test_compiled_problems_of_other_keywords_and_drafts(
        tmp_path, monkeypatch: pytest.MonkeyPatch, draft: str | None) -> None:
    document = {
        "type": "object",
        "properties": {
            "n": {"type": "number", "multipleOf": 5, "not": {"const": 15}},
            "m": {"type": "object", "minProperties": 2, "maxProperties": 3,
                  "patternProperties": {"^x-": {"type": "string"}},
                  "additionalProperties": False},
            "c": {"const": "k"},
            "w": {"type": "integer", "minimum": 0, "maximum": 9, "exclusiveMinimum": True}
            if draft and "draft-04" in draft else {"type": "integer", "exclusiveMinimum": 0},
        },
        "required": ["c"],
    }
    if draft:
        document["$schema"] = draft
    schema_file = tmp_path / "s.json"
    schema_file.write_text(json.dumps(document))
    schema = _Explained(Workspace().schemas.load(str(schema_file)), monkeypatch)
    records = [{"n": 15, "m": {"x-a": 1, "y": 2, "z": 3, "q": 4}, "c": "j", "w": 0},
               {"n": 7, "m": {}, "w": -1}, {"w": 0.5, "c": "k"}, {"w": "a", "c": 1}]
    for record in records:
        found = schema.schema.problems(record)
        assert found, record
        assert _by_value(found) == _by_value(schema.detailed(record)), record
    # (draft-04 gives minimum and maximum other meanings: jsonschema explains those)
    assert (schema.compiled(records[0]) is None) == bool(draft and "04" in draft)


def test_problems_come_from_jsonschema_where_only_it_can_explain(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    schema_file = tmp_path / "s.json"
    schema_file.write_text(json.dumps({
        "type": "object",
        "properties": {
            "size": {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+$"}]},
            "slug": {"type": "string", "minLength": 3, "pattern": "^[a-z]+$", "maxLength": 4},
            "tags": {"type": "array", "items": {"$ref": "#/$defs/tag"}},
        },
        "$defs": {"tag": {"enum": ["news", "video"]}},
        "additionalProperties": False,
    }))
    schema = Workspace().schemas.load(str(schema_file))
    explained = _Explained(schema, monkeypatch)
    messages = [p.message for p in schema.problems({"slug": "A_bcdef", "tags": ["newz"]})]
    # Failures of one value keep the order their keywords are written in.
    assert messages == [
        'slug does not have the expected form (pattern ^[a-z]+$): the string "A_bcdef"',
        "slug must be at most 4 characters long, but it has 7",
        'tags[0] must be one of "news", "video", but it is the string "newz"; '
        'did you mean "news"?',
    ]
    record = {"size": "big", "sizes": 1}
    assert explained.compiled(record) is None  # (anyOf: jsonschema's closest branch)
    assert [p.message for p in schema.problems(record)] == [
        'size does not have the expected form (pattern ^[0-9]+$): the string "big"',
        "unknown key 'sizes': did you mean 'size'?",
    ]


def test_a_huge_record_is_explained_by_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    """jsonschema-rs copies the failing value into each error: a record of more values than
    any real front matter holds is explained by jsonschema, which refers to them."""
    schema = Workspace().schemas.load("article")
    record = _record(article_records()[0])
    record["extras"] = list(range(MODEST_VALUES))
    assert _Explained(schema, monkeypatch).compiled(record) is None
    assert [p.message for p in schema.problems(record) if p.kind == "extra-key"] == [
        "unknown key 'extras'; the keys allowed here are: " + ", ".join(
            sorted(schema.document["properties"]))]
