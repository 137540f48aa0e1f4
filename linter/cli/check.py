"""``fmlint check``: configuration, files, running, cross-record checks, and the report."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..engine import lint as engine
from ..engine.config import Config
from ..engine.suppress import Suppressions
from ..reading.source import DecodeError, Lines, decode
from ..rules.finding import SEVERITY_RANK, Finding, Severity
from ..runner.batch import Job, Mode, Outcome, Written, check_data, check_paths, reading_roots
from ..runner.spill import SortedFindings, Spill
from ..site.files import read_whole

if TYPE_CHECKING:
    from ..cache.results import Cache, Stamps

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
HUMAN_FORMATS = ("text", "concise")  # read by people: info findings counted, not listed


class UsageError(Exception):
    """Bad arguments or configuration: exit 2 with this message."""


def _load_config(args: argparse.Namespace, anchor: str) -> Config:
    from ..site import configfile

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
    if args.min_severity is not None:
        config.min_severity = args.min_severity
    config.cwd = os.getcwd()  # (the run does not change it; ``cli.main`` made sure it exists)
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
    from ..net.fetch import tls_context
    from ..net.settings import SettingsError, from_table

    try:
        tls_context(from_table(config.online_settings, config.base_dir).ca_bundle)
    except SettingsError as err:
        raise UsageError(str(err)) from None


def _gather_online(args: argparse.Namespace, config: Config,
                   sources: list[tuple[str, bytes | None]], roots: list[str] | None = None
                   ) -> None:
    """Ask the network (or, with --offline, the cache) about the records' URLs."""
    if not config.online:
        return
    from ..cache.results import DIR_NAME
    from ..online.gather import gather

    cache_dir = None if args.no_cache else args.cache_dir or os.path.join(
        os.path.dirname(config.source) if config.source else ".", DIR_NAME)
    progress = _Progress(0, "URLs") if (
        not args.no_progress and sys.stderr.isatty()) else None
    config.online_facts = gather(sources, config, roots=roots, offline=args.offline,
                                 cache_dir=cache_dir,
                                 progress=progress.show if progress else None)
    if progress and progress.count:
        progress.done()


def run(args: argparse.Namespace) -> int:
    import gc

    # Records make many small objects and almost no cycles: collect rarely, and never look
    # at what start-up made again.
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    try:
        return _run(args)
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _run(args: argparse.Namespace) -> int:
    from ..site.configfile import ConfigError

    paths = args.paths or ["."]
    try:
        if "-" in paths and len(paths) > 1:
            raise UsageError("'-' (standard input) cannot be mixed with other paths")
        for path in paths:
            if path != "-" and not os.path.exists(path):
                raise UsageError(f"{path}: no such file or folder")
        configs = Configs(args)
        if paths == ["-"]:
            groups = [Group(configs.for_path(args.stdin_filename or "."), [])]
        else:
            groups = configs.groups(paths, force_exclude=args.force_exclude)
        for group in groups:
            _check_online_settings(args, group.config)
    except (UsageError, ConfigError) as err:
        sys.stderr.write(f"fmlint: {err}\n")
        return EXIT_ERROR
    if args.diff:
        mode = Mode(fix=False, unsafe=args.unsafe_fixes, diff=True)
    else:
        mode = Mode(fix=args.fix or args.fix_only, unsafe=args.unsafe_fixes)
    kinds = {_shown(args, group.config) for group in groups}
    totals = Totals(_shown_by_file(args, groups, kinds), min(
        (kind.least for kind in kinds), key=SEVERITY_RANK.__getitem__, default="info"))
    last_run = None  # the last run's report, to print again or to keep
    if paths == ["-"]:
        outcome = _check_stdin(args, groups[0].config, mode)
        files = [outcome.path]
        groups[0].files.append(outcome.path)
        totals.add(outcome, keep_text=True)
    else:
        files = [path for group in groups for path in group.files]
        for group in groups:
            _gather_online(args, group.config, [(path, None) for path in group.files], paths)
        jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
        progress = _Progress(len(files)) if (
            not args.no_progress and sys.stderr.isatty() and len(files) > 200) else None
        if not (args.no_cache or mode.fix or mode.diff or args.add_ignore):
            _open_caches(args, groups)
            if len(groups) == 1 and groups[0].cache is not None and args.output_file is None:
                from ..cache.lastrun import LastRun

                group = groups[0]
                last_run = LastRun(group.cache, _request(args, group.config), files,
                                   group.stamps)
                try:
                    status = last_run.replay(sys.stdout)  # the same run as the last one?
                except OSError as err:
                    return _cannot_write(err, None)
                if status is not None:
                    group.cache.close()
                    return status
        explicit = set() if args.force_exclude else {p for p in paths if not os.path.isdir(p)}
        listed = next(iter(kinds)).listed if len(kinds) == 1 else None  # (the same for all)
        if args.output_format == "text" and listed is not None and not (
                args.statistics or args.add_ignore or mode.fix or mode.diff):
            totals.block = (_use_color(args, sys.stdout), listed)  # lay files out as they come
        written = Written() if mode.fix else None
        try:
            with contextlib.closing(_run_files(groups, mode, paths, jobs, progress,
                                               totals.block, last_run, written)) as run:
                for outcome in run:
                    if outcome.path in explicit or not _plain_page(outcome):
                        totals.add(outcome)
        except KeyboardInterrupt:
            if progress:
                progress.done()
            _say_stopped(written)
            raise
        if progress:
            progress.done()
        if written is not None:
            totals.fixed = written.value  # (files written, by whichever process wrote them)
    extra = totals.take_extra(_finalize(groups, totals))
    findings = SortedFindings(totals.spill, files, extra, totals.listed)
    try:
        if args.add_ignore:
            return _add_ignores(list(findings))
        hint = args.output_format in HUMAN_FORMATS and not any(
            group.config.source for group in groups)
        status = _report(args, totals, findings, mode, last_run, no_schema_hint=hint)
        if last_run is not None:
            last_run.save(status)
        return status
    finally:
        totals.spill.close()
        if last_run is not None:
            last_run.close()


@dataclass(eq=False)
class Group:
    """Files that share one configuration, and their result cache."""

    config: Config
    files: list[str]
    cache: Cache | None = None
    stamps: Stamps | None = None  # the files' [size, mtime_ns], read once for the run


class Configs:
    """The configuration of each file of a run: the nearest configuration file above it
    (the one ``--config`` names for all; none with ``--isolated``), read once for the run,
    with the command line's flags over it."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._args = args
        self._found: dict[str, str | None] = {}  # folder -> its configuration file
        self._configs: dict[str | None, Config] = {}  # configuration file -> its Config

    def for_path(self, path: str) -> Config:
        """The configuration of a file (or of a folder's files)."""
        return self._in(path if os.path.isdir(path) else os.path.dirname(path) or ".")

    def _in(self, folder: str) -> Config:
        """The configuration of the files in ``folder``."""
        from ..site import configfile

        found: str | None = None
        if not (self._args.isolated or self._args.config):
            if folder not in self._found:
                self._found[folder] = configfile.find(os.path.abspath(folder))
            found = self._found[folder]
        config = self._configs.get(found)
        if config is None:
            config = self._configs[found] = _load_config(self._args, found or folder)
        return config

    def groups(self, paths: list[str], force_exclude: bool) -> list[Group]:
        """The files to check, by configuration: files named as given (unless
        ``force_exclude`` and their configuration excludes them), folders walked for the
        files each file's own configuration includes and does not exclude."""
        from ..site.files import data_record, discover

        by_config: dict[int, Group] = {}
        seen: set[str] = set()
        for given in paths:
            walked = os.path.isdir(given)
            found = discover([given], _WALK) if walked else discover(
                [given], self.for_path(given), force_exclude=force_exclude)
            for path in found:
                config = self._in(os.path.dirname(path) or ".") if walked else self.for_path(
                    path)
                if path in seen or (walked and not config.includes(path)
                                     and not data_record(path, config)) or (
                        walked and config.excludes(path)):
                    continue
                seen.add(path)
                group = by_config.get(id(config))
                if group is None:
                    group = by_config[id(config)] = Group(config, [])
                group.files.append(path)
        return list(by_config.values())


# Walking folders finds every file that is not hidden, vendored or ignored by git; each
# file's own configuration then says whether it is checked (``Configs.groups``).
_WALK = Config(include=["*"])


def _open_caches(args: argparse.Namespace, groups: list[Group]) -> None:
    """The result cache of each group checked offline (several configurations sharing
    ``--cache-dir`` each keep theirs in a folder of its own)."""
    from ..cache.results import Cache, Stamps

    for group in groups:
        if group.config.online:
            continue
        folder = args.cache_dir
        if folder and len(groups) > 1:
            import hashlib

            source = os.path.abspath(group.config.source or "")
            folder = os.path.join(folder, hashlib.sha256(
                source.encode("utf-8", "surrogatepass")).hexdigest()[:16])
        group.cache = Cache.open(folder, group.config)
        group.stamps = Stamps(group.files)


def _finalize(groups: list[Group], totals: Totals) -> list[Finding]:
    """The findings across records (duplicates), each judged by its own file's
    configuration (rules, severities, per-file-ignores)."""
    entries = totals.spill.shared_entries()
    if len(groups) == 1:
        return engine.finalize(entries, groups[0].config, totals.suppressions)
    out: list[Finding] = []
    for group in groups:
        own = set(group.files)
        out.extend(f for f in engine.finalize(entries, group.config, totals.suppressions)
                   if f.path in own)
    return out


@dataclass(frozen=True, slots=True)
class Shown:
    """What a report does with a file's findings by severity: those below ``least`` are left
    out (not counted either); those from ``least`` up to ``listed`` are counted per rule but
    not listed one by one; those of ``listed`` and above are listed."""

    least: Severity = "info"
    listed: Severity = "info"


def _shown(args: argparse.Namespace, config: Config) -> Shown:
    """The configuration's ``min-severity`` (or ``--min-severity``) for every format; without
    one, the text and concise formats count info findings instead of listing them (not for
    ``--add-ignore``, which suppresses them all)."""
    if config.min_severity is not None:
        return Shown(config.min_severity, config.min_severity)
    if args.output_format in HUMAN_FORMATS and not (args.statistics or args.add_ignore):
        return Shown("info", "warning")
    return Shown()


_EVERYTHING = Shown()


def _shown_by_file(args: argparse.Namespace, groups: list[Group],
                   kinds: set[Shown]) -> Callable[[str], Shown]:
    """What the report does with each file's findings (``Shown``), by its configuration;
    ``kinds``: the groups' ``_shown``."""
    if len(kinds) <= 1:
        only = next(iter(kinds), _EVERYTHING)
        return lambda _path: only
    by_file = {path: _shown(args, group.config) for group in groups for path in group.files}
    return lambda path: by_file.get(path, _EVERYTHING)


class Totals:
    """What a run keeps of each file's outcome: only what the report needs.

    Runs may check 100,000 files: findings and cross-record keys go to a spill file as they
    arrive, and only counts stay in memory. Only the findings the report lists are kept
    (``Shown``); the others it counts are counted per rule (``collapsed``).
    """

    def __init__(self, shown: Callable[[str], Shown] = lambda _path: _EVERYTHING,
                 least: Severity = "info") -> None:
        self.shown = shown
        self.least = least  # the least severity counted (in some file)
        self.spill = Spill()
        self.codes: Counter[str] = Counter()  # findings per code
        self.collapsed: Counter[str] = Counter()  # findings counted but not listed, per code
        self.no_schema = 0  # records no schema described
        self.severities: Counter[str] = Counter()  # findings per severity
        self.fixable: Counter[str] = Counter()  # findings with a fix, per code
        self.fixable_safe = 0
        self.fixable_unsafe = 0
        self.suppressions: dict[str, Suppressions] = {}
        self.files = 0
        self.fixed = 0
        self.diffs: list[tuple[str, str]] = []  # (path, diff), put in path order to show
        self.texts: dict[str, str] = {}  # standard input's text, for excerpts
        self.fixed_texts: dict[str, str | None] = {}  # standard input's fixed text
        # Whether files' lines of the text report are made as they are checked: in colour
        # or not, with findings of which least severity (``Shown.listed``); None: the report
        # lays them out.
        self.block: tuple[bool, Severity] | None = None

    def add(self, outcome: Outcome, keep_text: bool = False) -> None:
        result = outcome.result
        path = outcome.path
        self.files += 1
        self.fixed += outcome.fixed
        self.no_schema += result.no_schema
        findings, entries = outcome.packed()
        findings = self.take(path, findings)
        self.spill.add(path, findings, entries, outcome.block[1] if outcome.block else None)
        if result.suppressions is not None and result.suppressions.directives:
            self.suppressions[path] = result.suppressions
        if outcome.diff:
            self.diffs.append((path, outcome.diff))
        if keep_text:
            if outcome.text is not None:
                self.texts[path] = outcome.text
            self.fixed_texts[path] = outcome.fixed_text

    def take(self, path: str, findings: list[list[Any]]) -> list[list[Any]]:
        """Count a file's findings (rows, ``Finding.to_row``) the report shows, and return
        those it lists (``Shown``)."""
        shown = self.shown(path)
        if shown == _EVERYTHING:
            self.tally(findings)
            return findings
        least, listed = SEVERITY_RANK[shown.least], SEVERITY_RANK[shown.listed]
        counted = [row for row in findings if SEVERITY_RANK[row[6]] >= least]
        self.tally(counted)
        out = []
        for row in counted:
            if SEVERITY_RANK[row[6]] >= listed:
                out.append(row)
            else:
                self.collapsed[row[4]] += 1
        return out

    def take_extra(self, findings: list[Finding]) -> list[Finding]:
        """``take`` for the findings across records: those the report lists."""
        return [finding for finding in findings
                if self.take(finding.path or "", [finding.to_row()])]

    @property
    def found(self) -> int:
        """The findings the report counts."""
        return sum(self.codes.values())

    @property
    def listed(self) -> int:
        """The findings the report lists one by one."""
        return self.found - sum(self.collapsed.values())

    @property
    def worst(self) -> int:
        """The highest severity rank found (-1: none)."""
        return max((SEVERITY_RANK[s] for s, n in self.severities.items() if n), default=-1)

    def tally(self, findings: list[list[Any]]) -> None:
        """Count findings (as rows, ``Finding.to_row``) for the summary, the statistics and
        the exit status."""
        for _l, _c, _el, _ec, code, _rule, severity, _message, _pointer, fix in findings:
            self.codes[code] += 1
            self.severities[severity] += 1
            if fix is not None:
                self.fixable[code] += 1
                if fix[0] == "safe":
                    self.fixable_safe += 1
                else:
                    self.fixable_unsafe += 1


def _run_files(groups: list[Group], mode: Mode, roots: list[str], jobs: int, progress,
               block: tuple[bool, Severity] | None, last_run=None,
               written: Written | None = None) -> Iterator[Outcome]:
    """Outcomes of every file, as they come: from its group's cache where it holds them
    (judged by the files' ``stamps``, read once for the run), else checked. With ``block``
    (in colour or not, the least severity listed), each with its lines of the text report
    (``Outcome.block``). Each is told to ``last_run``, which keeps the report only if every
    result is in the cache. ``written`` counts the problems repaired by fixed files
    written."""
    render = wanted = None
    if block is not None:
        from ..output.text import layout, render_file

        render = partial(render_file, color=block[0], least=block[1])
        wanted = layout(*block)
    todo: list[tuple[Config, list[str]]] = []
    cache_of: dict[str, Cache] = {}
    for group in groups:
        if group.cache is None:
            todo.append((group.config, group.files))
            continue
        left: list[str] = []
        for index, path in enumerate(group.files):
            hit = group.cache.get(path, group.stamps[index] if group.stamps else None)
            if hit is None:
                left.append(path)
                cache_of[path] = group.cache
                continue
            if progress:
                progress(1)
            if last_run is not None:
                last_run.add(hit.dep_stamps, True)
            if hit.block is not None and hit.block[0] != wanted:
                hit.block = None  # (made in another layout, or not wanted)
            yield hit
        todo.append((group.config, left))
    job = Job(mode, roots, render, with_digest=bool(cache_of), written=written)
    with contextlib.closing(check_paths(todo, job, jobs, progress)) as outcomes:
        for outcome in outcomes:
            cache = cache_of.get(outcome.path)
            if cache is not None:
                stored = cache.put(outcome)
                if last_run is not None:
                    last_run.add(outcome.dep_stamps, stored)
            yield outcome
    for group in groups:
        if group.cache is not None:
            group.cache.save()


def _say_stopped(written: Written | None) -> None:
    """Say that the run stopped before its end, and what fixes it wrote."""
    with contextlib.suppress(OSError, ValueError):
        if written is None:
            sys.stderr.write("fmlint: stopped; nothing reported\n")
        else:
            count = written.value
            sys.stderr.write(f"fmlint: stopped; fixed {count} problem{'s' if count != 1 else ''}"
                             " in the files written so far, nothing else reported\n")


def _plain_page(outcome: Outcome) -> bool:
    """A walked file with no front matter outside any ``_folder``: a page, not a record.

    READMEs and plain pages are skipped; in a collection folder (``_posts``, ``_news``) a
    file without front matter is a broken record and is reported, unless it is a README
    (or a licence, changelog...), which the generator copies as it is.
    """
    findings, _entries = outcome.packed()
    if not findings or findings[0][4] != "FM001":
        return False
    *parts, name = os.path.normpath(outcome.path).split(os.sep)
    if name.split(".")[0].upper() in _PAGE_NAMES:
        return True  # (a collection's README is copied as it is, not built as a record)
    return not any(part.startswith("_") for part in parts)


_PAGE_NAMES = {"README", "LICENSE", "CHANGELOG", "CONTRIBUTING", "CODE_OF_CONDUCT"}


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


def _source_lines(texts: dict[str, str]):

    def lines(path: str) -> list[str] | None:
        text = texts.get(path)
        if text is None:
            try:
                text, _bom = decode(read_whole(path)[1])
            except (OSError, DecodeError):
                return None
        return Lines(text)  # split only as far as the report reads

    return lines


def _request(args: argparse.Namespace, config: Config) -> dict[str, Any]:
    """What a run's report depends on besides the files and the configuration: the
    arguments (not those of speed or the cache's place), the colour, the working folder
    (``cli.main`` has made sure there is one)."""
    request = {name: value for name, value in vars(args).items()
               if name not in ("jobs", "no_progress", "cache_dir")}
    request.update(color=_use_color(args, sys.stdout), cwd=config.working_folder(),
                   min_severity=config.min_severity, configured=config.source is not None)
    return request


def _report(args: argparse.Namespace, totals: Totals, findings: SortedFindings, mode: Mode,
            last_run=None, no_schema_hint: bool = False) -> int:
    """Write the report; the exit status. ``no_schema_hint``: end the human formats saying
    how many records no schema described, and how to write schemas for them."""
    from ..output import Report, write
    from ..rules.registry import RULES

    out = sys.stdout
    if args.paths == ["-"] and (mode.fix or args.fix_only) and not mode.diff:
        # Standard input with --fix: the fixed text goes to stdout, the report to stderr.
        path = args.stdin_filename or "-"
        fixed_text = totals.fixed_texts.get(path)
        sys.stdout.write(fixed_text if fixed_text is not None else totals.texts.get(path, ""))
        out = sys.stderr
    if mode.diff:
        sys.stdout.write("".join(diff for _path, diff in sorted(totals.diffs)))
        count, changed = totals.fixed, len(totals.diffs)
        if count:
            sys.stderr.write(f"Would fix {count} problem{'s' if count != 1 else ''} in "
                             f"{changed} file{'s' if changed != 1 else ''}.\n")
        return EXIT_FINDINGS if totals.diffs else EXIT_CLEAN
    fixed = totals.fixed
    if args.fix_only:
        if fixed:
            out.write(f"Fixed {fixed} problem{'s' if fixed != 1 else ''}.\n")
        return EXIT_CLEAN
    color = _use_color(args, out)
    if last_run is not None:
        out = last_run.tee(out)  # (kept to print again)
    report = Report(
        findings=findings,
        rules=RULES,
        files_checked=totals.files,
        source_lines=_source_lines(totals.texts),
        color=color,
        fixes_applied=fixed,
        fixable_safe=totals.fixable_safe,
        fixable_unsafe=totals.fixable_unsafe,
        severities=totals.severities,
        version=__version__,
        summary=not args.quiet,
        files=partial(findings.files, blocks=True) if (
            totals.block is not None and totals.block[0] is color) else None,
        collapsed=totals.collapsed,
        least=totals.least,
        no_schema=totals.no_schema if no_schema_hint else 0,
    )
    try:
        target = open(args.output_file, "w", encoding="utf-8") if args.output_file else None  # noqa: SIM115
    except OSError as err:
        return _cannot_write(err, args.output_file)
    try:
        if args.statistics:
            (target or out).write(_statistics(totals, RULES))
        else:
            write(args.output_format, report, target or out)
        if target is not None:
            target.close()
    except BrokenPipeError:  # the reader stopped early (``| head``): the status still says
        if last_run is not None:  # what was found, and what was kept is not the whole report
            last_run.close()
    except OSError as err:
        return _cannot_write(err, args.output_file)
    finally:
        if target is not None:
            with contextlib.suppress(OSError):
                target.close()
    if totals.codes["FM009"]:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if totals.worst >= SEVERITY_RANK["warning"] else EXIT_CLEAN


def _cannot_write(err: OSError, output_file: str | None) -> int:
    """Say that the report could not be written (a full disk), and how the run ends."""
    where = f" to {output_file}" if output_file else ""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"fmlint: cannot write the report{where}: {err.strerror or err}\n")
    return EXIT_ERROR


def _use_color(args: argparse.Namespace, out) -> bool:
    """Whether the report is in colour (ANSI)."""
    return args.color == "always" or (
        args.color == "auto" and out.isatty() and not os.environ.get("NO_COLOR")
        and args.output_file is None)


def _statistics(totals: Totals, rules) -> str:
    counts, fixable = totals.codes, totals.fixable
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = rules.get(code)
        name = rule.name if rule else ""
        mark = "[*]" if fixable[code] else "   "
        lines.append(f"{count:>6}  {code}  {mark} {name}")
    total = sum(counts.values())
    lines.append(f"Found {total} problem{'s' if total != 1 else ''}.")
    return "\n".join(lines) + "\n"


def _add_ignores(findings: list[Finding]) -> int:
    from ..engine.addignore import add_ignores
    from ..site.files import WriteRefused, write_atomic

    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.path:
            by_path.setdefault(finding.path, []).append(finding)
    added = skipped = 0
    roots = list({os.path.dirname(p) or "." for p in by_path})
    for path, items in by_path.items():
        try:
            data = read_whole(path, roots=reading_roots(path, roots))[1]
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
