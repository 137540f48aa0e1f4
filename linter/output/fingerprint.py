"""Stable identities for findings, so CI services can follow one problem across runs."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..rules.finding import Finding


def fingerprints(findings: Iterable[Finding]) -> list[str]:
    """A hex digest per finding, from its path, code, place in the record and message.

    The place is the JSON Pointer where there is one, so that the fingerprint survives
    lines moving; identical findings are told apart by how many came before them.
    """
    seen: Counter[tuple[str, ...]] = Counter()
    result: list[str] = []
    for finding in findings:
        place = (
            finding.pointer if finding.pointer is not None else f"line {finding.line}"
        )
        key = (finding.path or "", finding.code, place, finding.message)
        occurrence = seen[key]
        seen[key] += 1
        text = "\x00".join((*key, str(occurrence)))
        result.append(
            hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        )
    return result
