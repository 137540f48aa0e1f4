"""fmlint: a front-matter schema validator and linter for Markdown article records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .engine.config import Config
    from .rules.finding import Finding

__all__ = ["__version__", "check_record", "lint_text"]


def lint_text(text: str, path: str | None = None, config: Config | None = None) -> list[Finding]:
    """Check one record's text (a Markdown file with front matter); return its findings."""
    from .engine.config import Config
    from .engine.lint import check_text
    from .reading.source import BOM
    from .site.workspace import Workspace

    if text.startswith(BOM):
        text = text[1:]
    return check_text(text, path, config or Config(), schemas=Workspace().schemas).findings


def check_record(record: Any, config: Config | None = None) -> list[Finding]:
    """Check an already-parsed record (a dict) against the schema and the rules, no file."""
    from .engine.lint import check_record as run
    from .site.workspace import Workspace

    return run(record, config, schemas=Workspace().schemas)
