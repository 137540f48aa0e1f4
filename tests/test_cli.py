"""The commands of the CI jobs in docs/ci.md, run on a copy of examples/, and the progress bar."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from jsonschema.validators import validator_for

ROOT = Path(__file__).resolve().parent.parent
CI_DOC = ROOT / "docs" / "ci.md"
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
GITHUB_LINE = re.compile(
    r"::(error|warning|notice) file=([^,:]+),line=(\d+),col=(\d+),endLine=(\d+),"
    r"endColumn=(\d+),title=(FM\d{3}) [a-z0-9-]+::(.+)")
# The defects examples/README.md describes; every format must carry them (and the same
# findings as the json format).
NEWS = "powerapps-site/_news/"
DOCUMENTED = {
    ("article.md", "FM101"),
    ("powerapps-site/_data/organizations/electrek.co.md", "FM403"),
    (NEWS + "2021-08-26-microsoft-makes-power-apps-changes-following-sensitive-data-exposure-"
     "upguard.md", "FM207"),
    (NEWS + "2021-08-27-microsoft-makes-power-apps-changes-following-asensitive-dataa-exposure-"
     "upguard.md", "FM207"),
    (NEWS + "2021-08-27-microsoft-makes-power-apps-changes-following-asensitive-dataa-exposure-"
     "upguard.md", "FM101"),
    (NEWS + "2021-09-20-hm-group-enables-citizen-development-at-scale-with-microsoft-power-"
     "platform.md", "FM102"),
    (NEWS + "2021-02-16-power-apps-filtering-by-multi-select-sharepoint-columns.md", "FM201"),
}


def ci_commands() -> list[str]:
    """Every `fmlint check` command in the YAML snippets of docs/ci.md."""
    text = CI_DOC.read_text("utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
    found = re.findall(r"^\s*(?:-\s+|run:\s+)(fmlint check\b[^\n#]*)", "\n".join(blocks),
                       re.MULTILINE)
    return [command.strip() for command in found]


def commands_with(fmt: str) -> list[str]:
    return [c for c in ci_commands() if f"--output-format {fmt}" in c]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of examples/ as the current folder, as a CI job sees a checked-out site."""
    copy = tmp_path / "site"
    shutil.copytree(ROOT / "examples", copy)
    monkeypatch.chdir(copy)
    monkeypatch.delenv("FMLINT_OUTPUT_FORMAT", raising=False)
    return copy


@pytest.fixture
def expected(cli, site: Path) -> Counter:
    """(path, code) of every finding, from the json format (without the cache)."""
    result = cli(["check", "--output-format", "json", "--no-cache"])
    assert result.code == 1
    found = Counter((f["path"], f["code"]) for f in json.loads(result.out))
    assert set(found) >= DOCUMENTED
    return found


def run_ci(cli, command: str):
    """Run a documented command in-process; (result, report text)."""
    args = shlex.split(command)
    assert args[:2] == ["fmlint", "check"]
    result = cli(args[1:])
    if "--output-file" in args:
        report = Path(args[args.index("--output-file") + 1]).read_text("utf-8")
        assert result.out == ""  # the report went to the file only
        return result, report
    return result, result.out


def test_the_ci_page_has_the_documented_jobs() -> None:
    commands = ci_commands()
    assert "fmlint check --output-format github" in commands
    assert any("--output-format sarif --output-file fmlint.sarif" in c for c in commands)
    assert any("--output-format gitlab --output-file gl-code-quality.json" in c
               for c in commands)
    assert any("--output-format junit" in c for c in commands)
    text = CI_DOC.read_text("utf-8")
    assert "github/codeql-action/upload-sarif" in text
    assert "codequality: gl-code-quality.json" in text
    assert "https://github.com/OWNER/fmlint" in text and "placeholder" in text


def test_github_annotations(cli, site: Path, expected: Counter) -> None:
    [command] = commands_with("github")
    severity = {(f["path"], f["line"], f["column"], f["code"]): f["severity"]
                for f in json.loads(cli(["check", "--output-format", "json"]).out)}
    result, report = run_ci(cli, command)
    assert result.code == 1  # the step fails on findings
    lines = report.splitlines()
    assert lines
    found: Counter = Counter()
    for line in lines:
        match = GITHUB_LINE.fullmatch(line)
        assert match, line
        kind, path, code = match.group(1), match.group(2), match.group(7)
        assert (site / path).is_file(), path  # relative to the repository, no "./"
        assert kind == {"error": "error", "warning": "warning", "info": "notice"}[
            severity[(path, int(match.group(3)), int(match.group(4)), code)]]
        found[(path, code)] += 1
    assert found == expected


def test_sarif_report_validates_and_holds_every_finding(cli, site: Path,
                                                        expected: Counter) -> None:
    [command] = commands_with("sarif")
    result, report = run_ci(cli, command)
    assert result.code == 0  # --exit-zero: the upload step must still run
    log = json.loads(report)
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    errors = list(validator_for(schema)(schema).iter_errors(log))
    assert not errors, errors[0].message
    results = log["runs"][0]["results"]
    found = Counter(
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"])
        for r in results)
    assert found == expected
    assert all(r["partialFingerprints"] for r in results)


def test_gitlab_code_quality_report(cli, site: Path, expected: Counter) -> None:
    [command] = commands_with("gitlab")
    result, report = run_ci(cli, command)
    assert result.code == 0
    issues = json.loads(report)
    assert isinstance(issues, list)
    found: Counter = Counter()
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity",
                              "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        path = issue["location"]["path"]
        assert (site / path).is_file(), path
        assert isinstance(issue["location"]["lines"]["begin"], int)
        found[(path, issue["check_name"])] += 1
    assert found == expected
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_junit_report(cli, site: Path, expected: Counter) -> None:
    [command] = commands_with("junit")
    result, report = run_ci(cli, command)
    assert result.code == 1  # this step decides the job's status
    root = ET.fromstring(report.encode("utf-8"))
    cases = root.findall(".//testcase")
    failing = {case.get("name"): len(case.findall("failure")) for case in cases}
    per_file: Counter = Counter()
    for (path, _code), count in expected.items():
        per_file[path] += count
    assert failing == dict(per_file)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("failures") == str(len(per_file))


def test_the_second_run_reads_the_cache_and_reports_the_same(cli, site: Path,
                                                             expected: Counter) -> None:
    first = cli(["check", "--output-format", "json"])
    assert list((site / ".fmlint_cache").glob("results.sqlite3"))
    second = cli(["check", "--output-format", "json"])
    assert json.loads(first.out) == json.loads(second.out)
    assert Counter((f["path"], f["code"]) for f in json.loads(second.out)) == expected


# -- progress ----------------------------------------------------------------------------

BAR_THRESHOLD = 200  # fmlint shows a bar for runs of more files than this


@pytest.fixture
def many_records(tmp_path: Path) -> Path:
    folder = tmp_path / "_posts"
    folder.mkdir()
    for n in range(BAR_THRESHOLD + 1):
        (folder / f"2024-01-{n % 28 + 1:02d}-post-{n}.md").write_text(
            f"---\ntitle: Post {n}\n---\n", "utf-8")
    return folder


def test_no_progress_bar_when_stderr_is_not_a_terminal(cli, many_records: Path) -> None:
    result = cli(["check", str(many_records), "--no-cache", "--select", "FM101"])
    assert result.code == 0
    assert f"({BAR_THRESHOLD + 1} files)" in result.out
    assert result.err == ""


@pytest.mark.skipif(os.name != "posix", reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal(many_records: Path) -> None:
    import pty

    def run(*extra: str) -> tuple[int, str]:
        primary, secondary = pty.openpty()
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "linter", "check", str(many_records), "--no-cache",
                 "--select", "FM101", *extra],
                stdout=subprocess.DEVNULL, stderr=secondary, stdin=subprocess.DEVNULL,
                cwd=many_records.parent)
            os.close(secondary)
            chunks = []
            while True:
                try:
                    data = os.read(primary, 65536)
                except OSError:  # the terminal closed: the process ended
                    break
                if not data:
                    break
                chunks.append(data)
            return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")
        finally:
            os.close(primary)

    total = BAR_THRESHOLD + 1
    code, err = run()
    assert code == 0
    assert re.search(rf"\r\[#* *\] \d+/{total} files", err), err[:200]
    assert f"\r[{'#' * 25}] {total}/{total} files" in err
    assert err.endswith("\r")  # the bar is wiped when the run ends
    code, err = run("--no-progress")
    assert code == 0
    assert err == ""


@pytest.mark.skipif(os.name != "posix", reason="closes a file descriptor")
def test_a_closed_standard_output_is_no_traceback(tmp_path: Path) -> None:
    """Started with standard output closed (``fmlint check ... >&-``): the report goes
    nowhere, the exit status still says what was found."""
    from .conftest import SEED

    result = subprocess.run(
        [sys.executable, "-m", "linter", "check", str(SEED), "--no-cache"],
        stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path, text=True,
        preexec_fn=lambda: os.close(1), timeout=120, check=False)
    assert result.returncode == 1  # the seed's one warning
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(os.name != "posix", reason="removes the folder it runs in")
def test_a_removed_current_folder_is_said_plainly(tmp_path: Path) -> None:
    from .conftest import SEED

    gone = tmp_path / "gone"
    gone.mkdir()
    script = (f"import os, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); "
              f"from linter.cli.main import main; sys.exit(main(['check', {str(SEED)!r}]))")
    result = subprocess.run([sys.executable, "-c", script], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert result.returncode == 2
    assert result.stderr == ("fmlint: the current folder cannot be read (was it removed?): "
                             "No such file or directory\n")


@pytest.mark.skipif(os.name != "posix", reason="a shell pipeline")
@pytest.mark.parametrize("cache", ["--no-cache", "--cache-dir=cache"])
def test_a_reader_that_stops_early_does_not_turn_findings_into_success(tmp_path: Path,
                                                                       cache: str) -> None:
    """``fmlint check | head -1``: the report is cut short, but the exit status still says
    what was found, and a cut report is not kept to be printed again."""
    from .conftest import CORPUS

    command = (f"{shlex.quote(sys.executable)} -m linter check --isolated {cache} "
               f"{shlex.quote(str(CORPUS))} | head -1; echo \"status ${{PIPESTATUS[0]}}\"")
    for _ in range(3):  # (the second and third runs with the cache: stored results)
        result = subprocess.run(["bash", "-c", command], stdin=subprocess.DEVNULL,
                                capture_output=True, cwd=tmp_path, text=True, timeout=300,
                                check=False)
        assert result.stdout.splitlines()[-1] == "status 1"
        assert "Traceback" not in result.stderr
    whole = subprocess.run([sys.executable, "-m", "linter", "check", "--isolated", cache,
                            str(CORPUS)], stdin=subprocess.DEVNULL, capture_output=True,
                           cwd=tmp_path, text=True, timeout=300, check=False)
    assert whole.returncode == 1
    assert re.search(r"^Found \d+ problems", whole.stdout, re.MULTILINE)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("output", ["text", "json"])
def test_a_report_that_cannot_be_written_is_an_error_not_a_traceback(tmp_path: Path,
                                                                     output: str) -> None:
    from .conftest import SEED

    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "linter", "check", str(SEED), "--no-cache",
             "--output-format", output],
            stdin=subprocess.DEVNULL, stdout=full, stderr=subprocess.PIPE, cwd=tmp_path,
            text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert result.stderr == "fmlint: cannot write the report: No space left on device\n"


def test_a_profiler_still_gets_its_data(tmp_path: Path) -> None:
    """fmlint leaves without the interpreter's clean-up, except under a profiler or a
    coverage tool, which write their data at exit."""
    from .conftest import SEED

    profile = tmp_path / "run.prof"
    result = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "linter", "check",
         str(SEED), "--no-cache"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
        cwd=tmp_path, timeout=120, check=False)
    assert "FM101" in result.stdout  # (cProfile ends with its own exit status)
    import pstats

    assert pstats.Stats(str(profile)).total_calls > 0
