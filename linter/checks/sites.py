"""What a URL says of its site: tracking parameters, its host in ASCII, its registrable
domain (the Public Suffix List bundled with ``publicsuffixlist``, loaded on first use),
whether two URLs are of one site, and a URL's canonical form.

Nothing here touches the network.
"""

from __future__ import annotations

import fnmatch
import functools
import ipaddress
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList
from .urlparts import (
    DOTS_RE,
    MAX_HOST_LENGTH,
    SCHEME_RE,
    host_name_problem,
    host_port,
    shorten,
    split_url,
    too_long,
)

# Parameters whose only job is to track a click or campaign; none of them selects content.
DEFAULT_TRACKING_PARAMS: tuple[str, ...] = (
    "utm_*",  # Google Analytics campaign tags (utm_source, utm_medium, utm_campaign, ...)
    "_ga", "_gl", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "gad_source", "srsltid",
    "fbclid", "igshid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id", "epik", "rdt_cid",
    "mc_cid", "mc_eid",  # Mailchimp
    "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking",  # HubSpot
    "mkt_tok",  # Marketo
    "elq_cid", "elq_mid", "elqtrackid", "elqtrack", "elqaid", "elqat", "elqcampaignid",  # Eloqua
    "at_campaign", "at_medium", "at_custom*",  # AT Internet
    "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee",  # comScore
    "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv", "_openstat", "wickedid",
    "s_kwcid", "ef_id", "irclickid", "wt.mc_id", "ocid", "ncid",
    "guccounter", "guce_referrer", "guce_referrer_sig", "__twitter_impression",
)


DEFAULT_PORTS = {"http": "80", "https": "443"}
_WILDCARDS = frozenset("*?[")


def _is_tracking(raw_name: str, patterns: Iterable[str]) -> bool:
    name = unquote(raw_name.replace("+", " ")).lower()
    names, globs = _tracking_matcher(tuple(patterns))
    return name in names or (globs is not None and globs.match(name) is not None)


@functools.lru_cache(maxsize=32)
def _tracking_matcher(patterns: tuple[str, ...]) -> tuple[frozenset[str], re.Pattern[str] | None]:
    """The globs, in lower case: the plain names, and one regular expression for the others
    (most are plain names, and a set is cheaper to build and to ask than a pattern)."""
    lowered = [p.lower() for p in patterns]
    globs = [fnmatch.translate(p) for p in lowered if _WILDCARDS.intersection(p)]
    return (frozenset(p for p in lowered if not _WILDCARDS.intersection(p)),
            re.compile("|".join(globs)) if globs else None)


def tracking_params(url: str, patterns: Iterable[str] = DEFAULT_TRACKING_PARAMS) -> list[str]:
    """Names of tracking parameters in the query of ``url``, as written, in order, once each."""
    if "?" not in url or too_long(url):
        return []
    q0, q1 = split_url(url).query
    if q0 < 0:
        return []
    patterns = tuple(patterns)
    names = (part.split("=", 1)[0] for part in url[q0:q1].split("&"))
    return list(dict.fromkeys(n for n in names if n and _is_tracking(n, patterns)))


def strip_tracking(url: str, patterns: Iterable[str] = DEFAULT_TRACKING_PARAMS) -> str:
    """``url`` without tracking parameters; everything else is kept exactly as written."""
    if "?" not in url or too_long(url):
        return url
    q0, q1 = split_url(url).query
    if q0 < 0:
        return url
    patterns = tuple(patterns)
    parts = url[q0:q1].split("&")
    kept = [p for p in parts if not _is_tracking(p.split("=", 1)[0], patterns)]
    if len(kept) == len(parts):
        return url
    kept = [p for p in kept if p]
    if not kept:
        return url[:q0 - 1] + url[q1:]
    return url[:q0] + "&".join(kept) + url[q1:]


@functools.lru_cache(maxsize=1024)
def host_to_ascii(host: str) -> str | None:
    """Lower-case ASCII (punycode) form of a host name, or None if it cannot be encoded."""
    if host.endswith(".") and len(host) > 1:
        host = host[:-1]
    out = []
    for label in DOTS_RE.split(host):
        if not label:
            return None
        if label.isascii():
            out.append(label.lower())
            continue
        import idna

        try:
            out.append(idna.encode(label, uts46=True).decode("ascii"))
        except idna.IDNAError:
            return None
    return ".".join(out)


class AbsoluteUrl(NamedTuple):
    """An absolute URL with an authority, taken apart (all as written, but the scheme)."""

    scheme: str  # lower-case
    userinfo: str | None  # None: no '@' in the authority
    host: str
    port: str  # '' for none
    rest: str  # path, query and fragment


@functools.lru_cache(maxsize=1024)  # several rules ask about the same URLs
def absolute_url(url: str) -> AbsoluteUrl | None:
    """``url`` (spaces around it ignored) taken apart, if it is absolute, with a host."""
    if too_long(url):
        return None
    url = url.strip()
    p = split_url(url)
    if p.scheme[0] < 0 or p.authority[0] < 0:
        return None
    scheme = url[p.scheme[0]:p.scheme[1]]
    if not SCHEME_RE.fullmatch(scheme):
        return None
    a0, a1 = p.authority
    h0, h1, p0, p1 = host_port(url, a0, a1)
    if h1 <= h0:
        return None
    # (the host starts after the user information's '@', where there is one)
    return AbsoluteUrl(scheme.lower(), url[a0:h0 - 1] if h0 > a0 else None, url[h0:h1],
                       url[p0:p1] if p0 >= 0 else "", url[a1:])


@functools.lru_cache(maxsize=1024)
def host_of(url: str) -> str | None:
    """Lower-case ASCII (punycode) host of an absolute URL, without brackets; else None
    (also for a host name longer than DNS allows)."""
    parts = absolute_url(url)
    if parts is None:
        return None
    host = parts.host
    if host.startswith("["):
        return host[1:-1].lower() if host.endswith("]") and len(host) <= MAX_HOST_LENGTH else None
    ascii_host = host_to_ascii(unquote(host)) if len(host) <= 4 * MAX_HOST_LENGTH else None
    return ascii_host if ascii_host is None or len(ascii_host) <= MAX_HOST_LENGTH else None


@functools.lru_cache(maxsize=256)  # (records share a handful of providers)
def is_bare_domain(value: str) -> tuple[bool, str | None, str]:
    """(ok, fixed value or None, message) for a field that must hold a bare domain name."""
    text = value.strip()
    if not text:
        return False, None, "the domain name is empty"
    reasons = [] if text == value else ["has spaces around it"]  # each completes "it ..."
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://|//", text):
        parts = absolute_url(text if not text.startswith("//") else "x:" + text)
        if parts is None:
            return False, None, f"'{shorten(value)}' is a URL without a host, not a domain name"
        text = parts.host
        reasons.append("is a whole URL")
    elif re.search(r"[/?#]", text):
        text = re.split(r"[/?#]", text, maxsplit=1)[0]
        reasons.append("has a path after the domain name")
    port = re.search(r":[0-9]*$", text)
    if port and not text.startswith("["):
        text = text[:port.start()]
        reasons.append("has a port after the domain name")
    if "@" in text:
        return False, None, f"'{shorten(value)}' contains '@'; it is not a domain name"
    if text.endswith(".") and len(text) > 1:
        text = text[:-1]
        reasons.append("ends with a dot")
    if text.startswith("[") or (text.replace(".", "").isdigit() and "." in text):
        return False, None, f"'{shorten(value)}' is an IP address, not a domain name"
    why = host_name_problem(text)
    if why:
        return False, None, f"'{shorten(value)}' is not a valid domain name: {why}"
    if "." not in DOTS_RE.sub(".", text):
        return False, None, f"'{shorten(value)}' has no dot, so it is not a full domain name"
    if text != text.lower():
        text = text.lower()
        reasons.append("has upper-case letters")
    if not reasons:
        return True, None, ""
    message = (f"'{shorten(value)}' is not a bare domain name: it {', '.join(reasons)}; write "
               f"'{shorten(text)}'")
    return False, text, message


@functools.lru_cache(maxsize=1024)
def host_matches_domain(host: str, domain: str) -> bool:
    """True if ``host`` is ``domain`` or a subdomain of it (whole labels, IDNA-aware)."""
    h, d = host_to_ascii(host.strip()), host_to_ascii(domain.strip())
    if not h or not d:
        return False
    return h == d or h.endswith("." + d)


@functools.cache
def psl() -> PublicSuffixList:
    """The Public Suffix List bundled with the package (read from disk once, never fetched)."""
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def registrable_domain(host: str) -> str | None:
    """Registrable domain (eTLD+1) of ``host`` in ASCII form; None for IPs and bare suffixes."""
    if _is_ip(host) or len(host) > 4 * MAX_HOST_LENGTH:
        return None
    ascii_host = host_to_ascii(host.strip())
    if ascii_host is None:
        return None
    domain: str | None = psl().privatesuffix(ascii_host)  # (untyped in older releases)
    return domain


def same_site(url_a: str, url_b: str) -> bool:
    """True when both absolute URLs have the same registrable domain (or the same host)."""
    a, b = host_of(url_a), host_of(url_b)
    if a is None or b is None:
        return False
    if a == b:
        return True  # no need to load the Public Suffix List
    if _is_ip(a) or _is_ip(b):
        return False
    return (registrable_domain(a) or a) == (registrable_domain(b) or b)


def canonical_url(url: str, patterns: Iterable[str] = DEFAULT_TRACKING_PARAMS) -> str | None:
    """A key for duplicate detection, or None if ``url`` is not an absolute http(s) URL.

    Lower-cases scheme and host (IDNA to ASCII), reads http as https, drops the default port,
    the fragment, tracking parameters, an empty query and a trailing '/' after a non-root path.
    """
    text = strip_tracking(url.strip(), patterns)
    parts = absolute_url(text)
    host = host_of(text)
    if parts is None or parts.scheme not in DEFAULT_PORTS or not host:
        return None
    scheme, port = parts.scheme, parts.port
    if ":" in host:
        host = f"[{host}]"
    p = split_url(text)
    userinfo = "" if parts.userinfo is None else f"{parts.userinfo}@"
    netloc = host if port in ("", DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = text[p.path[0]:p.path[1]] or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    query = text[p.query[0]:p.query[1]] if p.query[0] >= 0 else ""
    return f"https://{userinfo}{netloc}{path}" + (f"?{query}" if query else "")
