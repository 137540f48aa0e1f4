"""Schema findings that carry their own repair: an allowed value mistyped, a misspelt key, a
value of the wrong type read the one way it can be, a missing key the schema gives a default.

Records are real ones (the seed, copies of the corpus under tests/data/corpus) with defects
put in by hand; every fixed text is compared byte for byte with what it must become.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import linter
from linter.engine.config import Config
from linter.rules.finding import Finding

from .conftest import CORPUS, SEED
from .rulekit import fixed, lint, only, seed_with

SCHEMA_CODES = {"FM010", "FM011", "FM012", "FM013", "FM018"}
NEWS = CORPUS / "_news" / "2019-10-29-ai-builder-2019-release-wave-2-overview.md"
COURSE = CORPUS / "_learning" / "courses" / "microsoft-learn-architect-analytics.md"
SAMPLE = CORPUS / "_samples" / (
    "power-apps-community-29-seconds-a-fun-game-to-play-with-your-colleagues-with-ms-teams.md")


def one(findings: list[Finding], code: str, pointer: str) -> Finding:
    [finding] = [f for f in findings if f.code == code and f.pointer == pointer]
    return finding


# -- enumerated values ---------------------------------------------------------------------

def test_an_allowed_value_in_the_wrong_case_is_fixed_safely() -> None:
    text = seed_with("category: news", "category: News")
    finding = one(lint(text), "FM010", "/category")
    assert 'did you mean "news"?' in finding.message
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert fixed(text, finding) == SEED.read_text("utf-8")


def test_a_typo_of_one_allowed_value_is_fixed_unsafely_in_its_style() -> None:
    text = seed_with("type: article\nquality", "type: 'articel'\nquality")
    finding = one(lint(text), "FM010", "/type")
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert fixed(text, finding) == seed_with("type: article\nquality", "type: 'article'\nquality")


def test_a_value_near_two_allowed_ones_has_no_fix(tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"level": {"enum": ["bass", "base"]}}}
    (tmp_path / "s.json").write_text(json.dumps(schema), "utf-8")
    findings = linter.lint_text("---\n$schema: s.json\nlevel: bas\n---\n",
                                str(tmp_path / "r.md"), Config())
    finding = one(findings, "FM010", "/level")
    assert "did you mean" not in finding.message and finding.fix is None


# -- misspelt and extra keys ---------------------------------------------------------------

def test_a_misspelt_key_is_renamed_keeping_its_value_comment_and_place() -> None:
    text = seed_with("heat: 129\n", "haet: 129  # from the feed\n")
    finding = one(lint(text), "FM011", "/haet")
    assert finding.message == "unknown key 'haet': did you mean 'heat'?"
    assert finding.severity == "error"
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert fixed(text, finding) == seed_with("heat: 129\n", "heat: 129  # from the feed\n")


def test_a_nested_quoted_key_with_a_case_slip_is_renamed_in_its_quotes() -> None:
    text = seed_with("  name: BBC\n", "  'Name': BBC\n")
    finding = one(lint(text), "FM011", "/provider/Name")
    assert fixed(text, finding) == seed_with("  name: BBC\n", "  'name': BBC\n")


def test_a_misspelt_key_whose_right_spelling_is_there_is_not_renamed() -> None:
    text = seed_with("heat: 129\n", "heat: 129\nhaet: 130\n")
    finding = one(lint(text), "FM011", "/haet")
    assert "did you mean 'heat'?" in finding.message and finding.fix is None


@pytest.mark.parametrize("key", ["categories", "tags", "layout", "x"])
def test_a_key_that_is_no_slip_is_an_extra_key_warning(key: str) -> None:
    """``categories`` shares a stem with ``category`` but is Jekyll's own key, not a typo."""
    text = seed_with("heat: 129\n", f"heat: 129\n{key}: [a]\n")
    finding = one(lint(text), "FM018", f"/{key}")
    assert finding.severity == "warning" and finding.fix is None
    assert "did you mean" not in finding.message
    assert "the keys allowed here are: actions, ampWebUrl, category" in finding.message
    assert not only(lint(text), "FM011")


def test_extra_keys_can_be_turned_off_or_up_apart_from_misspelt_ones() -> None:
    text = seed_with("heat: 129\n", "haet: 129\nlayout: post\n")
    codes = {(f.code, f.severity) for f in lint(text, ignore=("FM018",)) if f.code in SCHEMA_CODES}
    assert codes == {("FM011", "error")}
    raised = lint(text, severity={"FM018": "error"})
    assert one(raised, "FM018", "/layout").severity == "error"


@pytest.mark.parametrize(("wrong", "right"), [
    ("publishedDatetime", "publishedDateTime"),  # case
    ("published_date_time", "publishedDateTime"),  # separators
    ("exerpt", "excerpt"),  # a letter left out
    ("tpoics", "topics"),  # two swapped
])
def test_slips_are_suggested(wrong: str, right: str) -> None:
    key = {"publishedDateTime": "publishedDateTime:", "excerpt": "excerpt:",
           "topics": "topics:"}[right]
    text = SEED.read_text("utf-8").replace(key, f"{wrong}:", 1)
    finding = one(lint(text), "FM011", f"/{wrong}")
    assert f"did you mean '{right}'?" in finding.message
    assert fixed(text, finding) == SEED.read_text("utf-8")


# -- values of the wrong type --------------------------------------------------------------

@pytest.mark.parametrize(("old", "new"), [
    ("quality: 89", 'quality: "89"'),
    ("published: true", "published: 'true'"),
    ("heat: 129", "heat: '129'"),
])
def test_a_string_with_one_lossless_reading_is_written_as_that_value(old: str, new: str) -> None:
    text = seed_with(old, new)
    [finding] = [f for f in lint(text) if f.code == "FM010"]
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert fixed(text, finding) == SEED.read_text("utf-8")


@pytest.mark.parametrize("new", ['quality: "089"', 'quality: "8.5"', 'quality: "+89"',
                                 'quality: "８９"', "published: 'yes'", "published: 'True '"])
def test_a_string_read_only_with_a_loss_or_a_guess_has_no_fix(new: str) -> None:
    old = "quality: 89" if new.startswith("quality") else "published: true"
    [finding] = [f for f in lint(seed_with(old, new)) if f.code == "FM010"]
    assert finding.fix is None


def test_a_single_string_for_a_list_of_strings_becomes_a_list_of_it() -> None:
    text = seed_with("topics:\n  - Computer Vision\n  - AI\n", "topics: AI, ML\n")
    finding = one(lint(text), "FM010", "/topics")
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    after = fixed(text, finding)
    assert after == seed_with("topics:\n  - Computer Vision\n  - AI\n", "topics:\n  - AI, ML\n")
    assert not [f for f in lint(after) if f.code in SCHEMA_CODES]


def test_a_quoted_single_string_keeps_its_quotes_and_comment() -> None:
    text = seed_with("topics:\n  - Computer Vision\n  - AI\n", "topics: 'AI, ML'  # one\n")
    finding = one(lint(text), "FM010", "/topics")
    assert fixed(text, finding) == seed_with("topics:\n  - Computer Vision\n  - AI\n",
                                             "topics:\n  - 'AI, ML'  # one\n")


def test_a_single_string_in_a_flow_mapping_becomes_a_flow_list(tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"m": {"type": "object", "properties": {
        "tags": {"type": "array", "items": {"type": "string"}}}}}}
    (tmp_path / "s.json").write_text(json.dumps(schema), "utf-8")
    text = "---\n$schema: s.json\nm: {tags: a, b: 1}\n---\n"
    finding = one(linter.lint_text(text, str(tmp_path / "r.md"), Config()), "FM010", "/m/tags")
    assert fixed(text, finding) == "---\n$schema: s.json\nm: {tags: [a], b: 1}\n---\n"


# -- missing keys with a default -----------------------------------------------------------

ORDERED = {
    "type": "object",
    "required": ["title", "layout", "meta"],
    "properties": {
        "title": {"type": "string"},
        "layout": {"type": "string", "default": "post"},
        "draft": {"type": "boolean", "default": False},
        "meta": {"type": "object", "required": ["lang", "level"], "properties": {
            "lang": {"type": "string", "default": "en"},
            "level": {"type": "integer", "default": 1}}},
        "tags": {"type": "array"},
    },
}


def _checked(tmp_path: Path, front: str, newline: str = "\n") -> tuple[str, list[Finding]]:
    (tmp_path / "s.json").write_text(json.dumps(ORDERED), "utf-8")
    text = f"---\n$schema: s.json\n{front}---\nBody\n".replace("\n", newline)
    return text, linter.lint_text(text, str(tmp_path / "r.md"), Config())


def test_a_missing_key_is_added_with_its_default_where_the_schema_puts_it(
        tmp_path: Path) -> None:
    text, findings = _checked(tmp_path, 'title: "A"\n# about the record\nmeta:\n'
                              '    lang: "fr"\n    level: 2\ntags: [a]\n')
    finding = one(findings, "FM012", "")
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert fixed(text, finding) == ('---\n$schema: s.json\ntitle: "A"\nlayout: "post"\n'
                                    '# about the record\nmeta:\n    lang: "fr"\n    level: 2\n'
                                    'tags: [a]\n---\nBody\n')


def test_a_nested_missing_key_takes_its_siblings_indentation_and_line_ends(
        tmp_path: Path) -> None:
    text, findings = _checked(tmp_path, "title: A\nlayout: post\nmeta:\n    level: 2\n", "\r\n")
    finding = one(findings, "FM012", "/meta")
    assert fixed(text, finding) == ("---\r\n$schema: s.json\r\ntitle: A\r\nlayout: post\r\n"
                                    "meta:\r\n    lang: en\r\n    level: 2\r\n---\r\nBody\r\n")


def test_a_missing_key_last_in_the_order_goes_after_the_last_entry(tmp_path: Path) -> None:
    text, findings = _checked(tmp_path, "title: A\nlayout: post\nmeta:\n  lang: en\n")
    finding = one(findings, "FM012", "/meta")
    assert fixed(text, finding).endswith("meta:\n  lang: en\n  level: 1\n---\nBody\n")


def test_a_missing_key_without_a_default_has_no_fix(tmp_path: Path) -> None:
    _text, findings = _checked(tmp_path, "layout: post\nmeta: {lang: en, level: 1}\n")
    assert one(findings, "FM012", "").fix is None


def test_a_missing_key_of_a_flow_mapping_has_no_fix(tmp_path: Path) -> None:
    _text, findings = _checked(tmp_path, "title: A\nlayout: post\nmeta: {lang: en}\n")
    assert one(findings, "FM012", "/meta").fix is None


def test_a_record_without_text_gets_findings_without_fixes() -> None:
    findings = linter.check_record({
        "category": "News", "title": "A", "type": "article", "originalUrl": "https://bbc.com/a",
        "publishedDateTime": "2024-01-22T18:23:00Z",
        "provider": {"name": "BBC", "domain": "bbc.com"}})
    assert [(f.code, f.fix) for f in findings if f.code in SCHEMA_CODES] == [("FM010", None)]


# -- --fix on real records -----------------------------------------------------------------

# Defects put into real records, each undone exactly by its fix.
DEFECTS = {
    NEWS: [("category: news", "category: News"), ("type: video", "type: vidoe"),
           ("quality: 139", 'quality: "139"'), ("published: true", 'published: "true"'),
           ("excerpt:", "exerpt:")],
    COURSE: [("type: course", "type: Course"), ("heat:", "haet:")],
    SAMPLE: [("type: download", "type: downlaod"), ("topics:", "Topics:")],
}


def _copies(tmp_path: Path) -> dict[Path, str]:
    """The records with their defects, in a site under ``tmp_path``; original texts."""
    originals = {}
    for record, defects in DEFECTS.items():
        text = record.read_text("utf-8")
        broken = text
        for old, new in defects:
            assert broken.count(old) >= 1, (record, old)
            broken = broken.replace(old, new, 1)
        copy = tmp_path / record.relative_to(CORPUS)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(broken, "utf-8")
        originals[copy] = text
    shutil.copy(CORPUS / "_config.yml", tmp_path / "_config.yml")
    return originals


def test_fix_applies_only_the_safe_schema_fixes(cli, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    originals = _copies(tmp_path)
    monkeypatch.chdir(tmp_path)
    cli(["check", "--isolated", "--no-cache", "--fix", "--select", "FM0", "."])
    news = next(p for p in originals if p.name == NEWS.name)
    text = news.read_text("utf-8")
    assert "category: news" in text and "type: vidoe" in text and "exerpt:" in text


def test_unsafe_fixes_give_back_the_real_records_byte_for_byte(
        cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    originals = _copies(tmp_path)
    monkeypatch.chdir(tmp_path)
    run = cli(["check", "--isolated", "--no-cache", "--fix", "--unsafe-fixes", "--select",
               "FM0", "--output-format", "json", "."])
    assert json.loads(run.out) == [] and run.code == 0, run.out
    for copy, original in originals.items():
        assert copy.read_bytes() == original.encode("utf-8"), copy


# Slips put into real records at random (one a key): each is undone exactly by its fix.
SLIPS = {
    "category": [(r"^category: news$", "category: News")],
    "type": [(r"^type: (\w+)$", r"type: \1X"), (r"^type: article$", "type: artcle")],
    "quality": [(r"^quality: (\d+)$", r'quality: "\1"')],
    "heat": [(r"^heat: (\d+)$", r"heat: '\1'"), (r"^heat:", "heat_:")],
    "published": [(r"^published: true$", 'published: "true"')],
    "excerpt": [(r"^excerpt:", "exerpt:")],
    "title": [(r"^title:", "Title:")],
    "name": [(r"^  name:", "  nmae:")],
    "levels": [(r"^  - Beginner$", "  - beginner")],
}


def test_unsafe_fixes_undo_random_slips_in_real_records(cli, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import random
    import re

    from .conftest import article_records

    chooser = random.Random(20240122)
    originals = {}
    for record in chooser.sample(article_records(), 40):
        text = record.read_text("utf-8")
        broken = text
        for key in chooser.sample(sorted(SLIPS), 4):
            pattern, slip = chooser.choice(SLIPS[key])
            broken = re.sub(pattern, slip, broken, count=1, flags=re.MULTILINE)
        copy = tmp_path / record.relative_to(CORPUS)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(broken, "utf-8")
        originals[copy] = text
    assert sum(copy.read_text("utf-8") != text for copy, text in originals.items()) > 30
    monkeypatch.chdir(tmp_path)
    run = cli(["check", "--isolated", "--no-cache", "--fix", "--unsafe-fixes", "--select",
               "FM0", "--output-format", "json", "."])
    assert json.loads(run.out) == [], run.out
    for copy, original in originals.items():
        assert copy.read_text("utf-8") == original, copy
