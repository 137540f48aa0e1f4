"""Timestamp rules: every value the schema marks ``format: date-time``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from ..checks import timerepair
from ..checks import times as timetools
from ..reading import defaults
from ..schema.valuenotes import GENERATOR_DATE
from .context import Context
from .finding import Finding
from .registry import Option, rule

GROUP = "timestamps"
_UTC_READERS = ("hugo", "zola", "eleventy")  # generators that read a time without a zone as UTC


def _zone(ctx: Context) -> str:
    zone = ctx.config.timezone or ctx.site.timezone or "UTC"
    return zone if timetools.zone_is_valid(zone) else "UTC"


def _written(ctx: Context, pointer: str) -> str | None:
    """A value's text as written (a string value without a source is its own text)."""
    text = ctx.raw(pointer)
    if text is None:
        value = ctx.value(pointer)
        text = value if isinstance(value, str) else None
    return text


def _timestamps(ctx: Context) -> Iterator[tuple[str, str]]:
    """(pointer, text as written) of every value the schema says is an RFC 3339 date-time."""
    for pointer in ctx.notes.with_format("date-time"):
        text = _written(ctx, pointer)
        if text is not None:
            yield pointer, text


def _dates(ctx: Context) -> Iterator[tuple[str, timetools.GeneratorDate]]:
    """Every date-time and generator date, read as the site's generator reads it (a value
    without a zone in the site's zone)."""
    zone = _zone(ctx)
    for pointer in ctx.notes.with_format("date-time", GENERATOR_DATE):
        text = _written(ctx, pointer)
        read = (timetools.read_generator_date(text, zone) if text is not None
                else timetools.generator_value(ctx.value(pointer), zone))
        if read is not None:
            yield pointer, read


def _instants(ctx: Context) -> Iterator[tuple[str, datetime]]:
    for pointer, read in _dates(ctx):
        yield pointer, read.instant


def _held_back(ctx: Context) -> bool:
    """Whether the generator leaves the record out of the site on purpose: a draft, an
    unpublished record, or one dated in the future on a site that builds no such records
    (Jekyll's `future: false`, Hugo's `buildFuture = false`: their defaults)."""
    if defaults.draft(ctx.record, ctx.site):
        return True
    if ctx.site.generator not in ("jekyll", "hugo") or ctx.site.future:
        return False
    for key in ("/publishDate", "/date") if ctx.site.generator == "hugo" else ("/date",):
        date_of = timetools.read_generator_date(ctx.raw(key) or "", _zone(ctx))
        if date_of is None:
            date_of = timetools.generator_value(ctx.value(key), _zone(ctx))
        if date_of is not None:
            return date_of.instant > ctx.now
    if ctx.site.generator != "jekyll" or not ctx.path:
        return False
    named = timetools.filename_date(ctx.path)
    return named is not None and named > ctx.now.date()


@rule("FM301", "timestamp-format", severity="error", fix="sometimes", group=GROUP,
      replaces=("FM013",),
      summary="A timestamp that is not RFC 3339 with a time zone.")
def timestamp_format(ctx: Context) -> Iterator[Finding]:
    """
    Checks every value the schema marks `format: date-time` against RFC 3339: a date, `T`,
    a time with seconds, and a time zone (`Z` or an offset like `+01:00`).

    Why: without a zone, every reader guesses one, and sites built in different places move
    the article by hours, sometimes onto another day. Forms like `22/01/2024` are read as
    different dates by different tools, or not at all. Text longer than 100 characters is
    reported as too long to be a date-time, without a closer look.

    ```yaml
    publishedDateTime: 2024-01-22 18:23:00Z   # fix: 2024-01-22T18:23:00Z (safe)
    publishedDateTime: 2024-01-22T18:23:00    # fix: add the site's zone (unsafe)
    publishedDateTime: 22/13/2024             # month 13 does not exist; no fix
    ```

    Fix: safe where the meaning is certain (a space for `T`, missing seconds, `+0100` for
    `+01:00`); unsafe where it guesses: a missing zone becomes the site's zone
    (`timezone` in `_config.yml` or fmlint's configuration, else UTC), a date alone becomes
    midnight, day/month order is inferred.

    Where no schema asks for RFC 3339, a date under a date's key (`date`, `lastmod`,
    `last_modified_at`...) is judged as the site generator reads it: Jekyll's
    `2025-01-29 18:15:32 +0530` and a date alone (`2025-01-29`) are fine; only a time
    without a zone on a site that sets none is reported, as Jekyll then reads it in the
    zone of whatever machine builds the site (Hugo, Zola and Eleventy read it as UTC: not
    reported on their sites).
    """
    zone = _zone(ctx)
    for pointer, text in _timestamps(ctx):
        diagnosis = timerepair.diagnose(text, default_zone=zone)
        if not diagnosis.ok:
            yield _format_finding(ctx, pointer, diagnosis, diagnosis.message)
    if ctx.config.timezone or ctx.site.timezone or ctx.site.generator in _UTC_READERS:
        return  # (the generator reads a time without a zone in the site's zone, or UTC)
    for pointer in ctx.notes.with_format(GENERATOR_DATE):
        text = _written(ctx, pointer)
        read = None if text is None else timetools.read_generator_date(text)
        if read is not None and read.timed and not read.zoned:
            diagnosis = timerepair.diagnose(text or "", default_zone=zone)
            yield _format_finding(
                ctx, pointer, diagnosis, f"{text} has no time zone, and the site sets none "
                "('timezone' in _config.yml): the generator reads it in the zone of whatever "
                "machine builds the site; add one, e.g. 'Z' for UTC or '+01:00'")


def _format_finding(ctx: Context, pointer: str, diagnosis: timerepair.Diagnosis,
                    message: str) -> Finding:
    fix = None
    if diagnosis.replacement is not None:
        fix = ctx.replace(pointer, diagnosis.replacement,
                          f"write {diagnosis.replacement}", safe=diagnosis.safe)
    return ctx.report(pointer, f"{ctx.where(pointer)}: {message}", fix=fix)


@rule("FM302", "timestamp-future", severity="warning", group=GROUP,
      options={"tolerance-minutes": Option(60, "how far ahead of now a timestamp may be")},
      summary="A timestamp in the future.")
def timestamp_future(ctx: Context) -> Iterator[Finding]:
    """
    Reports timestamps later than now (plus a tolerance). Static site generators such as
    Hugo and Jekyll leave future-dated posts out of the site without a word, so the article
    silently disappears; often the cause is a wrong year or a zone mix-up.

    A record the generator holds back on purpose is not reported: a draft (`draft: true`,
    a file in `_drafts/`), an unpublished record (`published: false`, also from the site's
    `defaults:`), or, on a site that does not build future posts (Jekyll's `future: false`
    and Hugo's `buildFuture = false`, their defaults), a record whose `date` (Hugo:
    `publishDate`, else `date`; Jekyll: else the file name's date) is in the future: that
    is how posts are scheduled there.

    `fmlint check --now 2024-01-01T00:00:00Z` pins the clock, so runs are reproducible.
    """
    limit = ctx.now + timedelta(minutes=ctx.option("tolerance-minutes"))
    future = [(pointer, instant) for pointer, instant in _instants(ctx) if instant > limit]
    if not future or _held_back(ctx):
        return
    for pointer, instant in future:
        yield ctx.report(pointer, f"{ctx.where(pointer)} {instant.isoformat()} is in the "
                         f"future (now is {ctx.now.replace(microsecond=0).isoformat()}); "
                         "site generators hide future-dated posts")


@rule("FM303", "timestamp-implausible", severity="warning", group=GROUP,
      options={"floor": Option("1990-01-01", "the earliest plausible date (YYYY-MM-DD)")},
      summary="A timestamp earlier than any plausible date (e.g. the Unix epoch).")
def timestamp_implausible(ctx: Context) -> Iterator[Finding]:
    """
    Reports timestamps before a floor (default 1990-01-01). `1970-01-01T00:00:00Z` is what
    a missing value becomes when a program reads it as zero seconds since the Unix epoch.
    """
    try:
        floor = date.fromisoformat(ctx.option("floor"))
    except ValueError:
        floor = date(1990, 1, 1)
    for pointer, instant in _instants(ctx):
        if instant.date() < floor:
            hint = " (the Unix epoch: probably a missing value)" if instant.year == 1970 else ""
            yield ctx.report(pointer, f"{ctx.where(pointer)} {instant.date().isoformat()} is "
                             f"before {floor.isoformat()}{hint}")


@rule("FM304", "timestamp-order", severity="error", group=GROUP,
      summary="Updated before published.")
def timestamp_order(ctx: Context) -> Iterator[Finding]:
    """
    Reports an item whose update time (schema role `updated`) is earlier than its
    publication time (role `published`), in the same record or related item.
    """
    instants = dict(_instants(ctx))
    for updated in ctx.notes.with_role("updated"):
        parent = ctx.parent(updated)
        published = ctx.children(parent).get("published")
        if published is None or updated not in instants or published not in instants:
            continue
        if instants[updated] < instants[published]:
            yield ctx.report(updated, f"{ctx.where(updated)} "
                             f"{instants[updated].isoformat()} is before "
                             f"{ctx.where(published)} {instants[published].isoformat()}")


@rule("FM305", "filename-date", severity="warning", group=GROUP,
      options={"strict": Option(False, "compare in UTC even when the site sets no time zone")},
      summary="The date in the file name differs from the publication date.")
def filename_date(ctx: Context) -> Iterator[Finding]:
    """
    A file named `YYYY-MM-DD-slug.md` has its date in its name (so has Zola's
    `YYYY-MM-DD_slug.md`, and a page bundle's `YYYY-MM-DD-slug/index.md`); Jekyll builds
    the post's date and URL from it. When it differs from the record's own publication
    date (schema role `published`), the page's URL and its shown date disagree.

    Where the site sets its time zone (`timezone` in `_config.yml` or fmlint's
    configuration), the publication date is taken in that zone: 23:30 UTC on the 22nd is
    rightly the 23rd in Sydney, and a file named for the 22nd is reported.

    Where it sets none, there is no telling which zone the file was named in: a file date
    that is the publication's date somewhere on Earth (UTC−12:00 to UTC+14:00) is accepted,
    so publishing pipelines that name files by their own local day are not reported, while
    a wrong day, month or year still is. `strict = true` compares in UTC instead.

    No fix: renaming the file changes the page's URL, and the timestamp may be the right
    one; the message gives both dates.
    """
    if not ctx.path:
        return
    named = timetools.filename_date(ctx.path)
    if named is None:
        return
    zone = _zone(ctx)
    strict = bool(ctx.config.timezone or ctx.site.timezone or ctx.option("strict"))
    instants = dict(_instants(ctx))
    for pointer in ctx.notes.with_role("published"):
        if ctx.parent(pointer) != "" or pointer not in instants:
            continue
        instant = instants[pointer]
        local = timetools.local_date(instant, zone)
        if local == named:
            continue
        anywhere = ""
        if not strict:
            earliest = (instant - timedelta(hours=12)).astimezone(UTC).date()
            latest = (instant + timedelta(hours=14)).astimezone(UTC).date()
            if earliest <= named <= latest:
                continue
            anywhere = f", and {named.isoformat()} in no time zone"
        days = abs((local - named).days)
        yield ctx.report(
            pointer,
            f"the file name says {named.isoformat()} but {ctx.where(pointer)} is "
            f"{local.isoformat()} ({zone}){anywhere}, {days} day{'s' if days != 1 else ''} "
            f"apart; rename the file to start with {local.isoformat()} or correct the date",
        )


@rule("FM306", "timestamp-utc", severity="info", fix="safe", default_enabled=False,
      group=GROUP, summary="A timestamp with an offset other than Z (style).")
def timestamp_utc(ctx: Context) -> Iterator[Finding]:
    """
    Off by default. For sites that keep every timestamp in UTC: reports offsets such as
    `+01:00` and converts them to the same instant in `Z` (safe: the instant is unchanged).
    """
    for pointer, text in _timestamps(ctx):
        converted = timetools.to_utc_text(text)
        if converted is not None:
            yield ctx.report(pointer, f"{ctx.where(pointer)} {text} is not in UTC",
                             fix=ctx.replace(pointer, converted, f"write {converted}",
                                             safe=True))
