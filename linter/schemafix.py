"""Fixes for schema findings: a value written as the schema wants it, a misspelt key renamed,
a missing key added with its default.

Each fix is built from what the schema says (``schemas.Repair``) over the spans of the
record's own text, and offered only if the fixed text reads back as exactly the record
meant: the repaired value, key or insertion, and every other key, value and key order as
they were.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from typing import Any

from . import pointer as json_pointer
from . import scalars, source, yamldoc
from .context import Context
from .finding import Edit, Fix
from .fixer import apply_edits
from .schemas import Repair, SchemaProblem

_FLOW_SIGNS = frozenset(",[]{}#")


def fix_for(ctx: Context, problem: SchemaProblem) -> Fix | None:
    """The fix of a schema problem, or None where it has none or it cannot be written."""
    repair = problem.repair
    if repair is None or ctx.text is None or ctx.index is None:
        return None
    built = {"value": _new_value, "rename": _renamed, "insert": _inserted}[repair.kind](
        ctx, problem.pointer, repair)
    if built is None:
        return None
    fix, expected = built
    return fix if _reads_as(ctx, fix, expected) else None


def _new_value(ctx: Context, pointer: str, repair: Repair) -> tuple[Fix, Any] | None:
    """The value at ``pointer`` replaced by ``repair.value``, in the old one's style."""
    span = ctx.spans.get(pointer)
    assert ctx.text is not None
    if span is None or span.aliased or span.style not in (None, '"', "'") or (
            ctx.text[span.start:span.start + 1] in ("&", "!")):
        return None  # (a block scalar, a tag or an anchor: left as written)
    safe = repair.safe
    if isinstance(repair.value, list):
        [item] = repair.value
        edit = _block_item(ctx, pointer, item) or ctx.edit(
            span.start, span.end, f"[{_flow_item(item, span.style)}]")
        assert edit is not None
        fix = Fix("safe" if safe else "unsafe", repair.message, (edit,))
    else:
        fix = ctx.replace(pointer, repair.value, repair.message, safe=safe)
        if fix is None:
            return None
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


def _renamed(ctx: Context, pointer: str, repair: Repair) -> tuple[Fix, Any] | None:
    """The key at ``pointer`` renamed to ``repair.value``, quoted as the old one was."""
    span = ctx.spans.get(pointer)
    if span is None or span.key_start is None or span.key_end is None:
        return None
    assert ctx.text is not None
    old = ctx.text[span.key_start:span.key_end]
    new = repair.value
    if old[:1] == "'":
        written = scalars.single_quoted(new) or scalars.double_quoted(new)
    elif old[:1] == '"' or not scalars.is_plain_string(new):
        written = scalars.double_quoted(new)
    else:
        written = new
    edit = ctx.edit(span.key_start, span.key_end, written)
    assert edit is not None
    key = Context.key(pointer)
    expected = _changed(ctx.record, Context.parent(pointer), lambda mapping: {
        (new if k == key else k): v for k, v in mapping.items()})
    return Fix("unsafe", repair.message, (edit,)), expected


def _inserted(ctx: Context, pointer: str, repair: Repair) -> tuple[Fix, Any] | None:
    """The missing key ``repair.key`` added to the block mapping at ``pointer`` with its
    default, where the schema's order puts it, indented and quoted as its neighbours."""
    mapping = json_pointer.resolve(ctx.record, pointer)
    if not isinstance(mapping, dict) or not mapping:
        return None
    assert ctx.text is not None
    keys = list(mapping)
    rank = {key: n for n, key in enumerate(repair.order)}
    mine = rank.get(repair.key, len(rank))
    place = 1 + max((n for n, key in enumerate(keys) if rank.get(key, mine) < mine),
                    default=-1)
    spot = (_before_key(ctx, pointer, keys[place]) if place < len(keys)
            else _after_key(ctx, pointer, keys[-1]))
    if spot is None:
        return None
    offset, indent = spot
    newline = "\r\n" if "\r\n" in ctx.text else "\n"
    key = repair.key if scalars.is_plain_string(repair.key) else scalars.double_quoted(
        repair.key)
    value = scalars.render(repair.value, _string_style(ctx, pointer, mapping))
    edit = ctx.edit(offset, offset, f"{indent}{key}: {value}{newline}")
    assert edit is not None
    items = list(mapping.items())
    items.insert(place, (repair.key, repair.value))
    expected = _changed(ctx.record, pointer, lambda _old: dict(items))
    return Fix("unsafe", repair.message, (edit,)), expected


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
    """Whether the text with ``fix`` applied reads back as ``expected`` (keys in order)."""
    assert ctx.text is not None
    text = apply_edits(ctx.text, fix.edits)
    try:
        front = source.split(text)
    except source.SplitError:
        return False
    doc = yamldoc.parse(text[front.start:front.end], front.start)
    record = doc.record
    if isinstance(record, dict) and "$schema" in record and isinstance(expected, dict) and (
            "$schema" not in expected):
        record = {k: v for k, v in record.items() if k != "$schema"}
    return not any(p.kind in ("syntax", "limits") for p in doc.problems) and _same(
        record, expected)


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal types, mappings with their keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)

