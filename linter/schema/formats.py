"""The JSON Schema formats fmlint really checks: every format of draft 2020-12.

jsonschema and jsonschema-rs pass a format they do not know silently; a schema that uses one
fmlint does not check is warned about once (``schemas.unchecked_formats``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from ..checks.times import parse_rfc3339

if TYPE_CHECKING:
    from jsonschema import FormatChecker

_DURATION = re.compile(
    r"P(?!$)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?W)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:[Zz]|([+-])(\d\d):(\d\d))")
_HOSTNAME = re.compile(
    r"(?=.{1,253}\.?$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?"
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_UUID = re.compile(r"[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}")
_JSON_POINTER = re.compile(r"(?:/(?:[^~/]|~[01])*)*")
_RELATIVE_POINTER = re.compile(r"(?:0|[1-9][0-9]*)(?:#|(?:/(?:[^~/]|~[01])*)*)")

# RFC 3986 (URIs) and RFC 3987 (IRIs: ``ucschar`` where a URI has letters, ``iprivate`` in
# the query too).
_PCT = r"%[0-9A-Fa-f]{2}"
_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_UCSCHAR = ("\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U0001fffd\U00020000-\U0002fffd"
            "\U00030000-\U0003fffd\U000e1000-\U000efffd")
_IPRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_SPLIT = re.compile(r"(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?", re.S)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+\-.]*")
_IP_FUTURE = re.compile(rf"[vV][0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+")


@lru_cache(maxsize=8)
def _chars(extra: str, iri: bool) -> re.Pattern[str]:
    """Text made of unreserved characters, sub-delims, ``extra`` and percent-escapes."""
    letters = _UNRESERVED + (_UCSCHAR if iri else "")
    return re.compile(rf"(?:[{letters}{_SUB_DELIMS}{extra}]|{_PCT})*")


def _authority_ok(authority: str, iri: bool) -> bool:
    userinfo, at, hostport = authority.rpartition("@")
    if at and ("@" in userinfo or not _chars(":", iri).fullmatch(userinfo)):
        return False
    if hostport.startswith("["):
        literal, closed, port = hostport[1:].partition("]")
        if not closed or not _literal_ok(literal):
            return False
    else:
        host, _colon, port = hostport.partition(":")
        if not _chars("", iri).fullmatch(host):
            return False
        port = _colon + port
    return port == "" or (port.startswith(":") and port[1:].isascii() and (
        port[1:] == "" or port[1:].isdigit()))


def _literal_ok(literal: str) -> bool:
    """An IP-literal's inside: an IPv6 address (without a zone) or an IPvFuture."""
    if _IP_FUTURE.fullmatch(literal):
        return True
    return "%" not in literal and _ip(6)(literal)


# Most URLs: a scheme, a host (and port), then path, query and fragment made of characters
# every part allows, with no percent-escape. Such a string is a URI (and an IRI); any other
# is taken apart below.
_PLAIN = f"{_UNRESERVED}{_SUB_DELIMS}:@"
_PLAIN_URI = re.compile(
    rf"[A-Za-z][A-Za-z0-9+\-.]*://[{_UNRESERVED}{_SUB_DELIMS}]+(?::[0-9]*)?"
    rf"(?:/[{_PLAIN}/]*)?(?:\?[{_PLAIN}/?]*)?(?:#[{_PLAIN}/?]*)?")


def rfc3986(value: str, *, absolute: bool, iri: bool = False) -> bool:
    """Whether ``value`` is a URI (``absolute``) or URI reference by RFC 3986, or with
    ``iri`` an IRI (reference) by RFC 3987."""
    if _PLAIN_URI.fullmatch(value):
        return True
    split = _SPLIT.fullmatch(value)
    assert split is not None  # (every part is optional: any string splits)
    scheme, authority, path, query, fragment = split.groups()
    if scheme is None:
        if absolute or ":" in path.partition("/")[0]:
            return False
    elif not _SCHEME.fullmatch(scheme):
        return False
    if authority is not None and not _authority_ok(authority, iri):
        return False
    if not _chars(":@/", iri).fullmatch(path):
        return False
    if query is not None and not _chars(":@/?" + (_IPRIVATE if iri else ""), iri).fullmatch(query):
        return False
    return fragment is None or bool(_chars(":@/?", iri).fullmatch(fragment))


def _date_time(value: str) -> bool:
    return parse_rfc3339(value) is not None


def _date(value: str) -> bool:
    return _DATE.fullmatch(value) is not None and parse_rfc3339(value + "T00:00:00Z") is not None


def _time(value: str) -> bool:
    """RFC 3339 ``full-time``: 23:20:50.52Z, 08:00:00+02:00 (a leap second at :60)."""
    found = _TIME.fullmatch(value)
    if found is None:
        return False
    hour, minute, second, _sign, zone_hour, zone_minute = found.groups()
    return int(hour) < 24 and int(minute) < 60 and int(second) <= 60 and (
        zone_hour is None or (int(zone_hour) < 24 and int(zone_minute) < 60))


def _duration(value: str) -> bool:
    return _DURATION.fullmatch(value) is not None


def _hostname(value: str) -> bool:
    return _HOSTNAME.fullmatch(value) is not None


def _idn_hostname(value: str) -> bool:
    """An internationalised host name: its ASCII (IDNA 2008) form is a host name."""
    if value.isascii():
        return _hostname(value)
    import idna

    try:
        return _hostname(idna.encode(value, uts46=True).decode("ascii"))
    except (idna.IDNAError, UnicodeError):
        return False


def _email(value: str) -> bool:
    return value.isascii() and _EMAIL.fullmatch(value) is not None


def _idn_email(value: str) -> bool:
    return _EMAIL.fullmatch(value) is not None


def _ip(version: int) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        if "%" in value:  # (a zone: not part of the format)
            return False
        try:
            return ipaddress.ip_address(value).version == version
        except ValueError:
            return False

    return check


_URI_TEMPLATE = re.compile(
    r"(?:[^\x00-\x20\"'<>\\^`{|}\x7f]|%[0-9A-Fa-f]{2}"
    r"|\{[+#./;?&=,!@|]?(?:[A-Za-z0-9_.]|%[0-9A-Fa-f]{2})+(?::[1-9][0-9]{0,3}|\*)?"
    r"(?:,(?:[A-Za-z0-9_.]|%[0-9A-Fa-f]{2})+(?::[1-9][0-9]{0,3}|\*)?)*\})*")


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Callable[[str], object] | None:
    """A search for ``pattern`` as the validator runs it: Python's ``re`` where it can,
    else jsonschema-rs's engine (``\\p{L}``...); None for a pattern neither compiles."""
    try:
        return re.compile(pattern).search
    except re.error:
        pass
    try:
        import jsonschema_rs

        return jsonschema_rs.validator_for({"type": "string", "pattern": pattern}).is_valid
    except Exception:  # (not installed, or not a pattern)
        return None


def pattern_search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` (of a schema's ``pattern`` or ``patternProperties``) matches
    somewhere in ``text``."""
    search = _compiled(pattern)
    return search is not None and bool(search(text))


CHECKS: dict[str, Callable[[str], bool]] = {
    "uri": lambda v: rfc3986(v, absolute=True),
    "uri-reference": lambda v: rfc3986(v, absolute=False),
    "iri": lambda v: rfc3986(v, absolute=True, iri=True),
    "iri-reference": lambda v: rfc3986(v, absolute=False, iri=True),
    "uri-template": lambda v: _URI_TEMPLATE.fullmatch(v) is not None,
    "date-time": _date_time,
    "date": _date,
    "time": _time,
    "duration": _duration,
    "hostname": _hostname,
    "idn-hostname": _idn_hostname,
    "email": _email,
    "idn-email": _idn_email,
    "ipv4": _ip(4),
    "ipv6": _ip(6),
    "uuid": lambda v: _UUID.fullmatch(v) is not None,
    "json-pointer": lambda v: _JSON_POINTER.fullmatch(v) is not None,
    "relative-json-pointer": lambda v: _RELATIVE_POINTER.fullmatch(v) is not None,
    "regex": lambda v: _compiled(v) is not None,
}


def format_checker() -> FormatChecker:
    """A FormatChecker that checks exactly the formats above, on strings only."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    for name, check in CHECKS.items():
        checker.checks(name)(lambda value, check=check: not isinstance(value, str) or check(value))
    return checker
