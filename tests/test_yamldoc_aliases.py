"""Anchors, aliases and merge keys over generated values: the record is the one PyYAML's
safe loader constructs, and a value read through an alias sits where its anchor wrote it."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.reading import yamldoc

RUN = settings(max_examples=150, deadline=None, database=None)

_WORDS = st.text(st.sampled_from("abz019 -_/~:#&*!<'\"é"), max_size=6)
_SCALARS = st.none() | st.booleans() | st.integers(-10**6, 10**20) | _WORDS
VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(_WORDS, inner, max_size=3), max_leaves=12)
MAPPINGS = st.dictionaries(_WORDS, VALUES, max_size=4)


def _flow(value: Any) -> str:
    """``value`` in YAML's flow style (JSON is YAML): every string quoted."""
    return json.dumps(value, ensure_ascii=False)


def _block(mapping: dict[str, Any], indent: str) -> str:
    return "".join(f"{indent}{_flow(key)}: {_flow(value)}\n" for key, value in mapping.items())


def _under(doc: yamldoc.Document, pointer: str) -> list[tuple[Any, ...]]:
    """Where each value under ``pointer`` sits, named from there."""
    return [(at[len(pointer):], span.start, span.end, span.key_start is None, span.style,
             span.tag, span.raw) for at, span in doc.spans.items() if at.startswith(pointer + "/")]


@RUN
@given(VALUES, st.integers(0, 2))
def test_an_alias_is_its_anchors_value_at_its_anchors_places(value: Any, style: int) -> None:
    written = [f"a: &x {_flow(value)}\nb: *x\n", f"a: [&x {_flow(value)}]\nb: {{c: *x}}\n",
               f"a: &x {_flow(value)}\nb:\n  - *x\n"][style]
    anchored, alias = [("/a", "/b"), ("/a/0", "/b/c"), ("/a", "/b/0")][style]
    doc = yamldoc.parse(written, 4)
    assert doc.problems == []
    assert doc.record == yaml.load(written, Loader=yaml.CSafeLoader)
    assert _under(doc, alias) == _under(doc, anchored)
    first, again = doc.spans[anchored], doc.spans[alias]
    assert (again.start, again.end, again.raw) == (first.start, first.end, first.raw)
    assert written[first.start - 4:first.end - 4].startswith("&x")
    assert all(doc.spans[at].aliased for at in (anchored, alias))


@RUN
@given(MAPPINGS, MAPPINGS, MAPPINGS, st.booleans())
def test_merge_keys_are_read_as_pyyaml_reads_them(first: dict[str, Any], second: dict[str, Any],
                                                 own: dict[str, Any], listed: bool) -> None:
    """A mapping's own keys win over merged ones, an earlier merged mapping over a later."""
    merge = "[*a, *b]" if listed else "*a"
    written = (f"a: &a {_flow(first)}\nb: &b {_flow(second)}\n"
               f"c:\n  <<: {merge}\n{_block(own, '  ')}")
    doc = yamldoc.parse(written, 4)
    assert doc.problems == []
    assert doc.record == yaml.load(written, Loader=yaml.CSafeLoader)
    assert doc.record["c"] == {**(second if listed else {}), **first, **own}
    assert list(doc.record["c"])[:len(own)] == list(own)  # (its own keys first, in order)
