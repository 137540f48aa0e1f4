"""Configuration: finding the file, validating it, and every setting taking effect."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from linter.engine.config import Config, glob_any
from linter.site import configfile
from linter.site.files import discover
from tests.conftest import CORPUS, SEED

ROOT = Path(__file__).resolve().parent.parent
MOJIBAKE, REPAIRED = "Metâ€™s", "Met’s"
NAME = "2024-01-22-five-arrests.md"


def seed() -> str:
    return SEED.read_text("utf-8")


def clean() -> str:
    return seed().replace(MOJIBAKE, REPAIRED)


def several() -> str:
    """The seed with four more defects: FM102 (line 3), FM105 (4), FM203 (6), FM306 (36).

    FM101 stays on line 49; FM306 is off by default.
    """
    text = seed()
    for old, new in [
        ('title: "Corydon: Five', 'title: "Q&amp;A: Five'),
        ('excerpt: "The Metropolitan', 'excerpt: "The  Metropolitan'),
        ('originalUrl: "https://www.bbc.com/news/uk-england-london-68062080"',
         'originalUrl: "https://www.bbc.com/news/uk-england-london-68062080?utm_source=rss"'),
        ("publishedDateTime: 2024-01-20T10:13:00Z", "publishedDateTime: 2024-01-20T10:13:00+00:00"),
    ]:
        assert old in text
        text = text.replace(old, new)
    return text


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def codes(cli, *args: str) -> Counter:
    """Codes fmlint reports (json), for the given arguments."""
    result = cli(["check", "--output-format", "json", "--no-cache", *args])
    assert result.code in (0, 1), result.err
    return Counter(f["code"] for f in json.loads(result.out))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty site folder as the current folder."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("FMLINT_OUTPUT_FORMAT", raising=False)
    return folder


# -- discovery -----------------------------------------------------------------------------

def test_pyproject_with_the_table_is_found_walking_up(cli, site: Path) -> None:
    write(site / "pyproject.toml", '[project]\nname = "site"\n\n[tool.fmlint]\n'
          'ignore = ["mojibake"]\n')
    record = write(site / "_news" / "2024" / NAME, seed())
    assert configfile.find(str(record)) == str(site / "pyproject.toml")
    assert codes(cli, str(record)) == Counter()
    assert codes(cli, str(record), "--isolated") == Counter({"FM101": 1})


def test_pyproject_without_the_table_is_passed_over(cli, site: Path) -> None:
    write(site / "fmlint.toml", 'ignore = ["FM101"]\n')
    write(site / "_news" / "pyproject.toml", '[tool.ruff]\nline-length = 100\n')
    record = write(site / "_news" / NAME, seed())
    assert configfile.find(str(record)) == str(site / "fmlint.toml")
    assert codes(cli, str(record)) == Counter()


def test_in_one_folder_fmlint_toml_wins_over_pyproject(cli, site: Path) -> None:
    write(site / "pyproject.toml", '[tool.fmlint]\nselect = ["FM1"]\n')
    write(site / "fmlint.toml", 'ignore = ["FM101"]\n')
    record = write(site / "_news" / NAME, seed())
    assert configfile.find(str(record)) == str(site / "fmlint.toml")
    assert codes(cli, str(record)) == Counter()
    write(site / ".fmlint.toml", 'select = ["FM2"]\n')
    assert configfile.find(str(record)) == str(site / ".fmlint.toml")


def test_the_nearest_configuration_wins(cli, site: Path) -> None:
    write(site / "fmlint.toml", 'ignore = ["FM101"]\n')
    write(site / "_news" / "pyproject.toml", '[tool.fmlint]\nselect = ["FM101"]\n')
    record = write(site / "_news" / NAME, seed())
    assert configfile.find(str(record)) == str(site / "_news" / "pyproject.toml")
    assert codes(cli, str(record)) == Counter({"FM101": 1})


def test_config_flag_and_isolated(cli, site: Path, tmp_path: Path) -> None:
    write(site / "fmlint.toml", 'ignore = ["FM101"]\n')
    other = write(tmp_path / "elsewhere" / "strict.toml", 'extend-select = ["FM306"]\n')
    record = write(site / "_news" / NAME, several())
    assert "FM101" not in codes(cli, str(record))
    chosen = codes(cli, str(record), "--config", str(other))
    assert chosen["FM101"] == 1 and chosen["FM306"] == 1  # the named file only
    isolated = codes(cli, str(record), "--isolated")
    assert isolated["FM101"] == 1 and "FM306" not in isolated


def test_a_missing_config_file_is_a_usage_error(cli, site: Path) -> None:
    write(site / NAME, clean())
    result = cli(["check", NAME, "--config", "nope.toml"])
    assert result.code == 2
    assert result.err.startswith("fmlint: nope.toml: cannot read the configuration")


# -- validation ----------------------------------------------------------------------------

BAD = [
    ("fmlint.toml", 'exclude = ["_drafts/"]\n\nselct = ["FM1"]\n', 3,
     "unknown setting 'selct'"),
    ("fmlint.toml", '# strict\nselect = "FM1"\n', 2, "select: 'FM1' is not of type 'array'"),
    ("fmlint.toml", 'ignore = [\n  "FM105",\n  "FM999",\n]\n', 3,
     "unknown rule 'FM999' in ignore"),
    ("fmlint.toml", 'extend-select = ["no-such-rule"]\n', 1,
     "unknown rule 'no-such-rule' in extend-select"),
    ("fmlint.toml", 'select = ["FM1"]\n\n[rules.no-such-rule]\nx = 1\n', 3,
     "unknown rule 'no-such-rule' in [rules]"),
    ("fmlint.toml", '[rules.url-tracking]\nparamters = ["ref"]\n', 2,
     "rule url-tracking has no option 'paramters' (its options: parameters)"),
    ("fmlint.toml", '[rules.url-tracking]\nparameters = "ref"\n', 2,
     "option 'parameters' of url-tracking should be list, not str"),
    ("fmlint.toml", '[rules.image-dimensions]\nmax = "big"\n', 2,
     "option 'max' of image-dimensions should be int, not str"),
    ("fmlint.toml", 'severity = { FM999 = "info" }\n', 1, "unknown rule 'FM999' in severity"),
    ("fmlint.toml", '\nseverity = { FM101 = "fatal" }\n', 2,
     "severity.FM101: 'fatal' is not one of ['error', 'warning', 'info']"),
    ("fmlint.toml", 'per-file-ignores = { "_news/**" = ["FM1", "nope"] }\n', 1,
     "unknown rule 'nope' in per-file-ignores '_news/**'"),
    ("fmlint.toml", '[[schemas]]\nfiles = ["_data/**"]\nschema = "organization"\n\n'
     '[[schemas]]\nfiles = ["x/**"]\nschma = "article"\n', 7, "unknown setting 'schma'"),
    ("fmlint.toml", 'select = ["FM1"]\nignore = ["FM105"]\nselect = []\n', 3,
     "not valid TOML: Cannot overwrite a value"),
    ("pyproject.toml", '[tool.ruff.lint]\nselect = ["E", "FM999"]\n\n[tool.fmlint]\n'
     'ignore = ["FM105"]\nselect = ["FM1", "FM999"]\n', 6, "unknown rule 'FM999' in select"),
    ("pyproject.toml", '[tool.fmlint]\nignore = []\n\n[tool.fmlint.rules.timestamp-future]\n'
     'tolerance-minutes = "60"\n', 5,
     "option 'tolerance-minutes' of timestamp-future should be int, not str"),
]


@pytest.mark.parametrize(("name", "text", "line", "message"), BAD,
                         ids=[f"{n}:{m[:30]}" for n, _t, _l, m in BAD])
def test_a_configuration_mistake_names_file_and_line(cli, site: Path, name: str, text: str,
                                                      line: int, message: str) -> None:
    write(site / name, text)
    write(site / "_news" / NAME, clean())
    result = cli(["check", "_news"])
    assert result.code == 2
    assert result.out == ""
    assert "Traceback" not in result.err
    [first, *_] = result.err.splitlines()
    assert first.startswith(f"fmlint: {site / name}:{line}: "), first
    assert message in first


# -- rule selection ------------------------------------------------------------------------

@pytest.mark.parametrize(("settings", "expected"), [
    ("", {"FM101", "FM102", "FM105", "FM203"}),
    ('select = ["FM101"]', {"FM101"}),
    ('select = ["FM1"]', {"FM101", "FM102", "FM105"}),
    ('select = ["mojibake", "url-tracking"]', {"FM101", "FM203"}),
    ('ignore = ["FM1"]', {"FM203"}),
    ('ignore = ["html-entity", "FM105"]', {"FM101", "FM203"}),
    ('extend-select = ["FM306"]', {"FM101", "FM102", "FM105", "FM203", "FM306"}),
    ('extend-select = ["timestamp-utc"]', {"FM101", "FM102", "FM105", "FM203", "FM306"}),
    ('select = ["FM3"]\nextend-select = ["FM101"]', {"FM101", "FM306"}),
    ('select = ["ALL"]\nignore = ["FM2", "FM3"]', {"FM101", "FM102", "FM105"}),
])
def test_select_ignore_extend_select(cli, site: Path, settings: str, expected: set) -> None:
    write(site / "fmlint.toml", settings + "\n")
    write(site / "_news" / NAME, several())
    assert set(codes(cli, "_news")) == expected


def test_severity_per_rule_by_code_and_by_name(cli, site: Path) -> None:
    text = clean().replace('excerpt: "The Metropolitan', 'excerpt: "The  Metropolitan')
    write(site / "_news" / NAME, text)
    result = cli(["check", "_news", "--output-format", "json", "--no-cache"])
    assert [f["severity"] for f in json.loads(result.out)] == ["info"]
    assert result.code == 0  # info findings do not fail the run
    for key in ("FM105", "whitespace"):
        write(site / "fmlint.toml", f'severity = {{ {key} = "error" }}\n')
        result = cli(["check", "_news", "--output-format", "json", "--no-cache"])
        assert [f["severity"] for f in json.loads(result.out)] == ["error"]
        assert result.code == 1
    write(site / "fmlint.toml", 'severity = { mojibake = "info" }\n')
    write(site / "_news" / NAME, seed())
    result = cli(["check", "_news", "--output-format", "json", "--no-cache"])
    assert [(f["code"], f["severity"]) for f in json.loads(result.out)] == [("FM101", "info")]
    assert result.code == 0


def test_severity_applies_to_duplicate_records(cli, site: Path) -> None:
    write(site / "fmlint.toml", 'severity = { duplicate-record = "error" }\n')
    write(site / "_news" / NAME, clean())
    write(site / "_news" / "2024-01-22-five-arrests-again.md", clean())
    result = cli(["check", "_news", "--output-format", "json", "--no-cache"])
    found = [f["severity"] for f in json.loads(result.out) if f["code"] == "FM207"]
    assert found == ["error", "error"]


def test_per_file_ignores(cli, site: Path) -> None:
    write(site / "fmlint.toml", 'ignore = ["duplicate-record"]\n\n[per-file-ignores]\n'
          '"_news/**" = ["mojibake"]\n"*.markdown" = ["FM1"]\n')
    write(site / "_news" / NAME, seed())
    write(site / "_posts" / NAME, seed())
    write(site / "_posts" / "2024-01-22-five-arrests.markdown", seed())
    result = cli(["check", ".", "--output-format", "json", "--no-cache"])
    assert [(f["path"], f["code"]) for f in json.loads(result.out)] == [
        (f"_posts/{NAME}", "FM101")]


def test_include_exclude_and_gitignore(cli, site: Path) -> None:
    (site / ".git").mkdir()
    write(site / ".gitignore", "_site_old/\n")
    for folder in ("_news", "_drafts", "_site_old", "_site", "node_modules", ".cache"):
        write(site / folder / NAME, seed())
    write(site / "_news" / "2024-01-22-five-arrests.txt", seed())
    found = lambda *args: sorted(  # noqa: E731
        f["path"] for f in json.loads(cli(["check", *args, "--output-format", "json",
                                           "--no-cache", "--select", "FM101"]).out))
    assert found(".") == [f"_drafts/{NAME}", f"_news/{NAME}"]
    write(site / "fmlint.toml", 'include = ["*.md", "*.txt"]\nexclude = ["_drafts/"]\n')
    assert found(".") == [f"_news/{NAME}", "_news/2024-01-22-five-arrests.txt"]
    # A file named on the command line is checked even when excluded.
    assert found(f"_drafts/{NAME}") == [f"_drafts/{NAME}"]


def test_walked_paths_are_relative_like_git_writes_them(site: Path) -> None:
    write(site / "_news" / NAME, seed())
    write(site / "index.md", "# Home\n")
    assert list(discover(["."], Config())) == ["index.md", f"_news/{NAME}"]
    assert list(discover(["./_news"], Config())) == [f"_news/{NAME}"]
    assert list(discover([f"./_news/{NAME}"], Config())) == [f"./_news/{NAME}"]  # as named


def test_force_exclude_applies_to_named_files(site: Path) -> None:
    config = Config(exclude=["_drafts/"], base_dir=str(site))
    named = [f"_drafts/{NAME}", f"_news/{NAME}", ".github/issue.md", "node_modules/x/a.md",
             "_site/index.md"]
    assert list(discover(named, config)) == named
    assert list(discover(named, config, force_exclude=True)) == [f"_news/{NAME}"]


# -- schemas -------------------------------------------------------------------------------

def test_examples_map_organizations_to_their_schema(cli, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    organizations = "examples/powerapps-site/_data/organizations/"

    def found(*args: str) -> Counter:
        result = cli(["check", "examples", "--output-format", "json", "--no-cache", *args])
        return Counter((f["path"].removeprefix(organizations), f["code"])
                       for f in json.loads(result.out) if f["path"].startswith(organizations))

    # Read as articles, organizations lack every article key and have keys articles don't.
    (tmp_path / "as-articles.toml").write_text(
        '[[schemas]]\nfiles = ["**"]\nschema = "article"\n', "utf-8")
    as_articles = found("--config", "as-articles.toml")
    for name in ("bbc.com.md", "electrek.co.md"):
        assert as_articles[(name, "FM018")] and as_articles[(name, "FM012")]
    # examples/fmlint.toml reads them as organizations: only the real defect is left.
    assert found() == Counter({("electrek.co.md", "FM403"): 1})
    # So does the organization schema's own default ('x-fmlint-files'), without configuration.
    assert found("--isolated") == Counter({("electrek.co.md", "FM403"): 1})


def test_schema_named_by_the_record(cli, site: Path) -> None:
    organization = (CORPUS / "_data" / "organizations" / "bbc.com.md").read_text("utf-8")
    write(site / "_data" / "bbc.md", organization.replace("---\n", "---\n$schema: article\n", 1))
    assert {"FM018", "FM012"} <= set(codes(cli, "_data/bbc.md"))
    write(site / "_data" / "bbc.md", organization.replace("---\n", "---\n$schema: organization\n",
                                                          1))
    assert codes(cli, "_data/bbc.md") == Counter()
    write(site / "schemas" / "person.json", json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
        "required": ["name", "born"], "properties": {"name": {"type": "string"}}}))
    write(site / "_people" / "ada.md", "---\n$schema: ../schemas/person.json\nname: Ada\n---\n")
    result = cli(["check", "_people/ada.md", "--output-format", "json", "--no-cache"])
    assert [(f["code"], f["message"]) for f in json.loads(result.out)] == [
        ("FM012", "missing required key 'born'")]


def test_default_schema_setting(cli, site: Path) -> None:
    organization = (CORPUS / "_data" / "organizations" / "bbc.com.md").read_text("utf-8")
    write(site / "_data" / "bbc.md", organization)
    write(site / "fmlint.toml", 'schema = "organization"\n')
    assert codes(cli, "_data/bbc.md") == Counter()


# -- rule options --------------------------------------------------------------------------

def test_url_tracking_parameters_option(cli, site: Path) -> None:
    text = clean().replace('originalUrl: "https://www.bbc.com/news/uk-england-london-68062080"',
                           'originalUrl: "https://www.bbc.com/news/uk-england-london-68062080'
                           '?at_medium=RSS&from=home"')
    write(site / "_news" / NAME, text)
    assert codes(cli, "_news") == Counter({"FM203": 1})  # at_medium is a default parameter
    write(site / "fmlint.toml", '[rules.url-tracking]\nparameters = ["from"]\n')
    result = cli(["check", "_news", "--output-format", "json", "--no-cache"])
    [finding] = json.loads(result.out)
    assert finding["code"] == "FM203" and finding["message"].endswith(": from")


def test_timestamp_floor_option(cli, site: Path) -> None:
    text = clean().replace("publishedDateTime: 2024-01-19T19:37:00Z",
                           "publishedDateTime: 2001-01-19T19:37:00Z")
    write(site / "_news" / NAME, text)
    assert codes(cli, "_news") == Counter()
    write(site / "fmlint.toml", '[rules.timestamp-implausible]\nfloor = "2010-01-01"\n')
    assert codes(cli, "_news") == Counter({"FM303": 1})


def test_image_dimensions_max_option(cli, site: Path) -> None:
    write(site / "_news" / NAME, clean())
    assert codes(cli, "_news") == Counter()
    write(site / "fmlint.toml", "[rules.image-dimensions]\nmax = 1000\n")
    result = cli(["check", "_news", "--output-format", "json", "--no-cache"])
    found = [(f["code"], f["pointer"]) for f in json.loads(result.out)]
    assert found == [("FM401", "/images/0/width"),
                     ("FM401", "/related/1/images/0/width"),
                     ("FM401", "/related/1/images/0/height"),
                     ("FM401", "/related/2/images/0/width"),
                     ("FM401", "/related/2/images/0/height")]


# -- the command line over the file --------------------------------------------------------

def test_select_flag_replaces_the_files_select(cli, site: Path) -> None:
    write(site / "fmlint.toml", 'select = ["FM105"]\n')
    write(site / "_news" / NAME, several())
    assert set(codes(cli, "_news")) == {"FM105"}
    assert set(codes(cli, "_news", "--select", "FM101,url-tracking")) == {"FM101", "FM203"}
    assert set(codes(cli, "_news", "--extend-select", "FM102")) == {"FM102", "FM105"}


def test_ignore_flag_adds_to_the_files_ignore(cli, site: Path) -> None:
    write(site / "fmlint.toml", 'ignore = ["FM105"]\n')
    write(site / "_news" / NAME, several())
    assert set(codes(cli, "_news", "--ignore", "mojibake")) == {"FM102", "FM203"}


def test_an_unknown_rule_on_the_command_line_is_a_usage_error(cli, site: Path) -> None:
    write(site / "_news" / NAME, clean())
    result = cli(["check", "_news", "--select", "FM999"])
    assert result.code == 2
    assert result.err == "fmlint: unknown rule 'FM999'; 'fmlint rules' lists them\n"


def test_command_line_layer_wins_over_the_file() -> None:
    config = Config(ignore=["FM101"], extend_select=["FM306"])
    assert "FM101" not in config.enabled() and "FM306" in config.enabled()
    config.override(extend_select=["mojibake"])
    assert "FM101" in config.enabled()
    config.override(select=["FM1"], ignore=["FM105"])
    assert "FM306" not in config.enabled() and "FM105" not in config.enabled()
    assert "FM101" in config.enabled()


@pytest.mark.parametrize("flag", ["--select", "--extend-select"])
def test_a_flag_brings_back_a_rule_the_file_ignores(cli, site: Path, flag: str) -> None:
    write(site / "fmlint.toml", 'ignore = ["FM101"]\n')
    write(site / "_news" / NAME, seed())
    assert codes(cli, "_news", flag, "FM101") == Counter({"FM101": 1})


_GLOBS = ["*.md", "_drafts/", "_drafts/**", "**/_data/organizations/**", "docs/*.md", "/root.md",
          "**/x", "a/**/b.md", "_site", "vendor/**", "[ab]*/c", "**/", " _news/ ", ".*",
          "docs/*/**", ""]
_GLOB_PATHS = ["a.md", "_drafts", "_drafts/x.md", "_drafts/a/b.md", "s/_data/organizations/o.yml",
               "_data/organizations/y", "docs/a.md", "docs/b/a.md", "root.md", "q/root.md", "x",
               "a/x", "a/b.md", "a/c/d/b.md", "_site/x", "vendor", "vendor/a", "b/c", "a1/c",
               ".git", "z/.hidden/q", "_news/a.md", "_news", "./a.md", "a//b"]


@pytest.mark.parametrize("pattern", _GLOBS)
def test_a_list_of_globs_matches_what_one_of_them_matches(pattern: str) -> None:
    """``exclude``, ``per-file-ignores`` and schema ``files`` lists are tested as one: a path
    matches the list when it matches one of its patterns."""
    for other in _GLOBS:
        for path in _GLOB_PATHS:
            alone = glob_any(path, [pattern]) or glob_any(path, [other])
            assert glob_any(path, [pattern, other]) == alone, (pattern, other, path)


@pytest.mark.parametrize(("pattern", "path", "matches"), [
    ("_drafts/", "_drafts", True), ("_drafts/", "_drafts/a/b.md", True),
    ("_drafts/", "x/_drafts/a.md", False), ("*.md", "a/b/c.md", True),
    ("docs/*.md", "docs/a.md", True), ("**/_data/organizations/**", "_data/organizations/y",
                                        True), ("/root.md", "q/root.md", False)])
def test_glob_patterns_match_folders_names_and_paths(pattern: str, path: str,
                                                     matches: bool) -> None:
    assert glob_any(path, [pattern]) is matches
