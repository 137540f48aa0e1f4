"""Data files that are records (Jekyll's ``_data``, or named by ``[[schemas]]``): YAML, JSON,
TOML and JSON Lines, a list of records each checked under its pointer; and which files a
folder walk takes for records."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import linter
from linter.engine.config import Config, SchemaMapping
from linter.site.files import discover

from .conftest import CORPUS, DATA, Run
from .rulekit import fixed, only

NEWS = DATA / "formats" / "everyday-powerapps" / "_data"
TOPIC = CORPUS / "_data" / "topics" / "01-canvas-apps.yaml"
ARTICLES = Config(schemas=[SchemaMapping(("**/news.*",), "article")])
MOJIBAKE = ("Simplifying license management with auto-claim",
            "Simplifyingâ€™s license management with auto-claim")


def injected(path: Path, old: str, new: str) -> str:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_a_walk_finds_data_records_by_the_site_layout_and_the_configuration(
        tmp_path: Path) -> None:
    for name in ("_data/topics/a.yaml", "_data/_config.yml", "_data/people.yml", "_data/news.json",
                 "_data/feed.jsonl", "_data/menu.toml", "_data/notes.txt", "package.json",
                 "tsconfig.json", "api/news/index.json", "records/one.json", "post.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}\n", "utf-8")
    config = Config(schemas=[SchemaMapping(("records/**",), "article")], base_dir=str(tmp_path))
    found = sorted(Path(p).relative_to(tmp_path).as_posix()
                   for p in discover([str(tmp_path)], config))
    assert found == ["_data/feed.jsonl", "_data/menu.toml", "_data/news.json",
                     "_data/people.yml", "_data/topics/a.yaml", "post.md", "records/one.json"]


def test_each_record_of_a_json_list_is_checked_under_its_pointer() -> None:
    path = NEWS / "news.json"
    text = injected(path, *MOJIBAKE)
    found = only(linter.lint_text(text, str(path), ARTICLES), "FM101")
    assert [(f.line, f.pointer) for f in found] == [(55, "/1/title")]
    repaired = fixed(text, found[0])
    assert repaired == text.replace("Simplifyingâ€™s", "Simplifying’s")


def test_each_json_line_is_a_record_at_its_line() -> None:
    path = NEWS / "news.jsonl"
    text = injected(path, *MOJIBAKE)
    findings = linter.lint_text(text, str(path), ARTICLES)
    assert [(f.line, f.pointer) for f in only(findings, "FM101")] == [(2, "/1/title")]
    assert {f.line for f in only(findings, "FM105")} == {1, 2}  # (an excerpt's last space)
    repaired = fixed(text, only(findings, "FM101")[0])
    assert repaired == text.replace("Simplifyingâ€™s", "Simplifying’s")


def test_a_broken_json_line_is_reported_and_the_others_are_checked() -> None:
    path = NEWS / "news.jsonl"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    text = lines[0][:-3] + "\n" + "".join(lines[1:])
    findings = linter.lint_text(text, str(path), ARTICLES)
    assert [(f.code, f.line) for f in only(findings, "FM021")] == [("FM021", 1)]
    assert [f.pointer for f in only(findings, "FM105")] == ["/1/excerpt"]


def test_a_data_file_without_a_schema_is_checked_as_a_file_only(
        tmp_path: Path, cli: Callable[..., Run]) -> None:
    """A topic definition is not an article: no schema findings, but its YAML is checked."""
    topics = tmp_path / "_data" / "topics"
    topics.mkdir(parents=True)
    shutil.copy(TOPIC, topics)
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert (run.code, run.out.splitlines()[0]) == (0, "All checks passed! (1 file)")
    broken = injected(TOPIC, "\nname: Canvas apps", "\nname: Canvas apps: all")
    (topics / TOPIC.name).write_text(broken, "utf-8")
    run = cli(["check", "--no-cache", "--output-format", "json", str(tmp_path)])
    assert [(f["code"], f["line"]) for f in json.loads(run.out)] == [("FM004", 3)]


def test_a_yaml_data_file_mapped_to_a_schema_is_checked_and_fixed(tmp_path: Path) -> None:
    people = tmp_path / "_data" / "people.yml"
    text = ("- title: \"Metâ€™s people\"\n  type: article\n"
            "- title: 'Q&amp;A'  # fmlint: ignore[FM102]\n- just a note\n")
    config = Config(schemas=[SchemaMapping(("_data/people.yml",), "article")],
                    base_dir=str(tmp_path), select=["FM101", "FM102"])
    found = linter.lint_text(text, str(people), config)
    assert [(f.code, f.line, f.pointer) for f in found] == [("FM101", 1, "/0/title")]
    assert fixed(text, found[0]) == text.replace("Metâ€™s", "Met’s")


def test_a_toml_data_file() -> None:
    text = '[[item]]\ntitle = "Metâ€™s"\n\n[[item]]\ntitle = "fine"\n'
    config = Config(select=["FM101"])  # (no schema: the values tell what they are)
    found = linter.lint_text(text, "_data/menu.toml", config)
    assert [(f.code, f.line, f.pointer) for f in found] == [("FM101", 2, "/item/0/title")]


def test_many_json_lines_take_linear_time() -> None:
    """20,000 records (each record's places were once sought among all of them: minutes)."""
    import time

    line = json.dumps({"title": "A title", "excerpt": "An excerpt."})
    started = time.monotonic()
    linter.lint_text((line + "\n") * 20_000, "_data/feed.jsonl", ARTICLES)
    assert time.monotonic() - started < 30


def test_the_command_walks_to_data_files_its_configuration_names(
        tmp_path: Path, cli: Callable[..., Run]) -> None:
    (tmp_path / "fmlint.toml").write_text(
        '[[schemas]]\nfiles = ["records/**"]\nschema = "article"\n', "utf-8")
    for name in ("records/news.json", "api/news.json", "package.json"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(NEWS / "news.json", tmp_path / name)
    run = cli(["check", "--no-cache", "--select", "FM105", "--output-format", "json",
               str(tmp_path)])
    assert {(Path(f["path"]).relative_to(tmp_path).as_posix(), f["pointer"])
            for f in json.loads(run.out)} == {("records/news.json", "/0/excerpt"),
                                              ("records/news.json", "/1/excerpt")}


def test_add_ignore_writes_suppressions_into_a_yaml_data_file(
        cli: Callable[..., Run], tmp_path: Path, monkeypatch) -> None:
    """``--add-ignore`` suppresses findings in a data file's records where they are written,
    and the next run finds nothing."""
    (tmp_path / "_data").mkdir()
    people = tmp_path / "_data" / "people.yml"
    people.write_text('- name: "Caf&eacute; one"\n  url: http://example.com/a\n'
                      "- name: Two\n  url: https://example.org/\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    before = json.loads(cli(["check", "--no-cache", "--isolated", "--output-format", "json",
                             "."]).out)
    assert {f["code"] for f in before} == {"FM102", "FM202"}
    added = cli(["check", "--no-cache", "--isolated", "--add-ignore", "."])
    assert added.out.startswith("Added suppressions for 2 findings.")
    text = people.read_text("utf-8")
    assert '"Caf&eacute; one"  # fmlint: ignore[FM102]' in text
    assert "http://example.com/a  # fmlint: ignore[FM202]" in text
    assert json.loads(cli(["check", "--no-cache", "--isolated", "--output-format", "json",
                           "."]).out) == []
