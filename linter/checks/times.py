"""RFC 3339 timestamps: strict reading, plain-words diagnosis with repairs, zone arithmetic.

Pure functions over the source text of a YAML scalar; standard library only. IANA zones come
from `zoneinfo`, which reads the system time-zone database (or the `tzdata` package if present).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

EXAMPLE = "2024-01-22T18:23:00Z"
MAX_LENGTH = 100
"""Longer text is not read as a date-time (one with nanoseconds and an offset has 35)."""
_WANT = f"RFC 3339 wants one like {EXAMPLE}"

_RFC3339 = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})[Tt]"
    r"(?P<h>[0-9]{2}):(?P<mi>[0-9]{2}):(?P<s>[0-9]{2})(?P<frac>\.[0-9]+)?"
    r"(?P<zone>[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
# ISO-like text RFC 3339 would accept after small repairs (or that has impossible fields).
_LOOSE = re.compile(
    r"(?P<y>[0-9]{4})(?P<dsep>[-/.])(?P<mo>[0-9]{1,2})(?P=dsep)(?P<d>[0-9]{1,2})"
    r"(?:(?P<sep>[ \t]*[Tt][ \t]*|[ \t]+|_)"
    r"(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{1,2})(?::(?P<s>[0-9]{1,2})(?P<frac>[.,][0-9]+)?)?"
    r"(?P<zsp>[ \t]*)(?P<zone>[Zz]|(?i:UTC|GMT)|[+-][0-9]{1,2}(?::?[0-9]{2})?)?)?"
)
# The forms site generators read besides RFC 3339 (Jekyll's `2025-01-29 18:15:32 +0530`).
_GENERATOR = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?P<frac>\.[0-9]+)?)?"
    r"(?:[ \t]*(?P<zone>[Zz]|(?i:UTC|GMT)|[+-][0-9]{2}(?::?[0-9]{2})?))?)?"
)
_BASIC = re.compile(
    r"(?P<y>[0-9]{4})(?P<mo>[0-9]{2})(?P<d>[0-9]{2})"
    r"(?:[Tt](?P<h>[0-9]{2})(?P<mi>[0-9]{2})(?P<s>[0-9]{2})?(?P<frac>[.,][0-9]+)?"
    r"(?P<zone>[Zz]|[+-][0-9]{2}(?:[0-9]{2})?)?)?"
)
_NUMERIC_DMY = re.compile(
    r"(?P<a>[0-9]{1,2})(?P<dsep>[-/.])(?P<b>[0-9]{1,2})(?P=dsep)(?P<y>[0-9]{4})(?P<rest>.*)"
)
_SHORT_YEAR = re.compile(r"[0-9]{1,2}([-/.])[0-9]{1,2}\1[0-9]{2}(?:[ \t].*)?")
_ORDINAL = r"(?:st|nd|rd|th)?"
_WORDY = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?[ \t]+)?"
    rf"(?:(?P<d1>[0-9]{{1,2}}){_ORDINAL}[ \t]+(?:of[ \t]+)?(?P<m1>[a-z]+)\.?,?"
    rf"|(?P<m2>[a-z]+)\.?[ \t]+(?P<d2>[0-9]{{1,2}}){_ORDINAL},?)"
    r"[ \t]+(?P<y>[0-9]{4})(?P<rest>.*)",
    re.IGNORECASE,
)
_EPOCH_SECONDS = re.compile(r"(?P<n>[0-9]{9,10})(?P<frac>\.[0-9]+)?")
_EPOCH_MILLIS = re.compile(r"[0-9]{12,13}")
_FIXED_OFFSET = re.compile(r"(?P<sign>[+-])(?P<h>[0-9]{2}):(?P<m>[0-9]{2})")
_POST_NAME = re.compile(r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})[-_][^/]*\.[^./]+")
# A page bundle's folder (Hugo, Zola): `2024-01-22-slug/index.md`.
_BUNDLE_NAME = re.compile(r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})[-_][^/]+")
_BUNDLE_INDEX = re.compile(r"index\.[^./]+")

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_MONTHS = {name.lower(): i for i, name in enumerate(_MONTH_NAMES, 1)}
_MONTHS.update({name[:3].lower(): i for i, name in enumerate(_MONTH_NAMES, 1)})
_MONTHS["sept"] = 9
# Loadable tz database files that are not place zones a site should be configured with.
_NOT_PLACE_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@dataclass(frozen=True)
class Diagnosis:
    """What is wrong with one timestamp scalar, and the repair if there is one.

    `replacement` replaces the whole scalar and keeps its quotes. `safe` is True only when
    there is a replacement and it cannot change the instant meant. `value` is the instant
    when it is certain: for valid text, and for text whose repair is safe.
    """

    ok: bool
    message: str
    replacement: str | None
    safe: bool
    value: datetime | None


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
    offset = _offset_of(m["zone"])
    if offset is None:
        return None
    return _instant(
        int(m["y"]), int(m["mo"]), int(m["d"]), int(m["h"]), int(m["mi"]), int(m["s"]),
        m["frac"] or "", offset,
    )


@dataclass(frozen=True)
class GeneratorDate:
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
    tz = _zone(zone)
    if m is None or tz is None:
        return None
    fields = [int(m[name] or 0) for name in ("y", "mo", "d", "h", "mi", "s")]
    if _field_errors(*fields) or fields[5] == 60:
        return None
    named = m["zone"]
    if named is None:
        offset_tz = tz
    else:
        utc = named.upper() in ("Z", "UTC", "GMT")
        offset = _offset_of("Z" if utc else _offset_text(named))
        if offset is None:
            return None
        offset_tz = timezone(offset)
    micro = int(((m["frac"] or ".")[1:] + "000000")[:6])
    try:
        wall = datetime(*fields, micro)
    except ValueError:
        return None
    return GeneratorDate(wall.replace(tzinfo=offset_tz), named is not None, m["h"] is not None)


def generator_value(value: object, zone: str = "UTC") -> GeneratorDate | None:
    """A date-time or date object (from a TOML or YAML reader) as the generator reads it:
    a naive one in `zone`, a date at midnight there. None for other values."""
    tz = _zone(zone) or UTC
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
    offset = _offset_of(m["zone"])
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
    tz = _zone(zone)
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
    return _zone(zone) is not None


def diagnose(text: str, *, default_zone: str = "UTC") -> Diagnosis:
    """Judge the source text of a timestamp scalar (quoted or not) against RFC 3339.

    `default_zone` (IANA name, `UTC` or `±HH:MM`) is what an unsafe repair assumes when the
    text has no zone. Raises ValueError if it is not a zone.
    """
    tz = _zone(default_zone)
    if tz is None:
        raise ValueError(f"unknown time zone {default_zone!r}")
    if len(text) > MAX_LENGTH and len(body := text.strip()) > MAX_LENGTH:
        return _bad(f"{_show(body)} is {len(body):,} characters long, too long to be a "
                    f"date-time (at most {MAX_LENGTH}); {_WANT}")
    inner, quote = _unquote(text.strip())
    body = inner.strip()
    found = _judge(body, default_zone, tz)
    if body == inner or not body:
        return _quoted(found, quote)
    padded = "spaces around the date-time; RFC 3339 wants none"
    if found.ok:
        return Diagnosis(False, padded, quote + body + quote, True, found.value)
    return _quoted(
        Diagnosis(False, f"{padded}; {found.message}", found.replacement, found.safe, found.value),
        quote,
    )


def _judge(body: str, zone_name: str, tz: tzinfo) -> Diagnosis:
    if not body:
        return _bad(f"no date-time given; {_WANT}")
    if body in ("~", "null", "Null", "NULL"):
        return _bad(f"null is not a date-time; {_WANT}")
    value = parse_rfc3339(body)
    if value is not None:
        return Diagnosis(True, "", None, False, value)
    if m := _LOOSE.fullmatch(body):
        return _repair(m, zone_name, tz)
    if m := _BASIC.fullmatch(body):
        return _basic(body, m, zone_name, tz)
    if m := _EPOCH_SECONDS.fullmatch(body):
        return _epoch(body, int(m["n"]), m["frac"] or "", "seconds")
    if _EPOCH_MILLIS.fullmatch(body):
        millis = int(body)
        frac = f".{millis % 1000:03d}".rstrip("0").rstrip(".")
        return _epoch(body, millis // 1000, frac, "milliseconds")
    if m := _NUMERIC_DMY.fullmatch(body):
        return _day_month(body, m, zone_name, tz)
    if _SHORT_YEAR.fullmatch(body):
        return _bad(f"{_show(body)} has a two-digit year; {_WANT}")
    if m := _WORDY.fullmatch(body):
        month = _MONTHS.get((m["m1"] or m["m2"]).lower())
        if month is not None:
            day = int(m["d1"] or m["d2"])
            iso = f"{m['y']}-{month:02d}-{day:02d}"
            said = f"{_show(body)} is a written-out date; RFC 3339 wants {iso}T…"
            return _reformatted(said, iso, m["rest"], zone_name, tz)
    if body.isdigit():
        if len(body) == 4:
            return _bad(f"a year alone is not a date-time; {_WANT}")
        return _bad(f"{_show(body)} is a bare number, not a date-time; {_WANT}")
    return _bad(f"{_show(body)} is not a date-time; {_WANT}")


def _repair(
    m: re.Match[str], zone_name: str, tz: tzinfo, *, said: str = "", safe_prefix: bool = True
) -> Diagnosis:
    """Diagnose ISO-like text, naming each problem; `said` leads the message when given."""
    y, mo, d = int(m["y"]), int(m["mo"]), int(m["d"])
    has_time = m["h"] is not None
    h, mi = (int(m["h"]), int(m["mi"])) if has_time else (0, 0)
    s = int(m["s"]) if m["s"] is not None else 0
    zone = m["zone"]
    if zone and zone.upper() in ("UTC", "GMT"):
        zone = zone.upper()
    errors = _field_errors(y, mo, d, h, mi, s)
    offset_text = _offset_text(zone) if zone else None
    if zone and zone not in ("UTC", "GMT") and _offset_of(offset_text or "") is None:
        errors.append(f"the offset '{zone}' is out of range (at most ±23:59)")
    if errors:
        return _bad("; ".join(filter(None, [said, *errors])))

    fixes: list[str] = []  # problems whose repair cannot change the instant
    guesses: list[str] = []  # problems whose repair assumes something
    if m["dsep"] != "-":
        fixes.append(f"the date uses '{m['dsep']}'; RFC 3339 wants '-'")
    if has_time:
        if m["sep"].isspace():
            fixes.append("a space separates date and time; RFC 3339 wants 'T'")
        elif m["sep"] not in ("T", "t"):
            fixes.append("date and time must be joined by a single 'T'")
    if any(len(part or "00") < 2 for part in (m["mo"], m["d"], m["h"], m["mi"], m["s"])):
        fixes.append("each number needs two digits, e.g. '01' not '1'")
    if has_time and m["s"] is None:
        fixes.append(f"no seconds: RFC 3339 wants HH:MM:SS, so {h:02d}:{mi:02d}:00")
    frac = m["frac"] or ""
    if frac.startswith(","):
        fixes.append("a comma starts the fraction of a second; RFC 3339 wants '.'")
        frac = "." + frac[1:]
    if zone and m["zsp"]:
        fixes.append("a space before the time zone; RFC 3339 wants none")
    if zone in ("UTC", "GMT"):
        fixes.append(f"'{zone}' after the time; RFC 3339 writes UTC as 'Z'")
    elif zone and offset_text != zone and zone not in ("Z", "z"):
        fixes.append(f"the offset '{zone}' is written '{offset_text}' in RFC 3339")

    wall = f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}"
    if not has_time:
        guesses.append("date only: RFC 3339 wants a time and a time zone too")
        suffix, note = _zone_suffix(wall, zone_name, tz)
        guesses.append(f"the fix assumes midnight in {note}")
    elif zone is None:
        guesses.append("no time zone: add 'Z' for UTC or an offset like '+01:00'")
        suffix, note = _zone_suffix(wall, zone_name, tz)
        guesses.append(f"the fix assumes {note}")
    else:
        suffix = "Z" if zone in ("Z", "z", "UTC", "GMT") else offset_text or ""
    candidate = wall + frac + suffix
    value = parse_rfc3339(candidate)
    if value is None:
        return _bad("; ".join(filter(None, [
            said, "second 60 is only valid as a leap second, 23:59:60 UTC on a month's last day",
        ])))
    safe = safe_prefix and not guesses
    shown = guesses if said else fixes + guesses
    message = "; ".join(filter(None, [said, *shown]))
    return Diagnosis(False, message, candidate, safe, value if safe else None)


def _field_errors(y: int, mo: int, d: int, h: int, mi: int, s: int) -> list[str]:
    errors = []
    if y == 0:
        errors.append("year 0000 is outside the years a date-time can have (0001-9999)")
    if not 1 <= mo <= 12:
        errors.append(f"month {mo:02d} does not exist")
    if not 1 <= d <= 31:
        errors.append(f"day {d:02d} does not exist")
    elif 1 <= mo <= 12 and y and d > (last := _days_in_month(y, mo)):
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


def _zone_suffix(wall: str, zone_name: str, tz: tzinfo) -> tuple[str, str]:
    """The zone text to append to a zone-less wall time, and words saying what was assumed."""
    if tz is UTC:
        return "Z", "UTC"
    naive = datetime.fromisoformat(wall.replace(":60", ":59"))
    if _FIXED_OFFSET.fullmatch(zone_name):
        return zone_name, zone_name
    first = naive.replace(tzinfo=tz, fold=0)
    later = naive.replace(tzinfo=tz, fold=1)
    off0, off1 = first.utcoffset(), later.utcoffset()
    assert off0 is not None and off1 is not None
    at = f"{naive:%H:%M} on {naive:%Y-%m-%d}"
    text0 = _format_offset(off0)
    if off0 == off1:
        return text0, f"{zone_name}, where {at} was {text0}"
    text1 = _format_offset(off1)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive:
        return text0, (
            f"{zone_name}, where {at} happened twice (clocks went back): the first, {text0}; "
            f"the second would be {text1}"
        )
    same = (naive - off0 + off1).strftime("%H:%M")
    return text0, (
        f"{zone_name}, where {at} did not exist (clocks went forward): the offset before "
        f"the change, {text0}, the same instant as {same} at {text1}"
    )


def _basic(body: str, m: re.Match[str], zone_name: str, tz: tzinfo) -> Diagnosis:
    """ISO 8601 basic format (`20240122T182300Z`): rewrite with separators and judge that."""
    iso = f"{m['y']}-{m['mo']}-{m['d']}"
    if m["h"] is not None:
        iso += f"T{m['h']}:{m['mi']}" + (f":{m['s']}" if m["s"] else "") + (m["frac"] or "")
        iso += m["zone"] or ""
    loose = _LOOSE.fullmatch(iso)
    assert loose is not None
    said = f"{_show(body)} is ISO 8601 basic format; RFC 3339 wants '-' and ':' separators"
    return _repair(loose, zone_name, tz, said=said)


def _day_month(body: str, m: re.Match[str], zone_name: str, tz: tzinfo) -> Diagnosis:
    """`22/01/2024` or `01/22/2024`: name the order when the numbers settle it."""
    a, b = int(m["a"]), int(m["b"])
    sep = m["dsep"]
    if a > 12 and b > 12:
        return _bad(f"{_show(body)} is not a date: neither {a} nor {b} can be a month")
    if a <= 12 and b <= 12 and a != b:
        return _bad(
            f"{_show(body)} is ambiguous: day{sep}month{sep}year would be "
            f"{m['y']}-{b:02d}-{a:02d}, month{sep}day{sep}year {m['y']}-{a:02d}-{b:02d}; "
            f"{_WANT}"
        )
    day, month = (a, b) if a > 12 or a == b else (b, a)
    order = f"day{sep}month{sep}year" if a > 12 else f"month{sep}day{sep}year"
    iso = f"{m['y']}-{month:02d}-{day:02d}"
    said = (
        f"{_show(body)} is {order}; RFC 3339 wants {iso}T…"
        if a != b
        else f"{_show(body)} puts the year last; RFC 3339 wants {iso}T…"
    )
    return _reformatted(said, iso, m["rest"], zone_name, tz)


def _reformatted(said: str, iso: str, rest: str, zone_name: str, tz: tzinfo) -> Diagnosis:
    """Judge `iso` plus the original time part; the reordering makes any repair unsafe."""
    rest = re.sub(r"^,?[ \t]*(?:at[ \t]+)?", " ", rest) if rest.strip() else ""
    loose = _LOOSE.fullmatch(iso + rest)
    if loose is None:
        return _bad(f"{said}; the time part is not readable")
    return _repair(loose, zone_name, tz, said=said, safe_prefix=False)


def _epoch(body: str, seconds: int, frac: str, unit: str) -> Diagnosis:
    instant = datetime.fromtimestamp(seconds, UTC)
    fixed = f"{instant:%Y-%m-%dT%H:%M:%S}{frac}Z"
    return Diagnosis(
        False,
        f"{_show(body)} looks like Unix time ({unit} since 1970-01-01 UTC); "
        f"RFC 3339 wants {fixed}",
        fixed,
        False,
        None,
    )


def _instant(
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


def _offset_of(zone: str) -> timedelta | None:
    """`Z` or `±HH:MM` as a timedelta; None when malformed or beyond ±23:59."""
    if zone in ("Z", "z"):
        return timedelta(0)
    m = _FIXED_OFFSET.fullmatch(zone)
    if m is None or int(m["h"]) > 23 or int(m["m"]) > 59:
        return None
    delta = timedelta(hours=int(m["h"]), minutes=int(m["m"]))
    return -delta if m["sign"] == "-" else delta


def _offset_text(zone: str) -> str:
    """Loose offsets (`+0100`, `+01`, `+1`) written `±HH:MM`; `Z`, `UTC`, `GMT` unchanged."""
    if zone[0] not in "+-":
        return zone
    digits = zone[1:].replace(":", "")
    hours, minutes = (digits, "00") if len(digits) <= 2 else (digits[:-2], digits[-2:])
    return f"{zone[0]}{int(hours):02d}:{minutes}"


def _format_offset(offset: timedelta) -> str:
    """`±HH:MM`, rounded to the minute (old local mean times have odd seconds)."""
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _zone(zone: str) -> tzinfo | None:
    """A tzinfo for an IANA name, `UTC` or `±HH:MM`; None if it names no zone."""
    if zone == "UTC":
        return UTC
    if _FIXED_OFFSET.fullmatch(zone):
        offset = _offset_of(zone)
        return None if offset is None else timezone(offset)
    if zone in _NOT_PLACE_ZONES or zone.startswith(("right/", "posix/")):
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only when a zone is named

    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - timedelta(days=1)).day


def _unquote(text: str) -> tuple[str, str]:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1], text[0]
    return text, ""


def _quoted(found: Diagnosis, quote: str) -> Diagnosis:
    if not quote or found.replacement is None:
        return found
    return Diagnosis(
        found.ok, found.message, quote + found.replacement + quote, found.safe, found.value
    )


def _show(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _bad(message: str) -> Diagnosis:
    return Diagnosis(False, message, None, False, None)
