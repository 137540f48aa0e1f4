"""Timestamps: strict RFC 3339 reading, the forms site generators read, dates in file names,
and zone arithmetic (the diagnosis of a bad timestamp is in ``timerepair``).

Pure functions over the source text of a YAML scalar; standard library only. IANA zones come
from `zoneinfo`, which reads the system time-zone database (or the `tzdata` package if present).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import NamedTuple

EXAMPLE = "2024-01-22T18:23:00Z"
MAX_LENGTH = 100
"""Longer text is not read as a date-time (one with nanoseconds and an offset has 35)."""
WANT = f"RFC 3339 wants one like {EXAMPLE}"

_RFC3339 = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})[Tt]"
    r"(?P<h>[0-9]{2}):(?P<mi>[0-9]{2}):(?P<s>[0-9]{2})(?P<frac>\.[0-9]+)?"
    r"(?P<zone>[Zz]|[+-][0-9]{2}:[0-9]{2})"
)


# The forms site generators read besides RFC 3339 (Jekyll's `2025-01-29 18:15:32 +0530`).
_GENERATOR = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?P<frac>\.[0-9]+)?)?"
    r"(?:[ \t]*(?P<zone>[Zz]|(?i:UTC|GMT)|[+-][0-9]{2}(?::?[0-9]{2})?))?)?"
)


FIXED_OFFSET = re.compile(r"(?P<sign>[+-])(?P<h>[0-9]{2}):(?P<m>[0-9]{2})")
_POST_NAME = re.compile(r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})[-_][^/]*\.[^./]+")
# A page bundle's folder (Hugo, Zola): `2024-01-22-slug/index.md`.
_BUNDLE_NAME = re.compile(r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})[-_][^/]+")
_BUNDLE_INDEX = re.compile(r"index\.[^./]+")

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
MONTHS = {name.lower(): i for i, name in enumerate(_MONTH_NAMES, 1)}
MONTHS.update({name[:3].lower(): i for i, name in enumerate(_MONTH_NAMES, 1)})
MONTHS["sept"] = 9
# Loadable tz database files that are not place zones a site should be configured with.
_NOT_PLACE_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@lru_cache(maxsize=1024)  # (the format check and each timestamp rule read the same text)
def parse_rfc3339(text: str) -> datetime | None:
    """Read a strict RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`).

    Returns an aware datetime, or None. Fractions beyond microseconds are truncated. A leap
    second (`:60`) is accepted only where one can occur, 23:59:60 UTC on a month's last day,
    and reads as the following second, as POSIX time does. None for text longer than
    `MAX_LENGTH`.
    """
    if len(text) > MAX_LENGTH:
        return None
    m = _RFC3339.fullmatch(text)
    if m is None:
        return None
    offset = offset_of(m["zone"])
    if offset is None:
        return None
    return instant_of(
        int(m["y"]), int(m["mo"]), int(m["d"]), int(m["h"]), int(m["mi"]), int(m["s"]),
        m["frac"] or "", offset,
    )


class GeneratorDate(NamedTuple):
    """A date or date-time as a site generator reads it."""

    instant: datetime  # aware
    zoned: bool  # it names its own zone (else the site's, or the build machine's, applies)
    timed: bool  # it has a time of day (else it is midnight)


def read_generator_date(text: str, zone: str = "UTC") -> GeneratorDate | None:
    """Read a date as Jekyll, Hugo and Zola read it: RFC 3339, a space for `T`
    (`2025-01-29 18:15:32 +0530`), no seconds, an offset without a colon, `UTC`, or a date
    alone (`2025-01-29`, midnight). Text without a zone is taken in `zone` (IANA name,
    `UTC` or `±HH:MM`). None for anything else, or a date that does not exist."""
    body = text.strip()
    if len(body) > MAX_LENGTH:
        return None
    exact = parse_rfc3339(body)
    if exact is not None:
        return GeneratorDate(exact, True, True)
    m = _GENERATOR.fullmatch(body)
    tz = zone_info(zone)
    if m is None or tz is None:
        return None
    fields = [int(m[name] or 0) for name in ("y", "mo", "d", "h", "mi", "s")]
    if field_errors(*fields) or fields[5] == 60:
        return None
    named = m["zone"]
    if named is None:
        offset_tz = tz
    else:
        utc = named.upper() in ("Z", "UTC", "GMT")
        offset = offset_of("Z" if utc else normal_offset(named))
        if offset is None:
            return None
        offset_tz = timezone(offset)
    micro = int(((m["frac"] or ".")[1:] + "000000")[:6])
    try:
        year, month, day, hour, minute, second = fields
        wall = datetime(year, month, day, hour, minute, second, micro)
    except ValueError:
        return None
    return GeneratorDate(wall.replace(tzinfo=offset_tz), named is not None, m["h"] is not None)


def generator_value(value: object, zone: str = "UTC") -> GeneratorDate | None:
    """A date-time or date object (from a TOML or YAML reader) as the generator reads it:
    a naive one in `zone`, a date at midnight there. None for other values."""
    tz = zone_info(zone) or UTC
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            return GeneratorDate(value, True, True)
        return GeneratorDate(value.replace(tzinfo=tz), False, True)
    if isinstance(value, date):
        return GeneratorDate(datetime(value.year, value.month, value.day, tzinfo=tz), False,
                             False)
    return None


def to_utc_text(text: str) -> str | None:
    """The same instant written with `Z`, for valid RFC 3339 text with a numeric offset.

    Fractional seconds are kept as written. None for invalid text, text already in `Z`,
    or an instant that cannot be shifted within years 1-9999.
    """
    if parse_rfc3339(text) is None:
        return None
    m = _RFC3339.fullmatch(text)
    assert m is not None
    if m["zone"] in ("Z", "z"):
        return None
    offset = offset_of(m["zone"])
    assert offset is not None
    seconds = int(m["s"])
    wall = datetime(int(m["y"]), int(m["mo"]), int(m["d"]), int(m["h"]), int(m["mi"]),
                    min(seconds, 59))
    try:
        utc = wall - offset
    except OverflowError:
        return None
    return f"{utc:%Y-%m-%dT%H:%M}:{seconds:02d}{m['frac'] or ''}Z"


def local_date(instant: datetime, zone: str) -> date:
    """The calendar date of an aware instant in a zone: IANA name, `UTC` or `±HH:MM`."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("local_date needs an aware datetime")
    tz = zone_info(zone)
    if tz is None:
        raise ValueError(f"unknown time zone {zone!r}")
    return instant.astimezone(tz).date()


def filename_date(filename: str) -> date | None:
    """The date a post's name starts with, as the generators read it: Jekyll's
    `2024-01-22-slug.md`, Zola's `2024-01-22_slug.md`, or a page bundle's folder
    (`2024-01-22-slug/index.md`); any folder above. None if absent."""
    parts = filename.replace("\\", "/").rsplit("/", 2)
    m = _POST_NAME.fullmatch(parts[-1])
    if m is None and len(parts) > 1 and _BUNDLE_INDEX.fullmatch(parts[-1]):
        m = _BUNDLE_NAME.fullmatch(parts[-2])
    if m is None:
        return None
    try:
        return date(int(m["y"]), int(m["mo"]), int(m["d"]))
    except ValueError:
        return None


def zone_is_valid(zone: str) -> bool:
    """Whether `zone` names a time zone: an IANA name (`America/New_York`), `UTC`, `±HH:MM`."""
    return zone_info(zone) is not None


def field_errors(y: int, mo: int, d: int, h: int, mi: int, s: int) -> list[str]:
    errors = []
    if y == 0:
        errors.append("year 0000 is outside the years a date-time can have (0001-9999)")
    if not 1 <= mo <= 12:
        errors.append(f"month {mo:02d} does not exist")
    if not 1 <= d <= 31:
        errors.append(f"day {d:02d} does not exist")
    elif 1 <= mo <= 12 and y and d > (last := days_in_month(y, mo)):
        errors.append(
            f"day {d} does not exist in {_MONTH_NAMES[mo - 1]} {y} (it has {last} days)"
        )
    if h > 23:
        errors.append(f"hour {h} does not exist (hours run 00-23)")
    if mi > 59:
        errors.append(f"minute {mi} does not exist (minutes run 00-59)")
    if s > 60 or (s == 60 and mi != 59):
        errors.append(f"second {s} does not exist (seconds run 00-59)")
    return errors


def instant_of(
    y: int, mo: int, d: int, h: int, mi: int, s: int, frac: str, offset: timedelta
) -> datetime | None:
    micro = int((frac[1:] + "000000")[:6]) if frac else 0
    try:
        dt = datetime(y, mo, d, h, mi, min(s, 59), micro, tzinfo=timezone(offset))
        if s == 60:
            utc = dt.replace(tzinfo=None) - offset
            if (utc.hour, utc.minute) != (23, 59) or (utc + timedelta(days=1)).day != 1:
                return None
            dt += timedelta(seconds=1)
    except (ValueError, OverflowError):
        return None
    return dt if s <= 60 else None


def offset_of(zone: str) -> timedelta | None:
    """`Z` or `±HH:MM` as a timedelta; None when malformed or beyond ±23:59."""
    if zone in ("Z", "z"):
        return timedelta(0)
    m = FIXED_OFFSET.fullmatch(zone)
    if m is None or int(m["h"]) > 23 or int(m["m"]) > 59:
        return None
    delta = timedelta(hours=int(m["h"]), minutes=int(m["m"]))
    return -delta if m["sign"] == "-" else delta


def normal_offset(zone: str) -> str:
    """Loose offsets (`+0100`, `+01`, `+1`) written `±HH:MM`; `Z`, `UTC`, `GMT` unchanged."""
    if zone[0] not in "+-":
        return zone
    digits = zone[1:].replace(":", "")
    hours, minutes = (digits, "00") if len(digits) <= 2 else (digits[:-2], digits[-2:])
    return f"{zone[0]}{int(hours):02d}:{minutes}"


def format_offset(offset: timedelta) -> str:
    """`±HH:MM`, rounded to the minute (old local mean times have odd seconds)."""
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_info(zone: str) -> tzinfo | None:
    """A tzinfo for an IANA name, `UTC` or `±HH:MM`; None if it names no zone."""
    if zone == "UTC":
        return UTC
    if FIXED_OFFSET.fullmatch(zone):
        offset = offset_of(zone)
        return None if offset is None else timezone(offset)
    if zone in _NOT_PLACE_ZONES or zone.startswith(("right/", "posix/")):
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only when a zone is named

    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - timedelta(days=1)).day
