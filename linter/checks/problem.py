"""What the pure checkers (text, URLs) return: one problem in a string, and its repair."""

from __future__ import annotations

from typing import NamedTuple


class Problem(NamedTuple):
    """One thing wrong in a string value.

    ``start`` and ``end`` are 0-based character offsets in the string (end exclusive);
    ``replacement`` is the whole repaired string, or None when there is no repair; ``safe``
    says whether the repair keeps the meaning (else it is a guess). A problem found in
    several places (the URL checks') lists them in ``places``, each as (start, end, its
    repair or None); ``start`` and ``end`` are then the first place's, and ``replacement``
    repairs them all.
    """

    kind: str
    message: str
    start: int
    end: int
    replacement: str | None
    safe: bool
    places: tuple[tuple[int, int, str | None], ...] = ()
