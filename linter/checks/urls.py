"""URL syntax: what is wrong with a URL string (RFC 3986 and the mistakes records make), its
repair, and the scheme a site wants.

Nothing here touches the network.
"""

from __future__ import annotations

import functools
import ipaddress
import re

from .problem import Problem
from .sites import host_to_ascii, psl
from .urlchars import (
    apply_places,
    char_class,
    char_problems,
    context_of,
    describe_run,
    problem_at,
    url_problem,
)
from .urlparts import (
    MAX_URL_LENGTH,
    SCHEME_RE,
    Place,
    UrlSpans,
    host_name_problem,
    host_port,
    shorten,
    split_url,
    too_long,
)

# Kinds that RFC 3986 syntax allows but that almost always mean a mistake in a record.
ADVISORY_KINDS = frozenset({"entity", "scheme-case", "doubled-scheme", "missing-scheme"})


_SCHEME_PREFIX_RE = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*):(//)?")
_WEB_SCHEMES = frozenset({"http", "https"})


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


def _authority_problems(url: str, a0: int, a1: int, scheme: str | None,
                        flagged: set[int]) -> list[Problem]:
    """Host and port problems in the authority url[a0:a1]."""
    h0, h1, p0, p1 = host_port(url, a0, a1)
    host, out = url[h0:h1], []
    if not host:
        if scheme in _NEEDS_HOST or scheme is None:
            fix = _host_fix(url[a1:]) if scheme in _NEEDS_HOST else None
            out.append(url_problem("no-host", "there is no host name after '//' in "
                                f"'{context_of(url, a0 - 2, a1)}'", a0 - 2, len(url), url,
                                None if fix is None else "//" + fix))
    elif not flagged.intersection(range(h0, h1)) and "%" not in host:
        why = _ip_literal_problem(host) if host.startswith("[") else host_name_problem(host)
        if why:
            out.append(url_problem("bad-host", why, h0, h1, url))
    port = url[p0:p1] if p0 >= 0 else ""
    if port and not flagged.intersection(range(p0, p1)):
        if not (port.isascii() and port.isdigit()):
            out.append(url_problem("bad-port", f"port '{shorten(port)}' is not a number", p0, p1,
                                url))
        elif len(port) > 5 or int(port) > 65535:
            out.append(url_problem("bad-port", f"port '{shorten(port)}' is larger than 65535", p0,
                                p1, url))
    return out


def _no_scheme_problems(url: str, c0: int, c1: int, absolute: bool) -> list[Problem]:
    """Problems of a reference without a scheme."""
    core = url[c0:c1]
    first = re.split(r"[/?#]", core, maxsplit=1)[0]
    if core.startswith("//"):
        if not absolute:
            return []
        return [url_problem("not-absolute", f"'{shorten(core)}' has no scheme; an absolute URL "
                         "starts with "
                         "'https:'", c0, c1, url, "https:" + core)]
    if absolute:
        fix = "https://" + core if _looks_like_domain(first.split(":")[0]) else None
        hint = f"; did you mean '{shorten(fix)}'?" if fix else ""
        return [url_problem("not-absolute", f"'{shorten(core)}' is not an absolute URL: it has no "
                         "scheme "
                         f"and host such as 'https://example.com/'{hint}", c0, c1, url, fix)]
    if first.lower().startswith("www.") and _looks_like_domain(first.split(":")[0]):
        return [url_problem("missing-scheme", f"'{shorten(core)}' starts with the host name "
                         f"'{shorten(first)}' but "
                         "has no 'https://', so it would be read as a relative path", c0, c1,
                         url, "https://" + core)]
    return []


def check_url_syntax(url: str, *, absolute: bool) -> list[Problem]:
    """Syntax problems of ``url``: an absolute URL if ``absolute``, else any URI reference."""
    return list(_check_url_syntax(url, absolute))


def url_syntax_ok(url: str, *, absolute: bool) -> bool:
    """Whether ``url`` is valid RFC 3986 syntax (advice beyond it, such as an entity or an
    upper-case scheme, does not count): the ``uri`` formats of the schema."""
    problems = _check_url_syntax(url, absolute)
    return not problems or all(p.kind in ADVISORY_KINDS for p in problems)  # (most: none)


def _check_url_syntax(url: str, absolute: bool) -> tuple[Problem, ...]:
    if too_long(url):
        return (Problem("too-long", f"the value is {len(url):,} characters long, too long "
                           f"to be read as a URL (at most {MAX_URL_LENGTH:,}); it was not "
                           "checked further", 0, len(url), None, False),)
    return _checked_url_syntax(url, absolute)


@functools.lru_cache(maxsize=512)
def _checked_url_syntax(url: str, absolute: bool) -> tuple[Problem, ...]:
    # Memoised: the schema's format check and the url-syntax rule ask about the same URLs.
    if len(url) <= 250 and "xn--" not in url and _CLEAN_URL_RE.fullmatch(url):
        return ()
    return tuple(_url_syntax(url, absolute=absolute))


def _around(url: str, c0: int, c1: int) -> Problem:
    """Whitespace or controls before url[c0:c1] and after it: trimmed by a safe fix."""
    places: list[Place] = [(0, c0, "")] if c0 > 0 else []
    said = [f"starts with {describe_run(url[:c0])}"] if c0 > 0 else []
    if c1 < len(url):
        places.append((c1, len(url), ""))
        said.append(f"ends with {describe_run(url[c1:])}")
    return problem_at("whitespace", f"the URL {' and '.join(said)}", url, places, True)


def _url_syntax(url: str, *, absolute: bool) -> list[Problem]:
    out: list[Problem] = []
    c0 = 0
    while c0 < len(url) and char_class(url[c0]):
        c0 += 1
    c1 = len(url)
    while c1 > c0 and char_class(url[c1 - 1]):
        c1 -= 1
    if c0 == c1:
        return [Problem("empty", "the URL is empty", 0, len(url), None, False)]
    if c0 > 0 or c1 < len(url):
        out.append(_around(url, c0, c1))
    p = split_url(url, c0, c1)
    scheme = url[p.scheme[0]:p.scheme[1]] if p.scheme[0] >= 0 else None
    if scheme is not None and "." in scheme and p.authority[0] < 0:
        p, scheme = UrlSpans((-1, -1), (-1, -1), (c0, c1), (-1, -1), (-1, -1)), None
    chars = char_problems(url, c0, c1, p)
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
            out.append(url_problem("bad-scheme", f"'{shorten(scheme)}:' is not a valid scheme "
                                "(letters, digits, '+', '-' and '.' only, starting with a letter)",
                                s0, s1, url))
        return sorted(out, key=lambda q: q.start)
    if scheme != low:
        out.append(url_problem("scheme-case", f"the scheme '{scheme}' should be lower-case",
                            s0, s1, url, low, True))
    rest = url[s1 + 1:c1]
    doubled = re.match(r"//+((?:https?|ftp):/*)", rest, re.IGNORECASE)
    if doubled:
        end = s1 + 1 + doubled.start(1)
        out.append(url_problem("doubled-scheme", "the URL has two schemes: "
                            f"'{shorten(url[c0:end])}' is followed by '{doubled.group(1)}'", c0,
                            end, url, ""))
    elif p.authority[0] >= 0:
        out += _authority_problems(url, *p.authority, low, flagged)
    elif low in _NEEDS_HOST or (absolute and low not in _HOSTLESS):
        fix = _host_fix(rest) if low in _NEEDS_HOST else None
        out.append(url_problem(
            "no-host", f"'{shorten(url[c0:c1])}' has no host: '{scheme}:' must be "
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


def repair_together(url: str, own: Problem, problems: list[Problem]) -> str:
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
    return apply_places(url, sorted(place for problem in chosen for place in problem.places))


def _covered(problem: Problem) -> set[int]:
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
