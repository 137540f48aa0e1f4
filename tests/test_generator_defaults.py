"""Records are checked as the generator completes them: Jekyll's `defaults:` fill in keys.

The site is a copy of `tests/data/corpus/opensource-guide` (the real `_config.yml` of
github/opensource.guide, whose `defaults:` give every article `layout: article` and every
page `image: /assets/images/cards/default.png`).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from linter import defaults
from linter.context import Site

GUIDE = Path(__file__).parent / "data" / "corpus" / "opensource-guide"
ARTICLE = "_articles/how-to-contribute.md"
SCHEMA = {
    "type": "object",
    "required": ["layout", "title", "image"],
    "properties": {
        "layout": {"enum": ["article", "post"]},
        "title": {"type": "string"},
        "image": {"type": "string", "pattern": "^/assets/"},
        "order": {"type": "integer"},
    },
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "guide"
    shutil.copytree(GUIDE, root)
    (root / "guide.schema.json").write_text(json.dumps(SCHEMA), "utf-8")
    (root / "fmlint.toml").write_text('schema = "guide.schema.json"\n', "utf-8")
    return root


def _findings(cli, path: Path) -> list[dict]:
    result = cli(["check", "--no-cache", "--output-format", "json", str(path)])
    return [f for f in json.loads(result.out) if f["code"] != "FM102"]


def test_a_key_the_defaults_supply_is_not_missing(cli, site: Path) -> None:
    assert _findings(cli, site / ARTICLE) == []


def test_without_the_defaults_the_key_is_missing(cli, site: Path) -> None:
    config = site / "_config.yml"
    config.write_text(config.read_text("utf-8").replace("defaults:", "old_defaults:"), "utf-8")
    found = {(f["code"], f["message"].split(":")[0]) for f in _findings(cli, site / ARTICLE)}
    assert {f for f in found if f[0] == "FM012"}
    assert "layout" in " ".join(f["message"] for f in _findings(cli, site / ARTICLE))


def test_a_default_only_applies_in_its_scope(cli, site: Path) -> None:
    """`layout: article` is given to the `articles` collection only: a page lacks it."""
    page = site / "about.md"
    page.write_text("---\ntitle: About\n---\n", "utf-8")
    found = _findings(cli, page)
    assert [f["code"] for f in found] == ["FM012"]
    assert "layout" in found[0]["message"] and "image" not in found[0]["message"]


def test_the_records_own_value_wins_and_keeps_its_position(cli, site: Path) -> None:
    text = (site / ARTICLE).read_text("utf-8").replace("---\n", "---\nlayout: page\n", 1)
    (site / ARTICLE).write_text(text, "utf-8")
    found = _findings(cli, site / ARTICLE)
    assert [(f["code"], f["pointer"], f["line"]) for f in found] == [("FM010", "/layout", 2)]


def test_a_bad_value_from_the_defaults_is_not_reported_on_the_record(cli, site: Path) -> None:
    config = site / "_config.yml"
    config.write_text(config.read_text("utf-8").replace(
        "image: /assets/images/cards/default.png", "image: cards/default.png", 1), "utf-8")
    assert _findings(cli, site / ARTICLE) == []


def _site(*scopes: defaults.Scope, relative: str = "_posts/2024-01-22-a.md") -> Site:
    return Site(root="/site", defaults=scopes, relative=relative, collections=("articles",))


def test_narrower_scopes_win_and_mappings_merge_deeply() -> None:
    wide = defaults.Scope("", None, {"layout": "default", "author": {"name": "A", "x": 1}})
    typed = defaults.Scope("", "posts", {"layout": "post"})
    deep = defaults.Scope("_posts", None, {"author": {"name": "B"}})
    other = defaults.Scope("", "pages", {"layout": "page"})
    record = {"title": "T", "author": {"x": 2}}
    merged = defaults.applied(record, _site(deep, typed, wide, other))
    assert merged == {"layout": "post", "author": {"name": "B", "x": 2}, "title": "T"}
    assert record == {"title": "T", "author": {"x": 2}}  # (the record itself is unchanged)


def test_types_of_records() -> None:
    assert defaults.types_of("_posts/a.md", ()) == ("posts",)
    assert defaults.types_of("blog/_posts/a.md", ()) == ("posts",)
    assert defaults.types_of("_drafts/a.md", ()) == ("drafts", "posts")
    assert defaults.types_of("_articles/es/a.md", ("articles",)) == ("articles",)
    assert defaults.types_of("_notes/a.md", ("articles",)) == ("pages",)
    assert defaults.types_of("about.md", ("articles",)) == ("pages",)


def test_glob_paths_and_malformed_entries() -> None:
    from linter.imagetools import generator_settings

    settings = generator_settings(
        "defaults:\n"
        "  - scope: {path: 'docs/*/guide'}\n    values: {layout: guide}\n"
        "  - values: not a mapping\n"
        "  - [a list]\n"
        "  - values: {toc: true}\n")
    scopes = settings["defaults"]
    assert [s.values for s in scopes] == [{"layout": "guide"}, {"toc": True}]
    site = Site(defaults=scopes, relative="docs/en/guide/a.md")
    assert defaults.applied({}, site) == {"layout": "guide", "toc": True}
    site = Site(defaults=scopes, relative="docs/a.md")
    assert defaults.applied({}, site) == {"toc": True}
