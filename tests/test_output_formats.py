"""Report formats: what each one writes for the findings of a run."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

from linter.output import FORMATS, Report, render
from linter.rules.finding import Edit, Finding, Fix

from .conftest import SEED

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
RLO = "\u202e"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    severity: str
    fix: str | None
    doc_url: str | None


RULES = {
    "FM001": Rule(
        "FM001", "schema", "Front matter follows the schema", "error", None, None
    ),
    "FM101": Rule(
        "FM101",
        "mojibake",
        "Text decoded with the wrong encoding",
        "warning",
        "sometimes",
        "https://example.org/rules/FM101",
    ),
    "FM201": Rule("FM201", "long-title", "Title is long", "info", "unsafe", None),
    "FM301": Rule("FM301", "unused-rule", "Never fires here", "warning", None, None),
}

SPACED = "news/with space.md"
TRICKY_MESSAGE = f"100% wrong: a, b\nsecond line {RLO}desrever"


def finding(
    path: str | None = SPACED,
    line: int = 2,
    column: int = 8,
    end_line: int | None = None,
    end_column: int | None = None,
    code: str = "FM001",
    severity: str = "error",
    message: str = "title is required",
    pointer: str | None = "/title",
    fix: Fix | None = None,
) -> Finding:
    rule = RULES[code].name if code in RULES else "internal"
    return Finding(
        path=path,
        line=line,
        column=column,
        end_line=line if end_line is None else end_line,
        end_column=column + 4 if end_column is None else end_column,
        code=code,
        rule=rule,
        severity=severity,
        message=message,
        pointer=pointer,
        fix=fix,
    )


SAFE_FIX = Fix("safe", "Replace with ’", (Edit(3, 10, 3, 13, "’"),))
UNSAFE_FIX = Fix("unsafe", "Shorten the title", (Edit(2, 8, 2, 20, "Short"),))


def sample_findings() -> list[Finding]:
    """One of each severity, with and without fixes, odd paths and an untrusted message."""
    return [
        finding(message=TRICKY_MESSAGE),
        finding(
            line=3,
            column=10,
            code="FM101",
            severity="warning",
            pointer="/excerpt",
            message="mojibake: â€™",
            fix=SAFE_FIX,
        ),
        finding(
            path="a,b:c.md",
            line=2,
            column=8,
            end_column=20,
            code="FM201",
            severity="info",
            message="title is 90 characters long",
            fix=UNSAFE_FIX,
        ),
        finding(
            path=None,
            line=1,
            column=1,
            code="FM001",
            pointer="",
            message="no front matter",
        ),
    ]


def make_report(findings: list[Finding], **kwargs: object) -> Report:
    return Report(
        findings=findings,
        rules=RULES,
        files_checked=kwargs.pop("files_checked", 3),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def from_file(found: Finding) -> Finding:
    """The finding with its line of its file, as a check gives it."""
    assert found.path is not None
    lines = Path(found.path).read_text(encoding="utf-8").splitlines()
    return replace(found, source=lines[found.line - 1])


# --- dispatch ------------------------------------------------------------------------------


def test_every_format_renders_and_ends_with_newline() -> None:
    report = make_report(sample_findings())
    for fmt in FORMATS:
        out = render(fmt, report)
        assert out.endswith("\n"), fmt


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        render("xml", make_report([]))


def test_importing_output_loads_only_the_format_asked_for() -> None:
    code = (
        "import sys\n"
        "from linter.output import Report, render\n"
        "render('text', Report([], {}, 0))\n"
        "loaded = [m for m in sys.modules if m.startswith(('linter.output.', 'xml', 'json'))]\n"
        "print(' '.join(sorted(loaded)))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(run.stdout.split())
    assert "linter.output.text" in loaded
    assert not loaded & {
        "linter.output.sarif",
        "linter.output.junit",
        "xml.etree.ElementTree",
    }


# --- text ----------------------------------------------------------------------------------


def test_text_carets_sit_under_the_value_in_a_real_record() -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    line_no = next(i for i, text in enumerate(lines, 1) if "Metâ€™s" in text)
    column = lines[line_no - 1].index("Metâ€™s") + 1
    bad = finding(
        path=str(SEED),
        line=line_no,
        column=column,
        end_column=column + 6,
        code="FM101",
        severity="warning",
        pointer="/related/1/excerpt",
        message="mojibake: Metâ€™s",
        fix=SAFE_FIX,
    )
    out = render("text", make_report([from_file(bad)], fixable_safe=1))
    header, source, carets, blank = out.splitlines()[:4]
    assert header == f"{SEED}:{line_no}:{column}: FM101 [warning] mojibake: Metâ€™s [*]"
    assert source.startswith(f"{line_no} | ")
    assert carets.strip(" |") == "^" * 6
    assert carets.index("^") == source.index("Metâ€™s")
    assert blank == ""


def test_text_escapes_bidi_controls_and_keeps_carets_aligned(tmp_path: Path) -> None:
    record = tmp_path / "dir with space" / "post.md"
    record.parent.mkdir()
    record.write_text(f'---\ntitle: "ab{RLO}cd" end\n---\n', encoding="utf-8")
    value = f'"ab{RLO}cd"'
    bad = finding(
        path=str(record),
        line=2,
        column=8,
        end_column=8 + len(value),
        message=TRICKY_MESSAGE,
    )
    out = render("text", make_report([from_file(bad)]))
    assert RLO not in out
    header, source, carets = out.splitlines()[:3]
    assert header.endswith(r"100% wrong: a, b\nsecond line \u202edesrever")
    shown = '"ab\\u202ecd"'
    assert source == f"2 | title: {shown} end"
    assert carets.index("^") == source.index(shown)
    assert carets.count("^") == len(shown)


def test_text_cuts_long_lines_around_the_value() -> None:
    line = "excerpt: " + "word " * 60 + "VALUE" + " tail" * 40
    column = line.index("VALUE") + 1
    bad = finding(line=1, column=column, end_column=column + 5)
    out = render("text", make_report([replace(bad, source=line)]))
    source, carets = out.splitlines()[1:3]
    assert source.startswith("1 | …") and source.endswith("…")
    assert len(source) < 120
    assert carets.index("^") == source.index("VALUE")
    assert carets.count("^") == 5


def test_text_shows_no_excerpt_without_source() -> None:
    report = make_report([replace(finding(), source="title: x"), finding(line=40)])
    lines = render("text", report).splitlines()
    assert lines[:4] == [
        f"{SPACED}:2:8: FM001 [error] title is required",
        "2 | title: x",
        "  |        ^",
        "",
    ]
    assert lines[4:6] == [f"{SPACED}:40:8: FM001 [error] title is required", ""]


def test_text_colour_only_when_asked() -> None:
    hostile = finding(message="\x1b[31mfake red\x1b[0m")
    report = make_report([replace(hostile, source="title: \x1b[2Jx")])
    plain = render("text", report)
    assert "\x1b" not in plain
    assert r"\x1b[31mfake red" in plain
    report.color = True
    coloured = render("text", report)
    assert "\x1b[31mFM001" in coloured  # the code, red for an error
    assert "\x1b[31m^" in coloured
    assert "\x1b[31mfake" not in coloured


@pytest.mark.parametrize(
    ("counts", "files", "expected"),
    [
        ((1, 0, 0), 1, "Found 1 problem (1 error, 0 warnings, 0 info) in 1 file."),
        ((2, 1, 2), 7, "Found 5 problems (2 errors, 1 warning, 2 info) in 7 files."),
        ((0, 2, 1), 2, "Found 3 problems (0 errors, 2 warnings, 1 info) in 2 files."),
    ],
)
def test_summary_counts_and_plurals(
    counts: tuple[int, int, int], files: int, expected: str
) -> None:
    findings = [
        finding(severity=severity, line=n + 1)
        for severity, count in zip(("error", "warning", "info"), counts, strict=True)
        for n in range(count)
    ]
    for fmt in ("text", "concise"):
        out = render(fmt, make_report(findings, files_checked=files))
        assert out.splitlines()[-1] == expected


def test_summary_when_clean_and_after_fixes() -> None:
    assert (
        render("text", make_report([], files_checked=1))
        == "All checks passed! (1 file)\n"
    )
    assert render("concise", make_report([], files_checked=12)) == (
        "All checks passed! (12 files)\n"
    )
    fixed = render("text", make_report([], files_checked=2, fixes_applied=1))
    assert fixed == "Fixed 1 problem.\nAll checks passed! (2 files)\n"
    out = render(
        "text",
        make_report(
            sample_findings(), fixes_applied=3, fixable_safe=1, fixable_unsafe=2
        ),
    )
    tail = out.splitlines()[-3:]
    assert tail == [
        "Fixed 3 problems.",
        "Found 4 problems (2 errors, 1 warning, 1 info) in 3 files.",
        "[*] 1 fixable with `fmlint check --fix` (2 more with --unsafe-fixes).",
    ]
    only_unsafe = render("text", make_report([finding()], fixable_unsafe=1))
    assert only_unsafe.splitlines()[-1] == (
        "No safe fixes available (1 fixable with `fmlint check --fix --unsafe-fixes`)."
    )


def test_safe_fix_marker_only_on_safely_fixable_findings() -> None:
    out = render("concise", make_report(sample_findings()))
    lines = out.splitlines()
    assert lines[1] == f"{SPACED}:3:10: FM101 [warning] mojibake: â€™ [*]"
    assert lines[2] == "a,b:c.md:2:8: FM201 [info] title is 90 characters long"
    assert lines[3] == "-:1:1: FM001 [error] no front matter"


def test_concise_escapes_untrusted_text() -> None:
    out = render("concise", make_report(sample_findings()))
    assert RLO not in out
    assert out.splitlines()[0] == (
        f"{SPACED}:2:8: FM001 [error] 100% wrong: a, b\\nsecond line \\u202edesrever"
    )


# --- json ----------------------------------------------------------------------------------


def test_json_round_trips_through_from_dict() -> None:
    findings = sample_findings()
    data = json.loads(render("json", make_report(findings)))
    assert [set(item) for item in data] == [
        {
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "code",
            "rule",
            "severity",
            "message",
            "pointer",
            "fix",
        }
    ] * len(findings)
    assert [Finding.from_dict(item) for item in data] == findings


def test_json_lines_one_object_per_line() -> None:
    findings = sample_findings()
    out = render("json-lines", make_report(findings))
    lines = out.split("\n")
    assert lines[-1] == ""
    assert [Finding.from_dict(json.loads(line)) for line in lines[:-1]] == findings
    assert len(out.splitlines()) == len(findings)  # no raw U+2028 or NEL splits a line
    assert render("json-lines", make_report([])) == ""


def test_json_escapes_invisible_characters_losslessly() -> None:
    message = f"a{RLO}b\u2028c\u200bd"
    out = render("json", make_report([finding(message=message)]))
    assert RLO not in out and "\u2028" not in out and "\u200b" not in out
    assert json.loads(out)[0]["message"] == message
    assert "â€™" in render(
        "json", make_report(sample_findings())
    )  # other text stays readable


# --- github --------------------------------------------------------------------------------


def test_github_commands_escape_data_and_properties() -> None:
    lines = render("github", make_report(sample_findings())).splitlines()
    assert lines[0] == (
        "::error file=news/with space.md,line=2,col=8,endLine=2,endColumn=12,"
        "title=FM001 schema::100%25 wrong: a, b%0Asecond line \\u202edesrever"
    )  # the override is shown, not obeyed, so it cannot reorder the annotation
    assert lines[1].startswith("::warning file=news/with space.md,line=3,col=10,")
    assert lines[2] == (
        "::notice file=a%2Cb%3Ac.md,line=2,col=8,endLine=2,endColumn=20,"
        "title=FM201 long-title::title is 90 characters long"
    )
    assert (
        lines[3]
        == "::error line=1,col=1,endLine=1,endColumn=5,title=FM001 schema::no front matter"
    )
    assert render("github", make_report([])) == ""


def test_github_escapes_terminal_controls_from_values_and_file_names(cli, tmp_path: Path,
                                                                      monkeypatch) -> None:
    """ESC, BEL and C1 controls from a record or its name reach the Actions log escaped,
    as the text format shows them: they cannot colour, retitle or clear the log."""
    folder = tmp_path / "_news\x1b]0;owned\x07"
    folder.mkdir()
    text = SEED.read_text("utf-8").replace(  # (a key: messages quote it as it is)
        "category: news", 'category: news\n"\\e]0;owned\\a\\x9b": 1', 1)
    (folder / "2024-01-22-x\x9b.md").write_text(text, "utf-8")
    monkeypatch.chdir(tmp_path)
    run = cli(["check", "--isolated", "--no-cache", "--output-format", "github", "."])
    assert run.code == 1
    assert run.out
    for control in ("\x1b", "\x07", "\x9b"):
        assert control not in run.out
    assert "file=_news\\x1b]0;owned\\x07/2024-01-22-x\\x9b.md," in run.out
    assert "\\x1b]0;owned\\x07\\x9b" in run.out.split("title=FM018")[1]


def test_diff_headers_quote_file_names_that_would_break_the_patch(cli, tmp_path: Path,
                                                                   monkeypatch) -> None:
    (tmp_path / "_news").mkdir()
    name = "2024-01-22-a\n+++ b.md\x1b.md"
    (tmp_path / "_news" / name).write_bytes(SEED.read_bytes())
    monkeypatch.chdir(tmp_path)
    run = cli(["check", "--isolated", "--no-cache", "--diff", "_news"])
    assert run.code == 1
    headers = [line for line in run.out.splitlines() if line.startswith(("---", "+++"))]
    assert headers == ['--- "a/_news/2024-01-22-a\\n+++ b.md\\x1b.md"',
                       '+++ "b/_news/2024-01-22-a\\n+++ b.md\\x1b.md"']
    assert "\x1b" not in run.out


# --- gitlab --------------------------------------------------------------------------------


def test_gitlab_code_quality_fields_and_fingerprints() -> None:
    twins = [
        finding(line=2),
        finding(line=2),
    ]  # identical findings still need two identities
    findings = sample_findings() + twins
    first = json.loads(render("gitlab", make_report(findings)))
    second = json.loads(render("gitlab", make_report(findings)))
    assert first == second
    assert len(first) == len(findings)
    for issue in first:
        assert isinstance(issue["description"], str)
        assert isinstance(issue["check_name"], str)
        assert isinstance(issue["fingerprint"], str)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["path"], str)
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert [issue["severity"] for issue in first[:3]] == ["major", "minor", "info"]
    assert first[0]["location"] == {"path": SPACED, "lines": {"begin": 2, "end": 2}}
    fingerprints = [issue["fingerprint"] for issue in first]
    assert len(set(fingerprints)) == len(fingerprints)


def test_gitlab_fingerprint_follows_the_value_when_lines_move() -> None:
    before = json.loads(render("gitlab", make_report([finding(line=2)])))
    after = json.loads(render("gitlab", make_report([finding(line=9)])))
    other = json.loads(render("gitlab", make_report([finding(pointer="/date")])))
    assert before[0]["fingerprint"] == after[0]["fingerprint"]
    assert before[0]["fingerprint"] != other[0]["fingerprint"]


# --- sarif ---------------------------------------------------------------------------------


def sarif_validator() -> Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = validator_for(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_sarif_validates_against_the_schema_and_carries_fixes() -> None:
    report = make_report(
        sample_findings(), version="1.2.3", tool_uri="https://example.org/fmlint"
    )
    log = json.loads(render("sarif", report))
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert not errors, "\n".join(e.message for e in errors)
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    (run,) = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("fmlint", "1.2.3")
    assert driver["informationUri"] == "https://example.org/fmlint"
    assert [rule["id"] for rule in driver["rules"]] == sorted(RULES)  # unused rules too
    assert driver["rules"][1]["helpUri"] == "https://example.org/rules/FM101"
    assert [rule["defaultConfiguration"]["level"] for rule in driver["rules"]] == [
        "error",
        "warning",
        "note",
        "warning",
    ]
    results = run["results"]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert [r["level"] for r in results] == ["error", "warning", "note", "error"]
    assert results[0]["message"]["text"] == TRICKY_MESSAGE
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "news/with%20space.md"
    assert location["region"] == {
        "startLine": 2,
        "startColumn": 8,
        "endLine": 2,
        "endColumn": 12,
    }
    assert results[0]["properties"]["pointer"] == "/title"
    assert "fixes" not in results[0]
    (fix,) = results[1]["fixes"]
    assert fix["description"]["text"] == "Replace with ’"
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "news/with%20space.md"
    assert change["replacements"] == [
        {
            "deletedRegion": {
                "startLine": 3,
                "startColumn": 10,
                "endLine": 3,
                "endColumn": 13,
            },
            "insertedContent": {"text": "’"},
        }
    ]
    assert results[2]["locations"][0]["physicalLocation"]["artifactLocation"][
        "uri"
    ] == ("a,b%3Ac.md")
    stdin = results[3]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert stdin == {"description": {"text": "standard input"}}
    prints = [r["partialFingerprints"]["fmlint/v1"] for r in results]
    assert len(set(prints)) == len(prints)


def test_sarif_without_findings_still_lists_rules_and_validates() -> None:
    log = json.loads(render("sarif", make_report([])))
    assert not list(sarif_validator().iter_errors(log))
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(RULES)


# --- junit ---------------------------------------------------------------------------------


def test_junit_parses_and_counts_match() -> None:
    findings = [*sample_findings(), finding(message="bell\x07 and nul\x00 stripped")]
    root = ET.fromstring(render("junit", make_report(findings)))
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == [SPACED, "a,b:c.md", "-"]
    assert int(suite.get("tests")) == len(cases) == int(root.get("tests"))
    assert int(suite.get("failures")) == sum(
        1 for c in cases if c.find("failure") is not None
    )
    assert suite.get("errors") == "0"
    failures = suite.findall("testcase/failure")
    assert len(failures) == len(findings)
    assert failures[0].get("type") == "FM001"
    assert failures[0].get("message") == (
        f"{SPACED}:2:8: FM001 {TRICKY_MESSAGE.replace(RLO, chr(92) + 'u202e')}")
    messages = [failure.get("message") for failure in failures]
    assert f"{SPACED}:2:8: FM001 bell and nul stripped" in messages


def test_junit_without_findings_has_one_passing_case() -> None:
    root = ET.fromstring(render("junit", make_report([])))
    (case,) = root.iter("testcase")
    assert case.get("name") == "fmlint"
    assert list(case) == []
    assert root.find("testsuite").get("failures") == "0"
