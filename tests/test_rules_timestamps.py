"""Timestamp rules FM301–FM306: what each reports, exactly where, its fix, and the real corpus."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import linter
from linter.engine.config import Config

from .conftest import CORPUS, SEED, Run
from .rulekit import at, fixed, line, lint, only, seed_with

PUBLISHED = "publishedDateTime: 2024-01-22T18:23:00Z"
RELATED_PUBLISHED = "    publishedDateTime: 2024-01-22T16:27:00Z"














def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- FM301 timestamp-format -----------------------------------------------------------------


def test_a_space_for_t_is_fixed_safely() -> None:
    text = seed_with(PUBLISHED, "publishedDateTime: 2024-01-22 18:23:00Z")
    [finding] = only(lint(text), "FM301")
    assert at(finding) == ("FM301", 5, 20, 5, 40, "/publishedDateTime")
    assert "a space separates date and time; RFC 3339 wants 'T'" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert line(fixed(text, finding), 5) == PUBLISHED  # still plain, not quoted


@pytest.mark.parametrize(("zone", "written"), [
    (None, "2024-01-22T18:23:00Z"),
    ("Australia/Sydney", "2024-01-22T18:23:00+11:00"),
])
def test_a_missing_zone_is_guessed_unsafely_from_the_site(zone: str | None, written: str) -> None:
    text = seed_with(PUBLISHED, "publishedDateTime: 2024-01-22T18:23:00")
    [finding] = only(lint(text, timezone=zone), "FM301")
    assert at(finding) == ("FM301", 5, 20, 5, 39, "/publishedDateTime")
    assert "no time zone" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert line(fixed(text, finding), 5) == f"publishedDateTime: {written}"


def test_an_impossible_date_has_no_fix() -> None:
    text = seed_with(RELATED_PUBLISHED, "    publishedDateTime: 2024-02-30T16:27:00Z")
    [finding] = only(lint(text), "FM301")
    assert at(finding) == ("FM301", 50, 24, 50, 44, "/related/1/publishedDateTime")
    assert finding.fix is None and finding.severity == "error"


# --- FM302 timestamp-future -----------------------------------------------------------------


def test_future_is_judged_against_the_given_now() -> None:
    text = SEED.read_text("utf-8")
    early = Config(now=datetime(2024, 1, 22, 17, 0, tzinfo=UTC))  # 83 minutes before
    finding, related = only(linter.lint_text(text, "article.md", early), "FM302")
    assert related.pointer == "/related/2/publishedDateTime"
    assert at(finding) == ("FM302", 5, 20, 5, 40, "/publishedDateTime")
    assert "2024-01-22T18:23:00+00:00 is in the future (now is 2024-01-22T17:00:00+00:00)" in (
        finding.message)
    within = Config(now=datetime(2024, 1, 22, 17, 30, tzinfo=UTC))  # 53 minutes: tolerated
    assert [f.pointer for f in only(linter.lint_text(text, "article.md", within), "FM302")] == [
        "/related/2/publishedDateTime"]
    tight = Config(now=datetime(2024, 1, 22, 17, 30, tzinfo=UTC),
                   rule_options={"timestamp-future": {"tolerance-minutes": 30}})
    assert len(only(linter.lint_text(text, "article.md", tight), "FM302")) == 2


def test_related_items_are_checked_too() -> None:
    now = Config(now=datetime(2024, 1, 23, tzinfo=UTC))
    [finding] = only(linter.lint_text(SEED.read_text("utf-8"), "article.md", now), "FM302")
    assert at(finding) == ("FM302", 64, 24, 64, 44, "/related/2/publishedDateTime")


def test_now_on_the_command_line(tmp_path: Path, cli: Callable[..., Run]) -> None:
    (tmp_path / "article.md").write_text(SEED.read_text("utf-8"), "utf-8")
    args = ["check", str(tmp_path), "--select", "FM302", "--output-format", "concise",
            "--no-cache"]
    before = cli([*args, "--now", "2024-01-01T00:00:00Z"])
    assert before.out.count("FM302") == 5 and before.code == 1
    after = cli([*args, "--now", "2024-02-01T00:00:00Z"])
    assert "FM302" not in after.out and after.code == 0


# --- FM303 timestamp-implausible ------------------------------------------------------------


def test_the_unix_epoch_is_a_missing_value() -> None:
    text = seed_with(PUBLISHED, "publishedDateTime: 1970-01-01T00:00:00Z")
    [finding] = only(lint(text), "FM303")
    assert at(finding) == ("FM303", 5, 20, 5, 40, "/publishedDateTime")
    assert "1970-01-01 is before 1990-01-01 (the Unix epoch" in finding.message


def test_the_floor_is_an_option() -> None:
    text = SEED.read_text("utf-8")
    assert only(lint(text), "FM303") == []
    late = {"timestamp-implausible": {"floor": "2024-01-21"}}
    pointers = [f.pointer for f in only(lint(text, rule_options=late), "FM303")]
    assert pointers == ["/related/0/publishedDateTime", "/related/3/publishedDateTime"]


# --- FM304 timestamp-order ------------------------------------------------------------------


def test_updated_before_published() -> None:
    text = seed_with(PUBLISHED, f"{PUBLISHED}\nupdatedDateTime: 2024-01-21T09:00:00Z")
    [finding] = only(lint(text), "FM304")
    assert at(finding) == ("FM304", 6, 18, 6, 38, "/updatedDateTime")
    assert finding.severity == "error" and finding.fix is None
    assert ("updatedDateTime 2024-01-21T09:00:00+00:00 is before publishedDateTime "
            "2024-01-22T18:23:00+00:00") in finding.message


def test_order_is_compared_by_instant_across_offsets() -> None:
    same = seed_with(PUBLISHED, f"{PUBLISHED}\nupdatedDateTime: 2024-01-22T19:23:00+01:00")
    assert only(lint(same), "FM304") == []
    earlier = seed_with(PUBLISHED, f"{PUBLISHED}\nupdatedDateTime: 2024-01-22T19:22:59+01:00")
    assert len(only(lint(earlier), "FM304")) == 1


def test_order_inside_a_related_item() -> None:
    text = seed_with(RELATED_PUBLISHED,
                     f"{RELATED_PUBLISHED}\n    updatedDateTime: 2024-01-22T16:00:00Z")
    [finding] = only(lint(text), "FM304")
    assert finding.pointer == "/related/1/updatedDateTime" and finding.line == 51


# --- FM305 filename-date --------------------------------------------------------------------

LATE = seed_with(PUBLISHED, "publishedDateTime: 2024-01-22T23:30:00Z")


@pytest.mark.parametrize(("name", "reported"), [
    ("2024-01-22-x.md", True),  # 10:30 on the 23rd in Sydney
    ("2024-01-23-x.md", False),
])
def test_the_sites_zone_decides_the_day(name: str, reported: bool) -> None:
    findings = only(lint(LATE, f"_news/{name}", timezone="Australia/Sydney"), "FM305")
    assert len(findings) == reported
    if reported:
        assert at(findings[0]) == ("FM305", 5, 20, 5, 40, "/publishedDateTime")
        assert findings[0].message.startswith(
            "the file name says 2024-01-22 but publishedDateTime is 2024-01-23 "
            "(Australia/Sydney), 1 day apart")
        assert findings[0].fix is None


@pytest.mark.parametrize(("name", "reported"), [
    ("2024-01-21-x.md", True),
    ("2024-01-22-x.md", False),
    ("2024-01-23-x.md", False),  # the 23rd east of UTC+00:30: some zone names it so
    ("2024-01-24-x.md", True),
    ("2023-01-22-x.md", True),  # a wrong year is never a matter of zones
])
def test_without_a_site_zone_any_zone_on_earth_is_accepted(name: str, reported: bool) -> None:
    findings = only(lint(LATE, f"_news/{name}"), "FM305")
    assert len(findings) == reported
    if reported:
        assert f"and {name[:10]} in no time zone" in findings[0].message


def test_strict_compares_in_utc() -> None:
    strict = {"filename-date": {"strict": True}}
    [finding] = only(lint(LATE, "_news/2024-01-23-x.md", rule_options=strict), "FM305")
    assert finding.message.startswith(
        "the file name says 2024-01-23 but publishedDateTime is 2024-01-22 (UTC), 1 day apart")


def test_the_zone_of_the_sites_config_file(tmp_path: Path, cli: Callable[..., Run]) -> None:
    (tmp_path / "_config.yml").write_text("title: x\ntimezone: Australia/Sydney\n", "utf-8")
    (tmp_path / "_news").mkdir()
    (tmp_path / "_news" / "2024-01-22-x.md").write_text(LATE, "utf-8")
    (tmp_path / "_news" / "2024-01-23-y.md").write_text(LATE, "utf-8")
    run = cli(["check", str(tmp_path), "--select", "FM305", "--output-format", "concise",
               "--no-cache", "--isolated"])
    assert run.out.count("FM305") == 1 and "2024-01-22-x.md:5:20: FM305" in run.out


def test_the_zone_of_the_configuration(tmp_path: Path, cli: Callable[..., Run]) -> None:
    (tmp_path / "fmlint.toml").write_text('timezone = "Australia/Sydney"\n', "utf-8")
    (tmp_path / "2024-01-22-x.md").write_text(LATE, "utf-8")
    (tmp_path / "2024-01-23-y.md").write_text(LATE, "utf-8")
    run = cli(["check", str(tmp_path), "--select", "FM305", "--output-format", "concise",
               "--no-cache"])
    assert run.out.count("FM305") == 1 and "2024-01-22-x.md:5:20: FM305" in run.out
    assert "is 2024-01-23 (Australia/Sydney), 1 day apart" in run.out


def test_files_without_a_date_and_related_items_are_not_compared() -> None:
    assert only(lint(LATE, "_news/no-date-here.md"), "FM305") == []
    text = seed_with(RELATED_PUBLISHED, "    publishedDateTime: 2020-01-01T00:00:00Z")
    assert only(lint(text, "_news/2024-01-22-x.md"), "FM305") == []


def test_the_corpus_files_named_a_day_late() -> None:
    """41 news files carry the day after their publication's UTC date. Every one was published
    between 16:00 and 24:00 UTC, so the name is the local date east of UTC+08:00: not reported
    by default, reported when the comparison is strict."""
    paths = sorted((CORPUS / "_news").glob("*.md"))
    # By default none is reported: tests/test_corpus.py pins the whole corpus's findings.
    strict = Config(select=["FM305"], rule_options={"filename-date": {"strict": True}})
    late = {p.name: f for p in paths for f in linter.lint_text(p.read_text("utf-8"), str(p),
                                                                strict)}
    assert len(late) == 41
    for name, finding in late.items():
        assert finding.message.endswith("1 day apart; rename the file to start with "
                                        f"{finding.message.split(' is ')[1][:10]} or correct "
                                        "the date")
        written = re.search(r"^publishedDateTime: (\S+)$",
                            (CORPUS / "_news" / name).read_text("utf-8"), re.M)
        assert written is not None
        when = instant(written.group(1))
        assert when.hour >= 16 and (when + timedelta(days=1)).date().isoformat() == name[:10]


# --- FM306 timestamp-utc --------------------------------------------------------------------

OFFSET = seed_with(PUBLISHED, "publishedDateTime: 2024-01-22T19:23:00+01:00")


def test_utc_style_is_off_by_default() -> None:
    assert only(lint(OFFSET), "FM306") == []


def test_utc_style_converts_to_the_same_instant() -> None:
    [finding] = only(lint(OFFSET, extend_select=["FM306"]), "FM306")
    assert at(finding) == ("FM306", 5, 20, 5, 45, "/publishedDateTime")
    assert finding.severity == "info"
    assert "2024-01-22T19:23:00+01:00 is not in UTC" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert line(fixed(OFFSET, finding), 5) == PUBLISHED
    assert only(lint(SEED.read_text("utf-8"), select=["FM306"]), "FM306") == []
