"""Inferring a collection's JSON Schema from its records (linter/infer.py), on real records
(tests/data/sites/, read as fmlint check reads them) and on records shaped like them."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from linter.schema import infer
from linter.schema.formats import format_checker
from linter.site.scan import read_records

SITES = Path(__file__).parent / "data" / "sites"
NEWS = SITES / "everyday-powerapps" / "_news"
ARTICLES = SITES / "opensource-guide" / "_articles"


def records_in(folder: Path) -> list[dict[str, Any]]:
    return read_records([str(folder)]).records


def news_like(n: int, **extra: Any) -> list[dict[str, Any]]:
    """``n`` records shaped like the aggregator's news, told apart by their number."""
    return [{
        "title": f"Power Apps update number {i}",
        "publishedDateTime": f"2021-02-{i % 28 + 1:02d}T10:00:00Z",
        "originalUrl": f"https://example.com/news/{i}",
        "type": "video" if i % 3 else "article",
        **extra,
    } for i in range(n)]


@pytest.mark.parametrize("folder", [NEWS, ARTICLES, SITES / "everyday-powerapps" / "_learning"])
def test_the_records_pass_their_inferred_schema(folder: Path) -> None:
    records = records_in(folder)
    schema = infer.infer(records)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=format_checker())
    assert [list(validator.iter_errors(r)) for r in records] == [[]] * len(records)


def test_keys_in_record_order_and_stable_output() -> None:
    records = records_in(NEWS)
    schema = infer.infer(records)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(schema["properties"])[:6] == ["category", "title", "excerpt",
                                              "publishedDateTime", "originalUrl", "type"]
    again = infer.infer(copy.deepcopy(records))
    assert json.dumps(again) == json.dumps(schema)
    assert "title" not in schema["properties"]["title"]  # (left for people to write)
    assert "description" not in schema["properties"]["excerpt"]


def test_a_key_of_two_types_takes_either() -> None:
    records = news_like(6)
    for i, record in enumerate(records):
        record["authors"] = "Ann Smith" if i % 2 else ["Ann Smith", "Bo Lee"]
    schema = infer.infer(records)
    kinds = [branch["type"] for branch in schema["properties"]["authors"]["anyOf"]]
    assert kinds == ["string", "array"]
    validator = Draft202012Validator(schema)
    assert validator.is_valid({**records[0], "authors": "Cy Young"})
    assert not validator.is_valid({**records[0], "authors": 3})


def test_required_only_for_keys_of_every_record_of_five_or_more() -> None:
    records = news_like(6)
    records[2]["subtitle"] = "An aside"
    del records[4]["originalUrl"]
    schema = infer.infer(records)
    assert schema["required"] == ["title", "publishedDateTime", "type"]
    assert "required" not in infer.infer(news_like(4))  # (too few to tell)
    assert infer.infer(news_like(5))["required"] == ["title", "publishedDateTime",
                                                     "originalUrl", "type"]


def test_formats_only_where_every_value_has_it() -> None:
    schema = infer.infer(news_like(6, contact="news@example.com", day="2021-02-01"))
    props = schema["properties"]
    assert props["publishedDateTime"]["format"] == "date-time"
    assert props["originalUrl"]["format"] == "uri"
    assert props["contact"]["format"] == "email"
    assert props["day"]["format"] == "date"
    records = news_like(6)
    records[3]["originalUrl"] = "example.com/news/3"  # (no scheme: not a URI)
    records[4]["publishedDateTime"] = "2021-02-05 10:00:00"  # (no zone: not RFC 3339)
    props = infer.infer(records)["properties"]
    assert "format" not in props["originalUrl"]
    assert "format" not in props["publishedDateTime"]
    assert "x-fmlint-role" not in props["publishedDateTime"]


def test_dates_and_times_as_objects_are_dates_and_timestamps() -> None:
    records = news_like(5)
    for i, record in enumerate(records):
        record["date"] = date(2024, 1, i + 1)
        record["updated"] = datetime(2024, 1, i + 1, 9, 30, tzinfo=UTC)
    props = infer.infer(records)["properties"]
    assert props["date"] == {"type": "string", "format": "date", "x-fmlint-role": "published"}
    assert props["updated"] == {"type": "string", "format": "date-time",
                                "x-fmlint-role": "updated"}


def test_enum_for_a_few_values_used_again_and_again() -> None:
    props = infer.infer(records_in(NEWS))["properties"]
    assert props["category"]["enum"] == ["news"]
    assert props["type"]["enum"] == ["article", "video"]
    assert "enum" not in props["title"]  # (free text)
    assert "enum" not in props["excerpt"]
    few = news_like(9)  # (too few records to tell)
    assert "enum" not in infer.infer(few)["properties"]["type"]
    once = news_like(12)
    once[0]["type"] = "podcast"  # (a value used once: the list is not closed)
    assert "enum" not in infer.infer(once)["properties"]["type"]


def test_prose_is_plain_text_and_html_is_html() -> None:
    props = infer.infer(records_in(NEWS))["properties"]
    assert props["title"]["contentMediaType"] == "text/plain"
    assert props["excerpt"]["contentMediaType"] == "text/plain"
    assert props["featuredContent"]["contentMediaType"] == "text/html"
    for key in ("secured", "originalUrl", "publishedDateTime", "category"):
        assert "contentMediaType" not in props[key], key
    articles = infer.infer(records_in(ARTICLES))["properties"]
    assert articles["description"]["contentMediaType"] == "text/plain"
    assert "contentMediaType" not in articles["image"]  # (a site path)
    assert "contentMediaType" not in articles["class"]  # (a slug)


def test_nested_images_and_provider_get_their_roles() -> None:
    schema = infer.infer(records_in(NEWS))
    props = schema["properties"]
    image = props["images"]["items"]
    assert image["x-fmlint-role"] == "image"
    assert image["properties"]["url"] == {"type": "string", "format": "uri",
                                          "x-fmlint-role": "image-url"}
    assert image["properties"]["width"]["x-fmlint-role"] == "width"
    assert image["properties"]["height"]["x-fmlint-role"] == "height"
    assert image["required"][:3] == ["url", "width", "height"]
    provider = props["provider"]
    assert provider["x-fmlint-role"] == "provider"
    assert provider["properties"]["domain"]["format"] == "hostname"
    assert provider["properties"]["images"]["items"]["x-fmlint-role"] == "image"
    assert props["publishedDateTime"]["x-fmlint-role"] == "published"
    assert props["originalUrl"]["x-fmlint-role"] == "original-url"
    assert props["webUrl"]["x-fmlint-role"] == "self-url"
    assert "x-fmlint-role" not in props["published"]  # (true or false, not a timestamp)


def test_related_items_with_their_own_urls_are_related() -> None:
    records = news_like(6)
    for i, record in enumerate(records):
        record["related"] = [{"title": f"Earlier story {i}",
                              "originalUrl": f"https://example.org/{i}"}]
    props = infer.infer(records)["properties"]
    assert props["related"]["x-fmlint-role"] == "related"
    assert props["related"]["items"]["properties"]["originalUrl"]["x-fmlint-role"] == \
        "original-url"
    slugs = infer.infer(records_in(ARTICLES))["properties"]["related"]
    assert "x-fmlint-role" not in slugs  # (slugs of other articles, not items with URLs)


def test_closed_only_with_many_records_and_a_stable_key_set() -> None:
    assert infer.infer(news_like(20))["additionalProperties"] is False
    assert "additionalProperties" not in infer.infer(news_like(19))
    records = news_like(25)
    records[7]["sponsor"] = "Contoso"  # (a key seen once: the set is not settled)
    assert "additionalProperties" not in infer.infer(records)


def test_always_empty_key_takes_anything_and_schema_key_is_left_out() -> None:
    records = news_like(5, excerpt=None)
    records[0]["$schema"] = "../schemas/news.schema.json"
    props = infer.infer(records)["properties"]
    assert props["excerpt"] == {}
    assert "$schema" not in props


def test_summary() -> None:
    summary = infer.summarize(infer.infer(records_in(NEWS)))
    assert summary.keys[:3] == ["category", "title", "excerpt"]
    assert "publishedDateTime" in summary.required
    assert ("publishedDateTime", "date-time") in summary.formats
    assert ("images[].url", "uri") in summary.formats
    assert summary.enums == ["category", "type"]
    assert summary.closed
