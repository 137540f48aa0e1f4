"""Applying fixes: edits on source spans, checked by parsing again, in passes until stable.

Nothing is re-dumped: every byte outside an edit's span stays as it was.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable
from itertools import accumulate
from typing import Any, NamedTuple

from ..reading import recordfile
from ..reading.source import LineIndex
from ..rules.finding import Edit, Finding, Fix

MAX_PASSES = 10
Check = Callable[[str], list[Finding]]


class FixOutcome:
    """The fixed text, the fixes applied and rejected, and whether the passes ran out."""

    __slots__ = ("applied", "hit_limit", "rejected", "remaining", "text")

    def __init__(self, text: str, applied: list[Finding] | None = None,
                 rejected: list[Finding] | None = None, remaining: list[Finding] | None = None,
                 hit_limit: bool = False) -> None:
        self.text = text
        self.applied = [] if applied is None else applied  # findings whose fix was applied
        self.rejected = [] if rejected is None else rejected  # fixes dropped by verification
        self.remaining = [] if remaining is None else remaining  # findings in the final text
        self.hit_limit = hit_limit


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Replace each edit's span; edits must not overlap. One pass over the text."""
    index = LineIndex(text)
    spans = sorted(
        (index.offset(e.line, e.column), index.offset(e.end_line, e.end_column), e.content)
        for e in edits
    )
    pieces: list[str] = []
    done = 0  # how far the text is copied
    for start, end, content in spans:
        pieces.append(text[done:max(start, done)])
        pieces.append(content)
        done = max(done, end)
    pieces.append(text[done:])
    return "".join(pieces)


def _offsets(index: LineIndex, fix: Fix) -> list[tuple[int, int]]:
    return [(index.offset(e.line, e.column), index.offset(e.end_line, e.end_column))
            for e in fix.edits]


def _flatten(value: Any, pointer: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    out = {} if out is None else out
    if isinstance(value, dict):
        out[pointer] = "{}"
        for key, child in value.items():
            _flatten(child, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}", out)
    elif isinstance(value, list):
        out[pointer] = "[]"
        for i, child in enumerate(value):
            _flatten(child, f"{pointer}/{i}", out)
    else:
        out[pointer] = (type(value).__name__, value)
    return out


class _Parsed(NamedTuple):
    """A text's record, flattened, for comparing values before and after a fix."""

    values: dict[str, Any]  # flattened record: pointer -> value
    spans: list[tuple[int, int, str]]  # (start, end, pointer) of every scalar and key


def _parse(text: str, path: str | None) -> _Parsed | None:
    try:
        doc = recordfile.read(text, path).doc
    except Exception:
        return None
    if doc.record is None or any(p.kind in ("syntax", "limits") for p in doc.problems):
        return None
    spans = []
    for pointer, span in doc.spans.items():
        if span.style not in ("map", "seq"):
            spans.append((span.start, span.end, pointer))
        if span.key_start is not None:  # (a new key changes the mapping that holds it)
            spans.append((span.key_start, span.key_end or span.key_start,
                          pointer.rsplit("/", 1)[0]))
    return _Parsed(_flatten(doc.record), spans)


def _targets(parsed: _Parsed | None, index: LineIndex, findings: list[Finding]) -> set[str]:
    """The pointers a set of fixes may change: each finding's own, and every scalar (or key)
    that one of its edits overwrites (a fix of a size sets both width and height)."""
    targets = {f.pointer or "" for f in findings}
    if parsed is None:
        return targets
    spans = sorted(parsed.spans)
    starts = [s for s, _e, _p in spans]
    reach = list(accumulate((e for _s, e, _p in spans), max))  # the furthest end so far
    for finding in findings:
        assert finding.fix is not None
        for a, b in _offsets(index, finding.fix):
            # Spans that start before the edit ends, walked back while they can reach it.
            i = bisect_right(starts, b) - 1
            while i >= 0 and reach[i] >= a:
                s, e, pointer = spans[i]
                if (a < e and s < b) or (a == b and s <= a <= e):
                    targets.add(pointer)
                i -= 1
    return targets


def _targeted(pointer: str, targets: set[str]) -> bool:
    """Whether ``pointer`` is one of ``targets`` or lies inside one."""
    while True:
        if pointer in targets:
            return True
        if not pointer:
            return False
        pointer = pointer.rsplit("/", 1)[0]


def _changes_only(before: _Parsed | None, after: _Parsed | None, targets: set[str]) -> bool:
    """True when every value outside the targeted pointers is unchanged."""
    if before is None:
        return True
    if after is None:
        return False
    old, new = before.values, after.values
    keys = set(old) | set(new)
    return all(old.get(k) == new.get(k) for k in keys if not _targeted(k, targets))


def overlaps(taken: list[tuple[int, int]], a: int, b: int) -> bool:
    """Whether ``[a, b)`` overlaps one of ``taken``, sorted spans that do not overlap each
    other (an empty span overlaps what it lies inside, or an empty span at the same place)."""
    i = bisect_left(taken, (a, a))
    if i and taken[i - 1][1] > a:  # one that starts before a and reaches past it
        return True
    for j in range(i, len(taken)):
        c, d = taken[j]
        if c >= b and c != a:
            return False
        if (a < d and c < b) or a == b == c == d:
            return True
    return False


def merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` sorted, those that overlap made one (what ``overlaps`` takes)."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _choose(candidates: list[Finding], index: LineIndex) -> list[Finding]:
    """The fixes to apply together: in the order given, each that overlaps none before it."""
    chosen: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for finding in candidates:
        assert finding.fix is not None
        spans = _offsets(index, finding.fix)
        if any(overlaps(taken, a, b) for a, b in spans):
            continue
        chosen.append(finding)
        for span in spans:
            insort(taken, span)
    return chosen


def fix_text(text: str, check: Check, *, unsafe: bool = False,
             path: str | None = None) -> FixOutcome:
    """Apply every safe (and, with ``unsafe``, unsafe) fix that ``check`` reports, in passes.

    ``check`` lints a text and returns its findings; ``path`` names the file (a data file is
    read by its name's format). Each pass applies the non-overlapping fixes together,
    verifies the result, then checks again.
    """
    outcome = FixOutcome(text)
    findings = check(text)
    for _ in range(MAX_PASSES):
        candidates = [f for f in findings if f.fix is not None and f.fix.edits and (
            unsafe or f.fix.applicability == "safe") and f not in outcome.rejected]
        if not candidates:
            outcome.remaining = findings
            return outcome
        index = LineIndex(outcome.text)
        chosen = _choose(candidates, index)
        before = _parse(outcome.text, path)
        new_text = _apply(outcome.text, chosen)
        if not _changes_only(before, _parse(new_text, path), _targets(before, index, chosen)):
            chosen = _verified(outcome.text, before, index, chosen, outcome.rejected, path)
            new_text = _apply(outcome.text, chosen)
        if new_text == outcome.text:
            outcome.remaining = findings
            return outcome
        outcome.applied.extend(chosen)
        outcome.text = new_text
        findings = check(new_text)
    outcome.hit_limit = True
    outcome.remaining = findings
    return outcome


def _verified(text: str, before: _Parsed | None, index: LineIndex, chosen: list[Finding],
              rejected: list[Finding], path: str | None) -> list[Finding]:
    """The fixes of ``chosen`` (which fail verification together) that pass it; the others
    go to ``rejected`` (``path``: the file, as for ``fix_text``). Halves that pass are kept
    whole, so a few culprits among thousands of fixes cost a few dozen parses, not one
    each."""

    def passes(group: list[Finding]) -> bool:
        return _changes_only(before, _parse(_apply(text, group), path),
                             _targets(before, index, group))

    def halves(group: list[Finding]) -> list[Finding]:
        if not group or passes(group):
            return group
        if len(group) == 1:
            return []
        middle = len(group) // 2
        return halves(group[:middle]) + halves(group[middle:])

    middle = len(chosen) // 2
    good = halves(chosen[:middle]) + halves(chosen[middle:])
    if not passes(good):  # (fixes that pass apart but not together: one by one)
        good = []
        for finding in chosen:
            if passes([*good, finding]):
                good.append(finding)
    kept = {id(f) for f in good}
    rejected.extend(f for f in chosen if id(f) not in kept)
    return good


def _apply(text: str, findings: list[Finding]) -> str:
    return apply_edits(text, [e for f in findings if f.fix for e in f.fix.edits])
