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

from linter.reading import defaults
from linter.rules.context import Site

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


def test_a_name_that_starts_with_two_dots_is_inside_the_site(cli, tmp_path: Path,
                                                            monkeypatch) -> None:
    """`..old/a.md` and `...md` are files of the site, not of its parent: the site-wide
    default reaches them (named on the command line, as pre-commit names files)."""
    (tmp_path / "_config.yml").write_text(
        'defaults: [{scope: {path: ""}, values: {layout: post}}]\n', "utf-8")
    (tmp_path / "r.schema.json").write_text('{"type": "object", "required": ["layout"]}',
                                            "utf-8")
    (tmp_path / "fmlint.toml").write_text('schema = "r.schema.json"\n', "utf-8")
    (tmp_path / "..old").mkdir()
    for name in ("..old/a.md", "...md"):
        (tmp_path / name).write_text("---\ntitle: Hello\n---\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli(["check", "--no-cache", "--output-format", "json", "..old/a.md", "...md"])
    assert json.loads(result.out) == []


def test_the_records_own_value_wins_and_keeps_its_position(cli, site: Path) -> None:
    text = (site / ARTICLE).read_text("utf-8").replace("---\n", "---\nlayout: page\n", 1)
    (site / ARTICLE).write_text(text, "utf-8")
    found = _findings(cli, site / ARTICLE)
    assert [(f["code"], f["pointer"], f["line"]) for f in found] == [("FM010", "/layout", 2)]


def test_a_bad_value_from_the_defaults_is_reported_once_where_the_defaults_write_it(
        cli, site: Path) -> None:
    """Two records get a wrong `image` from `defaults:`: one finding, at its line in
    `_config.yml`, naming how many records it reaches; the records themselves are clean,
    with the cache as without it."""
    config = site / "_config.yml"
    text = config.read_text("utf-8").replace(
        "image: /assets/images/cards/default.png", "image: cards/default.png", 1)
    config.write_text(text, "utf-8")
    for name in ("a", "b"):
        (site / "_articles" / f"{name}.md").write_text(f"---\ntitle: {name}\n---\n", "utf-8")
    line = text[: text.index("cards/default.png")].count("\n") + 1
    for cache in (["--no-cache"], [], []):
        result = cli(["check", *cache, "--output-format", "json", str(site / "_articles")])
        found = [f for f in json.loads(result.out) if f["code"] != "FM102"]
        assert [(f["code"], f["path"], f["line"], f["pointer"]) for f in found] == [
            ("FM019", str(config), line, "/defaults/0/values/image")]
        assert "2 records, such as" in found[0]["message"]
        assert "^/assets/" in found[0]["message"]


def test_a_finding_from_the_defaults_names_the_file_as_the_record_is_named(
        cli, site: Path, monkeypatch) -> None:
    config = site / "_config.yml"
    config.write_text(config.read_text("utf-8").replace(
        "layout: article", "layout: page", 1), "utf-8")
    (site / "_articles" / "a.md").write_text("---\ntitle: A\nimage: /assets/a.png\n---\n",
                                            "utf-8")
    monkeypatch.chdir(site / "_articles")
    found = json.loads(cli(["check", "--no-cache", "--output-format", "json", "a.md"]).out)
    assert [(f["code"], f["path"]) for f in found] == [("FM019", "../_config.yml")]
    assert "the record a.md" in found[0]["message"]


def test_no_default_reaches_a_data_file(cli, site: Path) -> None:
    """Jekyll's defaults fill in pages, posts and collections, not ``_data`` files: a key a
    data record lacks is missing even where a default with an empty path gives it."""
    (site / "_data").mkdir()
    (site / "_data" / "people.yml").write_text("title: People\nlayout: article\n", "utf-8")
    found = _findings(cli, site / "_data" / "people.yml")
    assert [f["code"] for f in found] == ["FM012"] and "image" in found[0]["message"]


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
    from linter.reading.siteconfig import generator_settings

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


def test_the_site_command_says_what_was_read(cli, site: Path) -> None:
    result = cli(["site", str(site / ARTICLE)])
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[:2] == [f"site root: {site.resolve()}",
                         "generator: Jekyll (recognised by _config.yml)"]
    assert "future-dated posts: held back (future: false)" in lines
    assert "drafts: held back (show_drafts: false)" in lines
    assert lines[-3:] == ["front matter defaults: 2", "  every path: image",
                          "  every path, type articles: layout"]


@pytest.mark.parametrize(("files", "said"), [
    ({"hugo.toml": 'baseURL = "https://a.example/"\ntimeZone = "Europe/Oslo"\n'},
     ["generator: Hugo (recognised by hugo.toml)", "time zone: Europe/Oslo",
      "future-dated posts: held back (buildFuture: false)"]),
    ({"config.toml": 'baseURL = "https://a.example/"\nbuildFuture = true\n'},
     ["generator: Hugo (recognised by config.toml)",
      "future-dated posts: built (buildFuture: true)"]),
    ({"config.toml": 'base_url = "https://a.example/"\n'},
     ["generator: Zola (recognised by config.toml)"]),
    ({"eleventy.config.js": "export default {};\n"},
     ["generator: Eleventy (recognised by eleventy.config.js)"]),
    ({"astro.config.mjs": "export default {};\n"},
     ["generator: Astro (recognised by astro.config.mjs)"]),
])
def test_the_site_command_recognises_other_generators(cli, tmp_path: Path, files, said) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, "utf-8")
    (tmp_path / "content").mkdir()
    result = cli(["site", str(tmp_path / "content")])
    assert result.code == 0
    assert set(said) <= set(result.out.splitlines())


def test_the_site_command_outside_any_site(cli, tmp_path: Path) -> None:
    result = cli(["site", str(tmp_path)])
    assert result.code == 0 and result.out.startswith("no site found")
    assert cli(["site", str(tmp_path / "nothing")]).code == 2


def test_a_hugo_sections_cascade_supplies_keys(cli, tmp_path: Path) -> None:
    root = tmp_path / "hugo"
    (root / "content" / "posts" / "2024").mkdir(parents=True)
    (root / "content" / "notes").mkdir()
    (root / "hugo.toml").write_text('baseURL = "https://a.example/"\n', "utf-8")
    (root / "guide.schema.json").write_text(json.dumps(SCHEMA), "utf-8")
    (root / "fmlint.toml").write_text('schema = "guide.schema.json"\n', "utf-8")
    (root / "content" / "_index.md").write_text(
        "---\ntitle: Home\nlayout: article\nimage: /assets/a.png\n"
        "cascade:\n  image: /assets/home.png\n---\n", "utf-8")
    (root / "content" / "posts" / "_index.md").write_text(
        "---\ntitle: Posts\nlayout: article\ncascade:\n  - layout: post\n"
        "  - _target: {kind: page}\n    layout: x\n---\n", "utf-8")
    post = root / "content" / "posts" / "2024" / "a.md"
    post.write_text("---\ntitle: A post\n---\n", "utf-8")
    note = root / "content" / "notes" / "b.md"
    note.write_text("---\ntitle: A note\n---\n", "utf-8")
    assert _findings(cli, post) == []
    found = _findings(cli, note)
    assert [f["code"] for f in found] == ["FM012"] and "layout" in found[0]["message"]


def test_a_bad_value_from_a_hugo_cascade_is_reported_where_the_cascade_writes_it(
        cli, tmp_path: Path) -> None:
    root = tmp_path / "hugo"
    (root / "content" / "posts").mkdir(parents=True)
    (root / "hugo.toml").write_text('baseURL = "https://a.example/"\n', "utf-8")
    (root / "guide.schema.json").write_text(json.dumps(SCHEMA), "utf-8")
    (root / "fmlint.toml").write_text('schema = "guide.schema.json"\n', "utf-8")
    index = ("+++\ntitle = 'Posts'\nlayout = 'article'\nimage = '/assets/p.png'\n"
             "[cascade]\nlayout = 'post'\nimage = 'p.png'\n+++\n")
    (root / "content" / "posts" / "_index.md").write_text(index, "utf-8")
    for name in ("a", "b"):
        (root / "content" / "posts" / f"{name}.md").write_text(
            f"---\ntitle: {name}\n---\n", "utf-8")
    result = cli(["check", "--no-cache", "--output-format", "json", str(root / "content")])
    found = json.loads(result.out)
    line = index[: index.index("'p.png'")].count("\n") + 1
    assert [(f["code"], f["path"], f["line"], f["pointer"]) for f in found] == [
        ("FM019", str(root / "content" / "posts" / "_index.md"), line, "/cascade/image")]
    assert "2 records, such as" in found[0]["message"]


def test_defaults_that_refer_to_themselves_are_left_out() -> None:
    from linter.reading.siteconfig import generator_settings

    settings = generator_settings("defaults:\n  - values: &v {self: *v}\n"
                                  "  - values: {x: &l [*l]}\n  - values: {ok: 1}\n")
    assert [s.values for s in settings["defaults"]] == [{"ok": 1}]
