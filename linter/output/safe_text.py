"""Make untrusted text safe to print on a terminal, one line at a time.

Control characters, bidirectional controls, zero-width and other invisible format
characters, and line or paragraph separators are shown as backslash escapes, so that a
value read from a file can neither reorder, hide nor break up the report that quotes it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from itertools import accumulate

# General categories shown escaped: controls, format characters (bidi controls, zero-width
# spaces and joiners, BOM, tag characters), surrogates, line and paragraph separators.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
TAB_WIDTH = 4


def escape_char(char: str) -> str | None:
    """The escape shown for `char`, or None when it prints as itself."""
    if unicodedata.category(char) not in _ESCAPED_CATEGORIES:
        return None
    short = _SHORT_ESCAPES.get(char)
    if short:
        return short
    point = ord(char)
    if point <= 0xFF:
        return f"\\x{point:02x}"
    if point <= 0xFFFF:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"


def escape_format_chars(text: str) -> str:
    """`text` with invisible format characters (bidi controls, zero-width) escaped; line
    breaks and other controls are left for the caller's own escaping."""
    if text.isascii():
        return text
    return "".join(
        (escape_char(c) or c) if unicodedata.category(c) in ("Cf", "Zl", "Zp") else c
        for c in text
    )


def safe_text(text: str) -> str:
    """`text` with every invisible or layout-changing character escaped."""
    if text.isprintable():  # no control, format, surrogate or separator character (common)
        return text
    return "".join(escape_char(c) or c for c in text)


def safe_text_keeping(text: str, keep: str) -> str:
    """`text` escaped as `safe_text` does, except the characters in `keep` (for formats
    that escape those themselves, as GitHub's workflow commands escape line breaks)."""
    if text.isprintable():
        return text
    return "".join(c if c in keep else (escape_char(c) or c) for c in text)


def diff_path(prefix: str, path: str) -> str:
    """A file name as a diff header writes it: as it is, or, with characters that would
    break the patch or the terminal (a line break, ESC), in double quotes with C escapes,
    as git writes it."""
    name = prefix + path
    if name.isprintable() and '"' not in name and not name.startswith(" "):
        return name
    return '"' + safe_text(name.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def char_width(char: str) -> int:
    """Terminal cells a printable character takes: 2 for wide, 0 for combining marks."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


class _Widths(dict[str, int]):
    """``char_width`` of each printable character met, remembered (up to a bound)."""

    def __missing__(self, char: str) -> int:
        width = char_width(char)
        if len(self) < 4096:
            self[char] = width
        return width


_WIDTHS = _Widths()


def display_cells(line: str) -> tuple[Sequence[str], Sequence[int]]:
    """How a source line prints: what to print for each character, and the cells before
    each character (one more than the characters: the last is the line's width).

    Tabs become spaces up to the next tab stop; other escaped characters their escape.
    """
    if line.isprintable():  # the common case: no escape, no tab; each character as itself
        if line.isascii():
            return line, range(len(line) + 1)
        return line, [0, *accumulate(map(_WIDTHS.__getitem__, line))]
    shown: list[str] = []
    before = [0]
    column = 0
    for char in line:
        if " " <= char <= "~":  # printable ASCII: itself, one cell (the common case)
            shown.append(char)
            column += 1
            before.append(column)
            continue
        if char == "\t":
            text = " " * (TAB_WIDTH - column % TAB_WIDTH)
            width = len(text)
        else:
            escaped = escape_char(char)
            text = escaped if escaped is not None else char
            width = len(escaped) if escaped is not None else char_width(char)
        shown.append(text)
        column += width
        before.append(column)
    return shown, before
