"""Drafts and unpublished records are the generator's business, and dates are read in the
generator's own forms (Jekyll's `2025-01-29 18:15:32 +0530`, a date alone, TOML objects)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import linter
from linter.engine.config import Config

NOW = "2024-06-01T00:00:00Z"
FUTURE = "date: 2030-01-29 18:15:32 +0530\n"
# A Jekyll record's real defect besides its date (as in the aggregator's records).
HTTP = "link: http://example.com/news\n"


def _site(tmp_path: Path, config: str = "title: Blog\n") -> Path:
    root = tmp_path / "blog"
    root.mkdir()
    (root / "_config.yml").write_text(config, "utf-8")
    return root


def _record(root: Path, relative: str, front: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: A post\n{front}---\nBody.\n", "utf-8")
    return path


def _codes(cli, path: Path, *extra: str) -> list[str]:
    result = cli(["check", "--no-cache", "--now", NOW, "--output-format", "json",
                  *extra, str(path)])
    return sorted(f["code"] for f in json.loads(result.out))


def _lint(front: str, path: str = "_posts/a.md", **settings: object) -> list[str]:
    text = f"---\ntitle: A post\n{front}---\n"
    config = Config(now=datetime(2024, 6, 1, tzinfo=UTC), **settings)  # type: ignore[arg-type]
    return sorted(f.code for f in linter.lint_text(text, path, config))


# -- drafts and unpublished records ---------------------------------------------------------

def test_a_future_date_is_reported_without_a_site() -> None:
    assert _lint(FUTURE) == ["FM302"]


@pytest.mark.parametrize("flag", ["draft: true\n", "published: false\n"])
def test_a_draft_is_not_reported_for_its_future_date(flag: str) -> None:
    future = "date: 2030-01-29T18:15:32Z\n"
    assert _lint(future + HTTP) == ["FM202", "FM302"]
    assert _lint(future + flag + HTTP) == ["FM202"]  # (the other rules still run)


def test_a_file_in_drafts_is_not_reported_unless_the_site_builds_drafts(cli, tmp_path) -> None:
    root = _site(tmp_path, "future: true\n")
    path = _record(root, "_drafts/a-post.md", FUTURE + HTTP)
    assert _codes(cli, path) == ["FM202"]
    (root / "_config.yml").write_text("future: true\nshow_drafts: true\n", "utf-8")
    assert _codes(cli, path) == ["FM202", "FM302"]


def test_a_scheduled_post_on_a_jekyll_site_is_not_reported(cli, tmp_path: Path) -> None:
    """Jekyll builds no future post by default (`future: false`): it is scheduled."""
    root = _site(tmp_path)
    dated = _record(root, "_posts/2030-01-29-a-post.md", FUTURE + HTTP)
    named = _record(root, "_posts/2030-01-29-named.md", "updated: 2030-01-30T00:00:00Z\n")
    assert _codes(cli, dated) == ["FM202"]
    assert _codes(cli, named) == []
    (root / "_config.yml").write_text("future: true\n", "utf-8")
    assert _codes(cli, dated) == ["FM202", "FM302"]
    assert _codes(cli, named) == ["FM302"]


def test_unpublished_by_the_sites_defaults(cli, tmp_path: Path) -> None:
    root = _site(tmp_path, "future: true\ndefaults:\n  - scope: {path: _posts/wip}\n"
                 "    values: {published: false}\n")
    assert _codes(cli, _record(root, "_posts/wip/a.md", FUTURE)) == []
    assert _codes(cli, _record(root, "_posts/done/a.md", FUTURE)) == ["FM302"]


# -- dates in the generators' forms ------------------------------------------------------------

def test_jekyll_dates_are_read_by_every_timestamp_rule() -> None:
    assert _lint("date: 1970-01-01\n") == ["FM303"]
    assert _lint("date: '2024-01-22 10:00:00 +0100'\nlast_modified_at: 2024-01-20\n") == [
        "FM304"]
    assert _lint("date: 2024-01-25\n", "_posts/2024-01-22-a.md") == ["FM305"]
    assert _lint("date: 2024-01-22 10:00:00 +0100\n", "_posts/2024-01-22-a.md") == []
    assert _lint("lastmod: 2030-01-01 10:00 UTC\n") == ["FM302"]


def test_a_time_without_a_zone_is_reported_only_where_the_site_sets_none() -> None:
    assert _lint("date: 2024-01-22 10:00\n") == ["FM301"]
    assert _lint("date: 2024-01-22 10:00\n", timezone="Europe/London") == []
    assert _lint("date: 2024-01-22\n") == []  # (a date alone: the day is certain)


def test_a_schema_asking_for_rfc3339_keeps_the_strict_check(tmp_path: Path) -> None:
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps({"properties": {"date": {"type": "string",
                                                          "format": "date-time"}}}))
    text = "---\n$schema: s.json\ndate: '2024-01-22 10:00:00 +0100'\n---\n"
    config = Config(now=datetime(2024, 6, 1, tzinfo=UTC))
    found = linter.lint_text(text, str(tmp_path / "a.md"), config)
    assert [f.code for f in found] == ["FM301"]


def test_date_objects_from_a_toml_reader_are_read() -> None:
    config = Config(now=datetime(2024, 6, 1, tzinfo=UTC))
    assert [f.code for f in linter.check_record(
        {"title": "A", "date": datetime(2030, 1, 1, 10, 0)}, config)] == ["FM302"]
    assert [f.code for f in linter.check_record(
        {"title": "A", "updated": date(1970, 1, 1)}, config)] == ["FM303"]
    assert linter.check_record({"title": "A", "date": date(2024, 1, 1)}, config) == []


def test_a_scheduled_post_on_a_hugo_site_is_not_reported(cli, tmp_path: Path) -> None:
    root = tmp_path / "hugo"
    root.mkdir()
    (root / "hugo.toml").write_text('baseURL = "https://a.example/"\n', "utf-8")
    path = _record(root, "content/posts/a.md", "publishDate: 2030-01-01T00:00:00Z\n" + HTTP)
    assert _codes(cli, path) == ["FM202"]
    (root / "hugo.toml").write_text('baseURL = "https://a.example/"\nbuildFuture = true\n')
    assert _codes(cli, path) == ["FM202", "FM302"]


@pytest.mark.parametrize("path", ["content/2024-01-22_a.md", "content/2024-01-22-a/index.md"])
def test_zola_and_bundle_names_carry_a_date(path: str) -> None:
    assert _lint("date: 2024-01-25\n", path) == ["FM305"]
    assert _lint("date: 2024-01-22\n", path) == []


def test_toml_dates_are_read_as_the_generator_reads_them(cli, tmp_path: Path) -> None:
    """Zola reads a TOML date-time without an offset as UTC: no finding on its site; where
    no generator says so, the missing zone is reported."""
    text = "+++\ntitle = \"A post\"\ndate = 2024-01-22T10:00:00\n+++\n"
    config = Config(now=datetime(2024, 6, 1, tzinfo=UTC))
    assert [f.code for f in linter.lint_text(text, "content/a.md", config)] == ["FM301"]
    future = "+++\ntitle = \"A post\"\ndate = 2030-01-22\n+++\n"
    assert [f.code for f in linter.lint_text(future, "content/a.md", config)] == ["FM302"]
    root = tmp_path / "zola"
    (root / "content").mkdir(parents=True)
    (root / "config.toml").write_text('base_url = "https://a.example"\n', "utf-8")
    (root / "content" / "a.md").write_text(text, "utf-8")
    assert _codes(cli, root / "content" / "a.md") == []
