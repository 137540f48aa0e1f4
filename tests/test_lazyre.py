"""A pattern compiled on first use behaves as one compiled at once."""

from __future__ import annotations

import re

from linter.reading.lazyre import compile_later


def test_a_pattern_compiled_later_matches_as_one_compiled_now() -> None:
    later = compile_later(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})", re.IGNORECASE)
    assert later.pattern == r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})"
    now = re.compile(later.pattern, re.IGNORECASE)
    for text in ("2024-01", "x 1999-12 y", "nope"):
        assert bool(later.fullmatch(text)) == bool(now.fullmatch(text))
        assert [m.group("y") for m in later.finditer(text)] == [
            m.group("y") for m in now.finditer(text)]
    assert later.sub("#", "a 2024-01 b") == "a # b" and later.groupindex == now.groupindex
