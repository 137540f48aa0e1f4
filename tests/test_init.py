"""``fmlint init`` and ``fmlint schema infer`` on copies of real sites (tests/data/sites/):
the schemas and configuration written, nothing overwritten unasked, and then ``fmlint check``
passes the site's own records and catches what goes wrong in them."""

from __future__ import annotations

import json
import os
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from linter.site import configfile

from .conftest import Run

SITES = Path(__file__).parent / "data" / "sites"
SCHEMA_CODES = {"FM010", "FM011", "FM012", "FM013", "FM014"}
NEWS = "_news/2019-08-19-microsoft-power-apps-2019-release-wave-2-overview.md"
NEWS_2 = "_news/2020-10-29-power-apps-managing-form-settings.md"
NEWS_3 = "_news/2021-02-19-introducing-power-apps-mobile-apps-new-look-public-preview.md"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """site(name): a copy of tests/data/sites/<name> as the current folder."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(SITES / name, target)
        monkeypatch.chdir(target)
        return target

    return copy


def findings(cli: Callable[..., Run], *paths: str) -> list[dict]:
    run = cli(["check", "--no-cache", "--output-format", "json", *paths])
    assert run.code in (0, 1), run.err
    return json.loads(run.out)


def schema_findings(cli: Callable[..., Run]) -> list[dict]:
    return [f for f in findings(cli) if f["code"] in SCHEMA_CODES]


def line_of(path: Path, start: str) -> int:
    lines = path.read_text("utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_init_jekyll_multilingual_site(site: Callable[[str], Path],
                                       cli: Callable[..., Run]) -> None:
    root = site("opensource-guide")
    assert schema_findings(cli) == []  # (no schema describes these records yet: no noise)
    run = cli(["init"])
    assert run.code == 0, run.err
    assert run.out.splitlines()[:2] == ["wrote schemas/articles.schema.json",
                                        "wrote fmlint.toml"]
    assert "articles (_articles/**): 25 records, 8 keys" in run.out
    assert "required: lang, title, description, class, order, image" in run.out
    settings = tomllib.loads((root / "fmlint.toml").read_text("utf-8"))
    assert settings == {"schemas": [{"files": ["_articles/**"],
                                     "schema": "schemas/articles.schema.json"}]}
    configfile.load(str(root / "fmlint.toml"))  # (valid against config.schema.json)
    schema = json.loads((root / "schemas" / "articles.schema.json").read_text("utf-8"))
    assert schema["properties"]["lang"]["enum"] == ["en", "fr"]
    assert schema_findings(cli) == []

    article = root / "_articles" / "fr" / "legal.md"
    edit(article, "description:", "descripton:")
    edit(article, "order: 10", "order: dix")
    other = root / "_articles" / "metrics.md"
    lang = line_of(other, "lang:")
    edit(other, "lang: en\n", "")
    found = {(f["path"], f["line"], f["code"]) for f in schema_findings(cli)}
    assert found == {
        ("_articles/fr/legal.md", line_of(article, "descripton:"), "FM011"),
        ("_articles/fr/legal.md", 2, "FM012"),  # (description: missing)
        ("_articles/fr/legal.md", line_of(article, "order:"), "FM010"),
        ("_articles/metrics.md", lang, "FM012"),
    }


def test_init_news_aggregator_then_check_catches_mistakes(site: Callable[[str], Path],
                                                          cli: Callable[..., Run]) -> None:
    root = site("everyday-powerapps")
    run = cli(["init"])
    assert run.code == 0, run.err
    settings = tomllib.loads((root / "fmlint.toml").read_text("utf-8"))
    assert settings["schemas"] == [
        {"files": ["_data/organizations/**"], "schema": "schemas/organizations.schema.json"},
        {"files": ["_learning/**"], "schema": "schemas/learning.schema.json"},
        {"files": ["_news/**"], "schema": "schemas/news.schema.json"},
    ]
    assert "news (_news/**): 31 records, 17 keys (closed: no other key allowed)" in run.out
    assert "publishedDateTime date-time, originalUrl uri" in run.out
    assert schema_findings(cli) == []

    misspelt, wrong_type, missing = root / NEWS, root / NEWS_2, root / NEWS_3
    edit(misspelt, "\ntopics:", "\ntopcis:")
    edit(wrong_type, "heat: ", "heat: very ")
    heat = line_of(wrong_type, "heat:")
    edit(missing, "\noriginalUrl:", "\n#originalUrl:")
    found = {(f["path"], f["line"], f["code"]) for f in schema_findings(cli)}
    assert found == {
        (NEWS, line_of(misspelt, "topcis:"), "FM011"),
        (NEWS, 2, "FM012"),  # (topics: missing)
        (NEWS_2, heat, "FM010"),
        (NEWS_3, 2, "FM012"),
    }


def test_existing_configuration_or_schema_is_kept(site: Callable[[str], Path],
                                                  cli: Callable[..., Run]) -> None:
    root = site("opensource-guide")
    (root / "fmlint.toml").write_text("ignore = [\"FM105\"]\n", "utf-8")
    run = cli(["init"])
    assert run.code == 2
    assert "not overwriting" in run.err and "fmlint.toml" in run.err and "--force" in run.err
    assert (root / "fmlint.toml").read_text("utf-8") == "ignore = [\"FM105\"]\n"
    assert not (root / "schemas").exists()  # (nothing written at all)

    (root / "fmlint.toml").unlink()
    (root / "schemas").mkdir()
    (root / "schemas" / "articles.schema.json").write_text("{}", "utf-8")
    assert cli(["init"]).code == 2
    assert (root / "schemas" / "articles.schema.json").read_text("utf-8") == "{}"
    assert not (root / "fmlint.toml").exists()

    run = cli(["init", "--force"])
    assert run.code == 0, run.err
    assert "properties" in (root / "schemas" / "articles.schema.json").read_text("utf-8")
    assert sorted(os.listdir(root / "schemas")) == ["articles.schema.json"]  # (no leftovers)
    assert schema_findings(cli) == []


def test_dry_run_writes_nothing(site: Callable[[str], Path], cli: Callable[..., Run]) -> None:
    root = site("opensource-guide")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    run = cli(["init", "--dry-run", "--schema-dir", "meta/schemas"])
    assert run.code == 0, run.err
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    assert "--- meta/schemas/articles.schema.json (not written: --dry-run)\n{\n" in run.out
    assert "--- fmlint.toml (not written: --dry-run)\n" in run.out
    assert 'schema = "meta/schemas/articles.schema.json"' in run.out
    assert "articles (_articles/**): 25 records" in run.out


def test_appended_to_an_existing_pyproject(site: Callable[[str], Path],
                                           cli: Callable[..., Run]) -> None:
    root = site("opensource-guide")
    original = b'[project]\nname = "guide-tools"\n'
    (root / "pyproject.toml").write_bytes(original)
    run = cli(["init"])
    assert run.code == 0, run.err
    assert "wrote pyproject.toml" in run.out
    text = (root / "pyproject.toml").read_bytes()
    assert text.startswith(original + b"\n")
    assert tomllib.loads(text.decode())["tool"]["fmlint"]["schemas"] == [
        {"files": ["_articles/**"], "schema": "schemas/articles.schema.json"}]
    assert schema_findings(cli) == []
    # With [tool.fmlint] there already, even --force leaves it alone.
    run = cli(["init", "--force"])
    assert run.code == 2 and "already has [tool.fmlint]" in run.err
    assert (root / "pyproject.toml").read_bytes() == text


def test_site_without_readable_records(tmp_path: Path, cli: Callable[..., Run],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "post.md").write_text("# Announcing Rust 1.0\n\nText.\n", "utf-8")
    (tmp_path / "README.md").write_text("# A site\n", "utf-8")
    run = cli(["init"])
    assert run.code == 2
    assert "found no records it could read under ." in run.err
    assert "none of the 2 Markdown files found has front matter" in run.err
    assert sorted(os.listdir(tmp_path)) == ["README.md", "content"]
    run = cli(["schema", "infer", "content"])
    assert run.code == 2 and run.out == "" and "found no records" in run.err


def test_a_broken_record_is_named_and_the_rest_inferred(site: Callable[[str], Path],
                                                        cli: Callable[..., Run]) -> None:
    root = site("opensource-guide")
    edit(root / "_articles" / "legal.md", "order: 10", "order: [10")
    run = cli(["init", "--dry-run"])
    assert run.code == 0
    assert "_articles/legal.md: skipped, not a record: line" in run.err
    assert "Traceback" not in run.err
    assert "articles (_articles/**): 24 records" in run.out


def test_schema_infer_prints_one_schema(cli: Callable[..., Run],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SITES / "everyday-powerapps")
    run = cli(["schema", "infer", "_news", "_learning"])
    assert run.code == 0, run.err
    schema = json.loads(run.out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["type"]["enum"] == ["article", "collection", "course", "video"]
    assert cli(["schema", "infer", "_news", "_learning"]).out == run.out


@pytest.mark.parametrize(("layout", "folder"), [
    ({"hugo.toml": "", "content/posts/first.md": None, "content/posts/2024/second.md": None,
      "content/about.md": None}, "content/posts"),
    ({"astro.config.mjs": "", "src/content/blog/first.md": None,
      "src/content/blog/second.md": None}, "src/content/blog"),
    ({"_config.yml": "collections_dir: my\ncollections:\n  recipes: {}\n",
      "my/_recipes/first.md": None, "my/_recipes/soup/second.md": None,
      "my/_posts/2024-01-02-hello.md": None}, "my/_recipes"),
])
def test_collections_of_hugo_astro_and_jekyll(layout: dict[str, str | None], folder: str,
                                              tmp_path: Path, cli: Callable[..., Run],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for n, (name, text) in enumerate(layout.items()):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text if text is not None else
                        f"---\ntitle: Post number {n}\ndraft: false\n---\nText.\n", "utf-8")
    run = cli(["init"])
    assert run.code == 0, run.err
    mappings = tomllib.loads((tmp_path / "fmlint.toml").read_text("utf-8"))["schemas"]
    name = folder.rsplit("/", 1)[-1].lstrip("_")
    assert {"files": [f"{folder}/**"], "schema": f"schemas/{name}.schema.json"} in mappings
    assert schema_findings(cli) == []


def test_broken_pyproject_is_left_alone(site: Callable[[str], Path],
                                        cli: Callable[..., Run]) -> None:
    root = site("opensource-guide")
    broken = b'[project\nname = "guide-tools"\n'
    (root / "pyproject.toml").write_bytes(broken)
    run = cli(["init"])
    assert run.code == 2
    assert "pyproject.toml is not valid TOML" in run.err and "Traceback" not in run.err
    assert (root / "pyproject.toml").read_bytes() == broken
    assert not (root / "schemas").exists()
