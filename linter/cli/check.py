"""``fmlint check``: options -> the run (configuration, files, caches) -> checking -> the
report."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator

from ..engine import lint as engine
from ..rules.finding import SEVERITY_RANK, Finding, Severity
from ..runner.batch import Job, Mode, Outcome, Written, check_data, check_paths, read_checked
from ..site.workspace import Workspace
from .options import Options
from .plan import Group, Progress, UsageError, gather_online, groups_of, open_caches
from .report import EVERYTHING, EXIT_CLEAN, EXIT_ERROR, HUMAN_FORMATS, Totals, shown, write_report


def run(options: Options) -> int:
    """Run ``fmlint check``; the exit status."""
    from ..site.configfile import ConfigError

    try:
        groups = groups_of(options)
    except (UsageError, ConfigError) as err:
        sys.stderr.write(f"fmlint: {err}\n")
        return EXIT_ERROR
    totals = _totals(options, groups)
    try:
        if options.stdin:
            outcome = _check_stdin(options, groups[0])
            totals.add(outcome, keep_text=True)
        else:
            _check_files(options, groups, totals)
        totals.add_across(_across_records(groups, totals))
        if options.add_ignore:
            return _add_ignores(list(totals.sorted_findings()))
        hint = options.output_format in HUMAN_FORMATS and not any(
            group.config.source for group in groups)
        return write_report(options, totals, no_schema_hint=hint)
    finally:
        totals.close()


def _mode(options: Options) -> Mode:
    """What the run does with fixes."""
    if options.diff:
        return Mode(fix=False, unsafe=options.unsafe_fixes, diff=True)
    return Mode(fix=options.fix or options.fix_only, unsafe=options.unsafe_fixes)


def _totals(options: Options, groups: list[Group]) -> Totals:
    """What the run keeps of each file for its report, by each file's configuration."""
    kinds = {shown(options, group.config.min_severity) for group in groups}
    least: Severity = min((kind.least for kind in kinds), key=SEVERITY_RANK.__getitem__,
                          default="info")
    if len(kinds) <= 1:
        only = next(iter(kinds), EVERYTHING)
        return Totals(lambda _path: only, least)
    by_file = {path: shown(options, group.config.min_severity)
               for group in groups for path in group.files}
    return Totals(lambda path: by_file.get(path, EVERYTHING), least)


def _check_files(options: Options, groups: list[Group], totals: Totals) -> None:
    """Check the files of ``groups`` (or take their results from the cache) into
    ``totals``."""
    mode = _mode(options)
    paths = list(options.paths or (".",))
    for group in groups:
        gather_online(options, group.config, [(path, None) for path in group.files], paths)
    count = sum(len(group.files) for group in groups)
    progress = Progress(count) if (
        not options.no_progress and sys.stderr.isatty() and count > 200) else None
    if not (options.no_cache or mode.fix or mode.diff or options.add_ignore):
        open_caches(options, groups)
    explicit = set() if options.force_exclude else {p for p in paths if not os.path.isdir(p)}
    written = Written() if mode.fix else None
    jobs = options.jobs if options.jobs > 0 else (os.cpu_count() or 1)
    job = Job(mode, paths, Workspace(), with_digest=any(group.cache for group in groups),
              written=written)
    try:
        for outcome in _outcomes(groups, job, jobs, progress):
            if outcome.path in explicit or not _plain_page(outcome):
                totals.add(outcome)
    except KeyboardInterrupt:
        if progress:
            progress.done()
        _say_stopped(written)
        raise
    finally:
        for group in groups:
            if group.cache is not None:
                group.cache.close()
    if progress:
        progress.done()
    if written is not None:
        totals.fixed = written.value  # (files written, by whichever process wrote them)


def _outcomes(groups: list[Group], job: Job, jobs: int,
              progress: Callable[[int], None] | None) -> Iterator[Outcome]:
    """Outcomes of every file, as they come: from its group's cache where it holds them
    (judged by the files' ``stamps``, read once for the run), else checked (and stored)."""
    todo: list[tuple[Group, list[str]]] = []
    for group in groups:
        if group.cache is None:
            todo.append((group, group.files))
            continue
        left: list[str] = []
        for path, stored in group.cache.results(group.files, group.stamps):
            if stored is None:
                left.append(path)
                continue
            if progress:
                progress(1)
            yield Outcome(path, stored)
        todo.append((group, left))
    cache_of = {path: group.cache for group, paths in todo if group.cache is not None
                for path in paths}
    with contextlib.closing(check_paths([(group.config, paths) for group, paths in todo],
                                        job, jobs, progress)) as outcomes:
        for outcome in outcomes:
            cache = cache_of.get(outcome.path)
            if cache is not None:
                cache.put(outcome.path, outcome.result, outcome.digest, outcome.stamp)
            yield outcome


def _across_records(groups: list[Group], totals: Totals) -> list[Finding]:
    """The findings across records (duplicates), each judged by its own file's
    configuration (rules, severities, per-file-ignores)."""
    entries = totals.shared_entries()
    if len(groups) == 1:
        return engine.finalize(entries, groups[0].config, totals.suppressions)
    out: list[Finding] = []
    for group in groups:
        own = set(group.files)
        out.extend(f for f in engine.finalize(entries, group.config, totals.suppressions)
                   if f.path in own)
    return out


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
    findings = outcome.result.findings
    if not findings or findings[0].code != "FM001":
        return False
    *parts, name = os.path.normpath(outcome.path).split(os.sep)
    if name.split(".")[0].upper() in _PAGE_NAMES:
        return True  # (a collection's README is copied as it is, not built as a record)
    return not any(part.startswith("_") for part in parts)


_PAGE_NAMES = {"README", "LICENSE", "CHANGELOG", "CONTRIBUTING", "CODE_OF_CONDUCT"}


def _check_stdin(options: Options, group: Group) -> Outcome:
    """Check the record read from standard input."""
    data = sys.stdin.buffer.read()
    path = options.stdin_filename or "-"
    gather_online(options, group.config, [(path, data)])
    outcome = check_data(data, path, group.config, _mode(options), keep_text=True)
    if outcome.text is None:
        try:
            outcome.text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            pass
    group.files.append(outcome.path)
    return outcome


def _add_ignores(findings: list[Finding]) -> int:
    from ..engine.addignore import add_ignores
    from ..site.files import WriteRefused, write_atomic

    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.path:
            by_path.setdefault(finding.path, []).append(finding)
    added = skipped = 0
    roots = list({os.path.dirname(p) or "." for p in by_path})
    disk = Workspace()
    for path, items in by_path.items():
        try:
            data = read_checked(path, roots, disk)[1]
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            skipped += len(items)
            continue
        bom = text.startswith("\ufeff")
        new_text, count, left = add_ignores(text.removeprefix("\ufeff"), items, path)
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
