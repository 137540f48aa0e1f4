"""The closing lines of the human-readable formats: counts, fixes and what --fix would do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.output.ansi import BOLD, CYAN, paint

if TYPE_CHECKING:
    from linter.output import Report


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 file`, `2 files`; `plural_form` for irregular words."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def summary_lines(report: Report) -> list[str]:
    """The summary: what was fixed, what was found, and what a --fix run would repair."""
    if not report.summary:
        return []
    color = report.color
    lines: list[str] = []
    if report.fixes_applied:
        lines.append(f"Fixed {plural(report.fixes_applied, 'problem')}.")
    files = plural(report.files_checked, "file")
    findings = report.findings
    if not findings:
        lines.append(paint(color, BOLD, "All checks passed!") + f" ({files})")
        return lines
    counts = {severity: 0 for severity in ("error", "warning", "info")}
    if report.severities is not None:
        counts.update(report.severities)
    else:
        for finding in findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
    breakdown = ", ".join(
        (
            plural(counts["error"], "error"),
            plural(counts["warning"], "warning"),
            plural(counts["info"], "info", "info"),
        )
    )
    lines.append(
        paint(color, BOLD, f"Found {plural(len(findings), 'problem')}")
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
