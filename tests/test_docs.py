"""The rule reference: docs/rules.md is current, complete, and `fmlint rule` prints it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from linter.cli.docs import main as docs_main
from linter.cli.docs import reference, rule_markdown
from linter.rules.registry import BY_NAME, load_all

ROOT = Path(__file__).resolve().parent.parent
RULES_DOC = ROOT / "docs" / "rules.md"
FIX_LINES = {
    None: "Fix: none.",
    "safe": "Fix: **safe**",
    "unsafe": "Fix: **unsafe**",
    "sometimes": "Fix: **safe or unsafe, by case**",
}


def test_the_committed_reference_is_current() -> None:
    assert RULES_DOC.read_text("utf-8") == reference(), (
        "docs/rules.md is out of date: run `python -m linter.cli.docs > docs/rules.md`")


def test_every_rule_is_explained_with_its_severity_and_fix() -> None:
    rules = load_all()
    text = reference()
    for code, rule in rules.items():
        page = rule_markdown(rule)
        assert page.startswith(f"# {code} {rule.name}\n"), code
        assert rule.summary and rule.summary.endswith("."), code
        # The docstring explains more than the one-line summary says.
        assert rule.doc != rule.summary and len(rule.doc) >= 80, f"{code} has no explanation"
        assert f"Default severity: **{rule.severity}**" in page
        assert FIX_LINES[rule.fix] in page, code
        for option in rule.options:
            assert f"- `{option}` (default " in page, (code, option)
        assert f"\n## {code} {rule.name}\n" in text
        # The table's link reaches the heading (GitHub's anchor for "FM101 mojibake").
        assert f"(#{code.lower()}-{rule.name})" in text


def test_the_reference_lists_rules_in_code_order() -> None:
    headings = re.findall(r"^## (FM\d{3}) ", reference(), re.MULTILINE)
    assert headings == sorted(load_all())


@pytest.mark.parametrize("name", ["FM101", "fm101", "mojibake"])
def test_fmlint_rule_prints_the_documentation(cli, name: str) -> None:
    result = cli(["rule", name])
    assert result.code == 0
    assert result.out == rule_markdown(BY_NAME["mojibake"])
    assert result.out.startswith("# FM101 mojibake\n")
    assert "Metâ€™s" in result.out
    assert result.err == ""


def test_fmlint_rule_with_an_unknown_name(cli) -> None:
    result = cli(["rule", "NOPE"])
    assert result.code == 2
    assert result.out == ""
    assert result.err == "fmlint: no rule 'NOPE'; 'fmlint rules' lists them\n"


def test_docs_check_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    current = tmp_path / "rules.md"
    current.write_text(reference(), "utf-8")
    assert docs_main(["--check", str(current)]) == 0
    stale = tmp_path / "stale.md"
    stale.write_text(reference().replace("mojibake", "mojibak", 1), "utf-8")
    assert docs_main(["--check", str(stale)]) == 1
    assert f"run: python -m linter.cli.docs > {stale}" in capsys.readouterr().err
    assert docs_main(["--bogus"]) == 2


def test_python_m_linter_docs_prints_the_reference() -> None:
    done = subprocess.run([sys.executable, "-m", "linter.cli.docs"], capture_output=True,
                          cwd=ROOT, check=False)
    assert done.returncode == 0
    assert done.stdout.decode("utf-8") == reference()
