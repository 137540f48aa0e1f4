"""The characters a URL must not hold as written (spaces and invisible characters, HTML
entities, characters never allowed, broken percent escapes): where each is, how a message
names it, and the repair, as ``Problem``s that list their places."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from urllib.parse import quote

from .problem import Problem
from .urlparts import (
    JOINERS,
    NAMED,
    NEVER_IN_URL,
    Place,
    UrlSpans,
)

_ENTITY_RE = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|amp|AMP|quot|QUOT|apos|lt|LT|gt|GT|nbsp);"
)
_BAD_PERCENT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")


_NEVER_IN_URL_RE = re.compile("[" + re.escape(NEVER_IN_URL) + "]")
_ASCII_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f]")
_ORDINARY_RE = re.compile(r"[!-~]+")  # visible ASCII: never whitespace nor a control


def char_class(ch: str) -> str | None:
    """'whitespace', 'control-char' or None for a character a URL must not contain literally."""
    if ch == " " or unicodedata.category(ch) == "Zs":
        return "whitespace"
    cat = unicodedata.category(ch)
    if cat == "Cc" or (cat == "Cf" and ch not in JOINERS) or cat in ("Zl", "Zp"):
        return "control-char"
    return None


def describe_run(run: str) -> str:
    """Name a run of invisible characters so a message can point at it."""
    names = {" ": "space", "\t": "tab", "\n": "line break", "\r": "carriage return"}
    kinds = [names.get(c, f"U+{ord(c):04X}") for c in dict.fromkeys(run)]
    if len(run) == 1:
        return ("a " if run in names else "the character ") + kinds[0]
    if len(kinds) == 1 and run[0] in names:
        return f"{len(run):,} {kinds[0]}s"
    shown = ", ".join(kinds[:NAMED]) + (", ..." if len(kinds) > NAMED else "")
    return f"{len(run):,} characters ({shown})"


def _listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _times(count: int) -> str:
    return "" if count == 1 else f" ({count:,} times)"


def context_of(url: str, start: int, end: int) -> str:
    """url[start:end] with up to 12 characters either side, to quote in a message."""
    left, right = max(0, start - 12), min(len(url), end + 12)
    return ("..." if left else "") + url[left:right] + ("..." if right < len(url) else "")


def url_problem(kind: str, msg: str, start: int, end: int, url: str,
             fixed_part: str | None = None, safe: bool = False) -> Problem:
    """A problem whose fix (if any) replaces url[start:end] with ``fixed_part``."""
    return problem_at(kind, msg, url, [(start, end, fixed_part)], safe)


def problem_at(kind: str, msg: str, url: str, places: list[Place], safe: bool = False,
              shown: tuple[int, int] | None = None) -> Problem:
    """One problem for every place in ``places`` (in order; all repaired or none), reported
    at ``shown`` or else at the first place."""
    start, end = shown or places[0][:2]
    repl = None if places[0][2] is None else apply_places(url, places)
    return Problem(kind, msg, start, end, repl, safe, tuple(places))


def apply_places(url: str, places: Iterable[Place]) -> str:
    """``url`` with each place (in order, none overlapping) replaced by its repair."""
    chunks: list[str] = []
    pos = 0
    for start, end, part in places:
        assert part is not None
        chunks += (url[pos:start], part)
        pos = end
    chunks.append(url[pos:])
    return "".join(chunks)


def _runs(url: str, c0: int, c1: int) -> Iterable[tuple[str, int, int]]:
    """Maximal runs of whitespace or control characters inside url[c0:c1]."""
    if url.isascii() and not _ASCII_INVISIBLE_RE.search(url, c0, c1):
        return  # the common case, without a look at every character
    i = c0
    while i < c1:
        ordinary = _ORDINARY_RE.match(url, i, c1)
        if ordinary:
            i = ordinary.end()
            continue
        kind = char_class(url[i])
        if kind is None:
            i += 1
            continue
        j = i + 1
        while j < c1 and char_class(url[j]) == kind:
            j += 1
        yield kind, i, j
        i = j


def char_problems(url: str, c0: int, c1: int, p: UrlSpans) -> list[Problem]:
    """Whitespace, control characters, HTML entities, stray characters and bad percent escapes
    in url[c0:c1]: one problem for each kind (and kind of repair), however often it occurs."""
    after_authority = max(p.scheme[1], p.authority[1], c0)
    return [*_invisible_problems(url, c0, c1, after_authority), *_entity_problems(url, c0, c1),
            *_bad_char_problems(url, c0, c1),
            *_bad_percent_problems(url, c0, c1, after_authority)]


def _invisible_problems(url: str, c0: int, c1: int, after_authority: int) -> list[Problem]:
    """Runs of whitespace and of control characters; repairable only after the host."""
    groups: dict[tuple[str, bool], list[Place]] = {}
    for kind, i, j in _runs(url, c0, c1):
        run = url[i:j]
        fix: str | None = None
        if i >= after_authority:
            if kind == "whitespace":
                fix = quote(run, safe="")
            elif all(c in "\t\n\r" or unicodedata.category(c) == "Cf" for c in run):
                fix = ""
        groups.setdefault((kind, fix is not None), []).append((i, j, fix))
    return [problem_at(kind, _invisible_message(url, places), url, places)
            for (kind, _), places in groups.items()]


def _invisible_message(url: str, places: list[Place]) -> str:
    i, j, _ = places[0]
    if len(places) == 1:
        return f"the URL contains {describe_run(url[i:j])}: '{context_of(url, i, j)}'"
    found = "".join(url[start:end] for start, end, _ in places)
    where = "" if len(found) == len(places) else f" in {len(places):,} places"
    return f"the URL contains {describe_run(found)}{where}, the first: '{context_of(url, i, j)}'"


def _entity_problems(url: str, c0: int, c1: int) -> list[Problem]:
    """HTML entities: decoded (safe) or, for one standing for a space or control, encoded."""
    import html

    groups: dict[bool, list[Place]] = {}
    for m in _ENTITY_RE.finditer(url, c0, c1):
        decoded = html.unescape(m.group())
        clean = char_class(decoded) is None and decoded != "\ufffd"
        groups.setdefault(clean, []).append(
            (m.start(), m.end(), decoded if clean else quote(decoded, safe="")))
    out = []
    for clean, places in groups.items():
        found = Counter(url[start:end] for start, end, _ in places)
        if len(places) == 1:
            name = next(iter(found))
            message = (f"the URL contains the HTML entity '{name}', which stands for "
                       f"'{html.unescape(name)}'")
        else:
            named = [f"'{name}' for '{html.unescape(name)}'{_times(count)}"
                     for name, count in itertools.islice(found.items(), NAMED)]
            more = f" and {len(found) - NAMED:,} more" if len(found) > NAMED else ""
            message = f"the URL contains {len(places):,} HTML entities: {', '.join(named)}{more}"
        out.append(problem_at("entity", message, url, places, clean))
    return out


def _bad_char_problems(url: str, c0: int, c1: int) -> list[Problem]:
    """Characters that never appear unencoded in a URL, such as '<' and '"'; no repair."""
    places: list[Place] = [(m.start(), m.end(), None)
                           for m in _NEVER_IN_URL_RE.finditer(url, c0, c1)]
    if not places:
        return []
    found = Counter(url[start] for start, _, _ in places)
    named = [f"'{ch}'{_times(found[ch])}" for ch in NEVER_IN_URL if ch in found]
    return [problem_at("bad-char", f"the URL contains {_listed(named)}, which cannot appear "
                      "in a URL unencoded", url, places)]


def _bad_percent_problems(url: str, c0: int, c1: int, after_authority: int
                          ) -> list[Problem]:
    """'%' signs that start no percent escape; after the host, each becomes '%25'."""
    groups: dict[bool, list[tuple[int, int]]] = {}
    for m in _BAD_PERCENT_RE.finditer(url, c0, c1):
        groups.setdefault(m.start() >= after_authority, []).append(
            (m.start(), min(m.start() + 3, c1)))
    out = []
    for fixable, spans in groups.items():
        shown = url[spans[0][0]:spans[0][1]]
        what = (f"'{shown}' is not a valid percent escape" if len(spans) == 1 else
                f"{len(spans):,} '%' signs do not start a valid percent escape, the first: "
                f"'{shown}'")
        places: list[Place] = [(i, i + 1, "%25" if fixable else None) for i, _ in spans]
        out.append(problem_at("bad-percent", f"{what} ('%' must be followed by two hex digits)",
                             url, places, shown=spans[0]))
    return out
