"""Properties over generated records and random text or bytes.

The engine never raises and never reports an internal error (FM009); every finding lies
inside the file; the JSON report always parses; fixing keeps every value it did not target.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from linter.engine import lint as engine
from linter.engine.config import Config
from linter.fixer import apply as fixer
from linter.output import Report, render
from linter.reading import source
from linter.rules.finding import Finding
from linter.rules.registry import load_all
from linter.schema.shipped import builtin

from .conftest import DATA
from .test_fix_safety import front_matter, targeted_pointers, traced_fix, untargeted_changes

CONFIG = Config()
PATH = "_news/2024-01-22-generated.md"
RUN = settings(max_examples=120, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
_BREAK = re.compile(r"\r\n|\r|\n")

_ARTICLE = builtin("article").document
KEYS = sorted({*_ARTICLE["properties"], "name", "domain", "url", "width", "height", "isCached",
               "webUrl", "title", "excerpt", "publishedDateTime"})
TRICKY = [
    "https://example.com/a b", "http://example.com/?utm_source=x&id=1", "//example.com/x.png",
    "www.example.com/page", "Met\u00e2\u20ac\u2122s", "Tom &amp;quot;Jerry&amp;quot;",
    "a&nbsp;b", "2024-01-22T18:23:00Z", "2024-02-30T25:61:00", "2024-01-22", "yes", "no",
    "on", "null", "~", "1e3", "0o17", "0x1F", ".inf", "", " lead", "trail ", "a\u200bb",
    "Cory\u202edon", "\u2066x\u2069", "caf\u0065\u0301", "line\nbreak", "tab\there", "#hash",
    "- dash", "key: value", "'quoted'", '"double"', "a\u00a0b", "\x7f", "\ufeffbom",
]
URLS = [
    "https://example.com/a b", "http://example.com/page", "https://example.com/?utm_source=x&id=1",
    "https://example.com/a&amp;b", "//example.com/x.png", "www.example.com/page",
    "https://www-example-com.cdn.ampproject.org/c/s/example.com/a.amp", "HTTPS://Example.COM/",
    "https://example.com/%zz", "mailto:someone@example.com", "https://exa mple.com/",
    " https://example.com/padded ", "/assets/images/x.png",
]
TIMES = ["2024-01-22T18:23:00Z", "2024-01-22T18:23:00+01:00", "2024-01-22 18:23:00",
         "2024-02-30T10:00:00Z", "2024-01-22", "22/01/2024", "2999-01-01T00:00:00Z"]
text_values = st.one_of(st.text(max_size=30), st.sampled_from(TRICKY))
url_values = st.one_of(st.sampled_from(URLS), text_values)
time_values = st.one_of(st.sampled_from(TIMES), text_values)
scalars = st.one_of(text_values, st.integers(-(10**6), 10**6), st.booleans(), st.none())
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=8))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(keys, inner, max_size=4)),
    max_leaves=12,
)
numbers = st.one_of(st.integers(-5, 10**5), text_values)
images = st.lists(st.fixed_dictionaries({}, optional={
    "url": url_values, "width": numbers, "height": numbers, "isCached": st.booleans()}),
    max_size=2)
provider = st.fixed_dictionaries({}, optional={
    "name": text_values, "domain": text_values, "images": images})
related = st.lists(st.fixed_dictionaries({}, optional={
    "title": text_values, "excerpt": text_values, "webUrl": url_values,
    "publishedDateTime": time_values, "provider": provider, "images": images}), max_size=2)
FIELDS = {
    "title": text_values, "excerpt": text_values, "category": text_values, "type": text_values,
    "publishedDateTime": time_values, "updatedDateTime": time_values,
    "originalUrl": url_values, "webUrl": url_values, "ampWebUrl": url_values,
    "cdnAmpWebUrl": url_values, "quality": numbers, "heat": numbers,
    "published": st.one_of(st.booleans(), text_values), "topics": st.lists(text_values,
                                                                          max_size=3),
    "provider": provider, "images": images, "related": related,
}
records = st.builds(
    lambda known, other: {**other, **known},
    st.fixed_dictionaries({}, optional=FIELDS),
    st.dictionaries(keys, values, max_size=3),
)


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, bool]:
    """A record as a file: YAML in a random style, a body, line endings and maybe a BOM."""
    record = draw(records)
    yaml_text = yaml.safe_dump(
        record,
        default_style=draw(st.sampled_from([None, None, '"', "'"])),
        default_flow_style=draw(st.sampled_from([False, None, True])),
        allow_unicode=draw(st.booleans()),
        sort_keys=draw(st.booleans()),
        width=draw(st.sampled_from([80, 24, 10**6])),
        indent=draw(st.sampled_from([2, 4])),
    )
    body = draw(st.sampled_from(["", "Body text.\n", "Intro\n---\nmore\n", "no final newline"]))
    text = "---\n" + yaml_text + "---\n" + body
    ending = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    return text.replace("\n", ending), draw(st.booleans())


def position_problems(text: str, findings: list[Finding]) -> list[str]:
    """Findings whose place is not inside ``text`` (lines and columns are 1-based)."""
    lines = _BREAK.split(text)
    out = []
    for f in findings:
        where = f"{f.code} {f.line}:{f.column}-{f.end_line}:{f.end_column}"
        if not (1 <= f.line <= len(lines) and 1 <= f.end_line <= len(lines)):
            out.append(f"{where}: line outside 1..{len(lines)}")
        elif not 1 <= f.column <= len(lines[f.line - 1]) + 1:
            out.append(f"{where}: column outside line {f.line}")
        elif not 1 <= f.end_column <= len(lines[f.end_line - 1]) + 1:
            out.append(f"{where}: end column outside line {f.end_line}")
        elif (f.end_line, f.end_column) < (f.line, f.column):
            out.append(f"{where}: ends before it starts")
    return out


def assert_sound(text: str, findings: list[Finding]) -> None:
    assert [f.message for f in findings if f.code == "FM009"] == []
    assert position_problems(text, findings) == []
    report = Report(findings=findings, rules=load_all(), files_checked=1)
    parsed = json.loads(render("json", report))
    assert len(parsed) == len(findings)
    assert len([json.loads(line) for line in render("json-lines", report).splitlines()
                if line]) == len(findings)


def _check(text: str) -> list[Finding]:
    return engine.check_text(text, PATH, CONFIG).findings


@RUN
@given(documents())
def test_generated_records(document: tuple[str, bool]) -> None:
    text, bom = document
    assert_sound(text, _check(text))
    data = (("\ufeff" if bom else "") + text).encode("utf-8")
    assert_sound(text, engine.check_bytes(data, PATH, CONFIG).findings)


@RUN
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    assert_sound(text, _check(text))


@RUN
@given(st.text(max_size=400), st.sampled_from(["\n", "\r\n"]))
def test_random_front_matter(inner: str, ending: str) -> None:
    text = f"---{ending}{inner}{ending}---{ending}"
    assert_sound(text, _check(text))


@RUN
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    shown = data.decode("utf-8", "replace").removeprefix("\ufeff")
    assert_sound(shown, engine.check_bytes(data, PATH, CONFIG).findings)


@settings(max_examples=80, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents())
def test_fixing_keeps_untargeted_values(document: tuple[str, bool]) -> None:
    text, _bom = document
    try:
        before: Any = front_matter(text)
    except (source.SplitError, yaml.YAMLError):
        assume(False)
    traced = traced_fix(text, _check)
    outcome = traced.outcome
    after = front_matter(outcome.text)  # the fixed text still parses
    assert untargeted_changes(before, after, targeted_pointers(traced)) == []
    assert_sound(outcome.text, outcome.remaining)
    if not outcome.hit_limit:
        assert fixer.fix_text(outcome.text, _check, unsafe=True).text == outcome.text


def test_position_check_can_fail() -> None:
    finding = Finding(None, 2, 10, 2, 10, "FM101", "mojibake", "warning", "x")
    assert position_problems("---\ntitle: a\n", [finding]) != []
    assert position_problems("---\ntitle: ab\n", [finding]) == []


@pytest.mark.parametrize("text", ["", "--", "a\n", "ab"])
def test_split_finding_fits_line_one(text: str) -> None:
    assert position_problems(text, _check(text)) == []


def test_generated_documents_reach_fixes() -> None:
    """The generator makes fixable records (so the fixing property is not vacuous)."""
    found: set[str] = set()

    @settings(max_examples=60, deadline=None, database=None, derandomize=True)
    @given(documents())
    def collect(document: tuple[str, bool]) -> None:
        found.update(f.code for f in _check(document[0]) if f.fix is not None)

    collect()
    assert len(found) >= 3, found


# --- long values: every rule ends in time linear in its input --------------------------------

_LONG_SEED = (DATA / "seed" / "article.md").read_text("utf-8")


def _seed_with(key: str, value: str) -> str:
    """The seed record with its first `key:` line holding `value` instead."""
    lines = _LONG_SEED.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith(key + ":"))
    lines[at] = f"{key}: {json.dumps(value)}\n"
    return "".join(lines)


LONG_VALUES = {
    # A host of 64k labels: the provider-domain rule took 15 s on it, quadratic.
    "url-with-64k-labels": ("originalUrl", "https://" + "a." * 65536 + "bbc.com/news"),
    "url-with-8k-labels": ("originalUrl", "https://" + "a." * 8000 + "bbc.com/news"),
    "query-of-1500-tracking-parameters": (
        "originalUrl", "https://www.bbc.com/news?" + "&".join(f"utm_{i}=x" for i in range(1500))),
    "url-of-1-mb": ("webUrl", "https://www.bbc.com/" + "a b&amp;%" * 100_000),
    "timestamp-like-1-mb": ("publishedDateTime", "2024-01-22T18:23:00" + "0" * 1_000_000),
    "words-as-a-timestamp": ("publishedDateTime", "Monday 22 January " * 50_000),
    "text-of-1-mb": ("excerpt", "Met\u00e2\u20ac\u2122s &amp; a\u200b  e\u0301 " * 40_000),
}


@pytest.mark.parametrize("case", sorted(LONG_VALUES))
def test_long_values_end_in_time_with_short_messages(case: str) -> None:
    key, value = LONG_VALUES[case]
    text = _seed_with(key, value)
    started = time.monotonic()
    findings = engine.check_text(text, PATH, CONFIG).findings
    assert time.monotonic() - started < 60  # (each takes a few seconds at most)
    assert not [f for f in findings if f.code == "FM009"]
    assert all(len(f.message) < 1000 for f in findings), max(len(f.message) for f in findings)
    if case in ("url-with-64k-labels", "url-of-1-mb"):
        [too_long] = [f for f in findings if f.code == "FM201"]
        assert "characters long, too long to be read as a URL" in too_long.message
    if case == "timestamp-like-1-mb":
        [too_long] = [f for f in findings if f.code == "FM301"]
        assert "characters long, too long to be a date-time" in too_long.message
