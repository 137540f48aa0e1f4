"""Records of one shape share what the schema says of their places, and it is the same as
what a walk of each record finds."""

from __future__ import annotations

from pathlib import Path

from linter.annotate import Annotations, Walker
from linter.schemas import load
from linter.source import split
from linter.yamldoc import Document, parse

from .conftest import article_records, organization_records

_PLACES = ("formats", "media", "roles", "role_of", "types", "required", "child_roles")


def _document(text: str) -> Document:
    front = split(text)
    return parse(text[front.start:front.end], front.start)


def _said(notes: Annotations) -> dict[str, list]:
    """What the notes say of each place, in the order they say it."""
    return {name: list(getattr(notes, name).items()) for name in _PLACES}


def _check_shared(document: dict, texts: list[tuple[str, str]]) -> int:
    """Annotate each text with one walker, as a run does, and compare with a fresh walk of
    the same record; returns how many were served from a shape seen before."""
    walker = Walker(document)
    served = 0
    for name, text in texts:
        doc = _document(text)
        if doc.values is None:
            continue
        known = len(walker._records)
        notes = walker.annotate(doc.record, doc.values)
        served += len(walker._records) == known
        fresh = Walker(document).annotate(doc.record)
        assert _said(notes) == _said(fresh), name
        assert notes.values == fresh.values, name
        assert notes.memo == {} and notes.memo is not fresh.memo
    return served


def test_corpus_records_share_notes_by_shape() -> None:
    for kind, files in (("article", article_records()), ("organization", organization_records())):
        texts = [(str(path), Path(path).read_text("utf-8")) for path in files]
        served = _check_shared(load(kind).document, texts)
        # The corpus's records come in few shapes: most are served from one seen before.
        assert served > len(texts) // 2, kind


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
    walker = Walker(load("article").document)
    first = _document('---\ntitle: "One"\n---\n')
    second = _document('---\ntitle: "Two"\n---\n')
    a = walker.annotate(first.record, first.values)
    a.memo[("texts",)] = ["one"]
    b = walker.annotate(second.record, second.values)
    assert b.memo == {} and b.values["/title"] == "Two" and a.values["/title"] == "One"


def test_records_read_with_a_problem_are_walked() -> None:
    """A duplicate key leaves the first value's places behind: such records get no shape."""
    doc = _document("---\nprovider:\n  name: A\nprovider: B\n---\n")
    assert doc.values is None
    aliased = _document("---\na: &x {name: A}\nb: *x\n---\n")
    assert aliased.values is None
