"""The size of an SVG image, from the start tag of its root element (``width``, ``height``,
``viewBox``), read from the first bytes of the file it is given."""

from __future__ import annotations

import math
import re

from .imageurls import MAX_SIDE

SVG_READ_LIMIT = 64 * 1024  # the root <svg> start tag must begin and end within this


def looks_like_markup(head: bytes) -> bool:
    text = head[:64].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00")
    return text.startswith(b"<")


_SVG_PROLOG = re.compile(
    r"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[[^\]]*\])*>", re.DOTALL | re.IGNORECASE
)
_SVG_ROOT = re.compile(r"<(?:[A-Za-z_][\w.\-]*:)?svg(?=[\s/>])")
_SVG_ATTR = re.compile(r"\s+([A-Za-z_:][\w:.\-]*)\s*=\s*(?:\"([^\"<]*)\"|'([^'<]*)')")
_SVG_TAG_END = re.compile(r"\s*/?>")
_SVG_LENGTH = re.compile(
    r"\s*\+?((?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*"
)
_SVG_UNITS = {
    None: 1.0,
    "px": 1.0,
    "pt": 96 / 72,
    "pc": 16.0,
    "mm": 96 / 25.4,
    "cm": 96 / 2.54,
    "in": 96.0,
}


def _svg_length(value: str | None) -> float | None:
    if value is None:
        return None
    match = _SVG_LENGTH.fullmatch(value)
    if not match:
        return None  # percentages, font-relative units, entities, garbage
    number = float(match[1]) * _SVG_UNITS[match[2]]
    return number if math.isfinite(number) and 0 < number <= MAX_SIDE else None


def svg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of an SVG document's root element from its first bytes; None if unknown.

    Reads attributes with regular expressions only: no DTD, no entity expansion.
    """
    data = data[:SVG_READ_LIMIT]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    pos = 0
    while True:
        item = _SVG_PROLOG.match(text, pos)
        if not item or item.end() == pos:
            break
        pos = item.end()
    root = _SVG_ROOT.match(text, pos)
    if not root:
        return None
    pos = root.end()
    attrs: dict[str, str] = {}
    while not _SVG_TAG_END.match(text, pos):
        attr = _SVG_ATTR.match(text, pos)
        if not attr:
            return None  # malformed or cut off before the tag ends
        attrs.setdefault(attr[1], attr[2] if attr[2] is not None else attr[3])
        pos = attr.end()
    width, height = _svg_length(attrs.get("width")), _svg_length(attrs.get("height"))
    box = _view_box(attrs.get("viewBox"))
    if width is None and height is None:
        return None
    if width is None or height is None:
        if (
            box is None
            or ("width" in attrs and width is None)
            or ("height" in attrs and height is None)
        ):
            return None
        if height is not None:  # (the width is missing)
            width = height * box[0] / box[1]
        elif width is not None:
            height = width * box[1] / box[0]
    assert width is not None and height is not None
    w, h = int(width + 0.5), int(height + 0.5)
    return (w, h) if 0 < w <= MAX_SIDE and 0 < h <= MAX_SIDE else None


def _view_box(value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    numbers = [n for n in re.split(r"[\s,]+", value.strip()) if n]
    if len(numbers) != 4:
        return None
    try:
        width, height = float(numbers[2]), float(numbers[3])
    except ValueError:
        return None
    if not (math.isfinite(width) and math.isfinite(height)) or width <= 0 or height <= 0:
        return None
    return width, height
