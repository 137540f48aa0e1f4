"""Make untrusted text safe to print on a terminal, one line at a time.

Control characters, bidirectional controls, zero-width and other invisible format
characters, and line or paragraph separators are shown as backslash escapes, so that a
value read from a file can neither reorder, hide nor break up the report that quotes it.
"""

from __future__ import annotations

import unicodedata

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


def display_cells(line: str) -> list[tuple[str, int]]:
    """For each character of a source line: what to print for it and its width in cells.

    Tabs become spaces up to the next tab stop; other escaped characters their escape.
    """
    if line.isprintable():  # the common case: no escape, no tab; each character as itself
        return list(zip(line, map(_WIDTHS.__getitem__, line), strict=True))
    cells: list[tuple[str, int]] = []
    column = 0
    for char in line:
        if " " <= char <= "~":  # printable ASCII: itself, one cell (the common case)
            cells.append((char, 1))
            column += 1
            continue
        if char == "\t":
            shown = " " * (TAB_WIDTH - column % TAB_WIDTH)
            width = len(shown)
        else:
            escaped = escape_char(char)
            shown = escaped if escaped is not None else char
            width = len(escaped) if escaped is not None else char_width(char)
        cells.append((shown, width))
        column += width
    return cells
