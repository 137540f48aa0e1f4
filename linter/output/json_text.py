"""JSON text that stays readable and cannot disturb the terminal or tool that shows it."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

# Categories written as \u escapes although json would leave them raw: controls (DEL and
# C1), format characters (bidi controls, zero-width characters), surrogates, and line and
# paragraph separators, which str.splitlines() and some JavaScript parsers take for line
# breaks. Outside ASCII they only occur inside JSON strings, so escaping them is lossless.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_CANDIDATES = re.compile("[\x7f-\U0010ffff]")


def dumps(value: Any, indent: int | None = None) -> str:
    """`value` as JSON: UTF-8 text kept as it is, invisible characters as \\u escapes."""
    separators = (",", ": ") if indent is not None else (",", ":")
    text = json.dumps(value, indent=indent, ensure_ascii=False, separators=separators)
    return _CANDIDATES.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if unicodedata.category(char) not in _ESCAPED_CATEGORIES:
        return char
    return json.dumps(char)[1:-1]
