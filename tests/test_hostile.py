"""Hostile input: every file ends quickly, in bounded memory, with a finding and no crash.

Each case goes through ``engine.check_bytes`` and through ``fmlint check`` on a real file.
The largest cases also run the command in a child process whose peak memory is measured.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from linter.engine import lint as engine
from linter.engine.config import Config
from linter.output import Report, render
from linter.rules.finding import Finding
from linter.rules.registry import load_all
from linter.runner.batch import with_sources

from .conftest import SEED

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
SECONDS = 2.0  # processor time for one file; wall time may be up to WALL on a busy machine
WALL = 6.0
PEAK_MB = 300
SEED_BYTES = SEED.read_bytes()
SEED_FRONT = SEED_BYTES[: SEED_BYTES.index(b"\n---\n") + 5]


def _laughs() -> bytes:
    lines = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for level in range(1, 10):
        name, previous = chr(97 + level), chr(96 + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return ("---\n" + "\n".join(lines) + "\n---\n").encode()


def _indented(levels: int) -> bytes:
    return ("---\n" + "".join(" " * i + f"k{i}:\n" for i in range(levels)) + "---\n").encode()


def _indented_cr(levels: int) -> bytes:
    body = "".join("\r" + " " * i + f"k{i}:" for i in range(levels))
    return ("---\na:" + body + " 1\n---\n").encode()


def _alias_chain(links: int) -> bytes:
    """Aliases that each nest the previous one 90 deep: shallow as written, deep when read."""
    lines = ["a0: &a0 1"]
    for k in range(1, links + 1):
        lines.append(f"a{k}: &a{k} " + "[" * 90 + f"*a{k - 1}" + "]" * 90)
    return ("---\n" + "\n".join(lines) + "\n---\n").encode()


def _indentless(levels: int) -> bytes:
    """Keys holding indentless lists of keys: two levels deeper for every two columns."""
    body = "".join(" " * (2 * i) + f"- k{i}:\n" for i in range(levels))
    return ("---\nk:\n" + body + " " * (2 * levels) + "- 1\n---\n").encode()


@dataclass(frozen=True)
class Case:
    name: str
    data: Callable[[], bytes]
    code: str  # the finding the file must give
    line: int | None = None  # where it must be, when that is known


CASES = [
    Case("billion-laughs", _laughs, "FM006", 2),
    Case("deep-flow-sequences", lambda: b"---\nx: " + b"[" * 100_000 + b"]" * 100_000 + b"\n---\n",
         "FM006", 2),
    Case("deep-flow-mappings",
         lambda: b"---\nx: " + b"{a: " * 100_000 + b"1" + b"}" * 100_000 + b"\n---\n",
         "FM006", 2),
    Case("deep-block-sequence", lambda: b"---\nx:\n" + b"- " * 100_000 + b"1\n---\n", "FM006", 2),
    Case("deep-indentation", lambda: _indented(1400), "FM006", 2),
    # YAML breaks lines at CR too, inside front matter delimited by LF
    Case("deep-indentation-cr-breaks", lambda: _indented_cr(700), "FM006", 2),
    Case("wide-flow-sequence", lambda: b"---\nx: [" + b"1," * 1_000_000 + b"1]\n---\n",
         "FM006", 2),
    Case("wide-block-sequence", lambda: b"---\nx:\n" + b"- a\n" * 500_000 + b"---\n", "FM006", 2),
    Case("scalar-20mb", lambda: b"---\ntitle: " + b"a" * (20 * MB) + b"\n---\n", "FM006", 2),
    Case("front-matter-50mb",
         lambda: b"---\ntitle: a\n" + b"# a comment line\n" * (50 * MB // 17) + b"---\n",
         "FM006", 2),
    Case("body-50mb", lambda: SEED_FRONT + b"A line of the body.\n" * (50 * MB // 20), "FM101", 49),
    Case("binary", lambda: bytes(range(256)) * 64, "FM003", 3),  # 0x80, after \n and \r
    Case("png", lambda: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 4, "FM003", 1),
    Case("nul-in-front-matter", lambda: b"---\ntitle: a\0b\n---\n", "FM004", 2),
    Case("nul-in-body", lambda: SEED_FRONT + b"body\0with a NUL\n", "FM101", 49),
    Case("invalid-utf8", lambda: b"---\ntitle: caf\xe9\n---\n", "FM003", 2),
    Case("utf16-le-bom", lambda: "---\ntitle: a\n---\n".encode("utf-16"), "FM003", 1),
    Case("utf16-be-bom", lambda: b"\xfe\xff" + "---\ntitle: a\n---\n".encode("utf-16-be"),
         "FM003", 1),
    Case("utf16-le", lambda: "---\ntitle: a\n---\n".encode("utf-16-le"), "FM003", 1),
    Case("utf16-be", lambda: "---\ntitle: a\n---\n".encode("utf-16-be"), "FM003", 1),
    Case("cr-only", lambda: SEED_BYTES.replace(b"\n", b"\r"), "FM002", 1),
    Case("only-dashes", lambda: b"---", "FM002", 1),
    Case("only-dashes-line", lambda: b"---\n", "FM002", 1),
    Case("empty", lambda: b"", "FM001", 1),
    Case("body-with-dashes", lambda: SEED_FRONT + b"\nIntro\n---\n\nMore\n\n---\n...\n---\n",
         "FM101", 49),
    Case("recursive-sequence", lambda: b"---\na: &a [*a]\n---\n", "FM006", 2),
    Case("recursive-mapping", lambda: b"---\na: &a {b: *a}\n---\n", "FM006", 2),
    Case("recursive-merge", lambda: b"---\na: &a {<<: *a}\n---\n", "FM006", 2),
    Case("recursive-root", lambda: b"---\n&a [*a]\n---\n", "FM006", 2),
    Case("alias-chain-deep", lambda: _alias_chain(8), "FM006", 2),
    Case("indentless-deep", lambda: _indentless(98), "FM006", 2),
]
BIG = {"front-matter-50mb", "body-50mb", "scalar-20mb"}


def _check(data: bytes) -> tuple[list[Finding], float]:
    """Findings and processor seconds (wall time is asserted too, more loosely)."""
    started, wall = time.process_time(), time.perf_counter()
    config = Config(default_schema="article")  # (the schema's explanations are tested too)
    findings = engine.check_bytes(data, "_news/hostile.md", config).findings
    assert time.perf_counter() - wall < WALL
    return findings, time.process_time() - started


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_engine_ends_quickly_with_a_finding(case: Case) -> None:
    findings, seconds = _check(case.data())
    assert seconds < SECONDS, f"{case.name} took {seconds:.2f} s"
    assert [f for f in findings if f.code == "FM009"] == []
    hits = [f for f in findings if f.code == case.code]
    assert hits, [f.code for f in findings]
    if case.line is not None:
        assert hits[0].line == case.line


@pytest.mark.parametrize("case", [c for c in CASES if c.name not in BIG], ids=lambda c: c.name)
def test_command_reports_without_traceback(case: Case, tmp_path: Path, cli) -> None:
    path = tmp_path / "_news" / f"{case.name}.md"
    path.parent.mkdir()
    path.write_bytes(case.data())
    run = cli(["check", "--isolated", "--no-cache", "--output-format", "concise", str(path)])
    assert run.code == 1, run.out + run.err
    assert "Traceback" not in run.err
    assert f" {case.code} " in run.out
    assert path.read_bytes() == case.data()


# The child limits itself first, so a runaway stops: 4 s of processor time, 3 GB of memory.
# It writes its own peak memory where FMLINT_TEST_PEAK says, as it exits: ru_maxrss would
# also count the test process's peak, which Linux carries over into a child it starts.
_LIMITED = """
import atexit, os, resource, runpy, sys
resource.setrlimit(resource.RLIMIT_CPU, (4, 4))
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

def own_peak():
    try:
        with open("/proc/self/status") as status:
            kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
        with open(os.environ["FMLINT_TEST_PEAK"], "w") as out:
            out.write(kb)
    except (OSError, KeyError, StopIteration):
        pass

atexit.register(own_peak)
quick_exit = os._exit
os._exit = lambda status: (own_peak(), quick_exit(status))
mode, target, *rest = sys.argv[1:]
if mode == "-m":
    sys.argv = [target, *rest]
    runpy.run_module(target, run_name="__main__", alter_sys=True)
else:
    sys.argv = ["-c", *rest]
    exec(compile(target, "<child>", "exec"), {"__name__": "__main__"})
"""


def _run_child(args: list[str], tmp_path: Path) -> tuple[int, float, float, str, str]:
    """Run ``python -m ...`` or ``python -c ...`` in a child: its exit code, processor
    seconds, peak memory (MB), stdout and stderr."""
    out, err = tmp_path / "child.out", tmp_path / "child.err"
    peak_file = tmp_path / "child.peak"
    started = time.perf_counter()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        child = subprocess.Popen([sys.executable, "-c", _LIMITED, *args], cwd=ROOT,
                                 stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                                 env={**os.environ, "FMLINT_TEST_PEAK": str(peak_file)})
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    assert time.perf_counter() - started < 3 * WALL
    seconds = usage.ru_utime + usage.ru_stime
    peak_kb = int(peak_file.read_text()) if peak_file.exists() else usage.ru_maxrss
    return (child.returncode, seconds, peak_kb / 1024, out.read_text("utf-8", "replace"),
            err.read_text("utf-8", "replace"))


_ENGINE_CHILD = """
import json, resource, sys, time
from linter.engine import lint as engine
from linter.engine.config import Config

def peak_kb():  # (VmHWM: this process's own; ru_maxrss may hold its parent's)
    try:
        with open("/proc/self/status") as status:
            return int(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

data = open(sys.argv[1], "rb").read()
engine.check_bytes(b"---\\ntitle: warm\\n---\\n", "x.md", Config())
base = peak_kb()
started = time.process_time()
findings = engine.check_bytes(data, "_news/hostile.md", Config(default_schema="article")).findings
print(json.dumps({"seconds": time.process_time() - started, "codes": [f.code for f in findings],
                  "grew_mb": (peak_kb() - base) / 1024}))
"""


def test_a_record_expanded_by_aliases_is_explained_in_bounded_memory(tmp_path: Path) -> None:
    """A billion-laughs record (100,000 values, most of them shared) that fails its schema:
    its failures are explained without a copy of the record per failure."""
    path = tmp_path / "laughs.md"
    path.write_bytes(_laughs())
    code, _seconds, _peak, out, err = _run_child(["-c", _ENGINE_CHILD, str(path)], tmp_path)
    assert code == 0, err
    result = json.loads(out)
    assert {"FM006", "FM018"} <= set(result["codes"])
    assert result["grew_mb"] < 64


@pytest.mark.parametrize("name", sorted(BIG))
def test_big_files_in_bounded_memory(name: str, tmp_path: Path) -> None:
    """The engine's own peak on top of holding the file's bytes stays within a few copies."""
    case = next(c for c in CASES if c.name == name)
    data = case.data()
    path = tmp_path / "big.md"
    path.write_bytes(data)
    code, _seconds, peak, out, err = _run_child(["-c", _ENGINE_CHILD, str(path)], tmp_path)
    assert code == 0, err
    result = json.loads(out)
    assert case.code in result["codes"]
    assert "FM009" not in result["codes"]
    assert result["seconds"] < SECONDS
    assert peak < PEAK_MB, f"peak {peak:.0f} MB"
    assert result["grew_mb"] < 4 * len(data) / MB + 20


def _largest_scalar(key: str, unit: str) -> bytes:
    """The seed with one value as long as the front matter limit allows."""
    room = 2 * MB - len(SEED_FRONT) - 4096
    value = (unit * (room // len(unit) + 1))[:room]
    lines = SEED_BYTES.decode().split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
    lines[at] = f'{key}: "{value.strip()}"'
    return "\n".join(lines).encode()


@pytest.mark.parametrize("key,unit", [
    ("title", "a"),
    ("publishedDateTime", "2024"),
    ("title", "lorem ipsum  "),
    ("webUrl", "a"),
    ("webUrl", "lorem ipsum "),
], ids=["title", "time", "title-spaces", "url", "url-spaces"])
def test_largest_accepted_scalar(key: str, unit: str, tmp_path: Path) -> None:
    data = _largest_scalar(key, unit)
    path = tmp_path / "largest.md"
    path.write_bytes(data)
    code, _seconds, peak, out, err = _run_child(["-c", _ENGINE_CHILD, str(path)], tmp_path)
    assert code == 0, err[-2000:]
    result = json.loads(out)
    assert "FM006" not in result["codes"]  # accepted, so every rule ran over it
    assert "FM009" not in result["codes"]
    assert result["seconds"] < SECONDS
    assert peak < PEAK_MB, f"peak {peak:.0f} MB"


@pytest.mark.parametrize("name,fmt", [
    ("body-50mb", "concise"),
    ("front-matter-50mb", "concise"),
    ("scalar-20mb", "concise"),
    ("body-50mb", "text"),
    ("front-matter-50mb", "text"),
    ("scalar-20mb", "text"),
])
def test_big_files_through_the_command(name: str, fmt: str, tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == name)
    path = tmp_path / "_news" / "big.md"
    path.parent.mkdir()
    path.write_bytes(case.data())
    code, seconds, peak, out, err = _run_child(
        ["-m", "linter", "check", "--isolated", "--no-cache", "--output-format", fmt,
         str(path)], tmp_path)
    assert code == 1, err[-2000:]
    assert "Traceback" not in err
    assert f" {case.code} " in out
    assert peak < PEAK_MB, f"peak {peak:.0f} MB"
    assert seconds < SECONDS + 1.0  # the interpreter's start-up on top


def test_laughs_report_later_keys_in_place() -> None:
    """Past the expansion limit, keys after the bomb are still reported on their own lines."""
    findings, _ = _check(_laughs())
    unknown = {f.pointer: f.line for f in findings if f.code == "FM018"}
    assert unknown == {f"/{chr(97 + i)}": i + 2 for i in range(10)}
    assert any("billion laughs" in f.message for f in findings if f.code == "FM006")


def test_depth_limit_message() -> None:
    findings, _ = _check(CASES[1].data())
    assert [f.code for f in findings] == ["FM006"]
    assert "more than 100 deep" in findings[0].message


def test_wide_front_matter_is_refused_before_it_is_built() -> None:
    findings, _ = _check(b"---\nx: [" + b"1," * 200_000 + b"1]\n---\n")
    assert [f.code for f in findings] == ["FM006"]
    assert "100,000 values" in findings[0].message


def test_cr_only_file_says_why() -> None:
    findings, _ = _check(SEED_BYTES.replace(b"\n", b"\r"))
    assert [f.code for f in findings] == ["FM002"]
    assert "CR" in findings[0].message


def test_utf16_without_bom_is_an_encoding_problem() -> None:
    for data in ("---\ntitle: a\n---\n".encode("utf-16-le"),
                 "---\ntitle: a\n---\n".encode("utf-16-be")):
        findings, _ = _check(data)
        assert [f.code for f in findings] == ["FM003"]
        assert "UTF-16" in findings[0].message


def test_invalid_utf8_points_at_the_byte() -> None:
    findings, _ = _check(b"---\ntitle: caf\xe9\n---\n")
    assert [(f.code, f.line, f.column) for f in findings] == [("FM003", 2, 11)]
    assert "0xe9" in findings[0].message


def test_body_with_dashes_is_only_the_seed_defect() -> None:
    findings, _ = _check(SEED_FRONT + b"\nIntro\n---\n\nMore\n---\n")
    assert [(f.code, f.pointer) for f in findings] == [("FM101", "/related/1/excerpt")]


# -- tags that ask for Python objects ------------------------------------------------------

CALLS: list[str] = []


def tripwire(*args: object) -> str:
    """A function a hostile tag names; calling it leaves a trace."""
    CALLS.append(repr(args))
    return "called"


class Tripwire:
    def __init__(self, *args: object) -> None:
        CALLS.append("constructed")

    def __setstate__(self, state: object) -> None:
        CALLS.append("state")


def _python_tags(folder: Path) -> bytes:
    return f"""---
title: !!python/object/apply:os.mkdir ["{folder}/made-by-mkdir"]
excerpt: !!python/object/apply:os.system ["touch {folder}/made-by-system"]
category: !!python/object/apply:builtins.exec ["open('{folder}/made-by-exec', 'w').close()"]
type: !!python/object/apply:tests.test_hostile.tripwire ["apply"]
heat: !!python/object/new:tests.test_hostile.Tripwire [1]
quality: !!python/object:tests.test_hostile.Tripwire {{a: 1}}
published: !!python/name:tests.test_hostile.tripwire
provider: !!python/module:this
webUrl: !python/object/apply:os.mkdir ["{folder}/made-by-local-tag"]
---
""".encode()


def test_python_tags_construct_nothing(tmp_path: Path) -> None:
    # The payload works: an unsafe loader does create the folder (so this test can fail).
    probe = tmp_path / "probe"
    probe.mkdir()
    yaml.unsafe_load(f'x: !!python/object/apply:os.mkdir ["{probe}/made-by-mkdir"]')
    assert (probe / "made-by-mkdir").is_dir()

    target = tmp_path / "target"
    target.mkdir()
    CALLS.clear()
    imported = "this" in sys.modules
    findings, seconds = _check(_python_tags(target))
    assert seconds < SECONDS
    assert list(target.iterdir()) == []
    assert CALLS == []
    assert ("this" in sys.modules) == imported
    tagged = {f.pointer for f in findings if f.code == "FM007"}
    assert tagged == {"/title", "/excerpt", "/category", "/type", "/heat", "/quality",
                      "/published", "/provider", "/webUrl"}
    assert all(f.code != "FM009" for f in findings)


def test_python_tags_through_the_command(tmp_path: Path, cli) -> None:
    target = tmp_path / "target"
    target.mkdir()
    path = tmp_path / "tagged.md"
    path.write_bytes(_python_tags(target))
    CALLS.clear()
    run = cli(["check", "--isolated", "--no-cache", str(path)])
    assert run.code == 1
    assert "Traceback" not in run.err
    assert run.out.count(" FM007 ") == 9
    assert list(target.iterdir()) == []
    assert CALLS == []


def test_peak_memory_measure_sees_growth(tmp_path: Path) -> None:
    """The child-process measure used above reports a large allocation as such."""
    code, _s, peak, _out, err = _run_child(["-c", "b = bytearray(400 * 1024 * 1024)"], tmp_path)
    assert code == 0, err
    assert peak > 400
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0


# -- Trojan source: bidirectional controls ------------------------------------------------

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
TROJAN_TITLE = "Cory\u202edon\u2066: Five\u2069 arr\u202aests\u202c in \u202b\u202d\u2067\u2068"


def _trojan_report(path: str) -> tuple[str, Report]:
    text = SEED_BYTES.decode().replace('title: "Corydon', f'title: "{TROJAN_TITLE}', 1)
    findings = with_sources(engine.check_text(text, path, Config()).findings, text)
    return text, Report(findings=findings, rules=load_all(), files_checked=1)


def test_bidi_controls_in_a_title_are_reported() -> None:
    _text, report = _trojan_report("_news/trojan.md")
    bidi = [f for f in report.findings if f.code == "FM104"]
    assert [(f.pointer, f.line, f.column) for f in bidi] == [("/title", 3, 13)]
    assert "U+202E" in bidi[0].message


@pytest.mark.parametrize("fmt", ["text", "concise", "github", "junit", "json", "json-lines",
                                 "sarif", "gitlab"])
def test_no_format_prints_bidi_controls_raw(fmt: str) -> None:
    text, report = _trojan_report("_news/trojan.md")
    assert BIDI.search(text)  # the source has them
    out = render(fmt, report)
    assert " FM104 " in out or '"FM104"' in out or 'FM104' in out
    assert BIDI.findall(out) == []
    if fmt in ("json", "sarif", "gitlab"):
        json.loads(out)


@pytest.mark.parametrize("fmt", [
    "text", "concise", "github",
    "junit", "json", "json-lines", "sarif", "gitlab",
])
def test_no_format_prints_a_bidi_file_name_raw(fmt: str) -> None:
    _text, report = _trojan_report("_news/b\u202eidi.md")
    assert BIDI.findall(render(fmt, report)) == []


@pytest.mark.skipif(sys.platform != "linux", reason="needs file names that are not UTF-8")
@pytest.mark.parametrize("fmt", ["text", "concise", "github", "junit", "json", "json-lines",
                                 "sarif", "gitlab"])
def test_every_format_reports_a_file_whose_name_is_not_utf8(cli, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           fmt: str) -> None:
    (tmp_path / "_news").mkdir()
    name = os.fsdecode(b"_news/caf\xe9.md")
    Path(tmp_path / name).write_bytes(SEED_BYTES)
    monkeypatch.chdir(tmp_path)
    result = cli(["check", "_news", "--no-cache", "--output-format", fmt])
    assert result.code == 1 and "Traceback" not in result.err
    if fmt == "sarif":
        (run,) = json.loads(result.out)["runs"]
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in run["results"]}
        assert uris == {"_news/caf%E9.md"}


# -- found by fuzzing and by the property tests ----------------------------------------------


def test_yaml_reader_error_column_counts_characters() -> None:
    """libyaml gives the place of a character YAML cannot hold in UTF-8 bytes."""
    findings, _ = _check("---\ntitle: \U0001f600\u00e9\x1f\n---\n".encode())
    assert [(f.code, f.line, f.column) for f in findings] == [("FM004", 2, 10)]
    findings, _ = _check("---\ncategory: news\ntitle: \u00e9\u00e9\x06\n---\n".encode())
    assert [(f.code, f.line, f.column) for f in findings] == [("FM004", 3, 10)]


def test_error_at_a_crlf_line_end_stays_on_its_line() -> None:
    findings, _ = _check(b"---\r\n*\r\n---\r\n")
    assert [(f.code, f.line, f.column, f.end_line, f.end_column) for f in findings] == [
        ("FM004", 2, 2, 2, 2)]


def test_url_with_many_spaces_is_fixed_in_one_run() -> None:
    from linter.fixer import apply as fixer

    url = "https://example.com/" + " ".join(f"w{i}" for i in range(30))
    text = SEED_BYTES.decode().replace(
        'webUrl: "https://www.bbc.com/news/uk-england-london-68062080"', f'webUrl: "{url}"', 1)

    def check(candidate: str) -> list[Finding]:
        return engine.check_text(candidate, "_news/x.md", Config()).findings

    outcome = fixer.fix_text(text, check, unsafe=True)
    assert not outcome.hit_limit
    assert " " not in outcome.text.split("webUrl: ", 1)[1].split("\n", 1)[0]
    assert fixer.fix_text(outcome.text, check, unsafe=True).text == outcome.text
