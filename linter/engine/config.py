"""fmlint's settings: what to check, which rules, which schema, and the site's own facts.

``Config`` is plain data. ``configfile`` finds and reads configuration files into it.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from ..rules.finding import Severity
from ..schema.shipped import BUILTIN, builtin_files

if TYPE_CHECKING:
    from ..rules.registry import Rule

DEFAULT_INCLUDE = ("*.md", "*.markdown", "*.mdx")
DEFAULT_SCHEMA = "article"  # for the records it recognises, when no schema is configured
DEFAULT_EXCLUDE = (".git", "node_modules", "_site", "vendor", ".*")


class SchemaMapping(NamedTuple):
    """Files (globs) and the schema that applies to them."""

    files: tuple[str, ...]
    schema: str


class Selection(NamedTuple):
    """One layer of rule selection, e.g. the command line's flags over the file's settings."""

    select: tuple[str, ...] | None = None  # replaces everything chosen before
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


class Config:
    """Settings for one run; the defaults check Markdown records against the article schema."""

    __slots__ = ("_compiled", "_enabled", "base_dir", "baseurl", "cwd", "default_schema", "exclude",
                 "extend_select", "ignore", "include", "min_severity", "now", "online",
                 "online_facts", "online_settings", "overrides", "per_file_ignores", "rule_options",
                 "schema_hosts", "schemas", "select", "severity", "site_root", "site_url", "source",
                 "sources", "timezone")

    def __init__(
        self,
        select: list[str] | None = None,
        extend_select: list[str] | None = None,
        ignore: list[str] | None = None,
        severity: dict[str, Severity] | None = None,
        per_file_ignores: dict[str, list[str]] | None = None,
        include: list[str] | None = None,
        exclude: list[str] | None = None,
        schemas: list[SchemaMapping] | None = None,
        default_schema: str | None = None,
        site_root: str | None = None,
        site_url: str | None = None,
        baseurl: str = "",
        timezone: str | None = None,
        rule_options: dict[str, dict[str, Any]] | None = None,
        now: datetime | None = None,
        online: bool = False,
        online_settings: dict[str, Any] | None = None,
        schema_hosts: list[str] | None = None,
        min_severity: Severity | None = None,
        online_facts: dict[str, Any] | None = None,
        overrides: list[Selection] | None = None,
        source: str | None = None,
        base_dir: str = ".",
        cwd: str | None = None,
        sources: tuple[str, ...] = (),
        _enabled: frozenset[str] | None = None,
        _compiled: _Matchers | None = None,
    ) -> None:
        self.select = select
        self.extend_select: list[str] = [] if extend_select is None else extend_select
        self.ignore: list[str] = [] if ignore is None else ignore
        self.severity: dict[str, Severity] = {} if severity is None else severity
        self.per_file_ignores: dict[str, list[str]] = (
            {} if per_file_ignores is None else per_file_ignores)
        self.include: list[str] = list(DEFAULT_INCLUDE) if include is None else include
        self.exclude: list[str] = [] if exclude is None else exclude
        self.schemas: list[SchemaMapping] = [] if schemas is None else schemas
        self.default_schema = default_schema  # the configuration's ``schema``
        self.site_root = site_root
        self.site_url = site_url
        self.baseurl = baseurl
        self.timezone = timezone
        self.rule_options: dict[str, dict[str, Any]] = (
            {} if rule_options is None else rule_options)
        self.now = now
        self.online = online  # run the checks that need the network
        self.online_settings: dict[str, Any] = {} if online_settings is None else online_settings
        # Hosts remote schemas may come from.
        self.schema_hosts: list[str] = [] if schema_hosts is None else schema_hosts
        # The least severity reported (``min-severity``); None: all, info counted, not listed,
        # in the human formats.
        self.min_severity = min_severity
        # What the network said about each URL, gathered at the edge before checking
        # (url -> facts).
        self.online_facts = online_facts
        # Selections applied after the file's select / extend-select / ignore, in order.
        self.overrides: list[Selection] = [] if overrides is None else overrides
        self.source = source  # the file this came from
        self.base_dir = base_dir  # globs and relative paths are relative to this folder
        # The working folder, where a run fixes it once (the command line); None: asked each
        # time.
        self.cwd = cwd
        # Every file this configuration was read from: ``source`` and the files it extends.
        self.sources = sources
        self._enabled = _enabled
        # The schema mappings and per-file ignores, compiled once (``_matchers``).
        self._compiled = _compiled

    # -- rule selection --------------------------------------------------------------------

    def enabled(self) -> frozenset[str]:
        """Codes of the rules this configuration runs."""
        if self._enabled is None:
            from ..rules.registry import load_all, resolve

            rules = load_all()
            if self.select is None:
                chosen = {c for c, r in rules.items() if r.default_enabled}
            else:
                chosen = resolve(self.select)
            chosen |= resolve(self.extend_select)
            chosen -= resolve(self.ignore)
            for layer in self.overrides:
                if layer.select is not None:
                    chosen = resolve(layer.select)
                chosen |= resolve(layer.extend_select)
                chosen -= resolve(layer.ignore)
            self._enabled = frozenset(chosen)
        return self._enabled

    def override(self, select: list[str] | None = None, extend_select: list[str] | None = None,
                 ignore: list[str] | None = None) -> None:
        """Layer a selection over the file's (the command line's flags win over the file).

        ``select`` replaces the whole selection made so far, the file's ``ignore`` included;
        ``extend_select`` brings back a rule the file ignores.
        """
        self.overrides.append(Selection(
            None if select is None else tuple(select), tuple(extend_select or ()),
            tuple(ignore or ())))
        self._enabled = None

    def ignored_for(self, path: str | None) -> frozenset[str]:
        """Codes switched off for one file by ``per-file-ignores``."""
        if not path or not self.per_file_ignores:
            return frozenset()
        from ..rules.registry import resolve

        relative = self.relative(path)
        out: set[str] = set()
        for test, codes in self._matchers().ignores:
            if test(relative):
                out |= resolve(codes)
        return frozenset(out)

    def severity_of(self, rule: Rule) -> Severity:
        return self.severity.get(rule.code) or self.severity.get(rule.name) or rule.severity

    def rule_option(self, rule: Rule, name: str) -> Any:
        configured = self.rule_options.get(rule.name, {})
        if name in configured:
            return configured[name]
        return rule.options[name].default

    # -- files -----------------------------------------------------------------------------

    def relative(self, path: str) -> str:
        """``path`` relative to the configuration's folder, with '/' separators."""

        cwd = self.working_folder()
        directory, name = os.path.split(path)
        if name in ("", ".", ".."):
            return _relative(path, self.base_dir, cwd)
        folder = _relative(directory or ".", self.base_dir, cwd)  # (files share folders)
        return name if folder == "." else f"{folder}/{name}"

    def working_folder(self) -> str:
        """The folder relative paths start from."""

        return self.cwd or os.getcwd()

    def schema_for(self, path: str | None) -> str:
        """The schema that applies to a file (``schema_choice``)."""
        return self.schema_choice(path)[0]

    def schema_choice(self, path: str | None) -> tuple[str, bool]:
        """The schema that applies to a file, and whether the configuration chose it: the
        first ``schemas`` mapping whose globs match (chosen), else a built-in schema whose
        own ``x-fmlint-files`` globs match (organization records in
        ``_data/organizations/``), else the configured ``schema`` (chosen), else the
        built-in article schema. A built-in that was not chosen applies only to the records
        it recognises (its ``x-fmlint-match``)."""
        if path:
            relative = self.relative(path)
            for test, schema in self._matchers().schemas:
                if test(relative):
                    return schema, True
            for name, patterns in builtin_files().items():
                if glob_any(relative, patterns):
                    return name, False
        if self.default_schema is not None:
            return self.resolve_path(self.default_schema), True
        return DEFAULT_SCHEMA, False

    def mapped(self, path: str) -> bool:
        """Whether a ``schemas`` mapping names ``path``."""
        relative = self.relative(path)
        return any(test(relative) for test, _schema in self._matchers().schemas)

    def _matchers(self) -> _Matchers:
        """The schema mappings and per-file ignores as compiled tests, made once for these
        settings (a site may map a thousand globs: compiling them for every record would
        cost more than checking it)."""
        key = (self.base_dir, tuple(self.schemas), tuple(
            (k, tuple(v)) for k, v in self.per_file_ignores.items()))
        if self._compiled is None or self._compiled.key != key:
            self._compiled = _Matchers(
                key,
                tuple((compile_globs(m.files), self.resolve_path(m.schema))
                      for m in self.schemas),
                tuple((compile_globs((pattern,)), codes)
                      for pattern, codes in self.per_file_ignores.items()))
        return self._compiled

    def excludes(self, path: str) -> bool:
        """Whether ``exclude`` covers ``path`` or a folder it lies in (below this
        configuration's folder), as walking a folder would skip it."""
        if not self.exclude:
            return False
        parts = self.relative(path).split("/")
        return any(glob_any("/".join(parts[:end]), self.exclude)
                   for end in range(len(parts), 0, -1) if parts[end - 1] not in ("", ".", ".."))

    def includes(self, path: str) -> bool:
        """Whether a file found walking a folder matches ``include`` (a pattern without '/'
        is tested on the file's name)."""
        names, paths = _include_tests(tuple(self.include))
        if names is not None and names(path[path.rfind("/") + 1:] if os.sep == "/"
                                       else os.path.basename(path)):
            return True
        return paths is not None and paths(self.relative(path))

    def resolve_path(self, reference: str) -> str:
        """A schema or folder reference relative to the configuration file's folder."""
        if reference in BUILTIN or reference.startswith(("http://", "https://")):
            return reference

        return os.path.normpath(os.path.join(self.base_dir, reference))


class _Matchers(NamedTuple):
    """A configuration's compiled globs, and the settings they were compiled from."""

    key: tuple[Any, ...]
    schemas: tuple[tuple[Callable[[str], bool], str], ...]  # (test, schema reference)
    ignores: tuple[tuple[Callable[[str], bool], list[str]], ...]  # (test, selectors)


@lru_cache(maxsize=1024)
def _relative(path: str, base_dir: str, cwd: str) -> str:
    """``path`` (relative to ``cwd``) relative to ``base_dir``, with '/' separators."""

    base = os.path.join(os.path.normpath(os.path.join(cwd, base_dir)), "")
    absolute = os.path.normpath(os.path.join(cwd, path))
    if absolute.startswith(base):  # the common case, without os.path.relpath's work
        rel = absolute[len(base):]
    else:
        try:
            rel = os.path.relpath(absolute, base)
        except ValueError:
            rel = path
    return rel.replace(os.sep, "/")


def glob_any(relative: str, patterns: Iterable[str]) -> bool:
    """Whether ``relative`` matches any of ``patterns``, gitignore-like: ``**`` spans
    folders; a pattern without '/' matches a name; ``dir/`` and ``dir/**`` match what is
    below ``dir``."""
    return _globs(tuple(patterns))(relative)


def compile_globs(patterns: Iterable[str]) -> Callable[[str], bool]:
    """The test of a list of patterns (as ``glob_any`` reads them), compiled into (at most)
    two expressions."""
    whole: list[str] = []
    names: list[str] = []
    for pattern in patterns:
        pattern = pattern.strip()
        if pattern.endswith("/"):
            pattern += "**"
        if "/" not in pattern:
            names.append(fnmatch.translate(pattern))
            continue
        pattern = pattern.lstrip("/")
        whole.append(fnmatch.translate(pattern))
        if pattern.startswith("**/"):
            whole.append(fnmatch.translate(pattern[3:]))
        if pattern.endswith("/**"):  # the folder itself, and anything below it
            whole.append(f"(?s:{re.escape(pattern[:-3])}(?:/.*)?)\\Z")
    match_whole = re.compile("|".join(f"(?:{w})" for w in whole)).match if whole else None
    match_name = re.compile("|".join(f"(?:{n})" for n in names)).match if names else None

    def test(relative: str) -> bool:
        if match_whole is not None and match_whole(relative):
            return True
        if match_name is None:
            return False
        if "/" not in relative:  # (a name: most tests are of one)
            return relative not in ("", ".") and match_name(relative) is not None
        return any(match_name(part) for part in relative.split("/") if part not in ("", "."))

    return test


_globs = lru_cache(maxsize=256)(compile_globs)  # (the few lists matched again and again)


@lru_cache(maxsize=64)
def _include_tests(include: tuple[str, ...]) -> tuple[Callable[[str], bool] | None,
                                                      Callable[[str], bool] | None]:
    """``include``'s test of a file name (its patterns without '/') and of a path (those
    with one); None where it has no such pattern."""
    names = tuple(p for p in include if "/" not in p)
    paths = tuple(p for p in include if "/" in p)
    return (compile_globs(names) if names else None, compile_globs(paths) if paths else None)
