"""The package's architecture: its layers, no cycles, a pure core, and modules a reader can hold."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import linter
from linter import rules

PACKAGE = Path(linter.__file__).parent
ROOT = PACKAGE.parent


def test_the_import_contracts_hold() -> None:
    """Layers, no cycles, a pure core: the contracts in pyproject.toml (import-linter)."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def _defines_rules(path: Path) -> bool:
    """Whether a module registers rules (it imports ``rule`` or ``register`` from the registry)."""
    tree = ast.parse(path.read_text("utf-8"))
    return any(isinstance(node, ast.ImportFrom) and node.module == "registry"
               and {"rule", "register"} & {alias.name for alias in node.names}
               for node in ast.walk(tree))


def test_every_rule_module_is_listed() -> None:
    """A module that defines rules is loaded: it is in ``rules.MODULES``, and nothing else is."""
    defining = {path.stem for path in (PACKAGE / "rules").glob("*.py") if _defines_rules(path)}
    assert defining == set(rules.MODULES)


def test_a_long_module_says_why_at_its_top() -> None:
    """Over 400 lines, a module's docstring says why it is one module ("Long because ...")."""
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text("utf-8")
        lines = text.count("\n")
        if lines > 400 and "Long because" not in (ast.get_docstring(ast.parse(text)) or ""):
            long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not long, "\n".join(long)
