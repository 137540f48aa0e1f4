"""fmlint's cache folder on disk (``.fmlint_cache``): making it, with a ``.gitignore`` of its
own; writing a file in it so that nothing half-written is ever left; and the warning for a
cache file that cannot be read. The result cache, the online answers and fetched schemas
are kept there."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .files import sweep_once

DIR_NAME = ".fmlint_cache"


def warn_unreadable(file: Path | str, what: str = "") -> None:
    """Say, on one line of stderr, that a cache file cannot be read and is ignored (it is
    rebuilt as the run goes)."""
    why = f" ({what})" if what else ""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"fmlint: warning: ignoring the damaged cache file {file}{why}; "
                         "it will be rebuilt\n")


def cache_folder(folder: Path) -> Path:
    """A cache folder (results, kept reports, online answers), made with a ``.gitignore`` of
    its own if it is not there."""
    folder.mkdir(parents=True, exist_ok=True)
    sweep_once(os.path.abspath(folder), _TEMPORARY)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Created by fmlint automatically.\n*\n", "utf-8")
    return folder


# ``replacing``'s temporaries: the target's name, a process number, ``.tmp``.
_TEMPORARY = re.compile(r"[a-z0-9-]+\.[0-9]+\.tmp")


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[BinaryIO]:
    """A file to write ``target``'s new content to: it takes ``target``'s place when the
    block ends, and is removed when the block fails (nothing half-written is left)."""
    temporary = target.with_suffix(f".{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as out:
            yield out
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
