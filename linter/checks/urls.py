"""URL syntax: what is wrong with a URL string (RFC 3986 and the mistakes records make), its
repair, and the scheme a site wants.

Nothing here touches the network.
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from .problem import Problem

if TYPE_CHECKING:
    pass
from .sites import host_to_ascii, psl
from .urlparts import (
    JOINERS,
    MAX_URL_LENGTH,
    NAMED,
    NEVER_IN_URL,
    SCHEME_RE,
    Place,
    UrlSpans,
    host_name_problem,
    host_port,
    shorten,
    split_url,
    too_long,
)


@dataclass(frozen=True, slots=True)
class UrlProblem(Problem):
    """One kind of thing wrong with a URL string, found in one place or several.

    Offsets are 0-based character offsets, end exclusive; ``start`` and ``end`` are those of
    the first place. ``replacement`` repairs every place at once; ``places`` lists them.
    """

    places: tuple[Place, ...] = ()


# Kinds that RFC 3986 syntax allows but that almost always mean a mistake in a record.
ADVISORY_KINDS = frozenset({"entity", "scheme-case", "doubled-scheme", "missing-scheme"})


_SCHEME_PREFIX_RE = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*):(//)?")
_WEB_SCHEMES = frozenset({"http", "https"})
_ENTITY_RE = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|amp|AMP|quot|QUOT|apos|lt|LT|gt|GT|nbsp);"
)
_BAD_PERCENT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")
# An http(s) URL with nothing the checks below could object to: a lower-case host name of
# valid labels (no port, no user), then only characters a URL may hold, valid percent escapes
# and no HTML entity. Most URLs are like this; they skip the checks.
_CLEAN_URL_RE = re.compile(
    r"https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?:[/?#](?:[A-Za-z0-9\-._~!$'()*+,;=:@/?#]|%[0-9A-Fa-f]{2}"
    r"|&(?!#|amp;|AMP;|quot;|QUOT;|apos;|lt;|LT;|gt;|GT;|nbsp;))*)?"
)


_NEEDS_HOST = frozenset({"http", "https", "ftp", "ws", "wss"})
_HOSTLESS = frozenset({"mailto", "tel", "urn", "data", "sms", "geo", "magnet", "news"})


_NEVER_IN_URL_RE = re.compile("[" + re.escape(NEVER_IN_URL) + "]")
_ASCII_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f]")
_ORDINARY_RE = re.compile(r"[!-~]+")  # visible ASCII: never whitespace nor a control


def _char_class(ch: str) -> str | None:
    """'whitespace', 'control-char' or None for a character a URL must not contain literally."""
    if ch == " " or unicodedata.category(ch) == "Zs":
        return "whitespace"
    cat = unicodedata.category(ch)
    if cat == "Cc" or (cat == "Cf" and ch not in JOINERS) or cat in ("Zl", "Zp"):
        return "control-char"
    return None


def _describe(run: str) -> str:
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


def _context(url: str, start: int, end: int) -> str:
    """url[start:end] with up to 12 characters either side, to quote in a message."""
    left, right = max(0, start - 12), min(len(url), end + 12)
    return ("..." if left else "") + url[left:right] + ("..." if right < len(url) else "")


def _ip_literal_problem(host: str) -> str | None:
    """Why the bracketed ``host`` is not a valid IP literal, or None."""
    if not host.endswith("]"):
        return f"IP literal '{shorten(host)}' has no closing ']'"
    inner = host[1:-1]
    if inner[:1] in "vV":
        return None if re.fullmatch(r"[vV][0-9A-Fa-f]+\.[\w.~!$&'()*+,;=:-]+", inner) else (
            f"'{shorten(host)}' is not a valid IP literal")
    try:
        ipaddress.IPv6Address(inner.replace("%25", "%"))
    except ValueError:
        return f"'{shorten(host)}' is not a valid IPv6 address"
    return None


def _looks_like_domain(text: str) -> bool:
    """True when ``text`` is a valid host name under a known public suffix (e.g. 'bbc.com')."""
    if "." not in text.strip(".") or host_name_problem(text) is not None:
        return False
    ascii_host = host_to_ascii(text)
    if ascii_host is None or ascii_host.replace(".", "").isdigit():
        return False
    return psl().publicsuffix(ascii_host, accept_unknown=False) is not None


def _host_fix(rest: str) -> str | None:
    """``rest`` without leading slashes if it then starts with a domain name, else None."""
    rest = rest.lstrip("/")
    return rest if _looks_like_domain(re.split(r"[/?#:]", rest, maxsplit=1)[0]) else None


def _problem(kind: str, msg: str, start: int, end: int, url: str,
             fixed_part: str | None = None, safe: bool = False) -> UrlProblem:
    """A problem whose fix (if any) replaces url[start:end] with ``fixed_part``."""
    return _together(kind, msg, url, [(start, end, fixed_part)], safe)


def _together(kind: str, msg: str, url: str, places: list[Place], safe: bool = False,
              shown: tuple[int, int] | None = None) -> UrlProblem:
    """One problem for every place in ``places`` (in order; all repaired or none), reported
    at ``shown`` or else at the first place."""
    start, end = shown or places[0][:2]
    repl = None if places[0][2] is None else _apply(url, places)
    return UrlProblem(kind, msg, start, end, repl, safe, tuple(places))


def _apply(url: str, places: Iterable[Place]) -> str:
    """``url`` with each place (in order, none overlapping) replaced by its repair."""
    chunks, pos = [], 0
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
        kind = _char_class(url[i])
        if kind is None:
            i += 1
            continue
        j = i + 1
        while j < c1 and _char_class(url[j]) == kind:
            j += 1
        yield kind, i, j
        i = j


def _char_problems(url: str, c0: int, c1: int, p: UrlSpans) -> list[UrlProblem]:
    """Whitespace, control characters, HTML entities, stray characters and bad percent escapes
    in url[c0:c1]: one problem for each kind (and kind of repair), however often it occurs."""
    after_authority = max(p.scheme[1], p.authority[1], c0)
    return [*_invisible_problems(url, c0, c1, after_authority), *_entity_problems(url, c0, c1),
            *_bad_char_problems(url, c0, c1),
            *_bad_percent_problems(url, c0, c1, after_authority)]


def _invisible_problems(url: str, c0: int, c1: int, after_authority: int) -> list[UrlProblem]:
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
    return [_together(kind, _invisible_message(url, places), url, places)
            for (kind, _), places in groups.items()]


def _invisible_message(url: str, places: list[Place]) -> str:
    i, j, _ = places[0]
    if len(places) == 1:
        return f"the URL contains {_describe(url[i:j])}: '{_context(url, i, j)}'"
    found = "".join(url[start:end] for start, end, _ in places)
    where = "" if len(found) == len(places) else f" in {len(places):,} places"
    return f"the URL contains {_describe(found)}{where}, the first: '{_context(url, i, j)}'"


def _entity_problems(url: str, c0: int, c1: int) -> list[UrlProblem]:
    """HTML entities: decoded (safe) or, for one standing for a space or control, encoded."""
    import html

    groups: dict[bool, list[Place]] = {}
    for m in _ENTITY_RE.finditer(url, c0, c1):
        decoded = html.unescape(m.group())
        clean = _char_class(decoded) is None and decoded != "\ufffd"
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
        out.append(_together("entity", message, url, places, clean))
    return out


def _bad_char_problems(url: str, c0: int, c1: int) -> list[UrlProblem]:
    """Characters that never appear unencoded in a URL, such as '<' and '"'; no repair."""
    places: list[Place] = [(m.start(), m.end(), None)
                           for m in _NEVER_IN_URL_RE.finditer(url, c0, c1)]
    if not places:
        return []
    found = Counter(url[start] for start, _, _ in places)
    named = [f"'{ch}'{_times(found[ch])}" for ch in NEVER_IN_URL if ch in found]
    return [_together("bad-char", f"the URL contains {_listed(named)}, which cannot appear "
                      "in a URL unencoded", url, places)]


def _bad_percent_problems(url: str, c0: int, c1: int, after_authority: int
                          ) -> list[UrlProblem]:
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
        out.append(_together("bad-percent", f"{what} ('%' must be followed by two hex digits)",
                             url, places, shown=spans[0]))
    return out


def _authority_problems(url: str, a0: int, a1: int, scheme: str | None,
                        flagged: set[int]) -> list[UrlProblem]:
    """Host and port problems in the authority url[a0:a1]."""
    h0, h1, p0, p1 = host_port(url, a0, a1)
    host, out = url[h0:h1], []
    if not host:
        if scheme in _NEEDS_HOST or scheme is None:
            fix = _host_fix(url[a1:]) if scheme in _NEEDS_HOST else None
            out.append(_problem("no-host", "there is no host name after '//' in "
                                f"'{_context(url, a0 - 2, a1)}'", a0 - 2, len(url), url,
                                None if fix is None else "//" + fix))
    elif not flagged.intersection(range(h0, h1)) and "%" not in host:
        why = _ip_literal_problem(host) if host.startswith("[") else host_name_problem(host)
        if why:
            out.append(_problem("bad-host", why, h0, h1, url))
    port = url[p0:p1] if p0 >= 0 else ""
    if port and not flagged.intersection(range(p0, p1)):
        if not (port.isascii() and port.isdigit()):
            out.append(_problem("bad-port", f"port '{shorten(port)}' is not a number", p0, p1,
                                url))
        elif len(port) > 5 or int(port) > 65535:
            out.append(_problem("bad-port", f"port '{shorten(port)}' is larger than 65535", p0,
                                p1, url))
    return out


def _no_scheme_problems(url: str, c0: int, c1: int, absolute: bool) -> list[UrlProblem]:
    """Problems of a reference without a scheme."""
    core = url[c0:c1]
    first = re.split(r"[/?#]", core, maxsplit=1)[0]
    if core.startswith("//"):
        if not absolute:
            return []
        return [_problem("not-absolute", f"'{shorten(core)}' has no scheme; an absolute URL "
                         "starts with "
                         "'https:'", c0, c1, url, "https:" + core)]
    if absolute:
        fix = "https://" + core if _looks_like_domain(first.split(":")[0]) else None
        hint = f"; did you mean '{shorten(fix)}'?" if fix else ""
        return [_problem("not-absolute", f"'{shorten(core)}' is not an absolute URL: it has no "
                         "scheme "
                         f"and host such as 'https://example.com/'{hint}", c0, c1, url, fix)]
    if first.lower().startswith("www.") and _looks_like_domain(first.split(":")[0]):
        return [_problem("missing-scheme", f"'{shorten(core)}' starts with the host name "
                         f"'{shorten(first)}' but "
                         "has no 'https://', so it would be read as a relative path", c0, c1,
                         url, "https://" + core)]
    return []


def check_url_syntax(url: str, *, absolute: bool) -> list[UrlProblem]:
    """Syntax problems of ``url``: an absolute URL if ``absolute``, else any URI reference."""
    return list(_check_url_syntax(url, absolute))


def url_syntax_ok(url: str, *, absolute: bool) -> bool:
    """Whether ``url`` is valid RFC 3986 syntax (advice beyond it, such as an entity or an
    upper-case scheme, does not count): the ``uri`` formats of the schema."""
    problems = _check_url_syntax(url, absolute)
    return not problems or all(p.kind in ADVISORY_KINDS for p in problems)  # (most: none)


def _check_url_syntax(url: str, absolute: bool) -> tuple[UrlProblem, ...]:
    if too_long(url):
        return (UrlProblem("too-long", f"the value is {len(url):,} characters long, too long "
                           f"to be read as a URL (at most {MAX_URL_LENGTH:,}); it was not "
                           "checked further", 0, len(url), None, False),)
    return _checked_url_syntax(url, absolute)


@functools.lru_cache(maxsize=512)
def _checked_url_syntax(url: str, absolute: bool) -> tuple[UrlProblem, ...]:
    # Memoised: the schema's format check and the url-syntax rule ask about the same URLs.
    if len(url) <= 250 and "xn--" not in url and _CLEAN_URL_RE.fullmatch(url):
        return ()
    return tuple(_url_syntax(url, absolute=absolute))


def _around(url: str, c0: int, c1: int) -> UrlProblem:
    """Whitespace or controls before url[c0:c1] and after it: trimmed by a safe fix."""
    places: list[Place] = [(0, c0, "")] if c0 > 0 else []
    said = [f"starts with {_describe(url[:c0])}"] if c0 > 0 else []
    if c1 < len(url):
        places.append((c1, len(url), ""))
        said.append(f"ends with {_describe(url[c1:])}")
    return _together("whitespace", f"the URL {' and '.join(said)}", url, places, True)


def _url_syntax(url: str, *, absolute: bool) -> list[UrlProblem]:
    out: list[UrlProblem] = []
    c0 = 0
    while c0 < len(url) and _char_class(url[c0]):
        c0 += 1
    c1 = len(url)
    while c1 > c0 and _char_class(url[c1 - 1]):
        c1 -= 1
    if c0 == c1:
        return [UrlProblem("empty", "the URL is empty", 0, len(url), None, False)]
    if c0 > 0 or c1 < len(url):
        out.append(_around(url, c0, c1))
    p = split_url(url, c0, c1)
    scheme = url[p.scheme[0]:p.scheme[1]] if p.scheme[0] >= 0 else None
    if scheme is not None and "." in scheme and p.authority[0] < 0:
        p, scheme = UrlSpans((-1, -1), (-1, -1), (c0, c1), (-1, -1), (-1, -1)), None
    chars = _char_problems(url, c0, c1, p)
    out += chars
    flagged = {i for q in chars for start, end, _ in q.places for i in range(start, end)}
    if scheme is None:
        out += _no_scheme_problems(url, c0, c1, absolute)
        if p.authority[0] >= 0:
            out += _authority_problems(url, *p.authority, None, flagged)
        return sorted(out, key=lambda q: q.start)
    s0, s1 = p.scheme
    low = scheme.lower()
    if not SCHEME_RE.fullmatch(scheme):
        if not flagged.intersection(range(s0, s1)):
            out.append(_problem("bad-scheme", f"'{shorten(scheme)}:' is not a valid scheme "
                                "(letters, digits, '+', '-' and '.' only, starting with a letter)",
                                s0, s1, url))
        return sorted(out, key=lambda q: q.start)
    if scheme != low:
        out.append(_problem("scheme-case", f"the scheme '{scheme}' should be lower-case",
                            s0, s1, url, low, True))
    rest = url[s1 + 1:c1]
    doubled = re.match(r"//+((?:https?|ftp):/*)", rest, re.IGNORECASE)
    if doubled:
        end = s1 + 1 + doubled.start(1)
        out.append(_problem("doubled-scheme", "the URL has two schemes: "
                            f"'{shorten(url[c0:end])}' is followed by '{doubled.group(1)}'", c0,
                            end, url, ""))
    elif p.authority[0] >= 0:
        out += _authority_problems(url, *p.authority, low, flagged)
    elif low in _NEEDS_HOST or (absolute and low not in _HOSTLESS):
        fix = _host_fix(rest) if low in _NEEDS_HOST else None
        out.append(_problem("no-host", f"'{shorten(url[c0:c1])}' has no host: '{scheme}:' must be "
                            "followed by '//' and a host name", s1 + 1, c1, url,
                            None if fix is None else "//" + fix))
    return sorted(out, key=lambda q: q.start)


def fix_url(url: str, *, absolute: bool, unsafe: bool = False) -> str:
    """``url`` with every safe fix (and every unsafe one too if ``unsafe``) applied, in passes
    as ``fmlint check --fix`` makes them."""
    for _ in range(64):
        usable = [p for p in check_url_syntax(url, absolute=absolute)
                  if p.replacement is not None and (p.safe or unsafe)]
        if not usable:
            break
        url = repair_together(url, usable[0], usable)
    return url


def repair_together(url: str, own: UrlProblem, problems: list[UrlProblem]) -> str:
    """``url`` with ``own``'s repair and every other one as safe that does not overlap it.

    Each problem's replacement is the whole URL with its own places repaired; a URL with a
    space and an entity would otherwise take two fix passes.
    """
    chosen, taken = [own], _covered(own)
    for other in sorted(problems, key=lambda p: p.start):
        if other is own or other.replacement is None or (own.safe and not other.safe):
            continue
        covered = _covered(other)
        if taken.isdisjoint(covered):
            chosen.append(other)
            taken |= covered
    return _apply(url, sorted(place for problem in chosen for place in problem.places))


def _covered(problem: UrlProblem) -> set[int]:
    """Offsets of the characters ``problem``'s places cover (an empty place, its offset)."""
    return {i for start, end, _ in problem.places for i in range(start, max(end, start + 1))}


def scheme_problem(
    url: str, *, allowed: frozenset[str] = _WEB_SCHEMES
) -> tuple[str, str | None] | None:
    """(message, https replacement or None) if the scheme is http or not allowed, else None
    (and for a value too long to be a URL)."""
    if too_long(url):
        return None
    if url.startswith("https://") and allowed is _WEB_SCHEMES:
        return None  # (most URLs)
    m = _SCHEME_PREFIX_RE.match(url)
    if m is None or ("." in m.group(1) and not m.group(2)):  # 'www.bbc.com:8080' has no scheme
        return None
    scheme = m.group(1).lower()
    allowed = frozenset(a.lower() for a in allowed)
    if scheme == "http" and "https" in allowed:
        fixed = url[:m.start(1)] + "https" + url[m.end(1):]
        return f"'{m.group(1)}:' is not secure; use 'https:'", fixed
    if scheme not in allowed:
        names = ", ".join(f"'{a}'" for a in sorted(allowed))
        return (f"the scheme '{shorten(m.group(1))}:' is not allowed here (allowed: {names})",
                None)
    return None
