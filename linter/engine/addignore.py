"""Writing suppression comments for current findings (``fmlint check --add-ignore``)."""

from __future__ import annotations

import re

from ..reading.recordfile import locate, parse_front
from ..reading.source import LineIndex
from ..reading.yamldoc import Document
from ..rules.finding import Finding
from .suppress import block_lines

_EXISTING = re.compile(r"#\s*fmlint:\s*ignore\[([^\]]*)\]\s*$")
# Findings that leave no front matter to write a comment into.
UNSUPPRESSIBLE = frozenset({"FM001", "FM002", "FM003", "FM004", "FM006"})


def add_ignores(text: str, findings: list[Finding], path: str | None = None
                ) -> tuple[str, int, int]:
    """Add ``# fmlint: ignore[...]`` at the end of each finding's last line in the front matter
    (or anywhere in a YAML or TOML data file: ``path`` names its format).

    Findings on lines that cannot hold a comment (inside a multi-line value, outside the front
    matter) go into one ``# fmlint: ignore-file[...]`` line after the opening ``---``. The
    record must read the same afterwards; if it would not, everything goes into that line.
    Returns the new text, how many findings were suppressed, and how many could not be.
    """
    try:
        front = locate(text, path)
    except Exception:
        return text, 0, len(findings)
    if front.format in ("json", "jsonl"):  # (JSON holds no comments)
        return text, 0, len(findings)
    doc = parse_front(text, front)
    index = LineIndex(text)
    first_line = index.position(front.start)[0]
    last_line = index.position(front.end)[0] - 1 if front.end > front.start else first_line - 1
    blocked = _blocked_lines(doc, index)
    in_block = {line: first for first, last in block_lines(text, doc, index).items()
                for line in range(first + 1, last + 1)}
    per_line: dict[int, list[str]] = {}
    whole_file: list[str] = []
    skipped = 0
    for finding in findings:
        line = in_block.get(finding.end_line, finding.end_line)  # (a block: its first line)
        if finding.code in UNSUPPRESSIBLE:
            skipped += 1
        elif first_line <= line <= last_line and line not in blocked:
            per_line.setdefault(line, []).append(finding.code)
        else:
            whole_file.append(finding.code)
    suppressed = len(findings) - skipped
    new_text = _write(text, first_line, per_line, whole_file)
    if _same_record(doc, text, new_text, path):
        return new_text, suppressed, skipped
    # A comment landed where YAML reads it as part of a value: suppress file-wide instead.
    everything = [code for codes in per_line.values() for code in codes] + whole_file
    new_text = _write(text, first_line, {}, everything)
    if _same_record(doc, text, new_text, path):
        return new_text, suppressed, skipped
    return text, 0, len(findings)


def _blocked_lines(doc: Document, index: LineIndex) -> set[int]:
    """Lines where a comment would become part of a value: inside a quoted or plain scalar
    written over several lines (blocks: ``suppress.block_lines``)."""
    blocked: set[int] = set()
    for span in doc.spans.values():
        if span.style not in ("map", "seq", "|", ">"):
            start_line = index.position(span.start)[0]
            end_line = index.position(max(span.start, span.end - 1))[0]
            blocked.update(range(start_line, end_line))
    return blocked


def _write(text: str, first_line: int, per_line: dict[int, list[str]],
           whole_file: list[str]) -> str:
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
    return "".join(lines)


def _same_record(before: Document, text: str, new_text: str, path: str | None) -> bool:
    """Whether ``new_text`` holds the same record and body as ``text`` did."""
    try:
        old_front, new_front = locate(text, path), locate(new_text, path)
    except Exception:
        return False
    if text[old_front.end:] != new_text[new_front.end:]:
        return False
    after = parse_front(new_text, new_front)
    kinds = [problem.kind for problem in before.problems]
    return [problem.kind for problem in after.problems] == kinds and (
        repr(after.record) == repr(before.record))

