"""JSON front matter (Hugo: a JSON object opening the file, closed before the body) on a real
news record: findings at the value's line, fixes written back as JSON strings."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import linter
from linter.rules.finding import Finding

from .conftest import DATA, Run
from .rulekit import fixed, only

RECORD = DATA / "formats" / "everyday-powerapps" / (
    "public-preview-of-new-custom-connector-enhancements.md")
TITLE = '"title": "Public preview of new custom connector enhancements"'


def injected(old: str, new: str) -> str:
    text = RECORD.read_text("utf-8")
    assert text.count(old) == 1, old
    return text.replace(old, new)


def lint(text: str) -> list[Finding]:
    return linter.lint_text(text, "_news/post.md")


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_the_record_is_read_with_its_schema() -> None:
    """The article schema applies: its known defects are found at their lines."""
    findings = lint(RECORD.read_text("utf-8"))
    assert ("FM105", 3, "/excerpt") in [(f.code, f.line, f.pointer) for f in findings]
    assert ("FM010", 7, "/featuredContent") in [(f.code, f.line, f.pointer) for f in findings]
    assert not {"FM001", "FM004", "FM009", "FM021"} & {f.code for f in findings}


def test_an_entity_fix_writes_a_json_escape() -> None:
    text = injected(TITLE, '"title": "Public &quot;preview&quot; \\u2014 connectors"')
    found = only(lint(text), "FM102")
    assert [(f.line, f.pointer) for f in found] == [(2, "/title")]
    repaired = fixed(text, found[0])
    assert changed_lines(text, repaired) == [(
        '  "title": "Public &quot;preview&quot; \\u2014 connectors",\n',
        '  "title": "Public \\"preview\\" — connectors",\n')]
    assert not only(lint(repaired), "FM102")


def test_http_is_reported_at_its_line_and_fixed_with_unsafe_fixes(
        tmp_path: Path, cli: Callable[..., Run]) -> None:
    text = injected('"originalUrl": "https://', '"originalUrl": "http://')
    record = tmp_path / "_news" / "post.md"
    record.parent.mkdir()
    record.write_text(text, "utf-8")
    run = cli(["check", "--no-cache", "--select", "FM202", "--output-format", "concise",
               str(record)])
    assert run.out.startswith(f"{record}:6:19: FM202")
    cli(["check", "--no-cache", "--select", "FM202", "--fix", "--unsafe-fixes", str(record)])
    assert record.read_text("utf-8") == RECORD.read_text("utf-8")


def test_a_json_syntax_error_is_a_finding_at_its_line() -> None:
    text = injected('"heat": 72,', '"heat": 72')
    findings = lint(text)
    assert [(f.code, f.line) for f in findings] == [("FM021", 10)]
    assert findings[0].message == "JSON syntax error: expecting ',' delimiter"


def test_a_duplicate_key_is_reported_at_the_second() -> None:
    text = injected('"heat": 72,', '"heat": 72,\n  "heat": 73,')
    found = only(lint(text), "FM005")
    assert [(f.line, f.column, f.pointer) for f in found] == [(10, 3, "/heat")]
    assert "line 9" in found[0].message


def test_a_page_opening_with_a_liquid_tag_is_not_json() -> None:
    findings = lint("{% include header.html %}\n# A page\n")
    assert [f.code for f in findings] == ["FM001"]


def test_braces_in_strings_and_the_body_do_not_end_the_object() -> None:
    text = ('{\n  "title": "A } and a { in Metâ€™s title"\n}\n\n'
            'A body with { and } and "quotes".\n')
    assert [(f.code, f.line, f.column, f.pointer) for f in lint(text)] == [
        ("FM101", 2, 31, "/title")]


def test_add_ignore_leaves_json_front_matter_as_it_was(
        tmp_path: Path, cli: Callable[..., Run]) -> None:
    """JSON holds no comments: writing one would break the record."""
    record = tmp_path / "_news" / "post.md"
    record.parent.mkdir()
    shutil.copy(RECORD, record)
    cli(["check", "--no-cache", "--add-ignore", str(record)])
    assert record.read_bytes() == RECORD.read_bytes()


def test_a_line_break_in_a_string_is_named() -> None:
    text = injected(TITLE, '"title": "Public preview\nof new custom connector enhancements"')
    findings = lint(text)
    assert [(f.code, f.line, f.column) for f in findings] == [("FM021", 2, 27)]
    assert findings[0].message == "JSON syntax error: invalid control character"
