"""Several configurations in one run (each file by the nearest one above it), configurations
that extend others, many schema mappings, and configuration files edited between checks."""

from __future__ import annotations

import fnmatch
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from linter.lsp.linting import lint_buffer
from linter.runner.batch import PARALLEL_THRESHOLD
from linter.site.workspace import Workspace
from tests import test_config
from tests.conftest import CORPUS
from tests.test_config import NAME, clean, seed, several, write

site = test_config.site  # (the fixture: an empty site folder as the current folder)
ORGANIZATION = CORPUS / "_data" / "organizations" / "bbc.com.md"


def report(cli, *args: str) -> list[tuple[str, str, str]]:
    """(path, code, severity) of every finding, as ``fmlint check`` reports them (json)."""
    result = cli(["check", "--output-format", "json", *args])
    assert result.code in (0, 1), result.err
    return sorted((f["path"], f["code"], f["severity"]) for f in json.loads(result.out))


@pytest.fixture
def nested(site: Path) -> Path:
    """A site whose ``guides/`` folder has a configuration of its own."""
    write(site / "fmlint.toml", 'ignore = ["FM105"]\nschema = "article"\n')
    write(site / "guides" / "fmlint.toml",
          'severity = { FM101 = "info" }\nexclude = ["_drafts/"]\n'
          'per-file-ignores = { "_old/**" = ["FM203"] }\n\n'
          '[[schemas]]\nfiles = ["_orgs/**"]\nschema = "organization"\n')
    write(site / "_news" / NAME, several())
    write(site / "guides" / "_news" / NAME, several())
    write(site / "guides" / "_old" / NAME, several())
    write(site / "guides" / "_drafts" / NAME, seed())
    write(site / "guides" / "_orgs" / "bbc.com.md", ORGANIZATION.read_text("utf-8"))
    write(site / "_orgs" / "bbc.com.md", ORGANIZATION.read_text("utf-8"))
    return site


# -- each file by its own configuration ------------------------------------------------------

def test_the_order_of_the_paths_does_not_change_the_configuration(cli, nested: Path) -> None:
    news, guide = f"_news/{NAME}", f"guides/_news/{NAME}"
    first = report(cli, "--no-cache", news, guide)
    assert first == report(cli, "--no-cache", guide, news)
    assert (news, "FM101", "warning") in first  # the top configuration: FM101 as it is
    assert (guide, "FM101", "info") in first  # guides/fmlint.toml: FM101 is info
    # The top configuration ignores FM105; guides/fmlint.toml does not.
    assert [f[0] for f in first if f[1] == "FM105"] == [guide]
    assert report(cli, "--no-cache", guide) == [  # (alone, it duplicates nothing)
        f for f in first if f[0] == guide and f[1] != "FM207"]


def test_a_walk_judges_each_file_by_its_own_configuration(cli, nested: Path) -> None:
    found = report(cli, "--no-cache", ".")
    paths = {path for path, _code, _severity in found}
    assert f"guides/_drafts/{NAME}" not in paths  # excluded by guides/fmlint.toml
    codes = {p: {c for q, c, _s in found if q == p} for p, _c, _s in found}
    assert "FM203" in codes[f"guides/_news/{NAME}"]
    assert "FM203" not in codes[f"guides/_old/{NAME}"]  # per-file-ignores of guides/
    # guides/_orgs is mapped to the organization schema there; _orgs at the top is read with
    # the article schema that the top configuration names for every file.
    assert not [f for f in found if f[0] == "guides/_orgs/bbc.com.md"]
    assert {"FM018", "FM012"} <= {c for p, c, _s in found if p == "_orgs/bbc.com.md"}
    # Walking guides/ alone reports its files the same.
    assert report(cli, "--no-cache", "guides") == [f for f in found if f[0].startswith("guides/")]
    assert report(cli, "--no-cache", "guides/_drafts") == []


def test_the_editor_and_the_command_line_agree(cli, nested: Path) -> None:
    path = nested / "guides" / "_news" / NAME
    snapshot = lint_buffer(path.read_text("utf-8"), 1, str(path), str(nested), Workspace())
    editor = sorted((f"guides/_news/{NAME}", f.code, f.severity) for f in snapshot.findings)
    assert ("guides/_news/" + NAME, "FM101", "info") in editor
    assert editor == report(cli, "--no-cache", f"guides/_news/{NAME}")
    both = report(cli, "--no-cache", f"_news/{NAME}", f"guides/_news/{NAME}")
    assert editor == [f for f in both if f[0].startswith("guides/") and f[1] != "FM207"]


def test_config_forces_one_and_isolated_none(cli, nested: Path) -> None:
    forced = report(cli, "--no-cache", "--config", "fmlint.toml", ".")
    assert (f"guides/_news/{NAME}", "FM101", "warning") in forced
    assert f"guides/_drafts/{NAME}" in {p for p, _c, _s in forced}
    isolated = report(cli, "--no-cache", "--isolated", ".")
    assert (f"_news/{NAME}", "FM105", "info") in isolated


def test_the_cache_keeps_each_file_under_its_own_configuration(cli, nested: Path) -> None:
    first = report(cli, ".")
    assert report(cli, ".") == first  # (from the caches)
    write(nested / "guides" / "fmlint.toml", 'severity = { FM101 = "error" }\n')
    second = report(cli, ".")
    assert (f"guides/_news/{NAME}", "FM101", "error") in second
    assert (f"_news/{NAME}", "FM101", "warning") in second
    assert second == report(cli, "--no-cache", ".")


def test_a_shared_cache_folder_serves_every_configuration(cli, nested: Path) -> None:
    first = report(cli, "--cache-dir", "cache", ".")
    assert report(cli, "--cache-dir", "cache", ".") == first
    assert len(list((nested / "cache").rglob("results.sqlite3"))) == 2


def test_parallel_workers_use_each_files_configuration(cli, nested: Path) -> None:
    for index in range(PARALLEL_THRESHOLD // 2 + 1):  # (enough files for worker processes)
        name = f"2024-{index // 28 + 1:02d}-{index % 28 + 1:02d}-a.md"
        write(nested / "_news" / name, several())
        write(nested / "guides" / "_news" / name, several())
    one = report(cli, "--no-cache", "--jobs", "1", ".")
    assert report(cli, "--no-cache", "--jobs", "2", ".") == one
    assert {s for p, c, s in one if c == "FM101" and p.startswith("guides/")} == {"info"}
    assert {s for p, c, s in one if c == "FM101" and p.startswith("_news/")} == {"warning"}


def test_duplicates_across_configurations_take_each_files_severity(cli, site: Path) -> None:
    write(site / "fmlint.toml", 'severity = { duplicate-record = "error" }\n')
    write(site / "guides" / "fmlint.toml", 'severity = { duplicate-record = "info" }\n')
    write(site / "_news" / NAME, clean())
    write(site / "guides" / "_news" / NAME, clean())
    assert [f for f in report(cli, "--no-cache", ".") if f[1] == "FM207"] == [
        (f"_news/{NAME}", "FM207", "error"), (f"guides/_news/{NAME}", "FM207", "info")]


def test_a_broken_nested_configuration_is_an_error_naming_it(cli, nested: Path) -> None:
    write(nested / "guides" / "fmlint.toml", '\nignore = ["FM999"]\n')
    result = cli(["check", "--no-cache", "."])
    assert result.code == 2
    assert result.err == (f"fmlint: {nested / 'guides' / 'fmlint.toml'}:2: unknown rule "
                          "'FM999' in ignore\n")


# -- extend ----------------------------------------------------------------------------------

def test_extend_a_parent_folders_configuration(cli, site: Path) -> None:
    write(site / "fmlint.toml", 'ignore = ["FM105"]\nseverity = { FM101 = "info", '
          'FM102 = "info" }\nexclude = ["guides/_drafts/"]\n\n'
          '[[schemas]]\nfiles = ["guides/_orgs/**"]\nschema = "schemas/org.json"\n')
    write(site / "schemas" / "org.json", json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
        "required": ["name"]}))
    write(site / "guides" / "fmlint.toml", 'extend = "../fmlint.toml"\n'
          'extend-select = ["FM306"]\nseverity = { FM101 = "error" }\n')
    write(site / "guides" / "_news" / NAME, several())
    write(site / "guides" / "_drafts" / NAME, several())
    write(site / "guides" / "_orgs" / "a.md", "---\ntitle: x\n---\n")
    found = report(cli, "--no-cache", "guides")
    news = {(c, s) for p, c, s in found if p == f"guides/_news/{NAME}"}
    # The extending file's keys win; tables merge key by key; selection is layered.
    assert news == {("FM101", "error"), ("FM102", "info"), ("FM203", "warning"),
                    ("FM306", "info")}
    assert f"guides/_drafts/{NAME}" not in {p for p, _c, _s in found}  # the parent's exclude
    orgs = [(c, s) for p, c, s in found if p == "guides/_orgs/a.md"]
    assert orgs == [("FM012", "error")]  # the parent's schema, from the parent's folder


def test_extend_a_pyproject_and_select_replaces_the_base_selection(cli, site: Path) -> None:
    write(site / "pyproject.toml", '[project]\nname = "site"\n\n[tool.fmlint]\n'
          'extend-select = ["FM306"]\nignore = ["FM102"]\n')
    write(site / "guides" / ".fmlint.toml", 'extend = "../pyproject.toml"\nignore = ["FM203"]\n')
    write(site / "guides" / "_news" / NAME, several())
    codes = {c for _p, c, _s in report(cli, "--no-cache", "guides")}
    assert codes == {"FM101", "FM105", "FM306"}  # the base's ignore and the file's, both
    write(site / "guides" / ".fmlint.toml", 'extend = "../pyproject.toml"\nselect = ["FM1"]\n')
    assert {c for _p, c, _s in report(cli, "--no-cache", "guides")} == {"FM101", "FM102",
                                                                          "FM105"}


def test_extend_a_shared_file_by_a_relative_path(cli, site: Path) -> None:
    write(site / "shared" / "fmlint.toml", 'select = ["FM101"]\n')
    write(site / "a" / "b" / "fmlint.toml", 'extend = "../../shared/fmlint.toml"\n')
    write(site / "a" / "b" / "_news" / NAME, several())
    assert report(cli, "--no-cache", "a") == [(f"a/b/_news/{NAME}", "FM101", "warning")]


def test_a_cycle_of_extends_is_an_error_naming_the_files(cli, site: Path) -> None:
    write(site / "fmlint.toml", '# top\nextend = "guides/fmlint.toml"\n')
    write(site / "guides" / "fmlint.toml", 'extend = "../fmlint.toml"\n')
    write(site / "guides" / "_news" / NAME, clean())
    result = cli(["check", "--no-cache", "guides"])
    assert result.code == 2
    top, guides = str(site / "fmlint.toml"), str(site / "guides" / "fmlint.toml")
    assert result.err == (f"fmlint: {top}:2: extend: the configurations extend each other in "
                          f"a cycle: {guides} -> {top} -> {guides}\n")
    write(site / "guides" / "fmlint.toml", 'extend = "fmlint.toml"\n')
    result = cli(["check", "--no-cache", "guides"])
    assert result.code == 2 and "cycle" in result.err and "Traceback" not in result.err


@pytest.mark.parametrize(("base", "message"), [
    ('\n\nignore = ["FM999"]\n', "{base}:3: unknown rule 'FM999' in ignore"),
    ("ignore = [\n", "{base}:1: not valid TOML"),
    (None, "{child}:2: extend: no such configuration file: {base}"),
])
def test_a_mistake_in_an_extended_file_names_it(cli, site: Path, base: str | None,
                                                 message: str) -> None:
    if base is not None:
        write(site / "fmlint.toml", base)
    write(site / "guides" / "fmlint.toml", '# guides\nextend = "../fmlint.toml"\n')
    write(site / "guides" / "_news" / NAME, clean())
    result = cli(["check", "--no-cache", "guides"])
    assert result.code == 2
    child = site / "guides" / "fmlint.toml"
    assert result.err.startswith("fmlint: " + message.format(base=site / "fmlint.toml",
                                                             child=child)), result.err
    assert (f"(extended by {child}:2)" in result.err) is (base is not None)


def test_extend_must_be_a_string(cli, site: Path) -> None:
    write(site / "fmlint.toml", 'extend = ["a.toml"]\n')
    write(site / "_news" / NAME, clean())
    result = cli(["check", "--no-cache", "_news"])
    assert result.code == 2
    assert result.err.startswith(f"fmlint: {site / 'fmlint.toml'}:1: extend: ")


# -- many schema mappings ----------------------------------------------------------------------

def test_a_thousand_schema_mappings_are_compiled_once(cli, site: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    mappings = "".join(f'[[schemas]]\nfiles = ["_data/kind{i}/**"]\nschema = "organization"\n'
                       for i in range(1000))
    write(site / "fmlint.toml", mappings)
    for index in range(30):
        write(site / "_news" / f"2024-01-{index:02d}-a.md", clean())
    write(site / "_data" / "kind999" / "bbc.com.md", ORGANIZATION.read_text("utf-8"))
    translated = Counter()
    translate = fnmatch.translate

    def counting(pattern: str) -> str:
        translated[pattern] += 1
        return translate(pattern)

    monkeypatch.setattr(fnmatch, "translate", counting)
    found = report(cli, "--no-cache", "--jobs", "1", ".")
    assert "_data/kind999/bbc.com.md" not in {p for p, _c, _s in found}  # an organization
    assert max(translated.values()) <= 2, translated.most_common(3)


# -- reading again what changed on disk ------------------------------------------------------

def _touch(path: Path, text: str) -> None:
    """Write ``text`` with a modification time surely unlike the one before."""
    before = path.stat().st_mtime_ns
    path.write_text(text, "utf-8")
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


def test_an_edited_configuration_is_read_again(site: Path) -> None:
    disk = Workspace()
    write(site / "fmlint.toml", 'severity = { FM101 = "info" }\n')
    child = write(site / "guides" / "fmlint.toml", 'extend = "../fmlint.toml"\n')
    assert disk.config(str(child)).severity == {"FM101": "info"}
    _touch(site / "fmlint.toml", 'severity = { FM101 = "error" }\n')  # the extended file
    assert disk.config(str(child)).severity == {"FM101": "error"}
    _touch(child, 'extend = "../fmlint.toml"\nseverity = { FM102 = "info" }\n')
    assert disk.config(str(child)).severity == {"FM101": "error", "FM102": "info"}


def test_reload_drops_what_was_read(site: Path) -> None:
    disk = Workspace()
    path = write(site / "fmlint.toml", 'severity = { FM101 = "info" }\n')
    assert disk.config(str(path)).severity == {"FM101": "info"}
    info = path.stat()
    path.write_text('severity = { FM101 = "error"}\n', "utf-8")  # same size and time
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert disk.config(str(path)).severity == {"FM101": "info"}
    disk.reload()
    assert disk.config(str(path)).severity == {"FM101": "error"}


def test_a_runs_flags_do_not_stay_with_the_configuration(cli, site: Path) -> None:
    write(site / "fmlint.toml", 'ignore = ["FM105"]\n')
    write(site / "_news" / NAME, several())
    assert {c for _p, c, _s in report(cli, "--no-cache", "--select", "FM2", ".")} == {"FM203"}
    assert {c for _p, c, _s in report(cli, "--no-cache", ".")} == {"FM101", "FM102", "FM203"}
