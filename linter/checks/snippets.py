"""What a message quotes of a text, and the changes a repair makes to it: the snippets
around the first change and the count of the others, for every text check."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

SNIPPET_WIDTH = 40
"""The most characters of context a message quotes around a problem."""


def _visible(text: str) -> str:
    """`text` with control, format and unusual space characters written as escapes."""
    if text.isprintable():
        return text  # (most snippets)
    out: list[str] = []
    for ch in text:
        if ch == " " or ch.isprintable():
            out.append(ch)
        elif ch in "\n\t\r":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}[ch])
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out)


def window(text: str, start: int, end: int, width: int = SNIPPET_WIDTH) -> tuple[int, int]:
    """Bounds of at most `width` characters around ``text[start:end]``, cut between words."""
    if end - start >= width:
        return start, start + width
    room = width - (end - start)
    before = min(start, room // 2)
    after = min(len(text) - end, room - before)
    before = min(start, room - after)
    lo, hi = start - before, end + after
    if lo > 0:
        space = text.find(" ", lo, start)
        if space != -1:
            lo = space + 1
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        if space != -1:
            hi = space
    return lo, hi


def quote(text: str, lo: int, hi: int) -> str:
    """``text[lo:hi]`` in curly quotes, with an ellipsis on each side that was cut."""
    head = "…" if lo > 0 else ""
    tail = "…" if hi < len(text) else ""
    return f"“{head}{_visible(text[lo:hi])}{tail}”"


Change = tuple[int, int, str]
"""Replace ``text[start:end]`` by the string."""

_KEPT_CHANGES = 128
"""How many of the first changes `apply_changes` keeps: enough for the text around the first one
(a snippet has at most `SNIPPET_WIDTH` characters), however many there are in all."""
_JOIN_EVERY = 4096
_MAX_ALIGNED_TOKENS = 2000
"""Texts with more words than this that a repair splits or joins are compared as one span:
aligning their words costs time that grows with the square of their number."""


def apply_changes(text: str, edits: Iterable[Change]) -> tuple[str, int, list[Change]]:
    """`text` with sorted, non-overlapping edits made; how many there were; the first few.

    The edits may come one at a time and the pieces are joined a few thousand at a time, so
    memory stays a small multiple of the text however many edits there are.
    """
    chunks: list[str] = []
    pieces: list[str] = []
    first: list[Change] = []
    count = pos = 0
    for edit in edits:
        start, end, content = edit
        if count < _KEPT_CHANGES:
            first.append(edit)
        count += 1
        pieces += (text[pos:start], content)
        pos = end
        if len(pieces) >= _JOIN_EVERY:
            chunks.append("".join(pieces))
            pieces.clear()
    pieces.append(text[pos:])
    chunks.append("".join(pieces))
    return "".join(chunks), count, first


def tally(edits: Iterable[Change]) -> tuple[int, list[Change]]:
    """How many edits there are, and the first few, without keeping the rest."""
    first: list[Change] = []
    count = 0
    for edit in edits:
        if count < _KEPT_CHANGES:
            first.append(edit)
        count += 1
    return count, first


def rewritten(text: str, lo: int, hi: int, edits: Sequence[Change]) -> str:
    """What ``text[lo:hi]`` becomes: the edits within it made, and one that reaches across
    either end made whole. `edits` must hold every edit that touches the span."""
    out: list[str] = []
    pos = lo
    for start, end, content in edits:
        if start >= hi:
            break
        if end < lo or (end == lo and start < end):
            continue
        if start > pos:
            out.append(text[pos:start])
        out.append(content)
        pos = max(pos, end)
    if pos < hi:
        out.append(text[pos:hi])
    return "".join(out)


def trimmed(old: str, new: str, i1: int, i2: int, j1: int, j2: int) -> list[Change]:
    """The edit that turns old ``[i1, i2)`` into new ``[j1, j2)``, less what they share at
    either end; none if they are the same."""
    head = 0
    while i1 + head < i2 and j1 + head < j2 and old[i1 + head] == new[j1 + head]:
        head += 1
    tail = 0
    while (
        i2 - tail > i1 + head and j2 - tail > j1 + head and old[i2 - tail - 1] == new[j2 - tail - 1]
    ):
        tail += 1
    if (i1 + head, j1 + head) == (i2 - tail, j2 - tail):
        return []
    return [(i1 + head, i2 - tail, new[j1 + head:j2 - tail])]


TOKEN_RE = re.compile(r"\s+|\S+")


def _token_count(text: str) -> int:
    return sum(1 for _ in TOKEN_RE.finditer(text))


def _offsets(tokens: list[str]) -> list[int]:
    """Where each token starts, and the total length last."""
    out = [0]
    for token in tokens:
        out.append(out[-1] + len(token))
    return out


def differences(old: str, new: str) -> Iterator[Change]:
    """The edits that turn `old` into `new`, found word by word, one at a time."""
    if _token_count(old) == _token_count(new):
        for a, b in zip(TOKEN_RE.finditer(old), TOKEN_RE.finditer(new), strict=True):
            if a.group() != b.group():
                yield from trimmed(old, new, a.start(), a.end(), b.start(), b.end())
        return
    old_tokens, new_tokens = TOKEN_RE.findall(old), TOKEN_RE.findall(new)
    if max(len(old_tokens), len(new_tokens)) > _MAX_ALIGNED_TOKENS:
        yield from trimmed(old, new, 0, len(old), 0, len(new))
        return
    import difflib  # (only a repair that adds or drops words needs it)

    old_at, new_at = _offsets(old_tokens), _offsets(new_tokens)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for tag, t1, t2, u1, u2 in matcher.get_opcodes():
        if tag != "equal":
            yield from trimmed(old, new, old_at[t1], old_at[t2], new_at[u1], new_at[u2])


def before_after(text: str, start: int, end: int, edits: Sequence[Change]) -> tuple[str, str]:
    """Quoted snippets of `text` around ``[start, end)`` and of what the edits make of it."""
    lo, hi = window(text, start, end)
    head = "…" if lo > 0 else ""
    tail = "…" if hi < len(text) else ""
    return quote(text, lo, hi), f"“{head}{_visible(rewritten(text, lo, hi, edits))}{tail}”"


def char_name(ch: str) -> str:
    """``U+200B ZERO WIDTH SPACE``."""
    name = unicodedata.name(ch, "")
    if not name and unicodedata.category(ch) == "Cc":
        name = _CONTROL_NAMES.get(ch, "control character")
    return f"U+{ord(ch):04X} {name}".rstrip()


_CONTROL_NAMES = {
    "\x00": "NULL",
    "\t": "CHARACTER TABULATION",
    "\n": "LINE FEED",
    "\x08": "BACKSPACE",
    "\x0b": "LINE TABULATION",
    "\x0c": "FORM FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
}


def places_note(count: int) -> str:
    return "" if count == 1 else f" ({count} places in all)"
