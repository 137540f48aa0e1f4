"""``fmlint check``: configuration, files, running, cross-record checks, and the report."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from . import __version__, engine
from .config import Config
from .finding import SEVERITY_RANK, Finding
from .runner import Mode, Outcome, check_data, check_paths

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or configuration: exit 2 with this message."""


def _load_config(args: argparse.Namespace, anchor: str) -> Config:
    from . import configfile

    if args.isolated:
        config = Config()
    else:
        path = args.config or configfile.find(anchor)
        config = configfile.load(path) if path else Config()
    if args.select is not None or args.extend_select or args.ignore:
        config.override(select=args.select, extend_select=args.extend_select,
                        ignore=args.ignore)
    if args.now is not None:
        config.now = args.now
    try:
        config.enabled()
    except KeyError as err:
        raise UsageError(f"unknown rule {err.args[0]!r}; 'fmlint rules' lists them") from None
    if args.online or args.offline:
        config.online = True
    return config


def _check_online_settings(args: argparse.Namespace, config: Config) -> None:
    """Refuse unusable network settings before anything runs."""
    if not config.online:
        return
    if args.offline and args.no_cache:
        raise UsageError("--offline answers from the cache; it cannot go with --no-cache")
    from .online.fetch import tls_context
    from .online.settings import SettingsError, from_table

    try:
        tls_context(from_table(config.online_settings, config.base_dir).ca_bundle)
    except SettingsError as err:
        raise UsageError(str(err)) from None


def _gather_online(args: argparse.Namespace, config: Config,
                   sources: list[tuple[str, bytes | None]]) -> None:
    """Ask the network (or, with --offline, the cache) about the records' URLs."""
    if not config.online:
        return
    from .cache import DIR_NAME
    from .online.gather import gather

    cache_dir = None if args.no_cache else args.cache_dir or os.path.join(
        os.path.dirname(config.source) if config.source else ".", DIR_NAME)
    progress = _Progress(0, "URLs") if (
        not args.no_progress and sys.stderr.isatty()) else None
    config.online_facts = gather(sources, config, offline=args.offline, cache_dir=cache_dir,
                                 progress=progress.show if progress else None)
    if progress and progress.count:
        progress.done()


def run(args: argparse.Namespace) -> int:
    from .configfile import ConfigError

    paths = args.paths or ["."]
    try:
        if "-" in paths and len(paths) > 1:
            raise UsageError("'-' (standard input) cannot be mixed with other paths")
        anchor = args.stdin_filename if paths == ["-"] and args.stdin_filename else paths[0]
        config = _load_config(args, anchor if anchor != "-" else ".")
        _check_online_settings(args, config)
        for path in paths:
            if path != "-" and not os.path.exists(path):
                raise UsageError(f"{path}: no such file or folder")
    except (UsageError, ConfigError) as err:
        sys.stderr.write(f"fmlint: {err}\n")
        return EXIT_ERROR
    if args.diff:
        mode = Mode(fix=False, unsafe=args.unsafe_fixes, diff=True)
    else:
        mode = Mode(fix=args.fix or args.fix_only, unsafe=args.unsafe_fixes)
    if paths == ["-"]:
        outcomes = [_check_stdin(args, config, mode)]
    else:
        from .files import discover

        files = list(discover(paths, config, force_exclude=args.force_exclude))
        _gather_online(args, config, [(path, None) for path in files])
        jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
        progress = _Progress(len(files)) if (
            not args.no_progress and sys.stderr.isatty() and len(files) > 200) else None
        from .cache import Cache

        cache = None if (args.no_cache or mode.fix or mode.diff or args.add_ignore
                         or config.online) else Cache.open(args.cache_dir, config)
        outcomes = list(_run_files(files, config, mode, paths, jobs, cache, progress))
        if progress:
            progress.done()
        explicit = set() if args.force_exclude else {p for p in paths if not os.path.isdir(p)}
        outcomes = [o for o in outcomes if o.path in explicit or not _plain_page(o)]
    findings = [f for o in outcomes for f in o.result.findings]
    findings.extend(engine.finalize(
        (e for o in outcomes for e in o.result.entries), config,
        {o.path: o.result.suppressions for o in outcomes if o.result.suppressions}))
    findings.sort(key=Finding.sort_key)
    if args.add_ignore:
        return _add_ignores(outcomes, findings, config)
    return _report(args, config, outcomes, findings, mode)


def _run_files(files: list[str], config: Config, mode: Mode, roots: list[str], jobs: int,
               cache, progress) -> list[Outcome]:
    if cache is None:
        return list(check_paths(files, config, mode, roots, jobs, progress))
    outcomes: dict[str, Outcome] = {}
    todo: list[str] = []
    for path in files:
        hit = cache.get(path)
        if hit is not None:
            outcomes[path] = Outcome(path, hit)
            if progress:
                progress(1)
        else:
            todo.append(path)
    for outcome in check_paths(todo, config, mode, roots, jobs, progress):
        outcomes[outcome.path] = outcome
        cache.put(outcome.path, outcome.result)
    cache.save()
    return [outcomes[p] for p in files]


def _plain_page(outcome: Outcome) -> bool:
    """A walked file with no front matter outside any ``_folder``: a page, not a record.

    READMEs and plain pages are skipped; in a collection folder (``_posts``, ``_news``) a
    file without front matter is a broken record and is reported.
    """
    findings = outcome.result.findings
    if not findings or findings[0].code != "FM001":
        return False
    parts = os.path.normpath(outcome.path).split(os.sep)[:-1]
    return not any(part.startswith("_") for part in parts)


def _check_stdin(args: argparse.Namespace, config: Config, mode: Mode) -> Outcome:
    data = sys.stdin.buffer.read()
    path = args.stdin_filename or "-"
    _gather_online(args, config, [(path, data)])
    outcome = check_data(data, path, config, mode, keep_text=True)
    if outcome.text is None:
        try:
            outcome.text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            pass
    return outcome


def _source_lines(outcomes: list[Outcome]):
    texts = {o.path: o.text for o in outcomes if o.text is not None}

    def lines(path: str) -> list[str] | None:
        text = texts.get(path)
        if text is None:
            try:
                text = Path(path).read_bytes().decode("utf-8").removeprefix("\ufeff")
            except (OSError, UnicodeDecodeError):
                return None
        from .source import Lines

        return Lines(text)  # split only as far as the report reads

    return lines


def _report(args: argparse.Namespace, config: Config, outcomes: list[Outcome],
            findings: list[Finding], mode: Mode) -> int:
    from .output import Report, render
    from .registry import RULES

    out = sys.stdout
    stdin_fixed = [o for o in outcomes if o.path == (args.stdin_filename or "-")
                   and args.paths == ["-"]]
    if stdin_fixed and (mode.fix or args.fix_only) and not mode.diff:
        # Standard input with --fix: the fixed text goes to stdout, the report to stderr.
        outcome = stdin_fixed[0]
        sys.stdout.write(outcome.fixed_text if outcome.fixed_text is not None
                         else sys.stdin.buffer and (outcome.text or ""))
        out = sys.stderr
    if mode.diff:
        diffs = [o.diff for o in outcomes if o.diff]
        sys.stdout.write("".join(diffs))
        count = sum(o.fixed for o in outcomes)
        if count:
            sys.stderr.write(f"Would fix {count} problem{'s' if count != 1 else ''} in "
                             f"{len(diffs)} file{'s' if len(diffs) != 1 else ''}.\n")
        return EXIT_FINDINGS if diffs else EXIT_CLEAN
    fixed = sum(o.fixed for o in outcomes)
    if args.fix_only:
        if fixed:
            out.write(f"Fixed {fixed} problem{'s' if fixed != 1 else ''}.\n")
        return EXIT_CLEAN
    color = args.color == "always" or (
        args.color == "auto" and out.isatty() and not os.environ.get("NO_COLOR")
        and args.output_file is None)
    report = Report(
        findings=findings,
        rules=RULES,
        files_checked=len(outcomes),
        source_lines=_source_lines(outcomes),
        color=color,
        fixes_applied=fixed,
        fixable_safe=sum(1 for f in findings if f.fix and f.fix.applicability == "safe"),
        fixable_unsafe=sum(1 for f in findings if f.fix and f.fix.applicability == "unsafe"),
        version=__version__,
    )
    if args.statistics:
        text = _statistics(findings, RULES)
    else:
        text = render(args.output_format, report)
        if args.quiet and args.output_format in ("text", "concise"):
            text = "".join(line for line in text.splitlines(keepends=True)
                           if not line.startswith(("Found ", "All checks", "[*]", "Fixed ",
                                                   "No safe fixes")))
    if args.output_file:
        Path(args.output_file).write_text(text, encoding="utf-8")
    else:
        out.write(text)
    if any(f.code == "FM009" for f in findings):
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_CLEAN
    gate = SEVERITY_RANK["warning"]
    return EXIT_FINDINGS if any(SEVERITY_RANK[f.severity] >= gate for f in findings) else (
        EXIT_CLEAN)


def _statistics(findings: list[Finding], rules) -> str:
    counts = Counter(f.code for f in findings)
    fixable = Counter(f.code for f in findings if f.fix)
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = rules.get(code)
        name = rule.name if rule else ""
        mark = "[*]" if fixable[code] else "   "
        lines.append(f"{count:>6}  {code}  {mark} {name}")
    total = sum(counts.values())
    lines.append(f"Found {total} problem{'s' if total != 1 else ''}.")
    return "\n".join(lines) + "\n"


def _add_ignores(outcomes: list[Outcome], findings: list[Finding], config: Config) -> int:
    from .addignore import add_ignores
    from .files import WriteRefused, write_atomic

    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.path:
            by_path.setdefault(finding.path, []).append(finding)
    added = skipped = 0
    roots = list({os.path.dirname(p) or "." for p in by_path})
    for path, items in by_path.items():
        try:
            data = Path(path).read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            skipped += len(items)
            continue
        bom = text.startswith("\ufeff")
        new_text, count, left = add_ignores(text.removeprefix("\ufeff"), items)
        added += count
        skipped += left
        if count:
            try:
                write_atomic(path, (("\ufeff" if bom else "") + new_text).encode("utf-8"), data,
                             roots)
            except (WriteRefused, OSError) as err:
                sys.stderr.write(f"fmlint: {err}\n")
                skipped += count
                added -= count
    sys.stdout.write(f"Added suppressions for {added} finding{'s' if added != 1 else ''}")
    sys.stdout.write(f"; {skipped} could not be suppressed (no front matter or not "
                     "parseable).\n" if skipped else ".\n")
    return EXIT_CLEAN


class _Progress:
    """A one-line progress bar on stderr (only used when stderr is a terminal)."""

    def __init__(self, total: int, noun: str = "files") -> None:
        self.total = total
        self.noun = noun
        self.count = 0
        self.shown = -1

    def show(self, count: int, total: int) -> None:
        self.total = total
        self(count - self.count)

    def __call__(self, step: int) -> None:
        self.count += step
        percent = self.count * 100 // max(self.total, 1)
        if percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            sys.stderr.write(f"\r[{bar:<25}] {self.count}/{self.total} {self.noun}")
            sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\r" + " " * 60 + "\r")
        sys.stderr.flush()
