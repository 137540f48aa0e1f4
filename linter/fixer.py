"""Applying fixes: edits on source spans, checked by parsing again, in passes until stable.

Nothing is re-dumped: every byte outside an edit's span stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import recordfile
from .finding import Edit, Finding, Fix
from .source import LineIndex

MAX_PASSES = 10
Check = Callable[[str], list[Finding]]


@dataclass
class FixOutcome:
    """The fixed text, the fixes applied and rejected, and whether the passes ran out."""

    text: str
    applied: list[Finding] = field(default_factory=list)  # findings whose fix was applied
    rejected: list[Finding] = field(default_factory=list)  # fixes dropped by verification
    remaining: list[Finding] = field(default_factory=list)  # findings in the final text
    hit_limit: bool = False


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Replace each edit's span; edits must not overlap."""
    index = LineIndex(text)
    spans = sorted(
        ((index.offset(e.line, e.column), index.offset(e.end_line, e.end_column), e.content)
         for e in edits),
        reverse=True,
    )
    for start, end, content in spans:
        text = text[:start] + content + text[end:]
    return text


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


@dataclass
class _Parsed:
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
        if span.key_start is not None:
            spans.append((span.key_start, span.key_end or span.key_start, pointer))
    return _Parsed(_flatten(doc.record), spans)


def _targets(parsed: _Parsed | None, index: LineIndex, findings: list[Finding]) -> set[str]:
    """The pointers a set of fixes may change: each finding's own, and every scalar (or key)
    that one of its edits overwrites (a fix of a size sets both width and height)."""
    targets = {f.pointer or "" for f in findings}
    if parsed is None:
        return targets
    for finding in findings:
        assert finding.fix is not None
        for a, b in _offsets(index, finding.fix):
            targets.update(pointer for s, e, pointer in parsed.spans
                           if (a < e and s < b) or (a == b and s <= a <= e))
    return targets


def _changes_only(before: _Parsed | None, after: _Parsed | None, targets: set[str]) -> bool:
    """True when every value outside the targeted pointers is unchanged."""
    if before is None:
        return True
    if after is None:
        return False

    def targeted(pointer: str) -> bool:
        return any(pointer == t or pointer.startswith(t + "/") for t in targets)

    old, new = before.values, after.values
    keys = set(old) | set(new)
    return all(old.get(k) == new.get(k) for k in keys if not targeted(k))


def fix_text(text: str, check: Check, *, unsafe: bool = False,
             path: str | None = None) -> FixOutcome:
    """Apply every safe (and, with ``unsafe``, unsafe) fix that ``check`` reports, in passes.

    ``check`` lints a text and returns its findings; ``path`` names the file (a data file is
    read by its name's format). Each pass applies the non-overlapping
    fixes together, verifies the result, then checks again.
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
        chosen: list[Finding] = []
        taken: list[tuple[int, int]] = []
        for finding in candidates:
            assert finding.fix is not None
            spans = _offsets(index, finding.fix)
            if any((a < d and c < b) or a == b == c == d for a, b in spans for c, d in taken):
                continue
            chosen.append(finding)
            taken.extend(spans)
        before = _parse(outcome.text, path)
        new_text = _apply(outcome.text, chosen)
        if not _changes_only(before, _parse(new_text, path), _targets(before, index, chosen)):
            # Find the culprits one by one; keep the fixes that verify on their own.
            good: list[Finding] = []
            for finding in chosen:
                trial = _apply(outcome.text, [*good, finding])
                if _changes_only(before, _parse(trial, path), _targets(before, index,
                                                                 [*good, finding])):
                    good.append(finding)
                else:
                    outcome.rejected.append(finding)
            chosen = good
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


def _apply(text: str, findings: list[Finding]) -> str:
    return apply_edits(text, [e for f in findings if f.fix for e in f.fix.edits])
