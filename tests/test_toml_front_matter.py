"""TOML front matter (Hugo, Zola: between '+++' lines) on real posts of the Rust blog: every
post is read, findings point at the value's line, and fixes rewrite only the value, in its
own string kind."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import linter
from linter.engine.config import Config, SchemaMapping
from linter.rules.finding import Finding

from .conftest import DATA, Run
from .rulekit import at, fixed, only

POSTS = DATA / "formats" / "rust-blog"
SCHEMA = POSTS / "zola-post.schema.json"
ZOLA = Config(schemas=[SchemaMapping(("**",), str(SCHEMA))])


def post(name: str) -> str:
    return (POSTS / name).read_text("utf-8")


def injected(name: str, old: str, new: str) -> str:
    """A copied post with one exact piece of text replaced (it must occur once)."""
    text = post(name)
    assert text.count(old) == 1, old
    return text.replace(old, new)


def lint(text: str, path: str = "content/post.md") -> list[Finding]:
    return linter.lint_text(text, path, ZOLA)


def one(findings: list[Finding], code: str) -> Finding:
    found = only(findings, code)
    assert len(found) == 1, findings
    return found[0]


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """The lines that differ (the texts must have as many lines)."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


@pytest.mark.parametrize("name", sorted(p.name for p in POSTS.glob("*.md")))
def test_every_copied_post_is_read_without_a_finding(name: str) -> None:
    assert lint(post(name)) == []


def test_posts_in_a_folder_are_records_not_plain_pages(
        tmp_path: Path, cli: Callable[..., Run]) -> None:
    """Zola's layouts (name.md, name/index.md): a mojibake title is found in each post."""
    (tmp_path / "content" / "GATs").mkdir(parents=True)
    (tmp_path / "fmlint.toml").write_text(
        f'[[schemas]]\nfiles = ["content/**"]\nschema = "{SCHEMA.as_posix()}"\n', "utf-8")
    targets = ["content/Rust-1.88.0.md", "content/GATs/index.md"]
    for target in targets:
        (tmp_path / target).write_text(
            injected("Rust-1.88.0.md", 'title = "Announcing', 'title = "Metâ€™s Announcing'),
            "utf-8")
    run = cli(["check", "--no-cache", "--output-format", "json", str(tmp_path)])
    found = json.loads(run.out)
    assert sorted((Path(f["path"]).relative_to(tmp_path).as_posix(), f["code"], f["line"],
                   f["pointer"]) for f in found) == sorted(
        (target, "FM101", 3, "/title") for target in targets)


def test_mojibake_in_a_basic_string_is_fixed_without_touching_another_byte() -> None:
    text = injected("Rust-1.88.0.md", "Announcing Rust 1.88.0", "Metâ€™s Rust 1.88.0")
    finding = one(lint(text), "FM101")
    assert at(finding)[:5] == ("FM101", 3, 13, 3, 16)  # the three characters "â€™"
    repaired = fixed(text, finding)
    assert changed_lines(text, repaired) == [(
        'title = "Metâ€™s Rust 1.88.0"\n', 'title = "Met’s Rust 1.88.0"\n')]
    assert lint(repaired) == []


def test_a_literal_string_stays_literal() -> None:
    text = injected("Clippy-deprecating-feature-cargo-clippy.md", "'Clippy: Deprecating",
                    "'Clippyâ€™s Deprecating")
    repaired = fixed(text, one(lint(text), "FM101"))
    assert changed_lines(text, repaired) == [(
        """title = 'Clippyâ€™s Deprecating `feature = "cargo-clippy"`'\n""",
        """title = 'Clippy’s Deprecating `feature = "cargo-clippy"`'\n""")]


def test_a_value_a_literal_string_cannot_hold_becomes_a_basic_string() -> None:
    text = injected("Clippy-deprecating-feature-cargo-clippy.md", "'Clippy: Deprecating",
                    "'Clippy&#39;s Deprecating")
    repaired = fixed(text, one(lint(text), "FM102"))
    assert changed_lines(text, repaired) == [(
        """title = 'Clippy&#39;s Deprecating `feature = "cargo-clippy"`'\n""",
        """title = "Clippy's Deprecating `feature = \\"cargo-clippy\\"`"\n""")]
    assert lint(repaired) == []


def test_a_multi_line_literal_string_stays_one() -> None:
    text = injected("AsyncAwait-Not-Send-Error-Improvements.md", "'''Improving",
                    "'''Metâ€™s Improving")
    repaired = fixed(text, one(lint(text), "FM101"))
    assert changed_lines(text, repaired) == [(
        """title = '''Metâ€™s Improving async-await's "Future is not Send" diagnostic'''\n""",
        """title = '''Met’s Improving async-await's "Future is not Send" diagnostic'''\n""")]


def test_a_multi_line_basic_string_keeps_its_quotes_and_escapes() -> None:
    """The index's ``[[extra.see_also]]`` text, written '\"\"\"the "Inside Rust" blog\"\"\"'."""
    text = injected("_index.md", 'the "Inside Rust" blog', 'the "Inside Rust" blog &amp; more')
    finding = one(lint(text), "FM102")
    assert finding.pointer == "/extra/see_also/0/text"
    assert finding.line == 15
    repaired = fixed(text, finding)
    assert changed_lines(text, repaired) == [(
        'text = """the "Inside Rust" blog &amp; more"""\n',
        'text = """the \\"Inside Rust\\" blog & more"""\n')]
    assert lint(repaired) == []


def test_http_in_a_table_is_reported_at_its_line_and_fixed_with_unsafe_fixes(
        tmp_path: Path, cli: Callable[..., Run]) -> None:
    text = injected("Updating-musl-1.2.5.md", '"https://www.rust-lang.org/governance',
                    '"http://www.rust-lang.org/governance')
    record = tmp_path / "post.md"
    record.write_text(text, "utf-8")
    (tmp_path / "fmlint.toml").write_text(
        f'[[schemas]]\nfiles = ["**"]\nschema = "{SCHEMA.as_posix()}"\n', "utf-8")
    run = cli(["check", "--no-cache", "--output-format", "concise", str(record)])
    assert f"{record}:9:13: FM202" in run.out  # at "http:"
    cli(["check", "--no-cache", "--fix", "--unsafe-fixes", str(record)])
    assert changed_lines(text, record.read_text("utf-8")) == [(
        'team_url = "http://www.rust-lang.org/governance/teams/compiler"\n',
        'team_url = "https://www.rust-lang.org/governance/teams/compiler"\n')]


def test_a_toml_syntax_error_is_a_finding_at_its_line() -> None:
    text = injected("Rust-1.88.0.md", 'authors = ["The Rust Release Team"]',
                    'authors = ["The Rust Release Team"')
    findings = lint(text)
    assert [(f.code, f.line) for f in findings] == [("FM020", 5)]
    assert findings[0].message.startswith("TOML syntax error: ")


def test_unterminated_toml_front_matter() -> None:
    findings = lint("+++\ntitle = 'A'\n\nBody.\n")
    assert [f.code for f in findings] == ["FM002"]
    assert "'+++'" in findings[0].message


TABLES = """+++
title = "Tables"
extra.team = "Metâ€™s team"
aliases = ["a", { path = "b", text = "Metâ€™s b" }]

[extra.nested]
deep = { text = "Metâ€™s deep" }

[[extra.see_also]]
text = "first"

[[extra.see_also]]
"text" = "Metâ€™s second"
+++
"""


def test_every_kind_of_toml_place_is_found() -> None:
    """Dotted keys, inline tables in arrays, nested tables and arrays of tables."""
    config = Config(schemas=[SchemaMapping(("**",), str(DATA / "formats" / "tables.json"))])
    findings = linter.lint_text(TABLES, "post.md", config)
    assert [(f.pointer, f.line, f.column) for f in only(findings, "FM101")] == [
        ("/extra/team", 3, 18),  # (where "â€™" starts)
        ("/aliases/1/text", 4, 42),
        ("/extra/nested/deep/text", 7, 21),
        ("/extra/see_also/1/text", 13, 14),
    ]


def test_a_suppression_comment_works_in_toml() -> None:
    text = injected("Rust-1.88.0.md", 'title = "Announcing Rust 1.88.0"',
                    'title = "Metâ€™s Rust 1.88.0"  # fmlint: ignore[FM101]')
    assert lint(text) == []


@pytest.mark.parametrize(("written", "code", "fix"), [
    ("2025-06-26T12:00:00Z", None, None),
    ("2025-06-26T12:00:00+02:00", None, None),
    ("2025-06-26 12:00:00Z", "FM301", "2025-06-26T12:00:00Z"),
    ("2025-06-26T12:00:00", "FM301", "2025-06-26T12:00:00Z"),
    ("'2025-06-26T12:00:00'", "FM301", "'2025-06-26T12:00:00Z'"),
])
def test_toml_dates_are_timestamps(written: str, code: str | None, fix: str | None) -> None:
    """An offset date-time is zoned; a local one has no zone and is reported so; a fix
    writes a date-time bare (or in the string kind it was written in)."""
    text = injected("Rust-1.88.0.md", 'authors = [', f"date = {written}\nauthors = [")
    findings = lint(text)
    assert [f.code for f in findings] == ([code] if code else [])
    if code:
        assert (findings[0].line, findings[0].pointer) == (4, "/date")
        if not written.rstrip("'").endswith(("Z", "0")):
            assert "zone" in findings[0].message
        assert fixed(text, findings[0]) == text.replace(f"date = {written}", f"date = {fix}")


def test_add_ignore_writes_toml_comments_that_silence_the_findings(
        tmp_path: Path, cli: Callable[..., Run]) -> None:
    (tmp_path / "fmlint.toml").write_text(
        f'[[schemas]]\nfiles = ["**"]\nschema = "{SCHEMA.as_posix()}"\n', "utf-8")
    record = tmp_path / "_index.md"
    text = injected("_index.md", '"release announcements"', '"Metâ€™s announcements"')
    record.write_text(text, "utf-8")
    assert cli(["check", "--no-cache", str(record)]).code == 1
    cli(["check", "--no-cache", "--add-ignore", str(record)])
    assert changed_lines(text, record.read_text("utf-8")) == [(
        'text = "Metâ€™s announcements"\n',
        'text = "Metâ€™s announcements"  # fmlint: ignore[FM101]\n')]
    assert cli(["check", "--no-cache", str(record)]).code == 0


def test_online_checks_gather_the_urls_of_toml_front_matter() -> None:
    from linter.online.collect import needs_in

    config = Config(schemas=ZOLA.schemas, extend_select=["FM501"])
    needs = needs_in((POSTS / "Updating-musl-1.2.5.md").read_bytes(), "content/post.md", config)
    assert "https://www.rust-lang.org/governance/teams/compiler" in needs


def test_the_last_line_break_of_a_multi_line_string_is_its_style() -> None:
    """As for a YAML block: the line break before the closing quotes is how the string is
    written, not whitespace in the text; a fix keeps it."""
    text = injected("Rust-1.88.0.md", 'title = "Announcing Rust 1.88.0"',
                    'title = """\nAnnouncing Rust 1.88.0\n"""')
    assert lint(text) == []
    text = text.replace("Announcing Rust", "Announcing  Rust")
    finding = one(lint(text), "FM105")
    assert fixed(text, finding) == text.replace("Announcing  Rust", "Announcing Rust")


def test_schema_infer_reads_toml_front_matter(cli: Callable[..., Run]) -> None:
    run = cli(["schema", "infer", str(POSTS)])
    schema = json.loads(run.out)
    assert {"path", "title", "authors", "aliases", "extra"} <= set(schema["properties"])
