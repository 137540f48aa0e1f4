"""What the pure checkers (text, URLs) return: one problem in a string, and its repair."""

from __future__ import annotations

from typing import NamedTuple


class Problem(NamedTuple):
    """One thing wrong in a string value.

    ``start`` and ``end`` are 0-based character offsets in the string (end exclusive);
    ``replacement`` is the whole repaired string, or None when there is no repair; ``safe``
    says whether the repair keeps the meaning (else it is a guess).
    """

    kind: str
    message: str
    start: int
    end: int
    replacement: str | None
    safe: bool
