"""Shared fixtures: the real corpus and seed record shipped in tests/data, and a CLI runner."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "corpus" / "everyday-powerapps"
SEED = DATA / "seed" / "article.md"
RECORD_FOLDERS = ("_news", "_learning", "_samples")


def article_records() -> list[Path]:
    """Every article record of the corpus (news, learning, samples) and the seed."""
    files = [p for folder in RECORD_FOLDERS for p in sorted((CORPUS / folder).rglob("*.md"))]
    return [*files, SEED]


def organization_records() -> list[Path]:
    return sorted((CORPUS / "_data" / "organizations").glob("*.md"))


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run ``fmlint`` in-process: cli(["check", path], stdin=b"...") -> Run."""
    from linter.cli.main import main

    def run(args: list[str], stdin: bytes | None = None) -> Run:
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr(sys, "stderr", err)
        if stdin is not None:
            fake = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
            monkeypatch.setattr(sys, "stdin", fake)
        code = main(args)
        return Run(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text("utf-8")
