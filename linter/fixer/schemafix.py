"""Fixes for schema findings: a value written as the schema wants it, a misspelt key renamed,
a missing key added with its default.

Each fix is built from what the schema says (``schemas.Repair``) over the spans of the
record's own text, written in the file's format (YAML, TOML or JSON front matter, or a data
file), and offered only if the fixed text, read back in that format, is exactly the record
meant: the repaired value, key or insertion, and every other key, value and key order as
they were. A fix a format cannot hold safely is not offered.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from ..reading import jsondoc, recordfile, scalars, source, tomldoc
from ..reading import pointer as json_pointer
from ..reading.yamlbuild import Span
from ..rules.context import Context
from ..rules.finding import Edit, Fix
from ..schema.explain import Repair, SchemaProblem
from .apply import apply_edits

_FLOW_SIGNS = frozenset(",[]{}#")
_TOML_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# The ways a scalar may be written, by format, for its value to be replaced.
_STYLES: dict[str, tuple[str | None, ...]] = {
    "yaml": (None, '"', "'"), "toml": ('"', "'", tomldoc.BARE), "json": ('"', jsondoc.BARE),
    "jsonl": ('"', jsondoc.BARE)}


def fix_for(ctx: Context, problem: SchemaProblem) -> Fix | None:
    """The fix of a schema problem, or None where it has none or it cannot be written."""
    repair = problem.repair
    if repair is None or ctx.text is None or ctx.index is None:
        return None
    fmt = _format_of(ctx)
    built = {"value": _new_value, "rename": _renamed, "insert": _inserted}[repair.kind](
        ctx, problem.pointer, repair, fmt)
    if built is None:
        return None
    fix, expected = built
    return fix if _reads_as(ctx, fix, expected) else None


def _format_of(ctx: Context) -> str:
    """The format the record is written in: "yaml", "toml", "json" or "jsonl"."""
    assert ctx.text is not None
    try:
        return recordfile.locate(ctx.text, ctx.path).format
    except source.SplitError:
        return "yaml"


def _new_value(ctx: Context, pointer: str, repair: Repair, fmt: str
               ) -> tuple[Fix, Any] | None:
    """The value at ``pointer`` replaced by ``repair.value``, in the old one's style."""
    span = ctx.spans.get(pointer)
    assert ctx.text is not None
    if span is None or span.aliased or span.style not in _STYLES[fmt] or (
            fmt == "yaml" and ctx.text[span.start:span.start + 1] in ("&", "!")):
        return None  # (a block scalar, a multi-line string, a tag or an anchor: as written)
    safe = repair.safe
    if isinstance(repair.value, list):
        [item] = repair.value
        if fmt == "yaml":
            edit = _block_item(ctx, pointer, item) or ctx.edit(
                span.start, span.end, f"[{_flow_item(item, span.style)}]")
        else:  # (TOML and JSON: ["item"])
            edit = ctx.edit(span.start, span.end, f"[{ctx.render(item, span.style)}]")
        assert edit is not None
        fix = Fix("safe" if safe else "unsafe", repair.message, (edit,))
    else:
        replaced = ctx.replace(pointer, repair.value, repair.message, safe=safe)
        if replaced is None:
            return None
        fix = replaced
    return fix, _changed(ctx.record, pointer, lambda _old: repair.value)


def _flow_item(item: str, style: str | None) -> str:
    """``item`` written as an item of a flow list, in ``style`` where it can be."""
    written = scalars.render(item, style)
    return scalars.double_quoted(item) if style is None and _FLOW_SIGNS & set(written) else (
        written)


def _block_item(ctx: Context, pointer: str, item: str) -> Edit | None:
    """The scalar after a block mapping's key made a block list of one item (``- item``
    on the next line), indented as the record's other block lists are under their keys;
    None where the value is not on its key's line in a block mapping."""
    span = ctx.spans.get(pointer)
    found = _indent(ctx, Context.parent(pointer), Context.key(pointer))
    assert ctx.text is not None and span is not None
    if found is None or span.key_end is None:
        return None
    between = ctx.text[span.key_end:span.start]
    if between.rstrip(" ") != ":":
        return None
    newline = "\r\n" if "\r\n" in ctx.text else "\n"
    written = scalars.render(item, span.style)
    return ctx.edit(span.key_end + 1, span.end,
                    f"{newline}{found[1]}{' ' * _list_inset(ctx)}- {written}")


def _list_inset(ctx: Context) -> int:
    """How far the record's block lists are set in under their keys (2 where it has none)."""
    assert ctx.text is not None and ctx.index is not None
    for span in ctx.spans.values():
        if span.style == "seq" and span.key_start is not None and (
                ctx.text[span.start:span.start + 1] == "-"):
            return max(0, ctx.index.position(span.start)[1] - ctx.index.position(
                span.key_start)[1])
    return 2


def _renamed(ctx: Context, pointer: str, repair: Repair, fmt: str
             ) -> tuple[Fix, Any] | None:
    """The key at ``pointer`` renamed to ``repair.value``, quoted as the old one was."""
    span = ctx.spans.get(pointer)
    if span is None or span.key_start is None or span.key_end is None:
        return None
    assert ctx.text is not None
    old = ctx.text[span.key_start:span.key_end]
    edit = ctx.edit(span.key_start, span.key_end, _key(repair.value, fmt, old[:1]))
    assert edit is not None
    key, new = Context.key(pointer), repair.value
    expected = _changed(ctx.record, Context.parent(pointer), lambda mapping: {
        (new if k == key else k): v for k, v in mapping.items()})
    return Fix("unsafe", repair.message, (edit,)), expected


def _key(name: str, fmt: str, quote: str = "") -> str:
    """``name`` written as a key in ``fmt``, in the quotes ``quote`` (``'``, ``"`` or none)
    where they can hold it."""
    if fmt in ("json", "jsonl"):
        return jsondoc.render(name)
    if fmt == "toml":
        if quote == "'":
            return tomldoc.literal(name) or tomldoc.basic(name)
        bare = quote != '"' and _TOML_BARE_KEY.fullmatch(name)
        return name if bare else tomldoc.basic(name)
    if quote == "'":
        return scalars.single_quoted(name) or scalars.double_quoted(name)
    plain = quote != '"' and scalars.is_plain_string(name)
    return name if plain else scalars.double_quoted(name)


def _inserted(ctx: Context, pointer: str, repair: Repair, fmt: str
              ) -> tuple[Fix, Any] | None:
    """The missing key ``repair.key`` added to the mapping at ``pointer`` with its default,
    where the schema's order puts it: a line indented and quoted as its neighbours (YAML's
    block mapping, TOML's table), or an entry between its neighbours' (a JSON object)."""
    mapping = json_pointer.resolve(ctx.record, pointer)
    if not isinstance(mapping, dict) or not mapping or (
            fmt == "toml" and repair.value is None):  # (TOML has no null)
        return None
    assert ctx.text is not None
    keys = list(mapping)
    rank = {key: n for n, key in enumerate(repair.order)}
    mine = rank.get(repair.key, len(rank))
    place = 1 + max((n for n, key in enumerate(keys) if rank.get(key, mine) < mine),
                    default=-1)
    if fmt in ("json", "jsonl"):
        edit = _json_entry(ctx, pointer, keys, place, _key(repair.key, fmt),
                           jsondoc.render(repair.value))
    else:
        edit = _line_entry(ctx, pointer, keys, place, repair, fmt)
    if edit is None:
        return None
    items = list(mapping.items())
    items.insert(place, (repair.key, repair.value))
    expected = _changed(ctx.record, pointer, lambda _old: dict(items))
    return Fix("unsafe", repair.message, (edit,)), expected


def _line_entry(ctx: Context, pointer: str, keys: list[str], place: int, repair: Repair,
                fmt: str) -> Edit | None:
    """A ``key: value`` line (TOML: ``key = value``) for the new key: before the key now at
    ``place``, or after the one before it where that one is the last on its own line (in
    TOML: the table's last ``key = value`` line, before the tables it holds)."""
    assert ctx.text is not None
    spot = _before_key(ctx, pointer, keys[place]) if place < len(keys) else None
    if spot is None and place > 0 and (place == len(keys) or fmt == "toml"):
        spot = _after_key(ctx, pointer, keys[place - 1])
    if spot is None:
        return None
    offset, indent = spot
    newline = "\r\n" if "\r\n" in ctx.text else "\n"
    style = _string_style(ctx, pointer, json_pointer.resolve(ctx.record, pointer))
    if fmt == "toml":
        line = f"{_key(repair.key, fmt)} = {tomldoc.render(repair.value, style)}"
    else:
        line = f"{_key(repair.key, fmt)}: {scalars.render(repair.value, style)}"
    return ctx.edit(offset, offset, f"{indent}{line}{newline}")


def _json_entry(ctx: Context, pointer: str, keys: list[str], place: int, key: str,
                value: str) -> Edit | None:
    """``"key": value`` written into the object at ``pointer`` before the key now at
    ``place`` (or after the last), spaced as that neighbour is: on a line of its own where
    it has one."""
    assert ctx.text is not None
    newline = "\r\n" if "\r\n" in ctx.text else "\n"
    near = keys[min(place, len(keys) - 1)]
    neighbour = ctx.spans.get(f"{pointer}/{json_pointer.escape(near)}")
    if neighbour is None or neighbour.key_start is None or neighbour.key_end is None:
        return None
    start = _line_start(ctx.text, neighbour.key_start)
    indent = ctx.text[start:neighbour.key_start]
    apart = (f"{newline}{indent}" if indent.strip(" \t") == "" else
             "" if ctx.text[neighbour.key_start - 1] == "," else " ")
    colon = ctx.text[neighbour.key_end:neighbour.start]
    if colon.strip(" \t") != ":":
        colon = ": "
    entry = f"{key}{colon}{value}"
    if place < len(keys):
        return ctx.edit(neighbour.key_start, neighbour.key_start, f"{entry},{apart}")
    return ctx.edit(neighbour.end, neighbour.end, f",{apart}{entry}")


def _line_start(text: str, offset: int) -> int:
    return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


def _indent(ctx: Context, pointer: str, key: str) -> tuple[int, str] | None:
    """The start of the line of the key ``key`` of the mapping at ``pointer``, and the
    spaces before the key (None where anything else stands before it: ``- key``)."""
    span = ctx.spans.get(f"{pointer}/{json_pointer.escape(key)}")
    if span is None or span.key_start is None:
        return None
    assert ctx.text is not None
    start = _line_start(ctx.text, span.key_start)
    indent = ctx.text[start:span.key_start]
    return (start, indent) if indent.strip(" ") == "" else None


def _before_key(ctx: Context, pointer: str, key: str) -> tuple[int, str] | None:
    """Where a line goes before the key ``key`` (and the comment lines just above it)."""
    found = _indent(ctx, pointer, key)
    if found is None:
        return None
    start, indent = found
    assert ctx.text is not None
    while start > 0:
        above = _line_start(ctx.text, start - 1)
        if not ctx.text[above:start].strip().startswith("#") or above == start:
            break
        start = above
    return start, indent


def _after_key(ctx: Context, pointer: str, key: str) -> tuple[int, str] | None:
    """Where a line goes after the entry of ``key``, the mapping's last: after the line
    its value ends on."""
    found = _indent(ctx, pointer, key)
    span = ctx.spans.get(f"{pointer}/{json_pointer.escape(key)}")
    if found is None or span is None:
        return None
    assert ctx.text is not None
    end = span.end
    if end > 0 and ctx.text[end - 1] not in "\r\n":
        breaks = [i for i in (ctx.text.find("\n", end), ctx.text.find("\r", end)) if i >= 0]
        if not breaks:
            return None
        end = min(breaks) + (2 if ctx.text.startswith("\r\n", min(breaks)) else 1)
    return end, found[1]


def _string_style(ctx: Context, pointer: str, mapping: dict[str, Any]) -> str | None:
    """How the mapping's own strings are mostly written: plain (None), '"' or "'"."""
    styles = Counter(span.style for key, value in mapping.items() if isinstance(value, str)
                     and (span := ctx.spans.get(f"{pointer}/{json_pointer.escape(key)}"))
                     and span.style in (None, '"', "'"))
    return styles.most_common(1)[0][0] if styles else None


def _changed(record: Any, pointer: str, change: Callable[[Any], Any]) -> Any:
    """A copy of ``record`` with the value at ``pointer`` replaced by ``change(value)``."""
    copied = copy.deepcopy(record)
    if not pointer:
        return change(copied)
    parent = json_pointer.resolve(copied, Context.parent(pointer))
    key: Any = Context.key(pointer)
    if isinstance(parent, list):
        key = int(key)
    parent[key] = change(parent[key])
    return copied


def _reads_as(ctx: Context, fix: Fix, expected: Any) -> bool:
    """Whether the text with ``fix`` applied, read in its file's format, holds ``expected``
    (keys in order) where the record was, and every other record of a data file as it was."""
    assert ctx.text is not None
    root = _place(ctx.spans.get(""))
    try:
        after = recordfile.read(apply_edits(ctx.text, fix.edits), ctx.path)
    except source.SplitError:
        return False
    if root is None or any(p.kind in ("syntax", "limits") for p in after.doc.problems):
        return False
    before = recordfile.read(ctx.text, ctx.path) if after.data else None
    if before is None or root == _place(before.doc.spans.get("")):  # (the file's one record)
        return _same(_without_schema(after.doc.record, expected), expected)
    mine = [int(p[1:]) for p, _record, spans in before.records()
            if _place(spans.get("")) == root]
    items, old = after.doc.record, before.doc.record
    return bool(mine) and isinstance(items, list) and len(items) == len(old) and all(
        _same(_without_schema(item, expected), expected) if n == mine[0] else _same(item, was)
        for n, (item, was) in enumerate(zip(items, old, strict=True)))


def _without_schema(record: Any, expected: Any) -> Any:
    """``record`` without the ``$schema`` key where ``expected`` (read without it) has none."""
    if isinstance(record, dict) and "$schema" in record and isinstance(expected, dict) and (
            "$schema" not in expected):
        return {k: v for k, v in record.items() if k != "$schema"}
    return record


def _place(span: Span | None) -> tuple[Any, ...] | None:
    """Where and how a record is written, as two reads of one text agree on it (a list and
    its one record may share their offsets, not their style)."""
    return None if span is None else tuple(getattr(span, name) for name in Span.__slots__)


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal types, mappings with their keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)

