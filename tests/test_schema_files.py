"""The JSON Schemas fmlint ships: well-formed, documented, and true to the real corpus."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from .conftest import CORPUS, SEED

REPO = Path(__file__).resolve().parent.parent
SCHEMA_DIR = REPO / "schema"
SCHEMA_NAMES = ("article", "organization", "findings")
RECORD_SCHEMAS = ("article", "organization")
ARTICLE_DIRS = ("_news", "_learning", "_samples")


def corpus_root() -> Path:
    """The real corpus, as the repository keeps it."""
    return CORPUS


def load_schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


def plain(value: Any) -> Any:
    """Turn YAML timestamps into ISO strings, as a JSON record holds them."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def front_matter(path: Path) -> dict[str, Any]:
    """The record in a Markdown file's front matter."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines and lines[0].rstrip() == "---", f"{path}: no front matter"
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    return plain(yaml.load("\n".join(lines[1:end]), Loader=yaml.CSafeLoader))


def article_files(root: Path) -> list[Path]:
    files = sorted(p for d in ARTICLE_DIRS for p in (root / d).rglob("*.md"))
    if SEED.is_file():
        files.append(SEED)
    return files


def organization_files(root: Path) -> list[Path]:
    return sorted((root / "_data" / "organizations").glob("*.md"))


def errors(schema: dict[str, Any], record: Any) -> list[jsonschema.ValidationError]:
    return list(jsonschema.Draft202012Validator(schema).iter_errors(record))


def subschemas(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property, array item and definition schema below `node`, with its location."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("properties", "$defs") and isinstance(value, dict):
                for name, sub in value.items():
                    yield f"{where}/{key}/{name}", sub
            elif key == "items" and isinstance(value, dict):
                yield f"{where}/items", value
            yield from subschemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from subschemas(value, f"{where}/{i}")


@pytest.fixture(scope="module")
def article_schema() -> dict[str, Any]:
    return load_schema("article")


@pytest.fixture(scope="module")
def organization_schema() -> dict[str, Any]:
    return load_schema("organization")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://fmlint.dev/schemas/{name}.schema.json"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_property_has_title_and_description(name: str) -> None:
    schema = load_schema(name)
    missing = [
        where
        for where, sub in subschemas(schema, "#")
        if not (isinstance(sub.get("title"), str) and sub["title"].strip())
        or not (isinstance(sub.get("description"), str) and sub["description"].strip())
    ]
    assert schema.get("title") and schema.get("description")
    assert missing == []


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_object_is_closed(name: str) -> None:
    schema = load_schema(name)
    open_objects = [
        where
        for where, sub in [("#", schema), *subschemas(schema, "#")]
        if "properties" in sub and sub.get("additionalProperties") is not False
    ]
    assert open_objects == []


def test_every_article_record_in_the_corpus_is_valid(article_schema: dict[str, Any]) -> None:
    files = article_files(corpus_root())
    assert len(files) > 1000
    failures = {
        str(path): [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]
        for path in files
        if (found := errors(article_schema, front_matter(path)))
    }
    assert failures == {}


def test_every_organization_record_in_the_corpus_is_valid(
    organization_schema: dict[str, Any],
) -> None:
    files = organization_files(corpus_root())
    assert files
    failures = {
        str(path): [e.message for e in found]
        for path in files
        if (found := errors(organization_schema, front_matter(path)))
    }
    assert failures == {}


def test_organization_schema_rejects_an_article(organization_schema: dict[str, Any]) -> None:
    root = corpus_root()
    article = front_matter(next(iter(sorted((root / "_news").glob("*.md")))))
    assert errors(organization_schema, article)


@pytest.fixture
def news_record() -> dict[str, Any]:
    path = next(p for p in sorted((corpus_root() / "_news").glob("*.md")))
    record = front_matter(path)
    assert "publishedDateTime" in record and record.get("images")
    return copy.deepcopy(record)


def test_misspelt_key_is_an_additional_property(
    article_schema: dict[str, Any], news_record: dict[str, Any]
) -> None:
    news_record["publishedDatetime"] = news_record.pop("publishedDateTime")
    found = errors(article_schema, news_record)  # (and publishedDateTime is missing)
    assert [e.validator for e in found] == ["required", "additionalProperties"]
    assert "publishedDatetime" in found[1].message


def test_width_must_be_an_integer(
    article_schema: dict[str, Any], news_record: dict[str, Any]
) -> None:
    news_record["images"][0]["width"] = "50"
    found = errors(article_schema, news_record)
    assert [(e.validator, list(e.absolute_path)) for e in found] == [
        ("type", ["images", 0, "width"])
    ]


def test_width_must_be_positive(
    article_schema: dict[str, Any], news_record: dict[str, Any]
) -> None:
    news_record["images"][0]["width"] = 0
    assert [e.validator for e in errors(article_schema, news_record)] == ["exclusiveMinimum"]


def test_unknown_type_is_rejected(
    article_schema: dict[str, Any], news_record: dict[str, Any]
) -> None:
    news_record["type"] = "blog"
    found = errors(article_schema, news_record)
    assert [(e.validator, list(e.absolute_path)) for e in found] == [("enum", ["type"])]


def test_misspelt_key_inside_provider_is_rejected(
    article_schema: dict[str, Any], news_record: dict[str, Any]
) -> None:
    news_record["provider"]["domian"] = news_record["provider"].pop("domain")
    validators = sorted(e.validator for e in errors(article_schema, news_record))
    assert validators == ["additionalProperties", "required"]


def test_missing_title_is_rejected(
    article_schema: dict[str, Any], news_record: dict[str, Any]
) -> None:
    del news_record["title"]
    assert [e.validator for e in errors(article_schema, news_record)] == ["required"]


def test_roles_mark_what_rules_look_for(article_schema: dict[str, Any]) -> None:
    props = article_schema["properties"]
    defs = article_schema["$defs"]
    role = "x-fmlint-role"
    assert props["webUrl"][role] == "self-url"
    assert props["originalUrl"][role] == "original-url"
    assert props["ampWebUrl"][role] == "amp-url"
    assert props["cdnAmpWebUrl"][role] == "amp-cache-url"
    assert props["publishedDateTime"][role] == "published"
    assert props["updatedDateTime"][role] == "updated"
    assert props["related"][role] == "related"
    assert defs["provider"][role] == "provider"
    assert defs["provider"]["properties"]["domain"][role] == "domain"
    assert defs["relatedItem"]["properties"]["webUrl"][role] == "self-url"
    image = defs["image"]
    assert image[role] == "image"
    assert {k: v[role] for k, v in image["properties"].items() if role in v} == {
        "url": "image-url",
        "width": "width",
        "height": "height",
    }


def test_plain_text_and_html_are_marked(article_schema: dict[str, Any]) -> None:
    props = article_schema["properties"]
    assert props["title"]["contentMediaType"] == "text/plain"
    assert props["excerpt"]["contentMediaType"] == "text/plain"
    assert props["featuredContent"]["contentMediaType"] == "text/html"
    assert "contentMediaType" not in props["secured"]
    assert "contentMediaType" not in props["webUrl"]


FINDINGS_OUTPUT = """[
  {"path": "_news/a.md", "line": 3, "column": 8, "end_line": 3, "end_column": 12,
   "code": "FM001", "rule": "schema-violation", "severity": "error", "message": "Bad.",
   "pointer": "/provider/domain",
   "fix": {"applicability": "safe", "message": "Replace.",
           "edits": [{"line": 3, "column": 8, "end_line": 3, "end_column": 12,
                      "content": "x"}]}},
  {"path": null, "line": 1, "column": 1, "end_line": 1, "end_column": 1, "code": "FM100",
   "rule": "yaml-syntax", "severity": "info", "message": "Note.", "pointer": "", "fix": null}
]"""


def test_findings_schema_accepts_json_output_and_rejects_malformed_findings() -> None:
    schema = load_schema("findings")
    output = json.loads(FINDINGS_OUTPUT)
    assert errors(schema, output) == []
    output[0]["code"] = "E001"
    output[0]["fix"]["applicability"] = "maybe"
    output[1]["line"] = 0
    output[1]["pointer"] = "provider"
    output[1]["extra"] = {}
    assert sorted(e.validator for e in errors(schema, output)) == [
        "additionalProperties",
        "anyOf",
        "minimum",
        "pattern",
        "pattern",
    ]


def test_findings_schema_matches_finding_to_dict() -> None:
    finding = pytest.importorskip("linter.rules.finding")
    output = [finding.Finding.from_dict(item).to_dict() for item in json.loads(FINDINGS_OUTPUT)]
    assert output == json.loads(FINDINGS_OUTPUT)
    assert errors(load_schema("findings"), output) == []
