"""Rules across records: checks that need every record of the run."""

from __future__ import annotations

from collections.abc import Iterator

from ..checks import sites, urlparts
from .context import Context, IndexEntry
from .finding import Finding
from .registry import RULES, rule
from .urls import own_urls

GROUP = "records"
CODE = "FM207"


def _duplicates(entries: list[IndexEntry]) -> Iterator[Finding]:
    by_key: dict[str, dict[str, IndexEntry]] = {}
    for entry in entries:
        by_key.setdefault(entry.key, {}).setdefault(entry.path or "", entry)
    rule_ = RULES[CODE]
    for key, per_path in by_key.items():
        if len(per_path) < 2:
            continue
        for path, entry in per_path.items():
            others = [o for p, o in per_path.items() if p != path]
            named = "; ".join(f"{o.path}:{o.line}" for o in others[:3])
            more = f" and {len(others) - 3} more" if len(others) > 3 else ""
            yield Finding(entry.path, entry.line, entry.column, entry.end_line,
                          entry.end_column, CODE, rule_.name, rule_.severity,  # type: ignore
                          f"the same story is filed again: {entry.label} "
                          f"{urlparts.shorten(key, 200)} is also in "
                          f"{named}{more}", entry.pointer)


@rule(CODE, "duplicate-record", severity="warning", group=GROUP, finalize=_duplicates,
      summary="Two records of one run are the same story (same canonical URL).")
def duplicate_record(ctx: Context) -> Iterator[Finding]:
    """
    Two records whose own URLs (schema roles `original-url` and `self-url`) are the same after
    canonicalisation (lower-case host, no tracking parameters, no fragment, no trailing slash,
    http and https alike) are the same story filed twice, often under two slugs by a scraper
    that ran twice. Each record gets a finding naming the other file and line.

    This rule needs all the records of a run: check the whole folder, not one file.
    """
    for pointer, url in own_urls(ctx, ""):
        canonical = sites.canonical_url(url)
        if canonical is not None:
            ctx.add_entry(canonical, pointer, ctx.where(pointer))
    return iter(())
