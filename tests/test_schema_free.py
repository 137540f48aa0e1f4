"""Records no schema describes are linted all the same: targets come from the values."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import linter
from linter.engine.config import Config

from .conftest import SEED

GUIDE = Path(__file__).parent / "data" / "corpus" / "opensource-guide"
SCHEMA_CODES = {"FM010", "FM011", "FM012", "FM013"}


def _codes(text: str, path: str = "_articles/a.md", config: Config | None = None) -> list[str]:
    return [f.code for f in linter.lint_text(text, path, config or Config())]


def test_a_jekyll_article_gets_no_schema_noise() -> None:
    text = (GUIDE / "_articles" / "how-to-contribute.md").read_text("utf-8")
    assert _codes(text, "_articles/how-to-contribute.md") == []


def test_entities_in_a_real_spanish_title_are_found_without_a_schema() -> None:
    text = (GUIDE / "_articles" / "es" / "metrics.md").read_text("utf-8")
    findings = linter.lint_text(text, "_articles/es/metrics.md", Config())
    assert [(f.code, f.pointer) for f in findings] == [("FM102", "/title"),
                                                      ("FM102", "/description")]
    title_line = text.splitlines().index("title: M&eacute;tricas de c&oacute;digo abierto") + 1
    assert findings[0].line == title_line
    assert findings[0].fix is not None


def test_values_under_unknown_keys_are_linted() -> None:
    text = """---
title: Release notes
summary: "Metâ€™s new tools"
homepage: http://example.com/news?utm_source=feed
published_date: 2999-01-01T10:00:00Z
cover:
  url: https://cdn.example.com/image-800x600.jpg
  width: 1200
  height: 630
tags: [release, news]
---
"""
    findings = linter.lint_text(text, "posts/a.md", Config())
    found = {(f.code, f.pointer) for f in findings}
    assert ("FM101", "/summary") in found  # mojibake
    assert ("FM202", "/homepage") in found  # http://
    assert ("FM203", "/homepage") in found  # tracking parameter
    assert ("FM302", "/published_date") in found  # in the future
    assert any(code == "FM402" and where.startswith("/cover") for code, where in found)
    assert [f for f in findings if f.code in SCHEMA_CODES] == []


def test_generator_dates_and_slugs_are_not_reported() -> None:
    """A Jekyll date (space, offset without colon) is what the generator reads: no finding
    without a schema that asks for RFC 3339; slugs and site paths are not prose."""
    text = """---
layout: post
date: 2024-01-22 10:00:00 +0100
image: /assets/images/cards/metrics.png
related:
  - finding-users
---
"""
    assert _codes(text, "_posts/2024-01-22-a.md") == []


def test_the_article_schema_applies_to_the_records_it_recognises() -> None:
    """The aggregator's records (a provider, a heat score) still get the article schema."""
    text = SEED.read_text("utf-8").replace("title:", "titel:", 1)
    findings = linter.lint_text(text, "_news/2024-01-22-seed.md", Config())
    assert {"FM011", "FM012"} <= {f.code for f in findings}
    assert [f.code for f in linter.lint_text(SEED.read_text("utf-8"), "_news/a.md",
                                             Config())] == ["FM101"]


def test_a_configured_schema_always_applies(tmp_path: Path) -> None:
    text = (GUIDE / "_articles" / "how-to-contribute.md").read_text("utf-8")
    assert {"FM011", "FM012"} <= set(_codes(text, config=Config(default_schema="article")))
    declared = text.replace("---\n", "---\n$schema: article\n", 1)
    assert {"FM011", "FM012"} <= set(_codes(declared))


def test_a_collection_readme_is_a_page_not_a_broken_record(cli, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(GUIDE, site)
    result = cli(["check", "--no-cache", "--output-format", "json", str(site)])
    assert json.loads(result.out) == [
        finding for finding in json.loads(result.out) if finding["code"] == "FM102"]
    assert {f["path"].rsplit("/", 1)[-1] for f in json.loads(result.out)} == {"metrics.md"}


def test_broken_links_in_real_toml_front_matter_are_found_without_a_schema() -> None:
    """Two Rust blog posts (Zola, TOML front matter) whose team links are broken."""
    folder = Path(__file__).parent / "data" / "formats" / "rust-blog" / "broken-links"
    for name, broken in (("announcing-the-rust-style-team.md", "#Style team"),
                         ("rustfmt-supports-let-else-statements.md", "> and the rustfmt")):
        text = (folder / name).read_text("utf-8")
        findings = linter.lint_text(text, f"content/{name}", Config())
        line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("team_url"))
        assert {(f.code, f.pointer, f.line) for f in findings} == {
            ("FM201", "/extra/team_url", line)}, broken
