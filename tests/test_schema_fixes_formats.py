"""Schema fixes in TOML and JSON front matter and in JSON Lines data files: a misspelt key
renamed, an allowed value in the wrong case, a value of the wrong type, a missing key added
with its default, each written as the file's format writes it.

Records are real ones (posts of the Rust blog, a news record of the everyday-powerapps
aggregator: see tests/data/formats/README.md) with one slip put in by hand; ``fmlint check
--fix --unsafe-fixes`` must give back the real file byte for byte. Schemas are the tests'
Zola post schema made strict, with the values and defaults the posts have.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import linter
from linter.engine.config import Config, SchemaMapping
from linter.rules.finding import Finding

from .conftest import CORPUS, DATA, Run

POSTS = DATA / "formats" / "rust-blog"
NEWS = DATA / "formats" / "everyday-powerapps"
RECORD = NEWS / "public-preview-of-new-custom-connector-enhancements.md"
LINES = NEWS / "_data" / "news.jsonl"
SCHEMA_CODES = {"FM010", "FM011", "FM012", "FM013", "FM018"}


def zola_schema() -> dict[str, Any]:
    """The tests' Zola post schema, strict about keys, with an enumerated team, a boolean
    ``release``, and defaults for keys the posts have."""
    schema = json.loads((POSTS / "zola-post.schema.json").read_text("utf-8"))
    schema.pop("$schema")
    order = ["path", "title", "authors", "description", "date", "updated", "aliases"]
    given = schema["properties"]
    schema["properties"] = properties = {key: given[key] for key in order}  # (the posts' order)
    schema["additionalProperties"] = False
    properties["description"]["default"] = "musl targets will soon ship with musl 1.2.5"
    properties["sort_by"] = {"enum": ["date", "permalink", "title"]}
    properties["generate_feeds"] = {"type": "boolean", "default": True}
    properties["extra"] = extra = given["extra"]  # (after them, as in _index.md)
    properties["weight"] = {"type": "integer", "default": 0}  # (after the [extra] table)
    properties["draft"] = {"type": "boolean", "default": None}
    extra["additionalProperties"] = False
    extra["properties"]["team"]["enum"] = ["The Compiler Team", "the Async Foundations WG"]
    extra["properties"]["team_url"]["default"] = (
        "https://www.rust-lang.org/governance/teams/compiler")
    extra["properties"].update(release={"type": "boolean"}, index_title={"type": "string"},
                               maintained_by={"type": "string"})
    extra["properties"]["see_also"]["items"]["properties"]["path"]["default"] = "/releases/"
    return schema


def news_schema() -> dict[str, Any]:
    """A strict schema for the news record: each of its keys, an enumerated ``type``, a
    whole-number ``heat`` (default 72) and a list of ``topics``."""
    record = json.loads(RECORD.read_text("utf-8").split("\n\n", 1)[0])
    properties: dict[str, Any] = {key: {} for key in ["path", *record]}
    properties.update(type={"enum": ["article", "video"]},
                      heat={"type": "integer", "default": 72},
                      topics={"type": "array", "items": {"type": "string"}})
    return {"type": "object", "properties": properties, "additionalProperties": False}


def required(schema: dict[str, Any], where: str) -> dict[str, Any]:
    """``schema`` requiring the key at ``where`` (``extra.see_also[].path``)."""
    *parents, key = where.split(".")
    node = schema
    for name in parents:
        node = node["properties"][name.removesuffix("[]")]
        node = node["items"] if name.endswith("[]") else node
    node["required"] = [key]
    return schema


def slipped(original: str, old: str, new: str) -> str:
    """``original`` with one exact piece of text (it must occur once) replaced."""
    assert original.count(old) == 1, old
    return original.replace(old, new)


def fixed_by_cli(tmp_path: Path, cli: Callable[..., Run], name: str, text: str,
                 schema: dict[str, Any]) -> tuple[str, Run]:
    """``text`` written as ``name`` in a site whose fmlint.toml gives it ``schema``, after
    ``fmlint check --fix --unsafe-fixes``; and what the check said."""
    (tmp_path / "schema.json").write_text(json.dumps(schema), "utf-8")
    (tmp_path / "fmlint.toml").write_text(
        '[[schemas]]\nfiles = ["**"]\nschema = "schema.json"\n', "utf-8")
    record = tmp_path / name
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_bytes(text.encode("utf-8"))
    run = cli(["check", "--no-cache", "--select", ",".join(sorted(SCHEMA_CODES)), "--fix",
               "--unsafe-fixes", str(record)])
    return record.read_bytes().decode("utf-8"), run


def schema_findings(text: str, path: str, schema: dict[str, Any],
                    tmp_path: Path) -> list[Finding]:
    (tmp_path / "schema.json").write_text(json.dumps(schema), "utf-8")
    config = Config(schemas=[SchemaMapping(("**",), str(tmp_path / "schema.json"))])
    return [f for f in linter.lint_text(text, path, config) if f.code in SCHEMA_CODES]


# -- TOML front matter ---------------------------------------------------------------------

TOML_SLIPS = [
    pytest.param("Rust-1.88.0.md", 'title = "Announcing', 'titel = "Announcing', "",
                 id="a misspelt key"),
    pytest.param("Rust-1.88.0.md", "[extra]", "[extar]", "", id="a misspelt table"),
    pytest.param("Updating-musl-1.2.5.md", 'team = "The Compiler Team"',
                 'team = "the compiler team"', "", id="an allowed value in the wrong case"),
    pytest.param("AsyncAwait-Not-Send-Error-Improvements.md", 'Async Foundations WG"',
                 'Async Fundations WG"', "", id="a typo of an allowed value"),
    pytest.param("Rust-1.88.0.md", "release = true", 'release = "true"', "",
                 id="a boolean written as a string"),
    pytest.param("Updating-musl-1.2.5.md", 'authors = ["Aria Desires"]',
                 'authors = "Aria Desires"', "", id="one author not in a list"),
    pytest.param("_index.md", "generate_feeds = true\n", "", "generate_feeds",
                 id="a missing key before a table"),
    pytest.param("Updating-musl-1.2.5.md",
                 'description = "musl targets will soon ship with musl 1.2.5"\n', "",
                 "description", id="a missing key between two"),
    pytest.param("Updating-musl-1.2.5.md",
                 'team_url = "https://www.rust-lang.org/governance/teams/compiler"\n', "",
                 "extra.team_url", id="a missing key last in a table"),
    pytest.param("_index.md", 'path = "/releases/"\n', "", "extra.see_also[].path",
                 id="a missing key in an array of tables"),
]


@pytest.mark.parametrize(("name", "old", "new", "needed"), TOML_SLIPS)
def test_a_slip_in_toml_front_matter_is_fixed_back_to_the_real_post(
        tmp_path: Path, cli: Callable[..., Run], name: str, old: str, new: str,
        needed: str) -> None:
    original = (POSTS / name).read_bytes().decode("utf-8")
    text = slipped(original, old, new)
    schema = required(zola_schema(), needed) if needed else zola_schema()
    found = schema_findings(text, f"content/{name}", schema, tmp_path)
    assert found and all(f.fix is not None for f in found), found
    result, _run = fixed_by_cli(tmp_path, cli, f"content/{name}", text, schema)
    assert result == original


def test_a_value_in_a_literal_string_stays_a_literal_string(
        tmp_path: Path, cli: Callable[..., Run]) -> None:
    original = (POSTS / "_index.md").read_text("utf-8")
    text = slipped(original, 'sort_by = "permalink"', "sort_by = 'Permalink'")
    result, _run = fixed_by_cli(tmp_path, cli, "content/_index.md", text, zola_schema())
    assert result == slipped(original, 'sort_by = "permalink"', "sort_by = 'permalink'")


def test_a_renamed_toml_key_keeps_its_quotes(tmp_path: Path) -> None:
    text = slipped((POSTS / "Rust-1.88.0.md").read_text("utf-8"), 'title = "Announcing',
                   "'titel' = \"Announcing")
    [finding] = schema_findings(text, "content/post.md", zola_schema(), tmp_path)
    assert finding.fix is not None
    assert [e.content for e in finding.fix.edits] == ["'title'"]


def test_a_toml_key_that_would_go_after_a_table_is_not_added(tmp_path: Path) -> None:
    """``weight`` belongs after ``[extra]``: a line there would land in the table."""
    schema = zola_schema()
    schema["required"] = ["weight"]
    found = schema_findings((POSTS / "_index.md").read_text("utf-8"), "content/_index.md",
                            schema, tmp_path)
    assert [(f.code, f.pointer, f.fix) for f in found] == [("FM012", "", None)]


def test_a_null_default_is_not_added_to_toml(tmp_path: Path) -> None:
    """TOML has no null: the key is not written at all."""
    schema = zola_schema()
    schema["required"] = ["draft"]
    found = schema_findings((POSTS / "Rust-1.88.0.md").read_text("utf-8"), "content/post.md",
                            schema, tmp_path)
    assert [(f.code, f.fix) for f in found] == [("FM012", None)]


# -- JSON front matter and JSON Lines ------------------------------------------------------

JSON_SLIPS = [
    pytest.param('"heat": 72,', '"haet": 72,', "", id="a misspelt key"),
    pytest.param('"type": "article"', '"type": "Article"', "",
                 id="an allowed value in the wrong case"),
    pytest.param('"heat": 72,', '"heat": "72",', "", id="a number written as a string"),
    pytest.param('  "heat": 72,\n', "", "heat", id="a missing key"),
    pytest.param(',\n  "topics": [\n    "Power Apps"\n  ]\n}', "\n}", "topics",
                 id="a missing last key"),
]


@pytest.mark.parametrize(("old", "new", "needed"), JSON_SLIPS)
def test_a_slip_in_json_front_matter_is_fixed_back_to_the_real_record(
        tmp_path: Path, cli: Callable[..., Run], old: str, new: str, needed: str) -> None:
    original = RECORD.read_bytes().decode("utf-8")
    schema = required(news_schema(), needed) if needed else news_schema()
    expected = original
    if needed == "topics":  # (a default is a plain value: one topic, not a list)
        schema["properties"]["topics"] = {"type": "string", "default": "Power Apps"}
        expected = slipped(original, '[\n    "Power Apps"\n  ]', '"Power Apps"')
    result, _run = fixed_by_cli(tmp_path, cli, "_news/post.md", slipped(original, old, new),
                                schema)
    assert result == expected


def test_one_topic_not_in_a_list_becomes_a_json_list(tmp_path: Path,
                                                     cli: Callable[..., Run]) -> None:
    original = RECORD.read_bytes().decode("utf-8")
    text = slipped(original, '"topics": [\n    "Power Apps"\n  ]', '"topics": "Power Apps"')
    result, _run = fixed_by_cli(tmp_path, cli, "_news/post.md", text, news_schema())
    assert result == slipped(original, '"topics": [\n    "Power Apps"\n  ]',
                             '"topics": ["Power Apps"]')


LINE_SLIPS = [
    pytest.param('"locale": "en-us", ', '"lcoale": "en-us", ', "", id="a misspelt key"),
    pytest.param('"locale": "en-us", ', "", "locale", id="a missing key"),
    pytest.param('"topics": ["Power Apps"]}', '"topics": "Power Apps"}', "", id="a string"),
]


@pytest.mark.parametrize(("old", "new", "needed"), LINE_SLIPS)
def test_a_slip_in_the_second_json_line_is_fixed_back(
        tmp_path: Path, cli: Callable[..., Run], old: str, new: str, needed: str) -> None:
    original = LINES.read_bytes().decode("utf-8")
    lines = original.splitlines(keepends=True)
    lines[1] = slipped(lines[1], old, new)
    schema = news_schema()
    schema["properties"]["locale"] = {"type": "string", "default": "en-us"}
    if needed:
        schema["required"] = [needed]
    for record in map(json.loads, original.splitlines()):
        schema["properties"].update({key: {} for key in record if key not in schema[
            "properties"]})
    result, _run = fixed_by_cli(tmp_path, cli, "_data/news.jsonl", "".join(lines), schema)
    assert result == original


def test_a_json_lines_file_of_one_line_without_a_final_newline_is_fixed(
        tmp_path: Path, cli: Callable[..., Run]) -> None:
    """The file's list and its one record are then written at the same offsets."""
    original = LINES.read_bytes().decode("utf-8").splitlines()[1]
    schema = news_schema()
    schema["properties"].update({key: {} for key in json.loads(original)
                                 if key not in schema["properties"]})
    result, _run = fixed_by_cli(tmp_path, cli, "_data/news.jsonl",
                                slipped(original, '"type": "article"', '"type": "Article"'),
                                schema)
    assert result == original


# -- data files ----------------------------------------------------------------------------

TOPIC = CORPUS / "_data" / "topics" / "01-canvas-apps.yaml"
TOPIC_SCHEMA = {"type": "object", "additionalProperties": False, "required": ["parent"],
                "properties": {
                    "taxonomy": {"enum": ["topic", "tag"]}, "_id": {}, "name": {},
                    "shortname": {}, "parent": {"default": "Power Apps"}, "keywords": {},
                    "hashtags": {}, "services": {}}}


@pytest.mark.parametrize(("old", "new"), [
    pytest.param("taxonomy: topic", "taxonomy: Topic", id="an allowed value in the wrong case"),
    pytest.param("shortname:", "shortnaem:", id="a misspelt key"),
    pytest.param("parent: Power Apps\n", "", id="a missing key"),
])
def test_a_slip_in_a_yaml_data_file_is_fixed_back(
        tmp_path: Path, cli: Callable[..., Run], old: str, new: str) -> None:
    original = TOPIC.read_bytes().decode("utf-8")
    result, _run = fixed_by_cli(tmp_path, cli, "_data/topics/canvas-apps.yaml",
                                slipped(original, old, new), TOPIC_SCHEMA)
    assert result == original


def test_a_slip_in_the_third_record_of_a_json_data_file_is_fixed_back(
        tmp_path: Path, cli: Callable[..., Run]) -> None:
    original = (NEWS / "_data" / "news.json").read_bytes().decode("utf-8")
    at = original.rindex('"type": "article"')  # (the third record's)
    text = original[:at] + original[at:].replace('"type": "article"', '"type": "Artcle"')
    schema = news_schema()
    for record in json.loads(original):
        schema["properties"].update({key: {} for key in record if key not in schema[
            "properties"]})
    result, _run = fixed_by_cli(tmp_path, cli, "_data/news.json", text, schema)
    assert result == original


def test_a_missing_null_is_added_last_in_a_json_line_object(
        tmp_path: Path, cli: Callable[..., Run]) -> None:
    """JSON has a null, and an entry after an object's last one is set off by ", "."""
    original = LINES.read_bytes().decode("utf-8")
    lines = original.splitlines(keepends=True)
    lines[1] = slipped(lines[1], ', "authors": null}', "}")
    provider = {"type": "object", "required": ["authors"],
                "properties": {"publishers": {}, "authors": {"default": None}}}
    schema = {"type": "object", "properties": {"provider": provider}}
    result, _run = fixed_by_cli(tmp_path, cli, "_data/news.jsonl", "".join(lines), schema)
    assert result == original
