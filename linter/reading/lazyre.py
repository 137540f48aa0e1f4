"""Regular expressions compiled on first use, for patterns a short run seldom needs: a
one-file check should not pay, at start-up, for compiling what it will not match."""

from __future__ import annotations

import re
from typing import Any, cast

_METHODS = ("match", "fullmatch", "search", "finditer", "findall", "sub", "subn", "split")


class _Later:
    """Stands in for a compiled pattern; compiles it when a method is first asked for."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:  # (only for what the instance lacks)
        compiled = re.compile(self.pattern, self._flags)
        for method in _METHODS:  # from now on found on the instance, as fast as a pattern's
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)


def compile_later(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done when the pattern is first used."""
    return cast("re.Pattern[str]", _Later(pattern, flags))
