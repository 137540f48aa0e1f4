"""Completion in the front matter: the keys the schema allows where the cursor is (required
ones first, those already there left out), and the values it allows after a key (``enum``,
``const``, booleans, and the names a reference may take).

The line being typed rarely parses (``pub`` alone is not a key yet): the word under the
cursor is replaced by a placeholder key or value, the text is read again, and the
placeholder's place in the record says which mapping or value the cursor is in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
from lsprotocol import types

from ..reading import pointer, source
from .guide import Guide, allowed_values, describe, first, shown, summary_line, types_of

PLACEHOLDER = "fmlint-cursor-e1c2"
# The text before the cursor on its line: a key being typed, or a list item's value.
_KEY_LINE = re.compile(r"(?P<lead>[ \t]*(?:-[ \t]+)*)(?P<word>[^\s:#'\"\-][^\s:#]*|)")
# ``key: val`` being typed (a plain or quoted key, a plain value).
_VALUE_LINE = re.compile(
    r"""(?P<lead>[ \t]*(?:-[ \t]+)*(?:[^\s#'"\-][^:#]*?|"[^"]*"|'[^']*')[ \t]*:[ \t]+)"""
    r"""(?P<word>[^\s#'"][^#]*|)""")
Reader = Callable[[str], Guide | None]  # the guide to a text (the buffer's, changed)
Names = Callable[[Guide, str], list[str]]  # the names a reference at a place may take


def complete(text: str, offset: int, read: Reader, names: Names) -> list[types.CompletionItem]:
    """The completion items at ``offset`` of ``text``, in the order to show them."""
    if not _in_front_matter(text, offset):
        return []
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    line_end = _line_end(text, offset)
    before = text[line_start:offset]
    value = _VALUE_LINE.fullmatch(before)
    key = _KEY_LINE.fullmatch(before) if value is None else None
    if value is not None:
        items = _values(text, line_start + value.start("word"), line_end, read, names)
    elif key is not None:
        start = line_start + key.start("word")
        items = _keys(text, start, line_end, read)
        if "-" in key["lead"]:  # a list item: a value of the list, or the first key of one
            items += _values(text, start, line_end, read, names)
    else:
        items = []
    for rank, item in enumerate(items):
        item.sort_text = f"{rank:04}"
    return items


def _in_front_matter(text: str, offset: int) -> bool:
    """Whether ``offset`` lies between the front matter's delimiter lines."""
    try:
        front = source.split(text)
    except source.SplitError:
        return False
    return front.start <= offset < front.end


def _line_end(text: str, offset: int) -> int:
    ends = [i for i in (text.find("\n", offset), text.find("\r", offset)) if i >= 0]
    return min(ends) if ends else len(text)


def _placed(text: str, start: int, end: int, put: str, read: Reader
            ) -> tuple[Guide, str] | None:
    """The guide to ``text`` with ``put`` in place of ``text[start:end]``, and the pointer
    of the placeholder (as a key: its own pointer; as a value: the value's)."""
    guide = read(text[:start] + put + text[end:])
    if guide is None:
        return None
    for where in guide.doc.spans:
        tokens = pointer.tokens(where)
        if (tokens and tokens[-1] == PLACEHOLDER) or (
                pointer.resolve(guide.record, where) == PLACEHOLDER):
            return guide, where
    return None


def _branches(found: tuple[dict, ...], mapping: dict[str, Any]) -> dict[int, bool]:
    """Whether each ``then``/``else`` among ``found`` applies to ``mapping`` as it is (its
    ``if`` holds, or fails): a key only a branch that does not apply requires is not
    required here."""
    applies: dict[int, bool] = {}
    for schema in found:
        test = schema.get("if")
        if not isinstance(test, dict):
            continue
        try:
            import jsonschema_rs

            holds = bool(jsonschema_rs.validator_for(test).is_valid(mapping))
        except Exception:  # (a condition it cannot judge: neither branch is taken as required)
            applies.update({id(schema.get(b)): False for b in ("then", "else")})
            continue
        applies[id(schema.get("then"))] = holds
        applies[id(schema.get("else"))] = not holds
    return applies


def _keys(text: str, start: int, end: int, read: Reader) -> list[types.CompletionItem]:
    placed = _placed(text, start, end, f"{PLACEHOLDER}:", read)
    if placed is None:
        return []
    guide, where = placed
    parent = where.rsplit("/", 1)[0]
    mapping = pointer.resolve(guide.record, parent)
    present = set(mapping) - {PLACEHOLDER} if isinstance(mapping, dict) else set()
    found = guide.subschemas(parent, {})
    applies = _branches(found, {k: v for k, v in mapping.items() if k != PLACEHOLDER}
                        if isinstance(mapping, dict) else {})
    required: list[str] = []
    keys: dict[str, None] = {}  # (in the schema's order)
    for schema in found:
        needed = schema.get("required") if applies.get(id(schema), True) else None
        required += [k for k in needed if isinstance(k, str)] if isinstance(needed, list) else []
        properties = schema.get("properties")
        keys.update((key, None) for key, sub in (
            properties.items() if isinstance(properties, dict) else ()) if isinstance(sub, dict))
    order = [k for k in keys if k in required] + [k for k in keys if k not in required]
    items = []
    for key in (k for k in order if k not in present):
        subs = guide.subschemas(f"{parent}/{pointer.escape(key)}")
        title = first(subs, "title")
        detail = ", ".join(p for p in ("required" if key in required else "",
                                        summary_line(subs).replace("`", "")) if p)
        items.append(types.CompletionItem(
            label=key, kind=types.CompletionItemKind.Property,
            detail=detail or None, label_details=types.CompletionItemLabelDetails(
                description=title) if isinstance(title, str) else None,
            documentation=_markdown(describe(subs)), insert_text=f"{key}: "))
    return items


def _values(text: str, start: int, end: int, read: Reader, names: Names
            ) -> list[types.CompletionItem]:
    placed = _placed(text, start, end, PLACEHOLDER, read)
    if placed is None:
        return []
    guide, where = placed
    found = guide.subschemas(where)
    values: list[Any] = allowed_values(found)
    if "boolean" in types_of(found):
        values += [v for v in (True, False) if v not in values]
    shown_values = [shown(v) for v in values]
    choices = [(label, _quoted(v) if isinstance(v, str) else label)
               for v, label in zip(values, shown_values, strict=True)]
    choices += [(n, _quoted(n)) for n in names(guide, where) if n not in shown_values]
    return [types.CompletionItem(
        label=label, kind=types.CompletionItemKind.EnumMember if rank < len(values)
        else types.CompletionItemKind.Reference, insert_text=insert)
        for rank, (label, insert) in enumerate(choices)]


def _quoted(value: str) -> str:
    """A plain YAML scalar where it reads back as the same string, else double-quoted."""
    try:
        plain = yaml.safe_load(value) == value and "\n" not in value
    except yaml.YAMLError:
        plain = False
    return value if plain else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _markdown(text: str) -> types.MarkupContent | None:
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text) if text else None
