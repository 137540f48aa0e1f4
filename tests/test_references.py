"""References between records (x-fmlint-ref, FM208) and unique values (x-fmlint-unique, FM209),
on copies of real sites: tests/data/sites (see its README) and the topic definitions of
tests/data/corpus/everyday-powerapps/_data/topics."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CORPUS, Run

SITES = Path(__file__).parent / "data" / "sites"
FR_PRACTICES = "_articles/fr/best-practices.md"
NEWS = "_news/2019-08-19-microsoft-power-apps-2019-release-wave-2-overview.md"
NEWS_2 = "_news/2020-10-29-power-apps-managing-form-settings.md"


@pytest.fixture
def guide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., Run]) -> Path:
    """A copy of the opensource-guide site (English and French) with the schema and
    configuration `fmlint init` writes for it, as the current folder."""
    root = tmp_path / "opensource-guide"
    shutil.copytree(SITES / "opensource-guide", root)
    monkeypatch.chdir(root)
    assert cli(["init"]).code == 0
    return root


@pytest.fixture
def powerapps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the everyday-powerapps site with its real topic definitions, as the
    current folder (no configuration yet)."""
    root = tmp_path / "everyday-powerapps"
    shutil.copytree(SITES / "everyday-powerapps", root)
    shutil.copytree(CORPUS / "_data" / "topics", root / "_data" / "topics")
    monkeypatch.chdir(root)
    return root


def findings(cli: Callable[..., Run], *args: str) -> list[dict]:
    run = cli(["check", "--output-format", "json", "--select", "FM208,FM209", *args])
    assert run.code in (0, 1), run.err
    return json.loads(run.out)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def write_schema(root: Path, schema: dict) -> None:
    (root / "schemas").mkdir(exist_ok=True)
    (root / "schemas" / "news.schema.json").write_text(json.dumps(schema), "utf-8")
    (root / "fmlint.toml").write_text(
        '[[schemas]]\nfiles = ["_news/**"]\nschema = "schemas/news.schema.json"\n', "utf-8")


def line_of(path: Path, start: str) -> int:
    lines = path.read_text("utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def touch_later(path: Path) -> None:
    """Give a folder or file a modification time well apart from the last one (the cache
    compares stamps; a file system's clock may be coarse)."""
    later = time.time() + 5
    os.utime(path, (later, later))


# -- references -----------------------------------------------------------------------------

def test_init_proposes_the_references_the_site_makes(guide: Path) -> None:
    schema = json.loads((guide / "schemas" / "articles.schema.json").read_text("utf-8"))
    related = schema["properties"]["related"]["items"]
    assert related["x-fmlint-ref"] == {"files": "./*.md", "by": "name", "key": "class"}
    assert schema["properties"]["lang"]["x-fmlint-ref"] == {"files": "_data/locales/*",
                                                            "by": "slug"}
    assert "x-fmlint-ref" not in schema["properties"]["class"]  # (a record's own name)


def test_init_says_which_references_it_proposes(tmp_path: Path, cli: Callable[..., Run],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(SITES / "opensource-guide", tmp_path / "site")
    monkeypatch.chdir(tmp_path / "site")
    run = cli(["init", "--dry-run"])
    assert ("  references: lang -> _data/locales/* by slug, related[] -> ./*.md by class"
            in run.out.splitlines())


def test_the_site_as_it_is_has_no_broken_reference(guide: Path, cli: Callable[..., Run]
                                                   ) -> None:
    assert findings(cli, "--no-cache") == []


def test_a_misspelt_related_slug_is_an_error_with_the_near_miss(
        guide: Path, cli: Callable[..., Run]) -> None:
    edit(guide / FR_PRACTICES, "  - leadership\n", "  - leadrship\n")
    [found] = findings(cli, "--no-cache")
    assert (found["path"], found["line"], found["column"], found["end_column"]) == (
        FR_PRACTICES, 10, 5, 14)
    assert found["code"] == "FM208" and found["severity"] == "error"
    assert found["message"] == ("related[1] 'leadrship' names no record: it is not the "
                                "'class' or file name of a record in ./*.md; did you mean "
                                "'leadership'?")


def test_a_french_article_cannot_name_an_article_only_english_has(
        guide: Path, cli: Callable[..., Run]) -> None:
    assert (guide / "_articles" / "accessibility-best-practices-for-your-project.md").exists()
    assert not (guide / "_articles" / "fr" /
                "accessibility-best-practices-for-your-project.md").exists()
    edit(guide / FR_PRACTICES, "  - leadership\n", "  - accessibility-best-practices\n")
    [found] = findings(cli, "--no-cache")
    assert found["path"] == FR_PRACTICES and found["pointer"] == "/related/1"
    assert "did you mean" not in found["message"]  # (security-best-practices is no near miss)


def test_a_one_file_run_sees_the_whole_collection(guide: Path, cli: Callable[..., Run]
                                                  ) -> None:
    """As pre-commit runs it: only the changed file is named, the others are not read."""
    assert findings(cli, FR_PRACTICES) == []
    edit(guide / FR_PRACTICES, "  - leadership\n", "  - leadrship\n")
    assert [f["pointer"] for f in findings(cli, FR_PRACTICES)] == ["/related/1"]


def test_the_cache_notices_a_target_added_and_removed(guide: Path, cli: Callable[..., Run]
                                                      ) -> None:
    edit(guide / FR_PRACTICES, "  - leadership\n", "  - funding\n")
    assert len(findings(cli, FR_PRACTICES)) == 1
    folder = guide / "_articles" / "fr"
    added = folder / "funding.md"
    added.write_text("---\nlang: fr\ntitle: Financement\nclass: funding\n---\n", "utf-8")
    touch_later(folder)
    assert findings(cli, FR_PRACTICES) == []  # (the cached finding is not served)
    added.unlink()
    touch_later(folder)
    assert len(findings(cli, FR_PRACTICES)) == 1


def test_the_cache_notices_a_target_renamed_inside_its_file(
        guide: Path, cli: Callable[..., Run]) -> None:
    assert findings(cli, FR_PRACTICES) == []
    target = guide / "_articles" / "fr" / "leadership-and-governance.md"
    edit(target, "class: leadership", "class: direction")
    touch_later(target)
    [found] = findings(cli, FR_PRACTICES)
    assert found["pointer"] == "/related/1"
    assert "'leadership' names no record" in found["message"]


def test_init_proposes_topics_but_not_organizations(powerapps: Path,
                                                    cli: Callable[..., Run]) -> None:
    """Every topic names a `name:` of _data/topics; many providers have no organization
    record (microsoft.com), so provider.domain is no reference."""
    run = cli(["init"])
    assert run.code == 0, run.err
    assert "  references: topics[] -> _data/topics/* by name" in run.out.splitlines()
    schema = json.loads((powerapps / "schemas" / "news.schema.json").read_text("utf-8"))
    assert schema["properties"]["topics"]["items"]["x-fmlint-ref"] == {
        "files": "_data/topics/*", "by": "name"}
    assert "x-fmlint-ref" not in json.dumps(schema["properties"]["provider"])
    assert not (powerapps / "_data" / "organizations" / "microsoft.com.md").exists()
    assert findings(cli, "--no-cache") == []


def test_a_topic_that_is_not_defined(powerapps: Path, cli: Callable[..., Run]) -> None:
    assert cli(["init"]).code == 0
    edit(powerapps / NEWS, "  - Power Apps\n", "  - Power Apps\n  - Canvas Apps\n"
         "  - Power Automate\n")
    line = line_of(powerapps / NEWS, "  - Canvas Apps")
    found = findings(cli, "--no-cache", NEWS)
    assert [(f["line"], f["message"]) for f in found] == [
        (line, "topics[1] 'Canvas Apps' names no record: it is not the 'name' or file name "
               "of a record in _data/topics/*; did you mean 'Canvas apps'?"),
        (line + 1, "topics[2] 'Power Automate' names no record: it is not the 'name' or file "
                   "name of a record in _data/topics/*"),
    ]
    (powerapps / "_data" / "topics" / "07-power-automate.yaml").write_text(
        "taxonomy: topic\n_id: power-automate\nname: Power Automate\n", "utf-8")
    touch_later(powerapps / "_data" / "topics")
    assert [f["line"] for f in findings(cli, NEWS)] == [line]


def test_a_provider_without_an_organization_record(powerapps: Path,
                                                   cli: Callable[..., Run]) -> None:
    """A site that wants every provider described says so; a string value, by file name."""
    write_schema(powerapps, {"type": "object", "properties": {"provider": {
        "type": "object", "properties": {"domain": {"type": "string", "x-fmlint-ref": {
            "files": "_data/organizations/*.md", "by": "filename"}}}}}})
    edit(powerapps / NEWS_2, "domain: microsoft.com", "domain: theverge.com")
    found = findings(cli, "--no-cache", NEWS, NEWS_2)
    assert [(f["path"], f["pointer"]) for f in found] == [(NEWS, "/provider/domain")]
    assert found[0]["message"] == (
        "provider.domain 'microsoft.com' names no record: it is not the file name of a "
        "record in _data/organizations/*.md")


def test_a_link_out_of_the_site_names_no_record(powerapps: Path, cli: Callable[..., Run]
                                               ) -> None:
    """A file of the collection that is a link leading out of the site is not one of its
    records (the editor does not open it either); a link within the site is."""
    write_schema(powerapps, {"type": "object", "properties": {"provider": {
        "type": "object", "properties": {"domain": {"type": "string", "x-fmlint-ref": {
            "files": "_data/organizations/*.md", "by": "filename"}}}}}})
    outside = powerapps.parent / "elsewhere" / "microsoft.com.md"
    outside.parent.mkdir()
    shutil.copy(powerapps / "_data" / "organizations" / "gigaom.com.md", outside)
    link = powerapps / "_data" / "organizations" / "microsoft.com.md"
    link.symlink_to(outside)
    assert [f["pointer"] for f in findings(cli, "--no-cache", NEWS)] == ["/provider/domain"]
    link.unlink()
    link.symlink_to("gigaom.com.md")
    assert findings(cli, "--no-cache", NEWS) == []


def test_a_reference_out_of_the_site_reads_nothing(powerapps: Path,
                                                   cli: Callable[..., Run]) -> None:
    write_schema(powerapps, {"type": "object", "properties": {"topics": {
        "type": "array", "items": {"x-fmlint-ref": {"files": "../../*", "by": "name"}}}}})
    assert findings(cli, "--no-cache", NEWS) == []


# -- unique values ----------------------------------------------------------------------------

def test_a_value_marked_unique_is_reported_in_both_records(powerapps: Path,
                                                           cli: Callable[..., Run]) -> None:
    write_schema(powerapps, {"type": "object", "properties": {
        "originalUrl": {"type": "string", "x-fmlint-unique": True}}})
    first, second = powerapps / NEWS, powerapps / NEWS_2
    url = next(line for line in first.read_text("utf-8").splitlines()
               if line.startswith("originalUrl:"))
    old = next(line for line in second.read_text("utf-8").splitlines()
               if line.startswith("originalUrl:"))
    edit(second, old, url)
    found = findings(cli, "--no-cache")
    assert sorted((f["path"], f["code"], f["pointer"]) for f in found) == [
        (NEWS, "FM209", "/originalUrl"), (NEWS_2, "FM209", "/originalUrl")]
    by_path = {f["path"]: f for f in found}
    line = by_path[NEWS_2]["line"]
    assert by_path[NEWS]["message"] == (
        "originalUrl 'https://youtube.com/watch?v=WJk-Y8LQlfE' must be unique, but is also "
        f"in {NEWS_2}:{line}")


def test_init_marks_distinct_identifiers_unique(powerapps: Path,
                                                cli: Callable[..., Run]) -> None:
    assert cli(["init"]).code == 0
    schema = json.loads((powerapps / "schemas" / "organizations.schema.json")
                        .read_text("utf-8"))
    assert schema["properties"]["_id"]["x-fmlint-unique"] is True
    edit(powerapps / "_data" / "organizations" / "gigaom.com.md", "_id: gigaom.com",
         "_id: nasdaq.com")
    found = findings(cli, "--no-cache")
    assert sorted(Path(f["path"]).name for f in found) == ["gigaom.com.md", "nasdaq.com.md"]


def test_an_editor_buffer_is_checked_against_the_files_on_disk(guide: Path) -> None:
    """The language server checks the unsaved text; the names come from the site's files."""
    from linter.lsp.linting import lint_buffer
    from linter.site.workspace import Workspace

    path = guide / FR_PRACTICES
    text = path.read_text("utf-8").replace("  - leadership\n", "  - leadrship\n")
    snapshot = lint_buffer(text, 1, str(path), str(guide), Workspace())
    assert [(f.code, f.line, f.pointer) for f in snapshot.findings
            if f.code == "FM208"] == [("FM208", 10, "/related/1")]


def test_did_you_mean_only_for_a_real_near_miss(powerapps: Path, cli: Callable[..., Run]
                                                ) -> None:
    """crn.com (a real provider of the corpus) is not a typo of cnn.com; cnn.co is."""
    shutil.copy(CORPUS / "_data" / "organizations" / "cnn.com.md",
                powerapps / "_data" / "organizations")
    write_schema(powerapps, {"type": "object", "properties": {"provider": {
        "type": "object", "properties": {"domain": {"type": "string", "x-fmlint-ref": {
            "files": "_data/organizations/*.md", "by": "filename"}}}}}})
    edit(powerapps / NEWS, "domain: microsoft.com", "domain: crn.com")
    edit(powerapps / NEWS_2, "domain: microsoft.com", "domain: cnn.co")
    found = {f["path"]: f["message"] for f in findings(cli, "--no-cache", NEWS, NEWS_2)}
    assert found[NEWS].endswith("in _data/organizations/*.md")
    assert found[NEWS_2].endswith("; did you mean 'cnn.com'?")


def test_a_glob_that_matches_nothing_says_so(powerapps: Path, cli: Callable[..., Run]) -> None:
    write_schema(powerapps, {"type": "object", "properties": {"topics": {
        "type": "array", "items": {"x-fmlint-ref": {"files": "_data/topic/*.yaml",
                                                   "by": "name"}}}}})
    [found] = findings(cli, "--no-cache", NEWS)
    assert found["message"] == (
        "topics[0] 'Power Apps' names no record: nothing in _data/topic/*.yaml has a name "
        "to give (is the schema's x-fmlint-ref right?)")
