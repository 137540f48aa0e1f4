"""Records of one shape share what the schema says of their places, and it is the same as
what a walk of each record finds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from linter.engine import lint as engine
from linter.engine.config import Config
from linter.reading.source import split
from linter.reading.yamldoc import Document, parse
from linter.schema.annotate import Annotations, Walker
from linter.schema.shipped import builtin
from linter.schema.validation import Schema

from .conftest import article_records, organization_records

_PLACES = ("formats", "media", "roles", "role_of", "types", "required", "child_roles")


def _document(text: str) -> Document:
    front = split(text)
    return parse(text[front.start:front.end], front.start)


def _fresh_walkers(monkeypatch: pytest.MonkeyPatch) -> dict[str, Walker]:
    """From now on the engine walks records with walkers made afresh, as a run that has seen
    no record yet; clearing the returned walkers (by schema digest) starts over."""
    made: dict[str, Walker] = {}

    def walker(schema: Schema) -> Walker:
        found = made.get(schema.digest)
        if found is None:
            found = made[schema.digest] = Walker(schema.document, schema.resources,
                                                 schema.base_uri)
        return found

    monkeypatch.setattr(engine, "walker", walker)
    return made


def _said(notes: Annotations) -> dict[str, list]:
    """What the notes say of each place, in the order they say it."""
    return {name: list(getattr(notes, name).items()) for name in _PLACES}


def _check_shared(document: dict, texts: list[tuple[str, str]]) -> int:
    """Annotate each text with one walker, as a run does, and compare with a fresh walk of
    the same record; returns how many shared what an earlier record's notes say."""
    walker = Walker(document)
    seen: list[Annotations] = []
    shared = 0
    for name, text in texts:
        doc = _document(text)
        if doc.values is None:
            continue
        notes = walker.annotate(doc.record, doc.values)
        shared += any(notes.formats is earlier.formats for earlier in seen)
        seen.append(notes)
        fresh = Walker(document).annotate(doc.record)
        assert _said(notes) == _said(fresh), name
        assert notes.values == fresh.values, name
        assert notes.memo == {}
    return shared


def test_corpus_records_share_notes_by_shape() -> None:
    for kind, files in (("article", article_records()), ("organization", organization_records())):
        texts = [(str(path), path.read_text("utf-8")) for path in files]
        shared = _check_shared(builtin(kind).document, texts)
        # The corpus's records come in few shapes: most share an earlier record's notes.
        assert shared > len(texts) // 2, kind


def test_a_place_holding_another_type_is_another_shape() -> None:
    schema = {
        "type": "object",
        "properties": {"when": {"anyOf": [{"type": "string", "format": "date-time"},
                                          {"type": "integer", "x-fmlint-role": "count"}]}},
    }
    texts = [("string", '---\nwhen: "2024-01-22T18:23:00Z"\n---\n'),
             ("integer", "---\nwhen: 5\n---\n"),
             ("string again", '---\nwhen: "2025-01-22T18:23:00Z"\n---\n')]
    assert _check_shared(schema, texts) == 1
    walker = Walker(schema)
    for name, text in texts:
        doc = _document(text)
        notes = walker.annotate(doc.record, doc.values)
        assert ("/when" in notes.formats) == (name != "integer")
        assert notes.with_role("count") == ([] if name != "integer" else ["/when"])


def test_what_a_record_asks_stays_its_own() -> None:
    """Answers kept for one record (its plain texts) are not another record's."""
    walker = Walker(builtin("article").document)
    notes = []
    for title in ("One", "Two", "Three"):
        doc = _document(f'---\ntitle: "{title}"\n---\n')
        notes.append(walker.annotate(doc.record, doc.values))
        notes[-1].memo[("texts",)] = [title]
    assert [n.memo[("texts",)] for n in notes] == [["One"], ["Two"], ["Three"]]
    assert [n.values["/title"] for n in notes] == ["One", "Two", "Three"]
    assert notes[1].formats is notes[2].formats


def test_records_read_with_a_problem_list_no_values() -> None:
    """A duplicate key leaves the first value's places behind, and an alias shares a value
    between places: such records are walked, not matched by shape."""
    assert _document("---\nprovider:\n  name: A\nprovider: B\n---\n").values is None
    assert _document("---\na: &x {name: A}\nb: *x\n---\n").values is None


def test_findings_do_not_depend_on_which_records_came_before(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each corpus record gives the same findings in a run that has seen every other record
    (and so shapes like its own) as in a run where it comes first."""
    config = Config(now=datetime(2026, 11, 26, tzinfo=UTC))
    texts = [(str(path), path.read_text("utf-8")) for path in article_records()]
    walkers = _fresh_walkers(monkeypatch)
    first = {}
    for name, text in texts:
        walkers.clear()  # (a run that has seen no record)
        first[name] = [f.to_dict() for f in engine.check_text(text, name, config).findings]
        assert walkers, name  # (the record was walked by a walker made for it)
    for name, text in texts:  # (a run that has seen them all)
        engine.check_text(text, name, config)
    for name, text in texts:
        assert [f.to_dict() for f in engine.check_text(text, name, config).findings] == (
            first[name]), name


def test_a_record_naming_its_own_schema_is_read_as_without_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The record's own ``$schema`` picks the schema and is not one of its values: the same
    findings as without it, whether its shape was seen before or not."""
    config = Config(now=datetime(2026, 11, 26, tzinfo=UTC))
    path = article_records()[0]
    text = path.read_text("utf-8")
    own = text.replace("---\n", "---\n$schema: article\n", 1)
    assert own != text
    walkers = _fresh_walkers(monkeypatch)

    def rows(source: str) -> list:
        return [(f.code, f.message) for f in engine.check_text(source, str(path), config)
                .findings]

    expected = rows(text)
    walkers.clear()
    assert rows(own) == expected  # (no shape seen)
    assert walkers and rows(own) == expected  # (its shape seen)
