"""Hover: what the schema says of the key (or value) under the cursor, and the documentation
of the rules whose diagnostics cover it."""

from __future__ import annotations

from lsprotocol import types

from ..reading import pointer
from ..rules.registry import RULES
from .guide import Guide, describe
from .positions import Positions

RULES_PAGE = "docs/rules.md"


def schema_help(guide: Guide | None, offset: int, positions: Positions
                ) -> tuple[str, types.Range] | None:
    """The schema's words for the key or value at ``offset``, and the range they are about."""
    if guide is None:
        return None
    place = guide.place_at(offset)
    if place is None:
        return None
    name = pointer.tokens(place.pointer)[-1]
    found = guide.subschemas(place.pointer)
    if found:
        text = describe(found, None if name.isdigit() else name)
    elif place.on_key and _closed(guide.subschemas(place.pointer.rsplit("/", 1)[0], {})):
        text = f"`{name}`: the schema ({guide.source}) has no such key here"
    else:
        return None
    if not text:
        return None
    return text, types.Range(start=positions.at_offset(place.start),
                             end=positions.at_offset(place.end))


def _closed(found: tuple[dict, ...]) -> bool:
    """Whether the subschemas of a mapping allow no key they do not name."""
    return any(s.get("additionalProperties") is False or s.get("unevaluatedProperties") is False
               for s in found)


def rule_help(found: list[types.Diagnostic], where: types.Position) -> list[str]:
    """The documentation of each rule (once) whose diagnostic's range holds ``where``."""
    codes: list[str] = []
    for diagnostic in found:
        code = diagnostic.code
        if isinstance(code, str) and code in RULES and code not in codes and _holds(
                diagnostic.range, where):
            codes.append(code)
    return [rule_text(code) for code in codes]


def rule_text(code: str) -> str:
    """One rule's summary and documentation, and where to read more."""
    rule = RULES[code]
    return (f"**{rule.code} {rule.name}** ({rule.severity}): {rule.summary}\n\n{rule.doc}\n\n"
            f"`fmlint rule {rule.code}` prints this; "
            f"[{RULES_PAGE}#{rule.code.lower()}-{rule.name}]({rule.doc_url})")


def _holds(span: types.Range, where: types.Position) -> bool:
    start, end = span.start, span.end
    return (start.line, start.character) <= (where.line, where.character) <= (
        end.line, end.character)


def hover(schema: tuple[str, types.Range] | None, rules: list[str]) -> types.Hover | None:
    """One hover of the rules' documentation (first: a problem is what one looks for) and the
    schema's words."""
    parts = [*rules, *([schema[0]] if schema else [])]
    if not parts:
        return None
    return types.Hover(contents=types.MarkupContent(
        kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
        range=schema[1] if schema and not rules else None)
