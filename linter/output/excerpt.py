"""The source excerpt under a finding in text output: the line, and carets under the value."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import NamedTuple

from .safe_text import display_cells

# Longest stretch of a source line shown; longer lines are cut around the value.
MAX_WIDTH = 100
# Cells of context kept before the value when a long line is cut.
LEFT_CONTEXT = 30
ELLIPSIS = "…"


class Excerpt(NamedTuple):
    """One source line as printed, and where under it the carets go."""

    text: str
    caret_offset: int
    caret_width: int


def make_excerpt(
    line_text: str, column: int, end_column: int | None, max_width: int = MAX_WIDTH
) -> Excerpt:
    """Lay out `line_text` with carets from `column` up to `end_column` (exclusive).

    Columns are 1-based characters; `end_column` None means to the end of the line.
    Escaped characters widen the printed line, and the carets move with them.
    """
    # A line may be megabytes long: lay out only a stretch around the value.
    head = max(0, column - 1 - 4 * max_width)
    tail = min(len(line_text), max(column - 1, 0) + 4 * max_width)
    if head or tail < len(line_text):
        cut = make_excerpt(line_text[head:tail], column - head,
                           None if end_column is None else max(end_column - head, 1), max_width)
        text, offset = cut.text, cut.caret_offset
        if head and not text.startswith(ELLIPSIS):
            text, offset = ELLIPSIS + text, offset + 1
        if tail < len(line_text) and not text.endswith(ELLIPSIS):
            text += ELLIPSIS
        return Excerpt(text, offset, cut.caret_width)
    texts, before = display_cells(line_text)
    count = len(texts)
    start = min(max(column - 1, 0), count)
    end = count if end_column is None else min(max(end_column - 1, 0), count)
    # (``before``: the cells before each character; every width below is a subtraction)
    if before[-1] > max_width:
        first, last = _window(before, start, max_width)
    else:
        first, last = 0, count
    shown = "".join(texts[first:last])
    offset = before[start] - before[first]
    if first > 0:
        shown = ELLIPSIS + shown
        offset += 1
    if last < count:
        shown += ELLIPSIS
    caret_end = min(end, last)
    width = before[caret_end] - before[max(start, first)] if caret_end > start else 0
    return Excerpt(shown, offset, max(width, 1))


def _window(before: Sequence[int], start: int, max_width: int) -> tuple[int, int]:
    """Characters [first, last) of a long line to show, keeping `start` in view: at most
    `LEFT_CONTEXT` cells before it, at most `max_width` in all (``before``: prefix sums of
    the characters' widths)."""
    first = bisect_left(before, before[start] - LEFT_CONTEXT, 0, start + 1)
    last = bisect_right(before, before[first] + max_width, first) - 1
    return first, last
