"""What the schema check promises: each kind of schema failure, where it is, and in what words.

Records are copies of the seed with one line changed, linted as text; every finding is pinned
by code, position (line, column, end column), JSON Pointer and the key words of its message.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import linter
from linter.engine.config import Config, SchemaMapping
from linter.reading.yamldoc import parse
from linter.rules.finding import Finding
from linter.site.workspace import Workspace

from .conftest import SEED, article_records, organization_records
from .rulekit import at, lint, seed_with

SCHEMA_CODES = {"FM010", "FM011", "FM012", "FM013", "FM014", "FM018"}
ORGANIZATIONS = SchemaMapping(("**/_data/organizations/**",), "organization")








def schema_findings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code in SCHEMA_CODES]


def test_the_seed_passes_the_schema() -> None:
    assert schema_findings(lint(SEED.read_text("utf-8"))) == []


def test_misspelt_key_is_unknown_with_a_suggestion() -> None:
    text = seed_with("publishedDateTime: 2024-01-22T18:23:00Z",
                     "publishedDatetime: 2024-01-22T18:23:00Z")
    missing, finding = schema_findings(lint(text))
    assert at(finding) == ("FM011", 5, 1, 5, 18, "/publishedDatetime")
    assert "unknown key 'publishedDatetime'" in finding.message
    assert "did you mean 'publishedDateTime'" in finding.message
    assert finding.severity == "error"
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert missing.message == "missing required key 'publishedDateTime'"


def test_unknown_key_pointer_escapes_slash_and_tilde() -> None:
    [finding] = schema_findings(lint(seed_with("quality: 89", "quality: 89\nsee/also~x: 1")))
    assert at(finding) == ("FM018", 12, 1, 12, 11, "/see~1also~0x")
    assert "the keys allowed here are:" in finding.message and "publishedDateTime" in (
        finding.message)


def test_nested_unknown_key_names_its_place() -> None:
    [finding] = schema_findings(lint(seed_with("  name: BBC\n", "  name: BBC\n  nmae: BBC\n")))
    assert at(finding) == ("FM011", 17, 3, 17, 7, "/provider/nmae")
    assert "unknown key 'provider.nmae': did you mean 'name'?" in finding.message


def test_wrong_type_is_reported_at_the_value() -> None:
    findings = lint(seed_with("      width: 50\n", '      width: "50"\n'))
    [finding] = schema_findings(findings)
    assert at(finding) == ("FM010", 20, 14, 20, 18, "/provider/images/0/width")
    assert finding.message == (
        'provider.images[0].width should be a whole number, but it is the string "50"')
    # The image rule leaves a wrong type to the schema check: one finding, not two.
    assert [f.code for f in findings if f.pointer == "/provider/images/0/width"] == ["FM010"]


def test_bad_url_is_reported_by_url_syntax_and_by_the_format_check_without_it() -> None:
    text = seed_with('webUrl: "https://www.bbc.com/news/uk-england-london-68062080"',
                     'webUrl: "not a uri"')
    [syntax] = [f for f in lint(text) if f.pointer == "/webUrl"]
    assert at(syntax) == ("FM201", 7, 10, 7, 19, "/webUrl")
    assert "'not a uri' is not an absolute URL" in syntax.message and syntax.fix is None
    for settings in ({"select": ["FM013"]}, {"ignore": ["FM201"]}):
        [schema] = [f for f in lint(text, **settings) if f.pointer == "/webUrl"]
        assert at(schema) == ("FM013", 7, 9, 7, 20, "/webUrl")
        assert schema.message == 'webUrl is not a valid uri: the string "not a uri"'


def test_bad_timestamp_is_reported_by_timestamp_format_and_by_the_format_check() -> None:
    text = seed_with("publishedDateTime: 2024-01-22T18:23:00Z", "publishedDateTime: yesterday")
    [rule] = [f for f in lint(text) if f.pointer == "/publishedDateTime"]
    assert at(rule) == ("FM301", 5, 20, 5, 29, "/publishedDateTime")
    assert "'yesterday' is not a date-time" in rule.message
    [schema] = [f for f in lint(text, ignore=["FM301"]) if f.pointer == "/publishedDateTime"]
    assert at(schema) == ("FM013", 5, 20, 5, 29, "/publishedDateTime")
    assert "not a valid date-time" in schema.message and '"yesterday"' in schema.message


def test_missing_key_of_the_record_is_on_the_first_line_of_yaml() -> None:
    title = 'title: "Corydon: Five arrests after Met Police uses live facial recognition"\n'
    [finding] = schema_findings(lint(seed_with(title, "")))
    assert (finding.code, finding.line, finding.column, finding.pointer) == ("FM012", 2, 1, "")
    assert finding.message == "missing required key 'title'"


def test_missing_nested_key_is_on_the_key_of_its_mapping() -> None:
    [finding] = schema_findings(lint(seed_with("  name: BBC\n", "")))
    assert at(finding) == ("FM012", 15, 1, 15, 9, "/provider")
    assert finding.message == "missing required key 'name' in provider"


def test_enum_suggests_the_closest_value() -> None:
    [finding] = schema_findings(lint(seed_with("type: article\nquality", "type: articel\nquality")))
    assert at(finding) == ("FM010", 10, 7, 10, 14, "/type")
    assert 'must be one of "article", "video"' in finding.message
    assert 'but it is the string "articel"; did you mean "article"?' in finding.message


def test_below_minimum() -> None:
    [finding] = schema_findings(lint(seed_with("heat: 129", "heat: -1")))
    assert at(finding) == ("FM010", 12, 7, 12, 9, "/heat")
    assert finding.message == "heat must be at least 0, but it is -1"


# --- anyOf / oneOf, with a record that names its own schema -------------------------------

CHOICE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[a-z]+$"}]},
        "kind": {"oneOf": [
            {"type": "string", "enum": ["alpha", "beta"]},
            {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
        ]},
    },
}


@pytest.fixture
def choice_record(tmp_path: Path):
    (tmp_path / "choice.schema.json").write_text(json.dumps(CHOICE_SCHEMA), "utf-8")

    def check(body: str) -> list[Finding]:
        text = f"---\n$schema: choice.schema.json\n{body}---\n"
        return lint(text, str(tmp_path / "record.md"))

    return check


def test_any_of_is_summarised_by_the_branch_of_the_right_type(choice_record) -> None:
    [finding] = choice_record('id: "ABC"\n')
    assert at(finding) == ("FM010", 3, 5, 3, 10, "/id")
    assert finding.message == (
        'id does not have the expected form (pattern ^[a-z]+$): the string "ABC"')


def test_one_of_is_summarised_by_the_branch_of_the_right_type(choice_record) -> None:
    [enum] = choice_record("kind: gamma\n")
    assert at(enum) == ("FM010", 3, 7, 3, 12, "/kind")
    assert enum.message == 'kind must be one of "alpha", "beta", but it is the string "gamma"'
    [missing] = choice_record("kind: {title: x}\n")
    assert (missing.code, missing.line, missing.column, missing.pointer) == (
        "FM012", 3, 1, "/kind")
    assert missing.message == "missing required key 'name' in kind"


def test_any_of_with_no_closer_branch_lists_what_it_accepts(choice_record) -> None:
    [finding] = choice_record("id: 1.5\n")
    assert at(finding) == ("FM010", 3, 5, 3, 8, "/id")
    assert finding.message == "id should be a whole number or a string, but it is the number 1.5"


def test_a_schema_that_cannot_be_read_is_reported(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json", "utf-8")
    [finding] = lint("---\n$schema: broken.json\ntitle: x\n---\n", str(tmp_path / "r.md"))
    assert finding.code == "FM014" and "not valid JSON" in finding.message


# --- formats are checked for real ---------------------------------------------------------

FORMATS_SCHEMA = {
    "type": "object",
    "properties": {
        "u": {"type": "string", "format": "uri"},
        "t": {"type": "string", "format": "date-time"},
    },
}


def test_formats_are_checked(tmp_path: Path) -> None:
    bad = {"u": "not a uri", "t": "yesterday"}
    # Plain jsonschema lets both through: formats are annotations unless a checker asserts them.
    assert jsonschema.Draft202012Validator(FORMATS_SCHEMA).is_valid(bad)
    path = tmp_path / "formats.schema.json"
    path.write_text(json.dumps(FORMATS_SCHEMA), "utf-8")
    schema = Workspace().schemas.load(str(path))
    problems = schema.problems(bad)
    assert sorted((p.kind, p.pointer, p.message) for p in problems) == [
        ("format", "/t", 't is not a valid date-time: the string "yesterday"'),
        ("format", "/u", 'u is not a valid uri: the string "not a uri"')]
    assert schema.problems(
        {"u": "https://example.com/a?b=1", "t": "2024-01-22T18:23:00+01:00"}) == []
    text = '---\n$schema: formats.schema.json\nu: "not a uri"\nt: yesterday\n---\n'
    findings = lint(text, str(tmp_path / "r.md"), select=["FM013"])
    assert [at(f) for f in findings] == [("FM013", 3, 4, 3, 15, "/u"), ("FM013", 4, 4, 4, 13, "/t")]


# --- records without a file ---------------------------------------------------------------


def seed_record() -> dict:
    text = SEED.read_text("utf-8")
    return parse(text.split("---\n")[1], 0).record


def test_check_record_takes_a_parsed_record() -> None:
    findings = linter.check_record(seed_record())
    assert [(f.code, f.pointer, f.line, f.column) for f in findings] == [
        ("FM101", "/related/1/excerpt", 1, 1)]
    assert findings[0].path is None and findings[0].fix is None  # no source to edit


def test_check_record_reports_schema_problems_by_pointer() -> None:
    record = seed_record()
    record["published"] = "yes"
    del record["provider"]["domain"]
    record["images"][0]["url"] = "www.bbc.com/a.jpg"
    found = {(f.code, f.pointer) for f in linter.check_record(record)}
    assert {("FM010", "/published"), ("FM012", "/provider"),
            ("FM201", "/images/0/url")} <= found
    assert ("FM013", "/images/0/url") not in found  # url-syntax says it better


# --- the real corpus -------------------------------------------------------------------------


def test_every_corpus_record_passes_its_schema() -> None:
    """Only the core checks run here: the schema alone, with no rule standing in for it."""
    config = Config(select=["FM0"], schemas=[ORGANIZATIONS])
    paths = [*article_records(), *organization_records()]
    assert len(paths) > 900
    failures = [
        f"{path.name}:{f.line}: {f.code} {f.message}"
        for path in paths
        for f in linter.lint_text(path.read_text("utf-8"), str(path), config)
    ]
    assert failures == []


def test_an_organization_is_not_an_article() -> None:
    [path] = [p for p in organization_records() if p.name == "uw.edu.md"]
    text = path.read_text("utf-8")
    as_article = {f.code for f in linter.lint_text(
        text, "uw.edu.md", Config(select=["FM0"], default_schema="article"))}
    assert {"FM018", "FM012"} <= as_article
    # Where organizations live, the organization schema applies without configuration.
    assert linter.lint_text(text, str(path), Config(select=["FM0"])) == []


# --- what each kind of record needs ----------------------------------------------------------


def test_every_kind_of_corpus_record_is_there_and_passes() -> None:
    """Articles, videos, courses, collections and downloads all validate (the test above
    checks every record; this one that each kind is among them)."""
    kinds = {str(parse(path.read_text("utf-8").split("---\n")[1], 0).record.get("type"))
             for path in article_records()}
    assert kinds == {"article", "video", "course", "collection", "download"}


@pytest.mark.parametrize("line", ["excerpt: ", "heat: 129\n", "quality: 89\n"])
def test_what_a_record_can_be_shown_without_may_be_missing(line: str) -> None:
    """Older records of the generator lack an excerpt, a heat or quality score, topics."""
    text = SEED.read_text("utf-8")
    start = text.index(line)
    text = text[:start] + text[text.index("\n", start) + 1:]
    text = text.replace("topics:\n  - Computer Vision\n  - AI\n", "")
    assert schema_findings(lint(text)) == []


@pytest.mark.parametrize(("kind", "key"), [
    ("article", "originalUrl"), ("article", "publishedDateTime"), ("video", "originalUrl"),
    ("download", "publishedDateTime"),
])
def test_a_linked_published_item_needs_its_link_and_time(kind: str, key: str) -> None:
    text = SEED.read_text("utf-8").replace("type: article\nquality", f"type: {kind}\nquality")
    start = text.index(f"\n{key}:") + 1
    text = text[:start] + text[text.index("\n", start) + 1:]
    [finding] = schema_findings(lint(text))
    assert (finding.code, finding.pointer, finding.message) == (
        "FM012", "", f"missing required key '{key}'")


def test_a_course_needs_its_page_and_a_collection_its_items() -> None:
    course = next(p for p in article_records() if "/courses/" in str(p)).read_text("utf-8")
    start = course.index("\nwebUrl:") + 1
    broken = course[:start] + course[course.index("\n", start) + 1:]
    assert [(f.code, f.message) for f in schema_findings(lint(broken))] == [
        ("FM012", "missing required key 'webUrl'")]
    collection = next(p for p in article_records() if "/collections/" in str(p))
    text = collection.read_text("utf-8")
    start = text.index("\nitems:") + 1
    end = text.index("\n", text.index("\n", start) + 1)
    while text[end + 1:end + 3] == "  ":
        end = text.index("\n", end + 1)
    broken = text[:start] + text[end + 1:]
    assert [(f.code, f.message) for f in schema_findings(lint(broken))] == [
        ("FM012", "missing required key 'items'")]
