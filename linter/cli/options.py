"""What ``fmlint check`` was asked to do: its command line, parsed and typed."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Literal, NamedTuple

from ..rules.finding import Severity

Color = Literal["auto", "always", "never"]


class Options(NamedTuple):
    """The settings of one ``fmlint check`` run, as the command line gave them."""

    paths: tuple[str, ...] = ()  # files and folders to check; ("-",): standard input
    # fixes
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    fix_only: bool = False
    add_ignore: bool = False
    # rules (None: as configured)
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # output
    output_format: str = "text"
    output_file: str | None = None
    statistics: bool = False
    min_severity: Severity | None = None
    color: Color = "auto"
    quiet: bool = False
    exit_zero: bool = False
    no_progress: bool = False
    # online checks
    online: bool = False
    offline: bool = False
    # settings
    config: str | None = None
    force_exclude: bool = False
    isolated: bool = False
    stdin_filename: str | None = None
    now: datetime | None = None
    jobs: int = 0  # processes (0: every core)
    no_cache: bool = False
    cache_dir: str | None = None

    @classmethod
    def parsed(cls, args: argparse.Namespace) -> Options:
        """The options of the ``check`` command's parsed arguments."""
        given = {name: getattr(args, name) for name in cls._fields}
        for name in ("paths", "extend_select", "ignore"):
            given[name] = tuple(given[name])
        if given["select"] is not None:
            given["select"] = tuple(given["select"])
        return cls(**given)

    @property
    def stdin(self) -> bool:
        """Whether the record comes from standard input."""
        return self.paths == ("-",)

    @property
    def fixing(self) -> bool:
        """Whether fixes are written to the files (``--fix`` or ``--fix-only``, not
        ``--diff``)."""
        return (self.fix or self.fix_only) and not self.diff
