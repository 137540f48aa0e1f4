"""Linting an editor buffer as ``fmlint check`` would lint the file: same configuration, site
and image sizing, but the buffer's text instead of the file on disk."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from ..engine import lint as engine
from ..engine.config import Config, glob_any
from ..fixer import apply as fixer
from ..reading.recordfile import data_format
from ..reading.source import BOM, LONE_SURROGATE
from ..rules.context import Site
from ..rules.finding import Finding
from ..schema.shipped import BUILTIN, builtin_path
from ..site import configfile
from ..site.files import data_record, leads_out
from ..site.workspace import Workspace

# A top-level ``$schema: ...`` line: the record names its own schema (``engine`` reads it).
_OWN_SCHEMA = re.compile(r"""^["']?\$schema["']?[ \t]*:[ \t]*["']?([^"'#\s]+)""", re.MULTILINE)
MARKDOWN_LANGUAGES = frozenset({"markdown", "mdx"})
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
Check = Callable[[str], list[Finding]]


def is_checked(language_id: str | None, path: str | None) -> bool:
    """Whether a document may be one fmlint checks: Markdown (by language id, else by file
    extension), or a data file (YAML, JSON, JSON Lines, TOML), which ``lint_buffer`` then
    checks if it holds records, as a walk of its folder would."""
    if language_id and language_id.lower() in MARKDOWN_LANGUAGES:
        return True
    return bool(path) and (str(path).lower().endswith(MARKDOWN_SUFFIXES)
                           or data_format(str(path)) is not None)


class Snapshot:
    """One version of a buffer and what fmlint found in it."""

    __slots__ = ("_fixed", "check", "findings", "lead", "path", "problem", "text", "uses",
                 "version")

    def __init__(self, text: str, version: int | None, findings: list[Finding] | None = None,
                 problem: str | None = None, check: Check | None = None, lead: str = "",
                 uses: tuple[str, ...] = (), path: str | None = None,
                 _fixed: str | None = None) -> None:
        self.text = text  # the text as checked (without a byte-order mark)
        self.version = version
        self.findings = [] if findings is None else findings
        self.problem = problem  # a configuration or internal error, shown on line 1
        self.check = check
        self.lead = lead  # a byte-order mark the buffer has before ``text``
        self.uses = uses  # the schema and site files the check read (or looked for)
        self.path = path  # the buffer's file (a data file is read by its name's format)
        self._fixed = _fixed

    def fixed_text(self) -> str:
        """The text with every safe fix applied (computed once; ``check`` may raise to stop)."""
        if self._fixed is None:
            self._fixed = (fixer.fix_text(self.text, self.check, path=self.path).text
                           if self.check is not None and self.findings else self.text)
        return self._fixed


def lint_buffer(text: str, version: int | None, path: str | None, root: str | None,
                disk: Workspace, still_wanted: Callable[[], bool] = lambda: True) -> Snapshot:
    """Check a buffer with what ``disk`` read (configurations, schemas, sites); configuration
    and internal errors become ``problem``.

    ``still_wanted`` is asked before every check of a text (the buffer's, and each pass of
    "fix all" in ``Snapshot.fixed_text``); when it says no, ``Superseded`` is raised.
    """
    lead, body = readable(text)
    snapshot = Snapshot(body, version, lead=lead, path=path)
    try:
        config = disk.config_for(path, root)
    except configfile.ConfigError as err:
        snapshot.problem = f"fmlint configuration error: {err}"
        return snapshot
    try:
        if path and config.exclude and glob_any(config.relative(path), config.exclude):
            return snapshot
        if path and data_format(path) is not None and not data_record(path, config):
            return snapshot  # (``package.json``, ``_config.yml``: not records)
        site = disk.site_for(path, config)
        sizer = disk.image_sizer(site, [])
        names = disk.name_lookup(site, config, [])
        snapshot.uses = used_files(body, path, config, site)

        def check(candidate: str) -> list[Finding]:
            if candidate is body and snapshot.check is not None:
                return snapshot.findings  # (fixing starts from the findings already made)
            if not still_wanted():
                raise Superseded
            return engine.check_text(candidate, path, config, site=site,
                                     image_sizer=sizer, names=names,
                                     schemas=disk.schemas).findings

        findings = check(body)
    except Superseded:
        raise
    except Exception as err:  # a bug outside the engine must not stop the server
        snapshot.problem = f"fmlint internal error: {type(err).__name__}: {err}"
        return snapshot
    if [f.code for f in findings] == [engine.NO_FRONT_MATTER] and not in_collection(path, root):
        return snapshot  # a plain page or README, not a record (as folder walks skip them)
    snapshot.findings, snapshot.check = findings, check
    return snapshot


def readable(text: str) -> tuple[str, str]:
    """A buffer's byte-order mark (or ``""``) and its text as fmlint reads it: a lone
    surrogate (JSON can carry one) cannot reach the YAML parser, and becomes U+FFFD, which
    has the same length in every position encoding, so positions stay right."""
    lead = BOM if text.startswith(BOM) else ""
    return lead, LONE_SURROGATE.sub("\ufffd", text[len(lead):])


class Superseded(Exception):
    """The buffer changed again: this version's work is no longer wanted."""


def used_files(text: str, path: str | None, config: Config, site: Site) -> tuple[str, ...]:
    """The files a check of ``text`` reads besides the buffer and the configuration file: its
    schema (the configured one, or the one the record names in ``$schema``), the built-in
    schemas, and the site's ``_config.yml`` (with those looked for on the way)."""
    references = {config.schema_for(path)}
    own = _OWN_SCHEMA.search(text)
    if own and path and not own[1].startswith(("http:", "https:")):
        references.add(os.path.normpath(os.path.join(os.path.dirname(path), own[1])))
    files = [str(builtin_path(name)) for name in BUILTIN.values()]
    files += sorted(r for r in references if r not in BUILTIN)
    files += site.looked
    if site.root:
        files.append(os.path.join(site.root, "_config.yml"))
    return tuple(dict.fromkeys(files))


def in_collection(path: str | None, root: str | None) -> bool:
    """Whether a file lies in a ``_folder`` (a Jekyll collection) below the workspace root.

    Without a root (or outside it) only the file's own folder counts.
    """
    if not path:
        return True
    folder = os.path.dirname(os.path.abspath(path))
    if root:
        relative = os.path.relpath(folder, os.path.abspath(root))
        if not leads_out(relative):
            return any(part.startswith("_") for part in relative.split(os.sep))
    return os.path.basename(folder).startswith("_")
