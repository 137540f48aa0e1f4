"""Writing suppression comments for current findings (``fmlint check --add-ignore``)."""

from __future__ import annotations

import re

from .finding import Finding
from .source import LineIndex, split
from .yamldoc import parse

_EXISTING = re.compile(r"#\s*fmlint:\s*ignore\[([^\]]*)\]\s*$")


def add_ignores(text: str, findings: list[Finding]) -> tuple[str, int, int]:
    """Add ``# fmlint: ignore[...]`` at the end of each finding's last line in the front matter.

    Findings on lines that cannot hold a comment (inside a block scalar, outside the front
    matter) go into one ``# fmlint: ignore-file[...]`` line after the opening ``---``.
    Returns the new text, how many findings were suppressed, and how many could not be.
    """
    try:
        front = split(text)
    except Exception:
        return text, 0, len(findings)
    index = LineIndex(text)
    first_line = index.position(front.start)[0]
    last_line = index.position(front.end)[0] - 1 if front.end > front.start else first_line - 1
    blocked: set[int] = set()
    for span in parse(text[front.start:front.end], front.start).spans.values():
        if span.style in ("|", ">"):
            start_line = index.position(span.start)[0]
            blocked.update(range(start_line + 1, index.position(span.end)[0] + 1))
    per_line: dict[int, list[str]] = {}
    whole_file: list[str] = []
    skipped = 0
    for finding in findings:
        line = finding.end_line
        if finding.code in ("FM001", "FM002", "FM003", "FM004", "FM006"):
            skipped += 1
        elif first_line <= line <= last_line and line not in blocked and _can_comment(
                index.line_text(line)):
            per_line.setdefault(line, []).append(finding.code)
        else:
            whole_file.append(finding.code)
    lines = text.splitlines(keepends=True)
    for line, codes in per_line.items():
        body = lines[line - 1]
        ending = body[len(body.rstrip("\r\n")):]
        content = body[: len(body) - len(ending)]
        existing = _EXISTING.search(content)
        if existing:
            merged = [c.strip() for c in existing.group(1).split(",") if c.strip()]
            merged += [c for c in dict.fromkeys(codes) if c not in merged]
            content = content[: existing.start()] + f"# fmlint: ignore[{', '.join(merged)}]"
        else:
            content += f"  # fmlint: ignore[{', '.join(dict.fromkeys(codes))}]"
        lines[line - 1] = content + ending
    if whole_file:
        ending = "\r\n" if "\r\n" in lines[0] else "\n"
        lines.insert(first_line - 1,
                     f"# fmlint: ignore-file[{', '.join(dict.fromkeys(whole_file))}]{ending}")
    return "".join(lines), len(findings) - skipped, skipped


def _can_comment(line: str) -> bool:
    """A line ending in a block-scalar indicator or inside one cannot take a comment safely."""
    stripped = line.rstrip()
    return not re.search(r"[|>][-+0-9]*$", stripped)

