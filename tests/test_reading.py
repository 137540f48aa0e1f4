"""Reading records: front matter, encodings, line endings, YAML problems, hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from linter import lint_text
from linter.engine.config import Config
from linter.reading import yamldoc

from .conftest import CORPUS, article_records, organization_records

ONLY_READING = Config(select=["FM00"])


def codes(text: str, config: Config = ONLY_READING) -> list[tuple[str, int, int]]:
    return [(f.code, f.line, f.column) for f in lint_text(text, "t.md", config)]


def test_every_corpus_record_parses_without_reading_problems() -> None:
    files = [*article_records(), *organization_records()]
    assert len(files) > 1400
    for path in files:
        findings = lint_text(path.read_text("utf-8"), str(path), ONLY_READING)
        assert findings == [], (path, findings)


def test_front_matter_closed_at_end_of_file_without_newline() -> None:
    text = (CORPUS / "_data/organizations/ibm.com.md").read_text("utf-8")
    assert not text.endswith("\n")
    assert codes(text) == []


def test_no_front_matter_and_unterminated() -> None:
    assert codes("# Just a page\n") == [("FM001", 1, 1)]
    assert codes("---\ntitle: x\n") == [("FM002", 1, 1)]
    assert codes("---\ntitle: x\n...\nbody\n") == []


def test_crlf_and_bom_positions() -> None:
    text = "\ufeff---\r\ntitle: a\r\ntitle: b\r\n---\r\n"
    findings = lint_text(text, "t.md", ONLY_READING)
    assert [(f.code, f.line, f.column, f.end_column) for f in findings] == [
        ("FM005", 3, 1, 6)]
    assert "line 2" in findings[0].message


def test_invalid_utf8_is_a_finding_at_the_byte() -> None:
    from linter.engine.lint import check_bytes

    data = b"---\ntitle: ok\nexcerpt: caf\xe9 au lait\n---\n"
    findings = check_bytes(data, "t.md", ONLY_READING).findings
    assert [(f.code, f.line, f.column) for f in findings] == [("FM003", 3, 13)]
    assert "0xe9" in findings[0].message


def test_utf16_is_reported_not_crashed() -> None:
    from linter.engine.lint import check_bytes

    data = "---\ntitle: x\n---\n".encode("utf-16")
    assert [f.code for f in check_bytes(data, "t.md", ONLY_READING).findings] == ["FM003"]


def test_syntax_error_at_parser_position_in_plain_words() -> None:
    findings = lint_text("---\ntitle: Power Apps: what is new\n---\n", "t.md", ONLY_READING)
    assert [(f.code, f.line) for f in findings] == [("FM004", 2)]
    assert "quote" in findings[0].message


def test_duplicate_key_reported_on_the_later_key() -> None:
    text = "---\ntitle: a\nprovider:\n  name: x\n  name: y\ntitle: b\n---\n"
    found = codes(text)
    assert found == [("FM005", 5, 3), ("FM005", 6, 1)]


def test_billion_laughs_is_refused_at_the_value_past_the_bound() -> None:
    """Aliases that repeat aliases (9 to the 9th values): one finding, where reading stopped."""
    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(ord("b"), ord("j")):
        prev = chr(i - 1)
        lines.append(f"{chr(i)}: &{chr(i)} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("---")
    findings = lint_text("\n".join(lines) + "\n", "t.md", ONLY_READING)
    assert [(f.code, f.line, f.column, f.pointer) for f in findings] == [
        ("FM006", 2, 14, "/f/0/3/3/7/2/1")]
    assert findings[0].message == (
        "the front matter expands to more than 100,000 values (aliases that repeat aliases, "
        "as in a 'billion laughs' document); fmlint stopped reading it")


@pytest.mark.parametrize("depth", [150, 100_000])
def test_deep_nesting_is_refused_without_recursion_error(depth: int) -> None:
    text = "---\na: " + "[" * depth + "]" * depth + "\n---\n"
    assert [c for c, _, _ in codes(text)] == ["FM006"]


def test_a_depth_refused_by_the_parser_or_by_fmlint_is_the_same_finding() -> None:
    """libyaml (PyYAML 6.0.3 and later) stops nesting past 1,000 itself, sometimes before
    fmlint counts 100: whoever refuses it, it is the same finding, at the front matter."""
    seen = set()
    for depth in (101, 150, 999, 1001, 100_000):
        for text in ("---\na: " + "[" * depth + "]" * depth + "\n---\n",
                     "---\na: " + "{b: " * depth + "1" + "}" * depth + "\n---\n",
                     "---\na:\n" + "- " * depth + "1\n---\n"):
            findings = lint_text(text, "t.md", ONLY_READING)
            seen.update((f.code, f.line, f.column, f.message) for f in findings)
    assert seen == {("FM006", 2, 1, "the front matter nests lists or mappings more than 100 "
                     "deep; fmlint stopped reading it")}


def test_without_libyaml_deep_nesting_is_the_same_finding() -> None:
    """PyYAML's own parser (an installation without libyaml) has no nesting limit: fmlint's
    count gives the same finding as libyaml's refusal."""
    import json
    import subprocess
    import sys

    texts = ["---\na: " + "[" * n + "]" * n + "\n---\n" for n in (150, 100_000)]
    script = (
        "import json, sys, yaml\n"
        "yaml.__with_libyaml__ = False\n"
        "from linter import lint_text\nfrom linter.reading import yamldoc\n"
        "from linter.engine.config import Config\n"
        "assert yamldoc.LOADER is yaml.SafeLoader\n"
        "print(json.dumps([[[f.code, f.line, f.column, f.message] for f in lint_text("
        "t, 't.md', Config(select=['FM00']))] for t in json.load(sys.stdin)]))\n")
    run = subprocess.run([sys.executable, "-c", script], input=json.dumps(texts), text=True,
                         capture_output=True, timeout=60, check=True,
                         cwd=Path(__file__).resolve().parent.parent)  # (the repository)
    expected = [[[f.code, f.line, f.column, f.message] for f in lint_text(t, "t.md",
                                                                      ONLY_READING)]
                for t in texts]
    assert json.loads(run.stdout) == expected
    assert expected[0][0][0] == "FM006"


@pytest.mark.parametrize("front", ["~", "null", "# nothing but a comment\nnull", "!!null x",
                                   "- a\n- b", "just words", "12"])
def test_front_matter_that_is_not_a_mapping_is_not_a_record(front: str) -> None:
    findings = lint_text(f"---\n{front}\n---\nBody.\n", "_posts/2024-01-22-a.md")
    assert [(f.code, f.line, f.column, f.pointer) for f in findings] == [("FM010", 1, 1, "")]
    assert "the front matter must be a mapping of keys to values" in findings[0].message


def test_empty_front_matter_is_an_empty_record() -> None:
    assert yamldoc.parse("", 4).record == {}
    assert "FM010" not in [f.code for f in lint_text("---\n---\nBody.\n", "t.md")]


def test_python_tags_construct_nothing() -> None:
    text = "---\ntitle: !!python/object/apply:os.system ['echo hacked']\n---\n"
    assert [c for c, _, _ in codes(text)] == ["FM007"]


def test_yaml_timestamps_stay_strings() -> None:
    from linter.reading.source import split
    from linter.reading.yamldoc import parse

    text = "---\npublishedDateTime: 2024-01-22T18:23:00Z\n---\n"
    front = split(text)
    record = parse(text[front.start:front.end], front.start).record
    assert record == {"publishedDateTime": "2024-01-22T18:23:00Z"}


def _spans(doc: yamldoc.Document, under: str) -> list[tuple]:
    return [(pointer[len(under):], span.start, span.end, span.style, span.tag, span.raw)
            for pointer, span in doc.spans.items() if pointer.startswith(under + "/")]


def test_an_alias_reads_its_anchors_value_where_the_anchor_wrote_it() -> None:
    text = "a: &x {b: [1, 'two'], c: !!str 3}\nd: *x\ne: [*x]\n"
    doc = yamldoc.parse(text, 4)
    assert doc.problems == [] and doc.record == yaml.load(text, Loader=yaml.CSafeLoader)
    assert doc.record["d"] == {"b": [1, "two"], "c": "3"}
    assert _spans(doc, "/d") == _spans(doc, "/a") == _spans(doc, "/e/0") != []
    anchored, alias = doc.spans["/a"], doc.spans["/d"]
    assert (alias.start, alias.end) == (anchored.start, anchored.end) == (7, 37)
    assert (alias.key_start, alias.key_end) == (38, 39)  # (the key is the alias's own)
    assert all(span.aliased for pointer, span in doc.spans.items() if pointer not in ("", "/e"))


def test_merge_keys_add_the_keys_a_mapping_lacks_earlier_mappings_first() -> None:
    text = ("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2, w: 2}\n"
            "c:\n  <<: [*a, *b]\n  w: 3\n"
            "d: {<<: *b, x: 4}\n"
            "e: {<<: {v: 5}}\n"
            "f: {!!merge <<: *a}\n"
            "g: {'<<': *a}\n")
    doc = yamldoc.parse(text, 4)
    assert doc.problems == []
    assert doc.record["c"] == {"w": 3, "x": 1, "y": 1, "z": 2}
    assert doc.record["d"] == {"x": 4, "y": 2, "z": 2, "w": 2}
    assert doc.record["e"] == {"v": 5} and doc.record["f"] == {"x": 1, "y": 1}
    assert doc.record["g"] == {"<<": {"x": 1, "y": 1}}  # (a quoted '<<' is a plain key)
    assert doc.record == yaml.load(text, Loader=yaml.CSafeLoader)


@pytest.mark.parametrize(("text", "kind", "message"), [
    ("a: &a [1]\nb: {<<: *a}", "key", "a merge key ('<<') needs a mapping or list of mappings"),
    ("a: {<<: [x]}", "key", "a merge key ('<<') needs a mapping or list of mappings"),
    ("a: &a {<<: *a}", "limits", "an alias refers to the collection that contains it"),
    ("a: &a [*a]", "limits", "an alias refers to the collection that contains it"),
    ("? [a]\n: 1\nb: 2", "key", "a key must be a plain word or string, not a list or mapping"),
    ("a: &k [1]\n*k : 2", "key", "a key must be a plain word or string, not a list or mapping"),
])
def test_what_a_record_cannot_hold_is_a_problem_and_the_rest_is_read(text: str, kind: str,
                                                                     message: str) -> None:
    doc = yamldoc.parse(text, 4)
    assert [(p.kind, p.message) for p in doc.problems] == [(kind, message)]
    assert isinstance(doc.record, dict) and {"a", "b"} & set(doc.record)


def test_a_merged_value_is_placed_where_its_mapping_wrote_it() -> None:
    """A finding on a value a merge key brings is reported at the value's own line, as an
    alias's is, not at the top of the record."""
    text = ('---\nbase: &b\n  title: "Met\u00e2\u20ac\u2122s plan"\nmore:\n'
            '  <<: *b\n  note: x\n---\n')
    found = {(f.pointer, f.line) for f in lint_text(text, "_posts/a.md") if f.code == "FM101"}
    line = text[: text.index("title")].count("\n") + 1
    assert found == {("/base/title", line), ("/more/title", line)}


@pytest.mark.parametrize(("text", "message", "at"), [
    ("a: *x", "YAML syntax error: found undefined alias (an alias (*name) refers to an anchor "
     "(&name) that is not defined)", 7),
    ("a: &x 1\nb: &x 2", "YAML syntax error: second occurrence (found duplicate anchor; first "
     "occurrence that starts on line 1 of the front matter)", 15),
    ("a: 1\n...\n---\nb: 2", "YAML syntax error: but found another document (expected a "
     "single document in the stream that starts on line 1 of the front matter)", 13),
])
def test_an_alias_or_anchor_yaml_refuses_is_a_syntax_error(text: str, message: str,
                                                           at: int) -> None:
    doc = yamldoc.parse(text, 4)
    assert doc.record is None
    assert [(p.kind, p.message, p.start) for p in doc.problems] == [("syntax", message, at)]


def test_a_finding_in_an_anchored_value_is_reported_where_the_anchor_wrote_it() -> None:
    text = ("---\ntitle: Hello\nbase: &b\n  site: http://example.com/\ncopy: *b\n"
            "list: [*b]\n---\n")
    found = [(f.code, f.line, f.column, f.pointer) for f in lint_text(text, "t.md")
             if f.code == "FM202"]
    assert sorted(found) == [("FM202", 4, 9, "/base/site"), ("FM202", 4, 9, "/copy/site"),
                             ("FM202", 4, 9, "/list/0/site")]


def test_nesting_deeper_through_aliases_than_as_written_is_refused() -> None:
    """Each alias nests the one before 60 deep: shallow as written, too deep when read."""
    lines = ["a0: &a0 1"] + [f"a{k}: &a{k} " + "[" * 60 + f"*a{k - 1}" + "]" * 60
                             for k in (1, 2)]
    assert yamldoc.parse("\n".join(lines[:2]), 4).problems == []
    doc = yamldoc.parse("\n".join(lines), 4)
    assert doc.record is None
    assert [(p.kind, p.message, p.start) for p in doc.problems] == [
        ("limits", "the front matter nests lists or mappings more than 100 deep; fmlint "
         "stopped reading it", 4)]


def test_a_value_its_tag_cannot_take_is_reported_at_the_value_and_stays_text() -> None:
    """PyYAML refuses ``!!int x``: fmlint says so, at the value, and reads it as its text."""
    text = "---\nwidth: !!int wide\nheight: !!float\nshown: !!bool maybe\nok: !!int 12\n---\n"
    findings = lint_text(text, "t.md", ONLY_READING)
    assert [(f.code, f.line, f.column, f.pointer) for f in findings] == [
        ("FM007", 2, 8, "/width"), ("FM007", 3, 9, "/height"), ("FM007", 4, 8, "/shown")]
    assert "'!!int' asks for a whole number, but 'wide' is not one" in findings[0].message
    assert "PyYAML refuses" in findings[0].message
    for yaml_text in ("a: !!bool x", "a: !!int", "a: !!float"):
        with pytest.raises((yaml.YAMLError, ValueError, KeyError, IndexError)):
            yaml.load(yaml_text, Loader=yaml.SafeLoader)
        doc = yamldoc.parse(yaml_text, 4)
        assert [p.kind for p in doc.problems] == ["tag"] and isinstance(doc.record["a"], str)


def test_a_value_read_again_through_an_alias_is_reported_once() -> None:
    assert codes("---\na: &x !!int '1.5'\nb: *x\n---\n") == [("FM007", 2, 4)]


def test_a_non_specific_tag_is_not_a_problem() -> None:
    doc = yamldoc.parse("a: ! >\n  some text\n", 4)
    assert doc.problems == [] and doc.record == {"a": "some text\n"}


def test_a_syntax_error_after_a_value_its_tag_cannot_take_is_reported() -> None:
    assert codes("---\na: !!bool x\nb: [\n---\n") == [("FM004", 4, 1)]


@pytest.mark.parametrize("plain", ["0", "7", "1280", "2024", "007", "08", "0o17", "1_000", "12:30",
                                   "1.5", "99999999999999999999", "²", "١٢", "１２", "0x1F", "-3"])
def test_plain_numbers_are_read_as_pyyaml_reads_them(plain: str) -> None:
    """Widths, years and the YAML 1.1 number forms get the value and type PyYAML gives them."""
    expected = yaml.load(f"v: {plain}\n", Loader=yaml.CSafeLoader)["v"]
    record = yamldoc.parse(f"v: {plain}\n").record
    assert record["v"] == expected and type(record["v"]) is type(expected)
