"""What is wrong with a timestamp that is not RFC 3339, in plain words, and its repair:
loose ISO forms, day-month orders, month names, epoch numbers, missing zones."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from typing import NamedTuple

from .times import (
    FIXED_OFFSET,
    MAX_LENGTH,
    MONTHS,
    WANT,
    field_errors,
    format_offset,
    normal_offset,
    offset_of,
    parse_rfc3339,
    zone_info,
)

# ISO-like text RFC 3339 would accept after small repairs (or that has impossible fields).
_LOOSE = re.compile(
    r"(?P<y>[0-9]{4})(?P<dsep>[-/.])(?P<mo>[0-9]{1,2})(?P=dsep)(?P<d>[0-9]{1,2})"
    r"(?:(?P<sep>[ \t]*[Tt][ \t]*|[ \t]+|_)"
    r"(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{1,2})(?::(?P<s>[0-9]{1,2})(?P<frac>[.,][0-9]+)?)?"
    r"(?P<zsp>[ \t]*)(?P<zone>[Zz]|(?i:UTC|GMT)|[+-][0-9]{1,2}(?::?[0-9]{2})?)?)?"
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
EPOCH_MILLIS = re.compile(r"[0-9]{12,13}")


class Diagnosis(NamedTuple):
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


def diagnose(text: str, *, default_zone: str = "UTC") -> Diagnosis:
    """Judge the source text of a timestamp scalar (quoted or not) against RFC 3339.

    `default_zone` (IANA name, `UTC` or `±HH:MM`) is what an unsafe repair assumes when the
    text has no zone. Raises ValueError if it is not a zone.
    """
    tz = zone_info(default_zone)
    if tz is None:
        raise ValueError(f"unknown time zone {default_zone!r}")
    if len(text) > MAX_LENGTH and len(body := text.strip()) > MAX_LENGTH:
        return _bad(f"{_show(body)} is {len(body):,} characters long, too long to be a "
                    f"date-time (at most {MAX_LENGTH}); {WANT}")
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
        return _bad(f"no date-time given; {WANT}")
    if body in ("~", "null", "Null", "NULL"):
        return _bad(f"null is not a date-time; {WANT}")
    value = parse_rfc3339(body)
    if value is not None:
        return Diagnosis(True, "", None, False, value)
    if m := _LOOSE.fullmatch(body):
        return _repair(m, zone_name, tz)
    if m := _BASIC.fullmatch(body):
        return _basic(body, m, zone_name, tz)
    if m := _EPOCH_SECONDS.fullmatch(body):
        return _epoch(body, int(m["n"]), m["frac"] or "", "seconds")
    if EPOCH_MILLIS.fullmatch(body):
        millis = int(body)
        frac = f".{millis % 1000:03d}".rstrip("0").rstrip(".")
        return _epoch(body, millis // 1000, frac, "milliseconds")
    if m := _NUMERIC_DMY.fullmatch(body):
        return _day_month(body, m, zone_name, tz)
    if _SHORT_YEAR.fullmatch(body):
        return _bad(f"{_show(body)} has a two-digit year; {WANT}")
    if m := _WORDY.fullmatch(body):
        month = MONTHS.get((m["m1"] or m["m2"]).lower())
        if month is not None:
            day = int(m["d1"] or m["d2"])
            iso = f"{m['y']}-{month:02d}-{day:02d}"
            said = f"{_show(body)} is a written-out date; RFC 3339 wants {iso}T…"
            return _reformatted(said, iso, m["rest"], zone_name, tz)
    if body.isdigit():
        if len(body) == 4:
            return _bad(f"a year alone is not a date-time; {WANT}")
        return _bad(f"{_show(body)} is a bare number, not a date-time; {WANT}")
    return _bad(f"{_show(body)} is not a date-time; {WANT}")


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
    errors = field_errors(y, mo, d, h, mi, s)
    offset_text = normal_offset(zone) if zone else None
    if zone and zone not in ("UTC", "GMT") and offset_of(offset_text or "") is None:
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


def _zone_suffix(wall: str, zone_name: str, tz: tzinfo) -> tuple[str, str]:
    """The zone text to append to a zone-less wall time, and words saying what was assumed."""
    if tz is UTC:
        return "Z", "UTC"
    naive = datetime.fromisoformat(wall.replace(":60", ":59"))
    if FIXED_OFFSET.fullmatch(zone_name):
        return zone_name, zone_name
    first = naive.replace(tzinfo=tz, fold=0)
    later = naive.replace(tzinfo=tz, fold=1)
    off0, off1 = first.utcoffset(), later.utcoffset()
    assert off0 is not None and off1 is not None
    at = f"{naive:%H:%M} on {naive:%Y-%m-%d}"
    text0 = format_offset(off0)
    if off0 == off1:
        return text0, f"{zone_name}, where {at} was {text0}"
    text1 = format_offset(off1)
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
            f"{WANT}"
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
