"""The Google AMP Cache URL of an AMP page, computed from the page URL alone.

The cache serves a page from a subdomain derived from the page's host: the host in Unicode has
every '-' doubled and every '.' turned into '-', then goes back to punycode. A host that cannot
be written that way (longer than 63 characters, no dot, left-to-right mixed with right-to-left
letters, hyphens in the 3rd and 4th places) gets the base32 SHA-256 of its ASCII form instead.
"""

from __future__ import annotations

import base64
import re

from .sites import DEFAULT_PORTS, absolute_url, host_to_ascii
from .urlparts import host_name_problem

_LTR = ("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02b8\u0300-\u0590\u0800-\u1fff"
        "\u200e\u2c00-\ufb1c\ufe00-\ufe6f\ufefd-\uffff]")
_RTL = "[\u0591-\u06ef\u06fa-\u07ff\u200f\ufb1d-\ufdff\ufe70-\ufefc]"


def _mixed_direction(host: str) -> bool:
    """Left-to-right and right-to-left letters in one host (ASCII hosts never are)."""
    return not host.isascii() and bool(re.search(_LTR, host) and re.search(_RTL, host))


_MAX_LABEL = 63


def _to_unicode(ascii_host: str) -> str | None:
    """Decode every 'xn--' label with plain punycode, as the cache does."""
    labels = []
    for label in ascii_host.split("."):
        if label.startswith("xn--"):
            try:
                label = label[4:].encode("ascii").decode("punycode")
            except UnicodeError:
                return None
        labels.append(label)
    return ".".join(labels)


def _punycode_label(label: str) -> str:
    """A single label in ASCII: 'xn--' plus punycode when it has non-ASCII letters."""
    if label.isascii():
        return label
    return "xn--" + label.encode("punycode").decode("ascii")


def _hyphen34(text: str) -> bool:
    """True when text has '--' in the 3rd and 4th places and is not an 'xn--' label."""
    return text[2:4] == "--" and text[:2] != "xn"


def _fallback(ascii_host: str) -> str:
    import hashlib

    digest = hashlib.sha256(ascii_host.encode("ascii")).digest()
    return base64.b32encode(digest).decode("ascii").lower().rstrip("=")


def amp_cache_subdomain(host: str) -> str | None:
    """The cache subdomain for ``host`` ('www.bbc.com' -> 'www-bbc-com'), or None if invalid."""
    ascii_host = host_to_ascii(host)
    if ascii_host is None:
        return None
    unicode_host = _to_unicode(ascii_host)
    if (
        unicode_host is None
        or _hyphen34(ascii_host)
        or len(ascii_host) > _MAX_LABEL
        or "." not in ascii_host
        or _mixed_direction(unicode_host)
    ):
        return _fallback(ascii_host)
    encoded = _punycode_label(unicode_host.replace("-", "--").replace(".", "-")).lower()
    if len(encoded) > _MAX_LABEL:
        return _fallback(ascii_host)
    return f"0-{encoded}-0" if _hyphen34(encoded) else encoded


def amp_cache_url(amp_url: str, cache_domain: str = "cdn.ampproject.org") -> str | None:
    """The AMP Cache URL that serves the AMP page ``amp_url``; None if it has none.

    None for anything but an absolute http(s) URL with a valid host, for URLs with user
    information or a port other than the scheme's default, which the cache cannot address,
    and for a value too long to be a URL.
    """
    parts = absolute_url(amp_url)
    default_port = None if parts is None else DEFAULT_PORTS.get(parts.scheme)
    if parts is None or default_port is None or parts.userinfo is not None or (
            parts.host.startswith("[") or parts.port not in ("", default_port)):
        return None
    host = parts.host
    subdomain = None if host_name_problem(host) else amp_cache_subdomain(host)
    if subdomain is None:
        return None
    secure = "s/" if parts.scheme == "https" else ""
    return f"https://{subdomain}.{cache_domain}/c/{secure}{host.lower()}{parts.rest}"
