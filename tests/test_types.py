"""The package's types check (mypy, configured in pyproject.toml: strict on the core) and its
code lints clean (ruff): each test fails with the tool's own report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    """``python -m`` a tool in the project's folder (where its configuration is)."""
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False)


def test_mypy_finds_no_error() -> None:
    # (about a minute without mypy's cache, as on a fresh machine; seconds with it)
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_no_problem() -> None:
    result = _run("ruff", "check", "linter", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr
