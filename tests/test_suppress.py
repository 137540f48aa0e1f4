"""Suppression comments (``# fmlint: ignore[...]``) and ``fmlint check --add-ignore``."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from linter import lint_text
from linter.engine.config import Config
from linter.reading.source import split
from tests.conftest import CORPUS, SEED

MOJIBAKE, REPAIRED = "Metâ€™s", "Met’s"
LINE49 = '    excerpt: "As part of the Metâ€™s ongoing work to reduce serious violence in the ' \
    'Croydon area officers made five arrests using LFR."'
PATH = "_news/2024-01-22-five-arrests.md"


def seed() -> str:
    text = SEED.read_text("utf-8")
    assert text.splitlines()[48] == LINE49
    return text


def with_line(text: str, number: int, new: str) -> str:
    lines = text.split("\n")
    lines[number - 1] = new
    return "\n".join(lines)


def two_mojibakes() -> str:
    """The seed with a second FM101 on line 4 (the excerpt); the first stays on line 49."""
    text = seed().replace("Civil liberties organisation", "Civil liberties organisation’s"
                          .encode().decode("cp1252"), 1)
    assert found(text) == [("FM101", 4), ("FM101", 49)]
    return text


def found(text: str, config: Config | None = None) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in lint_text(text, PATH, config)]


# -- end-of-line comments ------------------------------------------------------------------

@pytest.mark.parametrize("selector", ["FM101", "mojibake", "FM1", "FM102, FM101"])
def test_a_comment_silences_its_line_only(selector: str) -> None:
    text = two_mojibakes()
    silenced = with_line(text, 49, f"{LINE49}  # fmlint: ignore[{selector}]")
    assert found(silenced) == [("FM101", 4)]


def test_a_comment_silences_only_the_codes_it_names() -> None:
    text = seed().replace("Croydon area officers", "Croydon area &amp; officers")
    assert found(text) == [("FM101", 49), ("FM102", 49)]
    line = text.split("\n")[48]
    assert found(with_line(text, 49, f"{line}  # fmlint: ignore[FM102]")) == [("FM101", 49)]
    assert found(with_line(text, 49, f"{line}  # fmlint: ignore")) == []  # every code


def test_a_comment_on_a_block_s_first_line_covers_the_block() -> None:
    """Inside a ``|`` or ``>`` block no comment can go: one on its first line covers it."""
    block = "    excerpt: >-{}\n      As part of the Metâ€™s\n      ongoing work."
    text = seed().replace(LINE49, block.format(""))
    assert found(text) == [("FM101", 50)]
    assert found(text.replace(LINE49, "")) == [("FM101", 50)]
    silenced = seed().replace(LINE49, block.format("  # fmlint: ignore[FM101]"))
    assert found(silenced) == []
    after = found(silenced.replace("\n      ongoing work.", "\n    title: Metâ€™s"))
    assert ("FM101", 51) in after  # (the next value is not the block's)


def test_a_comment_on_another_line_does_nothing() -> None:
    text = with_line(seed(), 48, seed().split("\n")[47] + "  # fmlint: ignore[FM101]")
    assert found(text) == [("FM101", 49)]


def test_ignore_file_on_its_own_line() -> None:
    text = two_mojibakes().replace("---\n", "---\n# fmlint: ignore-file[mojibake]\n", 1)
    assert found(text) == []
    entity = text.replace('title: "Corydon:', 'title: "Q&amp;A:')
    assert found(entity) == [("FM102", 4)]  # other codes are still reported


def test_ignore_file_must_stand_alone() -> None:
    text = seed().replace("category: news", "category: news  # fmlint: ignore-file[FM101]")
    findings = lint_text(text, PATH)
    assert [(f.code, f.line) for f in findings] == [("FM901", 2), ("FM101", 49)]
    assert "must stand on a line of its own" in findings[0].message


@pytest.mark.parametrize("line", [
    '    excerpt: "As part of the Metâ€™s work # fmlint: ignore[FM101]"',
    "    excerpt: 'As part of the Metâ€™s work # fmlint: ignore[FM101]'",
    '    excerpt: "As part of the Metâ€™s work\n      # fmlint: ignore[FM101] continued"',
    "    excerpt: |\n      As part of the Metâ€™s work\n      # fmlint: ignore[FM101]",
])
def test_a_hash_inside_a_value_is_not_a_comment(line: str) -> None:
    text = with_line(seed(), 49, line)
    assert [code for code, _line in found(text)] == ["FM101"]


def test_a_comment_in_the_body_does_nothing() -> None:
    text = seed() + "\nSome text # fmlint: ignore-file[FM101]\n"
    assert found(text) == [("FM101", 49)]


# -- FM901 and FM902 -----------------------------------------------------------------------

def test_unknown_rules_are_reported_and_known_ones_still_work() -> None:
    text = with_line(seed(), 49, f"{LINE49}  # fmlint: ignore[FM999, mojibake, no-such-rule]")
    findings = lint_text(text, PATH)
    assert [(f.code, f.line) for f in findings] == [("FM901", 49), ("FM901", 49)]
    assert "unknown rule 'FM999'" in findings[0].message
    assert "unknown rule 'no-such-rule'" in findings[1].message
    assert findings[0].column == len(LINE49) + 3  # the comment itself


def test_empty_brackets_are_reported() -> None:
    text = with_line(seed(), 49, f"{LINE49}  # fmlint: ignore[]")
    assert found(text) == [("FM101", 49), ("FM901", 49)]


def test_unused_suppressions_are_reported_only_when_selected() -> None:
    text = with_line(seed(), 49, f"{LINE49}  # fmlint: ignore[FM101, FM102]")
    text = text.replace("category: news", "category: news  # fmlint: ignore[FM1]")
    assert found(text) == []  # FM902 is off by default
    config = Config(extend_select=["FM902"])
    findings = lint_text(text, PATH, config)
    assert [(f.code, f.line) for f in findings] == [("FM902", 2), ("FM902", 49)]
    assert findings[0].message == "this suppression silences nothing: FM1"
    assert findings[1].message == "this suppression silences nothing: FM102"


def test_a_used_prefix_or_name_is_not_unused() -> None:
    config = Config(extend_select=["FM902"])
    for selector in ("FM1", "mojibake", "FM10"):
        text = with_line(seed(), 49, f"{LINE49}  # fmlint: ignore[{selector}]")
        assert found(text, config) == []


# -- the command line ----------------------------------------------------------------------

@pytest.fixture
def news(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the corpus (its _news folder is checked) as the current folder."""
    copy = tmp_path / "everyday-powerapps"
    shutil.copytree(CORPUS, copy)
    monkeypatch.chdir(copy)
    monkeypatch.delenv("FMLINT_OUTPUT_FORMAT", raising=False)
    return copy / "_news"


def front_matter(path: Path) -> tuple[object, str]:
    text = path.read_text("utf-8")
    front = split(text)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text[front.start:front.end], Loader=loader), text[front.end:]


def test_duplicate_records_are_suppressed_at_the_line(cli, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = seed().replace(MOJIBAKE, REPAIRED)
    Path("_news").mkdir()
    Path(PATH).write_text(text, "utf-8")
    Path("_news/2024-01-22-again.md").write_text(
        text.replace('originalUrl: "https://www.bbc.com/news/uk-england-london-68062080"',
                     'originalUrl: "https://www.bbc.com/news/uk-england-london-68062080"'
                     "  # fmlint: ignore[duplicate-record]"), "utf-8")
    result = cli(["check", "_news", "--output-format", "json", "--no-cache"])
    assert [(f["path"], f["code"], f["line"]) for f in json.loads(result.out)] == [
        (PATH, "FM207", 6)]
    result = cli(["check", "_news", "--output-format", "json", "--no-cache",
                  "--extend-select", "FM902"])
    assert [f["code"] for f in json.loads(result.out)] == ["FM207"]


def test_add_ignore_silences_every_finding_and_keeps_the_data(cli, news: Path) -> None:
    before = {p.name: front_matter(p) for p in news.glob("*.md")}
    added = cli(["check", "_news", "--add-ignore"])
    assert added.code == 0
    # Every finding was suppressed: none is left over as "could not be suppressed".
    assert re.fullmatch(r"Added suppressions for [1-9]\d* findings\.\n", added.out), added.out

    after = cli(["check", "_news", "--output-format", "json", "--no-cache",
                 "--extend-select", "FM902"])  # and none of the comments is unused
    assert json.loads(after.out) == []
    assert after.code == 0
    written: dict[str, set[str]] = {}
    for path in news.glob("*.md"):
        assert front_matter(path) == before[path.name], path.name
        for codes in re.findall(r"# fmlint: ignore(?:-file)?\[([^\]]*)\]", path.read_text()):
            for code in codes.split(", "):
                written.setdefault(code, set()).add(path.name)
    # The corpus's real defects, the same story filed twice among them.
    assert {"FM101", "FM102", "FM207"} <= set(written)
    assert len(written["FM207"]) >= 2


def test_add_ignore_keeps_multi_line_values_intact(cli, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = seed().replace(
        'title: "Corydon: Five arrests after Met Police uses live facial recognition"',
        'title: "Q&amp;A: Five arrests after\n  Met Police uses live facial recognition"')
    text = with_line(text, 50, "    excerpt: As part of the Metâ€™s ongoing work\n"
                     "      to reduce serious violence")
    Path("_news").mkdir()
    Path(PATH).write_text(text, "utf-8")
    before = front_matter(Path(PATH))
    result = cli(["check", "_news", "--output-format", "json", "--no-cache"])
    assert [(f["code"], f["line"]) for f in json.loads(result.out)] == [
        ("FM102", 3), ("FM101", 50)]
    cli(["check", "_news", "--add-ignore"])
    assert front_matter(Path(PATH)) == before
    assert cli(["check", "_news", "--no-cache"]).code == 0


@pytest.mark.parametrize("header", ["|", ">-", "> # a note"])
def test_add_ignore_covers_a_block_from_its_first_line(cli, tmp_path: Path, header: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = seed().replace(LINE49, f"    excerpt: {header}\n      As part of the Metâ€™s\n"
                                  "      ongoing work &amp; more.")
    Path("_news").mkdir()
    Path(PATH).write_text(text, "utf-8")
    before = front_matter(Path(PATH))
    cli(["check", "_news", "--add-ignore"])
    written = Path(PATH).read_text("utf-8")
    assert front_matter(Path(PATH)) == before
    assert f"    excerpt: {header}  # fmlint: ignore[FM101, FM102]\n" in written
    assert "ignore-file" not in written
    assert cli(["check", "_news", "--no-cache"]).code == 0
