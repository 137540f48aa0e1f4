"""Timestamp reading, diagnosis and zone arithmetic, checked on real and hand-made values."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linter.checks.timerepair import diagnose
from linter.checks.times import filename_date, local_date, parse_rfc3339, to_utc_text, zone_is_valid

from .conftest import CORPUS, SEED

STAMP_LINE = re.compile(r"^[ \t-]*(?:publishedDateTime|updatedDateTime):[ \t]*(.*?)[ \t]*$")


def _stamps(paths: list[Path]) -> list[tuple[str, str]]:
    """(where, raw scalar text) for every timestamp line in the files."""
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if m := STAMP_LINE.match(line):
                found.append((f"{path.name}:{number}", m[1]))
    return found


def _last_sunday_of_march(year: int) -> date:
    day = date(year, 3, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


# --- strict reading -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-22T18:23:00Z", datetime(2024, 1, 22, 18, 23, tzinfo=UTC)),
        ("2024-01-22t18:23:00z", datetime(2024, 1, 22, 18, 23, tzinfo=UTC)),
        ("2024-01-22T19:23:00+01:00", datetime(2024, 1, 22, 18, 23, tzinfo=UTC)),
        ("2024-01-22T13:23:00-05:00", datetime(2024, 1, 22, 18, 23, tzinfo=UTC)),
        ("2024-01-22T18:23:00.5Z", datetime(2024, 1, 22, 18, 23, 0, 500000, tzinfo=UTC)),
        ("2024-01-22T18:23:00.123456789Z", datetime(2024, 1, 22, 18, 23, 0, 123456, tzinfo=UTC)),
        ("2024-02-29T00:00:00Z", datetime(2024, 2, 29, tzinfo=UTC)),
    ],
)
def test_parse_reads_valid_rfc3339(text: str, expected: datetime) -> None:
    value = parse_rfc3339(text)
    assert value == expected
    assert value is not None and value.tzinfo is not None


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-22 18:23:00Z",
        "2024-01-22T18:23:00",
        "2024-01-22T18:23Z",
        "2024-01-22",
        "2024-01-22T18:23:00+0100",
        "2024-01-22T18:23:00 +01:00",
        "2024-13-22T18:23:00Z",
        "2023-02-29T00:00:00Z",
        "2024-01-22T24:00:00Z",
        "2024-01-22T18:23:00+24:00",
        "2024-01-22T18:23:00Z\n",
        " 2024-01-22T18:23:00Z",
        "２０２４-01-22T18:23:00Z",
        "",
    ],
)
def test_parse_rejects_anything_not_strict(text: str) -> None:
    assert parse_rfc3339(text) is None


def test_leap_second_reads_as_the_next_second_only_where_one_can_occur() -> None:
    assert parse_rfc3339("2016-12-31T23:59:60Z") == datetime(2017, 1, 1, tzinfo=UTC)
    assert parse_rfc3339("2016-12-31T18:59:60-05:00") == datetime(2017, 1, 1, tzinfo=UTC)
    assert parse_rfc3339("2015-06-30T23:59:60.5Z") == datetime(
        2015, 7, 1, 0, 0, 0, 500000, tzinfo=UTC
    )
    assert parse_rfc3339("2016-12-30T23:59:60Z") is None
    assert parse_rfc3339("2016-12-31T23:58:60Z") is None
    found = diagnose("2016-12-30T23:59:60Z")
    assert not found.ok and "leap second" in found.message and found.replacement is None


# --- diagnosis ----------------------------------------------------------------------------


def test_valid_text_is_ok_quoted_or_not() -> None:
    for text in ("2024-01-22T18:23:00Z", '"2024-01-22T18:23:00Z"', "'2024-01-22T18:23:00Z'"):
        found = diagnose(text)
        assert found.ok and found.replacement is None
        assert found.value == datetime(2024, 1, 22, 18, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "replacement", "words"),
    [
        ("2024-01-22 18:23:00Z", "2024-01-22T18:23:00Z", "a space separates date and time"),
        ("2024-01-22T18:23Z", "2024-01-22T18:23:00Z", "no seconds"),
        ("2024-01-22T18:23:00+0100", "2024-01-22T18:23:00+01:00", "'+01:00'"),
        ("2024-01-22T18:23:00 +01:00", "2024-01-22T18:23:00+01:00", "space before the time zone"),
        ("2024-01-22T18:23:00+01", "2024-01-22T18:23:00+01:00", "'+01:00'"),
        ("2024-01-22 18:23:00 UTC", "2024-01-22T18:23:00Z", "'Z'"),
        ("2024-1-2T3:04:05,5Z", "2024-01-02T03:04:05.5Z", "two digits"),
        ("2024/01/22T18:23:00Z", "2024-01-22T18:23:00Z", "'/'"),
        ("20240122T182300Z", "2024-01-22T18:23:00Z", "basic format"),
        ("'2024-01-22 18:23:00Z'", "'2024-01-22T18:23:00Z'", "'T'"),
        ('" 2024-01-22T18:23:00Z "', '"2024-01-22T18:23:00Z"', "spaces around"),
    ],
)
def test_safe_fixes_keep_the_instant(text: str, replacement: str, words: str) -> None:
    found = diagnose(text)
    assert not found.ok
    assert found.safe
    assert found.replacement == replacement
    assert words in found.message
    assert found.value == parse_rfc3339(replacement.strip("'\""))


def test_space_separator_message_is_plain() -> None:
    found = diagnose("2024-01-22 18:23:00Z")
    assert found.message == "a space separates date and time; RFC 3339 wants 'T'"


def test_missing_zone_gets_an_unsafe_z_in_utc() -> None:
    found = diagnose("2024-01-22T18:23:00")
    assert not found.ok and not found.safe and found.value is None
    assert found.replacement == "2024-01-22T18:23:00Z"
    assert found.message.startswith("no time zone: add 'Z' for UTC or an offset like '+01:00'")


@pytest.mark.parametrize(
    ("text", "zone", "replacement"),
    [
        ("2024-01-22T18:23:00", "Europe/London", "2024-01-22T18:23:00+00:00"),
        ("2024-07-22T18:23:00", "Europe/London", "2024-07-22T18:23:00+01:00"),
        ("2024-07-22T18:23:00", "America/New_York", "2024-07-22T18:23:00-04:00"),
        ("2024-01-22T18:23:00", "America/New_York", "2024-01-22T18:23:00-05:00"),
        ("2024-01-22T18:23:00", "+10:00", "2024-01-22T18:23:00+10:00"),
        ('"2024-01-22T18:23:00"', "Europe/London", '"2024-01-22T18:23:00+00:00"'),
    ],
)
def test_missing_zone_takes_the_offset_the_zone_had(text: str, zone: str, replacement: str) -> None:
    found = diagnose(text, default_zone=zone)
    assert (found.ok, found.safe, found.replacement) == (False, False, replacement)
    assert zone in found.message


@pytest.mark.parametrize("year", range(2020, 2031))
def test_london_spring_gap_is_named_and_resolved(year: int) -> None:
    day = _last_sunday_of_march(year).isoformat()
    gap = diagnose(f"{day}T01:30:00", default_zone="Europe/London")
    assert gap.replacement == f"{day}T01:30:00+00:00"
    assert "did not exist" in gap.message and "02:30 at +01:00" in gap.message
    before = diagnose(f"{day}T00:30:00", default_zone="Europe/London")
    after = diagnose(f"{day}T02:30:00", default_zone="Europe/London")
    assert before.replacement == f"{day}T00:30:00+00:00"
    assert after.replacement == f"{day}T02:30:00+01:00"
    assert "did not exist" not in before.message + after.message


def test_autumn_fold_takes_the_first_and_says_so() -> None:
    found = diagnose("2024-10-27T01:30:00", default_zone="Europe/London")
    assert found.replacement == "2024-10-27T01:30:00+01:00"
    assert "happened twice" in found.message and "+00:00" in found.message


def test_date_only_gets_unsafe_midnight_in_the_default_zone() -> None:
    found = diagnose("2024-01-22")
    assert (found.ok, found.safe, found.value) == (False, False, None)
    assert found.replacement == "2024-01-22T00:00:00Z"
    assert "date only" in found.message
    london = diagnose("2024-07-01", default_zone="Europe/London")
    assert london.replacement == "2024-07-01T00:00:00+01:00"


@pytest.mark.parametrize(
    ("text", "order", "replacement"),
    [
        ("22/01/2024", "'22/01/2024' is day/month/year; RFC 3339 wants 2024-01-22T…",
         "2024-01-22T00:00:00Z"),
        ("01/22/2024", "'01/22/2024' is month/day/year; RFC 3339 wants 2024-01-22T…",
         "2024-01-22T00:00:00Z"),
        ("22.01.2024 18:23", "day.month.year", "2024-01-22T18:23:00Z"),
    ],
)
def test_slash_dates_name_the_order_when_it_is_certain(
    text: str, order: str, replacement: str
) -> None:
    found = diagnose(text)
    assert not found.ok and not found.safe
    assert order in found.message
    assert found.replacement == replacement


@pytest.mark.parametrize("text", ["01/02/2024", "03/04/2024 10:00Z"])
def test_ambiguous_slash_dates_get_no_fix(text: str) -> None:
    found = diagnose(text)
    assert not found.ok and found.replacement is None
    assert "ambiguous" in found.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-13-22T18:23:00Z", "month 13 does not exist"),
        ("2024-01-32T18:23:00Z", "day 32 does not exist"),
        ("2024-02-30T18:23:00Z", "day 30 does not exist in February 2024 (it has 29 days)"),
        ("2023-02-29", "day 29 does not exist in February 2023 (it has 28 days)"),
        ("2024-04-31 10:00", "day 31 does not exist in April 2024 (it has 30 days)"),
        ("2024-01-22T24:00:00Z", "hour 24 does not exist"),
        ("2024-01-22T18:60:00Z", "minute 60 does not exist"),
        ("2024-01-22T18:23:61Z", "second 61 does not exist"),
        ("2024-01-22T18:23:00+25:00", "offset '+25:00' is out of range"),
        ("13/14/2024", "neither 13 nor 14 can be a month"),
    ],
)
def test_impossible_fields_get_a_clear_message_and_no_fix(text: str, message: str) -> None:
    found = diagnose(text)
    assert not found.ok and found.replacement is None and not found.safe
    assert message in found.message


def test_unix_time_gets_an_unsafe_utc_fix() -> None:
    found = diagnose("1705947780")
    assert (found.ok, found.safe, found.replacement) == (False, False, "2024-01-22T18:23:00Z")
    assert "Unix time" in found.message and "seconds" in found.message
    millis = diagnose("1705947780123")
    assert millis.replacement == "2024-01-22T18:23:00.123Z" and "milliseconds" in millis.message


def test_written_out_dates_are_reformatted_unsafely() -> None:
    mail = diagnose("Mon, 22 Jan 2024 18:23:00 +0000")
    assert (mail.safe, mail.replacement) == (False, "2024-01-22T18:23:00+00:00")
    prose = diagnose("January 22, 2024")
    assert prose.replacement == "2024-01-22T00:00:00Z" and "written-out" in prose.message


@pytest.mark.parametrize("text", ["yesterday", "", '""', "null", "~", "TBD", "2024", "22/01/24"])
def test_garbage_gets_a_message_and_no_fix(text: str) -> None:
    found = diagnose(text)
    assert not found.ok and found.replacement is None and found.value is None
    assert found.message


def test_unknown_default_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        diagnose("2024-01-22T18:23:00", default_zone="Mars/Olympus")


# --- zone arithmetic ----------------------------------------------------------------------


def test_to_utc_text_keeps_the_written_fraction() -> None:
    assert to_utc_text("2024-01-22T19:23:00+01:00") == "2024-01-22T18:23:00Z"
    assert to_utc_text("2024-01-22T00:30:00.120+10:00") == "2024-01-21T14:30:00.120Z"
    assert to_utc_text("2024-12-31T20:00:00-05:00") == "2025-01-01T01:00:00Z"
    assert to_utc_text("2016-12-31T18:59:60-05:00") == "2016-12-31T23:59:60Z"
    assert to_utc_text("2024-01-22T18:23:00+00:00") == "2024-01-22T18:23:00Z"
    assert to_utc_text("2024-01-22T18:23:00Z") is None
    assert to_utc_text("2024-01-22 18:23:00+01:00") is None
    assert to_utc_text("0001-01-01T00:30:00+01:00") is None


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("UTC", date(2024, 1, 22)),
        ("Australia/Sydney", date(2024, 1, 23)),
        ("+10:00", date(2024, 1, 23)),
        ("America/New_York", date(2024, 1, 22)),
        ("Pacific/Kiritimati", date(2024, 1, 23)),
        ("Pacific/Pago_Pago", date(2024, 1, 22)),
    ],
)
def test_local_date_of_late_evening_utc(zone: str, expected: date) -> None:
    instant = parse_rfc3339("2024-01-22T23:30:00Z")
    assert instant is not None
    assert local_date(instant, zone) == expected


def test_local_date_early_morning_utc_is_the_day_before_in_new_york() -> None:
    instant = parse_rfc3339("2024-01-23T03:00:00Z")
    assert instant is not None
    assert local_date(instant, "America/New_York") == date(2024, 1, 22)
    assert local_date(instant, "-05:00") == date(2024, 1, 22)
    with pytest.raises(ValueError):
        local_date(datetime(2024, 1, 23, 3), "UTC")
    with pytest.raises(ValueError):
        local_date(instant, "Nowhere/Town")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2024-01-22-slug.md", date(2024, 1, 22)),
        ("_news/2019-08-19-microsoft-power-apps-2019-release-wave-2-overview.md",
         date(2019, 8, 19)),
        ("2024-1-5-short.markdown", date(2024, 1, 5)),
        ("2024-02-30-no-such-day.md", None),
        ("2024-13-01-no-such-month.md", None),
        ("about.md", None),
        ("2024-01-22.md", None),
        ("2024-01-22-no-extension", None),
        ("content/2024-01-22_zola-post.md", date(2024, 1, 22)),
        ("content/2024-01-22-bundle/index.md", date(2024, 1, 22)),
        ("content/2024-01-22-bundle/notes.md", None),
    ],
)
def test_filename_date(name: str, expected: date | None) -> None:
    assert filename_date(name) == expected


@pytest.mark.parametrize(
    ("zone", "valid"),
    [
        ("America/New_York", True),
        ("Europe/London", True),
        ("Australia/Sydney", True),
        ("UTC", True),
        ("Etc/UTC", True),
        ("+10:00", True),
        ("-05:30", True),
        ("+24:00", False),
        ("america/new_york", False),
        ("Europe", False),
        ("America/New_York ", False),
        ("../etc/passwd", False),
        ("/etc/localtime", False),
        ("localtime", False),
        ("zone.tab", False),
        ("", False),
    ],
)
def test_zone_is_valid(zone: str, valid: bool) -> None:
    assert zone_is_valid(zone) is valid


# --- properties ---------------------------------------------------------------------------

_instants = st.datetimes(
    min_value=datetime(1900, 1, 2), max_value=datetime(2200, 1, 1)
).map(lambda d: d.replace(tzinfo=UTC))
_offsets = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(
    lambda m: timezone(timedelta(minutes=m))
)


@given(_instants, _offsets)
def test_written_instants_read_back_and_convert_to_utc(instant: datetime, tz: timezone) -> None:
    local = instant.astimezone(tz)
    text = local.isoformat()
    assert diagnose(text).value == instant
    utc_text = to_utc_text(text)
    assert utc_text is not None and utc_text.endswith("Z")
    assert parse_rfc3339(utc_text) == instant
    assert utc_text.startswith(f"{instant:%Y-%m-%dT%H:%M:%S}")


@given(_instants)
def test_space_separated_text_always_gets_a_safe_fix_to_the_same_instant(
    instant: datetime,
) -> None:
    found = diagnose(f"{instant:%Y-%m-%d %H:%M:%S}Z")
    assert found.safe and found.value == instant.replace(microsecond=0)


# --- real data ----------------------------------------------------------------------------


def test_every_corpus_and_seed_timestamp_is_ok() -> None:
    if not CORPUS.is_dir() or not SEED.is_file():
        pytest.skip("corpus not present")
    paths = sorted(
        [*CORPUS.glob("_news/*.md"), *CORPUS.glob("_learning/**/*.md"),
         *CORPUS.glob("_samples/*.md"), SEED]
    )
    stamps = _stamps(paths)
    assert len(stamps) > 1200
    assert sum(where.startswith("article.md:") for where, _ in stamps) == 5
    bad = [(where, text, diagnose(text).message) for where, text in stamps if not diagnose(text).ok]
    assert bad == []


def test_text_too_long_for_a_date_time_is_said_to_be_so() -> None:
    text = "2024-01-22T18:23:00" + "0" * 1_000_000 + "Z"
    assert parse_rfc3339(text) is None
    found = diagnose(text)
    assert not found.ok and found.replacement is None
    assert found.message == (
        "'2024-01-22T18:23:0000000000000000000000…' is 1,000,020 characters long, too long to be "
        "a date-time (at most 100); RFC 3339 wants one like 2024-01-22T18:23:00Z")
    padded = "  " + "2024-01-22T18:23:00.123456789+05:30" + " " * 200
    assert diagnose(padded).ok  # (what surrounds the value is not counted)
