"""What a ``fmlint check`` run keeps of each file's outcome, and the report it writes."""

from __future__ import annotations

import contextlib
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from typing import NamedTuple, TextIO

from ..engine.suppress import Suppressions
from ..reading.source import DecodeError, decode
from ..rules.context import IndexEntry
from ..rules.finding import SEVERITY_RANK, Finding, Severity
from ..runner.batch import Outcome, with_sources
from ..runner.spill import SortedFindings, Spill
from ..site.files import read_whole
from ..version import __version__
from .options import Options

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
HUMAN_FORMATS = ("text", "concise")  # read by people: info findings counted, not listed


class Shown(NamedTuple):
    """What a report does with a file's findings by severity: those below ``least`` are left
    out (not counted either); those from ``least`` up to ``listed`` are counted per rule but
    not listed one by one; those of ``listed`` and above are listed."""

    least: Severity = "info"
    listed: Severity = "info"


EVERYTHING = Shown()


def shown(options: Options, min_severity: Severity | None) -> Shown:
    """The configuration's ``min-severity`` (or ``--min-severity``) for every format; without
    one, the text and concise formats count info findings instead of listing them (not for
    ``--add-ignore``, which suppresses them all)."""
    if min_severity is not None:
        return Shown(min_severity, min_severity)
    if options.output_format in HUMAN_FORMATS and not (options.statistics
                                                       or options.add_ignore):
        return Shown("info", "warning")
    return EVERYTHING


class Totals:
    """What a run keeps of each file's outcome: the findings the report lists (``Shown``)
    and the keys of the checks across records, on disk until the report (``Spill``); the
    counts of the findings it counts."""

    def __init__(self, shown: Callable[[str], Shown] = lambda _path: EVERYTHING,
                 least: Severity = "info") -> None:
        self.shown = shown
        self.least = least  # the least severity counted (in some file)
        self.spill = Spill()  # the findings listed, and the keys of checks across records
        self.paths: list[str] = []  # the files with findings listed
        self.across: list[Finding] = []  # the findings across records listed
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

    def add(self, outcome: Outcome, keep_text: bool = False) -> None:
        """Keep what the report needs of one file's outcome."""
        result = outcome.result
        path = outcome.path
        self.files += 1
        self.fixed += outcome.fixed
        self.no_schema += result.no_schema
        listed = self.take(path, result.findings)
        if listed:
            self.paths.append(path)
        self.spill.add(path, listed, result.entries)
        if result.suppressions is not None and result.suppressions.directives:
            self.suppressions[path] = result.suppressions
        if outcome.diff:
            self.diffs.append((path, outcome.diff))
        if keep_text:
            if outcome.text is not None:
                self.texts[path] = outcome.text
            self.fixed_texts[path] = outcome.fixed_text

    def take(self, path: str, findings: list[Finding]) -> list[Finding]:
        """Count a file's findings the report shows, and return those it lists."""
        shown = self.shown(path)
        if shown == EVERYTHING:
            self.tally(findings)
            return findings
        least, listed = SEVERITY_RANK[shown.least], SEVERITY_RANK[shown.listed]
        counted = [f for f in findings if SEVERITY_RANK[f.severity] >= least]
        self.tally(counted)
        out = []
        for finding in counted:
            if SEVERITY_RANK[finding.severity] >= listed:
                out.append(finding)
            else:
                self.collapsed[finding.code] += 1
        return out

    def add_across(self, findings: list[Finding]) -> None:
        """Keep the findings of the checks across records the report lists."""
        for finding in self.take_sources(findings):
            self.across += self.take(finding.path or "", [finding])

    def take_sources(self, findings: list[Finding]) -> list[Finding]:
        """The findings with their source lines, read from their files (or the text read
        from standard input)."""
        by_path: dict[str, list[Finding]] = {}
        for finding in findings:
            by_path.setdefault(finding.path or "", []).append(finding)
        out: list[Finding] = []
        for path, found in by_path.items():
            text = self.texts.get(path)
            if text is None:
                try:
                    text, _bom = decode(read_whole(path)[1])
                except (OSError, DecodeError):
                    out.extend(found)
                    continue
            out.extend(with_sources(found, text))
        return out

    def shared_entries(self) -> list[IndexEntry]:
        """The index entries whose key another file has too (only those can meet)."""
        return self.spill.shared_entries()

    def sorted_findings(self) -> SortedFindings:
        """The findings the report lists, in its order (by file, then place), read back
        from disk at each walk."""
        return SortedFindings(self.spill, self.paths, self.across,
                              self.found - sum(self.collapsed.values()))

    def close(self) -> None:
        """Drop what was kept on disk."""
        self.spill.close()

    @property
    def found(self) -> int:
        """The findings the report counts."""
        return sum(self.codes.values())

    @property
    def worst(self) -> int:
        """The highest severity rank found (-1: none)."""
        return max((SEVERITY_RANK[s] for s, n in self.severities.items() if n), default=-1)

    def tally(self, findings: Iterable[Finding]) -> None:
        """Count findings for the summary, the statistics and the exit status."""
        for finding in findings:
            self.codes[finding.code] += 1
            self.severities[finding.severity] += 1
            if finding.fix is not None:
                self.fixable[finding.code] += 1
                if finding.fix.applicability == "safe":
                    self.fixable_safe += 1
                else:
                    self.fixable_unsafe += 1


def write_report(options: Options, totals: Totals, no_schema_hint: bool = False) -> int:
    """Write the report; the exit status. ``no_schema_hint``: end the human formats saying
    how many records no schema described, and how to write schemas for them."""
    out = sys.stdout
    if options.stdin and (options.fix or options.fix_only) and not options.diff:
        # Standard input with --fix: the fixed text goes to stdout, the report to stderr.
        path = options.stdin_filename or "-"
        fixed_text = totals.fixed_texts.get(path)
        sys.stdout.write(fixed_text if fixed_text is not None else totals.texts.get(path, ""))
        out = sys.stderr
    if options.diff:
        return _write_diff(totals)
    if options.fix_only:
        fixed = totals.fixed
        if fixed:
            out.write(f"Fixed {fixed} problem{'s' if fixed != 1 else ''}.\n")
        return EXIT_CLEAN
    try:
        target = open(options.output_file, "w", encoding="utf-8") if (  # noqa: SIM115
            options.output_file) else None
    except OSError as err:
        return cannot_write(err, options.output_file)
    try:
        _write(options, totals, target or out, use_color(options, out), no_schema_hint)
        if target is not None:
            target.close()
    except BrokenPipeError:  # the reader stopped early (``| head``): the status still says
        pass  # what was found
    except OSError as err:
        return cannot_write(err, options.output_file)
    finally:
        if target is not None:
            with contextlib.suppress(OSError):
                target.close()
    return _status(options, totals)


def _write_diff(totals: Totals) -> int:
    """``--diff``: the changes --fix would make, and how many; the exit status."""
    sys.stdout.write("".join(diff for _path, diff in sorted(totals.diffs)))
    count, changed = totals.fixed, len(totals.diffs)
    if count:
        sys.stderr.write(f"Would fix {count} problem{'s' if count != 1 else ''} in "
                         f"{changed} file{'s' if changed != 1 else ''}.\n")
    return EXIT_FINDINGS if totals.diffs else EXIT_CLEAN


def _write(options: Options, totals: Totals, out: TextIO, color: bool,
           no_schema_hint: bool) -> None:
    """The report in the format asked for (or the statistics) to ``out``."""
    from ..output import Report, write
    from ..rules.registry import RULES

    if options.statistics:
        out.write(_statistics(totals, RULES))
        return
    report = Report(
        findings=totals.sorted_findings(),
        rules=RULES,
        files_checked=totals.files,
        color=color,
        fixes_applied=totals.fixed,
        fixable_safe=totals.fixable_safe,
        fixable_unsafe=totals.fixable_unsafe,
        severities=totals.severities,
        version=__version__,
        summary=not options.quiet,
        collapsed=totals.collapsed,
        least=totals.least,
        no_schema=totals.no_schema if no_schema_hint else 0,
    )
    write(options.output_format, report, out)


def _status(options: Options, totals: Totals) -> int:
    """The exit status of a run that found what ``totals`` counts."""
    if totals.codes["FM009"]:
        return EXIT_ERROR
    if options.exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if totals.worst >= SEVERITY_RANK["warning"] else EXIT_CLEAN


def cannot_write(err: OSError, output_file: str | None) -> int:
    """Say that the report could not be written (a full disk), and how the run ends."""
    where = f" to {output_file}" if output_file else ""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"fmlint: cannot write the report{where}: {err.strerror or err}\n")
    return EXIT_ERROR


def use_color(options: Options, out: TextIO) -> bool:
    """Whether the report is in colour (ANSI)."""
    return options.color == "always" or (
        options.color == "auto" and out.isatty() and not os.environ.get("NO_COLOR")
        and options.output_file is None)


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
