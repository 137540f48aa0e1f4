"""Reading records for the plain-script baselines: walk, read, split off the front matter."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

EXTENSIONS = (".md", ".markdown", ".mdx")


def paths(arguments: list[str]) -> Iterator[str]:
    """Files named on the command line, and Markdown files under the folders named there."""
    for given in arguments:
        if not os.path.isdir(given):
            yield given
            continue
        for directory, dirnames, filenames in os.walk(given):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.endswith(EXTENSIONS):
                    yield os.path.join(directory, name)


_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


def front_matter(text: str) -> str | None:
    """The YAML between the opening ``---`` line and the next ``---`` line, or None."""
    if not text.startswith("---"):
        return None
    first = text.find("\n")
    if first < 0 or text[:first].rstrip() != "---":
        return None
    closing = _CLOSING.search(text, first + 1)
    return text[first + 1:closing.start()] if closing else None
