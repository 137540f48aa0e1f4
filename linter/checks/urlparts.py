"""A URL's parts and their spans, the rules of host names, and how much of a URL a message
quotes."""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import NamedTuple
from urllib.parse import unquote

Place = tuple[int, int, str | None]
"""(start, end, repair) of one place a problem is found at: the text that replaces
url[start:end], or None when there is no repair."""


_URI_RE = re.compile(r"(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?", re.DOTALL)
SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


DOTS_RE = re.compile(r"[.\u3002\uff0e\uff61]")
_ASCII_LABEL_RE = re.compile(r"[A-Za-z0-9_-]+")


JOINERS = "\u200c\u200d"  # valid inside some internationalized labels
NEVER_IN_URL = '"<>\\`'


MAX_URL_LENGTH = 16 * 1024
"""Longer values are not read as URLs (web servers refuse request lines over 8 KB)."""
MAX_HOST_LENGTH = 253  # characters of a host name in ASCII, as DNS allows
QUOTED = 60  # characters of a value a message quotes at most
NAMED = 6  # different characters or entities a message names at most


def shorten(text: str, width: int = QUOTED) -> str:
    """`text`, cut to `width` characters with an ellipsis if it is longer: for messages."""
    return text if len(text) <= width else text[:width - 1] + "…"


def too_long(url: str) -> bool:
    """Whether `url` is too long to be read as a URL (see MAX_URL_LENGTH)."""
    return len(url) > MAX_URL_LENGTH


class UrlSpans(NamedTuple):
    """(start, end) of each component of a URI reference; (-1, -1) when it is absent.

    The scheme span excludes ':', the authority excludes '//', the query excludes '?' and the
    fragment excludes '#'.
    """

    scheme: tuple[int, int]
    authority: tuple[int, int]
    path: tuple[int, int]
    query: tuple[int, int]
    fragment: tuple[int, int]


@functools.lru_cache(maxsize=1024)  # the rules of one record split the same URLs again
def split_url(s: str, start: int = 0, end: int | None = None) -> UrlSpans:
    """Component offsets of the URI reference s[start:end] (RFC 3986, appendix B)."""
    m = _URI_RE.fullmatch(s, start, len(s) if end is None else end)
    assert m is not None  # the pattern matches every string
    return UrlSpans(m.span(1), m.span(2), m.span(3), m.span(4), m.span(5))


def host_port(s: str, a0: int, a1: int) -> tuple[int, int, int, int]:
    """Host and port spans inside the authority s[a0:a1]; port span is (-1, -1) if absent."""
    at = s.rfind("@", a0, a1)
    h0 = a0 if at < 0 else at + 1
    if s.startswith("[", h0):
        close = s.find("]", h0, a1)
        h1 = a1 if close < 0 else close + 1
    else:
        colon = s.rfind(":", h0, a1)
        h1 = a1 if colon < 0 else colon
    if h1 < a1 and s[h1] == ":":
        return h0, h1, h1 + 1, a1
    return h0, h1, -1, -1


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def host_name_problem(host: str) -> str | None:
    """Why ``host`` (no port, no brackets) is not a valid host name or IPv4 address, or None."""
    host = unquote(host)
    if host.endswith(".") and len(host) > 1:
        host = host[:-1]
    labels = DOTS_RE.split(host)
    if any(not label for label in labels):
        return (f"host '{shorten(host)}' has an empty label (two dots in a row, or a dot at "
                "the start)")
    if _is_number(labels[-1]):
        if len(labels) == 4 and all(_is_number(label) for label in labels):
            try:
                ipaddress.IPv4Address(host)
            except ValueError:
                return f"'{shorten(host)}' is not a valid IPv4 address"
            return None
        return f"host '{shorten(host)}' ends in a number but is not an IPv4 address"
    ascii_len = 0
    for label in labels:
        if len(label) > (63 if label.isascii() else 4 * 63):  # (too long in any form)
            return f"host label '{label[:20]}...' is {len(label):,} characters long (at most 63)"
        if label.isascii():
            bad = _ASCII_LABEL_RE.sub("", label)
            if bad:
                return f"host label '{label}' contains '{bad[0]}', which a host name cannot have"
            if label.startswith("-") or label.endswith("-"):
                return f"host label '{label}' starts or ends with a hyphen"
            if label[:4].lower() == "xn--":
                import idna  # (imported for internationalized names only)

                try:
                    idna.decode(label)
                except idna.IDNAError as err:
                    return f"host label '{label}' is not a valid internationalized label: {err}"
            ascii_len += len(label) + 1
        else:
            import idna

            try:
                ascii_len += len(idna.encode(label, uts46=True)) + 1
            except idna.IDNAError as err:
                return f"host label '{label}' is not a valid internationalized label: {err}"
        if ascii_len - 1 > MAX_HOST_LENGTH:
            break  # (the labels after it need not be read)
    if ascii_len - 1 > MAX_HOST_LENGTH:
        return f"host '{host[:30]}...' is longer than {MAX_HOST_LENGTH} characters"
    return None
