"""The closing lines of the human-readable formats: the findings counted but not listed,
counts, fixes, what --fix would do, and what to do about records without a schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..rules.finding import SEVERITIES, SEVERITY_RANK
from .ansi import BOLD, CYAN, SEVERITY_COLORS, paint

if TYPE_CHECKING:
    from . import Report

# How to see the findings of a rule that are counted but not listed.
LIST_THEM = "--min-severity info lists them"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 file`, `2 files`; `plural_form` for irregular words."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def summary_lines(report: Report) -> list[str]:
    """The closing lines (none with ``summary`` off): the rules whose findings were counted
    but not listed, what was fixed, what was found, what a --fix run would repair, and the
    records no schema described."""
    if not report.summary:
        return []
    lines = collapsed_lines(report)
    lines += _counts(report)
    if report.no_schema:
        lines.append(no_schema_line(report.no_schema))
    return lines


def collapsed_lines(report: Report) -> list[str]:
    """One line per rule whose findings were counted but not listed, most first:
    `   537 FM105 whitespace (info): --min-severity info lists them`."""
    out = []
    for code, count in sorted(report.collapsed.items(), key=lambda item: (-item[1], item[0])):
        if not count:
            continue
        rule = report.rules.get(code)
        name = f" {rule.name}" if rule else ""
        painted = paint(report.color, BOLD + SEVERITY_COLORS["info"], code)
        out.append(f"{count:>7} {painted}{name} (info): not listed; {LIST_THEM}")
    return out


def no_schema_line(count: int) -> str:
    """Says how many records no schema described, and which command writes schemas."""
    had = "record had" if count == 1 else "records had"
    return (f"{count} {had} no schema, so only the lint rules checked them; "
            "`fmlint init` writes schemas for this site.")


def _counts(report: Report) -> list[str]:
    """What was fixed, what was found, and what a --fix run would repair."""
    color = report.color
    lines: list[str] = []
    if report.fixes_applied:
        lines.append(f"Fixed {plural(report.fixes_applied, 'problem')}.")
    files = plural(report.files_checked, "file")
    counts: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    if report.severities is not None:
        counts.update(report.severities)
    else:
        for finding in report.findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
    total = sum(counts.values())
    if not total:
        lines.append(paint(color, BOLD, "All checks passed!") + f" ({files})")
        return lines
    words = {"error": ("error", None), "warning": ("warning", None), "info": ("info", "info")}
    breakdown = ", ".join(plural(counts[severity], *words[severity]) for severity in SEVERITIES
                          if SEVERITY_RANK[severity] >= SEVERITY_RANK[report.least])
    lines.append(
        paint(color, BOLD, f"Found {plural(total, 'problem')}")
        + f" ({breakdown}) in {files}."
    )
    safe, unsafe = report.fixable_safe, report.fixable_unsafe
    if safe:
        more = f" ({unsafe} more with --unsafe-fixes)" if unsafe else ""
        lines.append(
            f"{paint(color, CYAN, '[*]')} {safe} fixable with `fmlint check --fix`{more}."
        )
    elif unsafe:
        lines.append(
            f"No safe fixes available ({unsafe} fixable with "
            "`fmlint check --fix --unsafe-fixes`)."
        )
    return lines
