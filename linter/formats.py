"""The JSON Schema formats fmlint really checks (jsonschema passes unknown ones silently)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from .lazyre import compile_later
from .timetools import parse_rfc3339
from .urltools import url_syntax_ok

_DURATION = compile_later(
    r"P(?!$)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?W)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HOSTNAME = re.compile(
    r"(?=.{1,253}\.?$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?"
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _uri(value: str) -> bool:
    """RFC 3986 syntax; advice beyond the RFC (entities, scheme case) is url-syntax's."""
    return url_syntax_ok(value, absolute=True)


def _uri_reference(value: str) -> bool:
    return url_syntax_ok(value, absolute=False)


def _date_time(value: str) -> bool:
    return parse_rfc3339(value) is not None


def _date(value: str) -> bool:
    return _DATE.fullmatch(value) is not None and parse_rfc3339(value + "T00:00:00Z") is not None


def _duration(value: str) -> bool:
    return _DURATION.fullmatch(value) is not None


def _ip(version: int) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        try:
            return ipaddress.ip_address(value).version == version
        except ValueError:
            return False

    return check


def _regex(value: str) -> bool:
    try:
        re.compile(value)
    except re.error:
        return False
    return True


CHECKS: dict[str, Callable[[str], bool]] = {
    "uri": _uri,
    "iri": _uri,
    "uri-reference": _uri_reference,
    "iri-reference": _uri_reference,
    "date-time": _date_time,
    "date": _date,
    "duration": _duration,
    "hostname": lambda v: _HOSTNAME.fullmatch(v) is not None,
    "email": lambda v: _EMAIL.fullmatch(v) is not None,
    "ipv4": _ip(4),
    "ipv6": _ip(6),
    "regex": _regex,
}


def format_checker():  # -> jsonschema.FormatChecker
    """A FormatChecker that checks exactly the formats above, on strings only."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    for name, check in CHECKS.items():
        checker.checks(name)(lambda value, check=check: not isinstance(value, str) or check(value))
    return checker
