"""A hostile repository: links to devices and to secrets outside it, schemas that lead
there too, URLs that cannot be taken apart, a server that never finishes an answer.

``fmlint check``, ``check --fix`` and ``check --online`` run on it as child processes with
bounded memory: each ends within seconds, without a traceback, with exit status 0 or 1,
writes nothing outside the repository, and shows nothing of the secret.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .test_online import Trickler

ROOT = Path(__file__).resolve().parent.parent
SECRET = "ghp_hostile0secret0token"
MEMORY = 1 << 30  # bytes of address space for the child
RECORD = """---
title: "Q&amp;A: hostile"
type: article
originalUrl: "http://slow.example/story"
webUrl: "http://[::1"
ampWebUrl: "http://a]b/"
images:
  - url: "http://127.0.0.1:{port}/picture.png"
    width: 10
    height: 10
---
Body.
"""
SETTINGS = """[network]
allow-addresses = ["127.0.0.1"]
connect-timeout = 0.5
read-timeout = 0.5
retries = 0
resolve = {{"slow.example:80" = "127.0.0.1:{port}"}}
"""


def _link(path: Path, target: str | Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def _links(repo: Path, secret: Path) -> None:
    """Records, .gitignore files, _config.yml and an image that are links out of the
    repository: to the secret, and to a device that never ends."""
    _link(repo / "_posts" / "2024-01-22-zero.md", "/dev/zero")
    _link(repo / "_posts" / "2024-01-22-leak.md", secret)
    _link(repo / "_posts" / "2024-01-22-environment.md", "/proc/self/environ")
    _link(repo / ".gitignore", "/dev/zero")
    _link(repo / "_posts" / ".gitignore", secret)
    _link(repo / "_config.yml", secret)
    _link(repo / "blog" / "_config.yml", "/dev/zero")
    _link(repo / "assets" / "picture.png", secret)


def _record(repo: Path, name: str, text: str) -> None:
    path = repo / "_posts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def _schema_device(repo: Path, port: int) -> None:
    _record(repo, "2024-01-23-schema.md",
            RECORD.format(port=port).replace("---\n", "---\n$schema: /dev/zero\n", 1))


def _schema_outside(repo: Path, port: int) -> None:
    _record(repo, "2024-01-23-schema.md", RECORD.format(port=port).replace(
        "---\n", "---\n$schema: ../../outside/secret.json\n", 1))


def _long_label(repo: Path, port: int) -> None:
    _record(repo, "2024-01-23-label.md", RECORD.format(port=port).replace(
        "http://slow.example/story", "https://" + "a" * 65536 + ".example/story"))


CASES: dict[str, Callable[[Path, int], None] | None] = {
    "links-and-malformed-urls": None,
    "schema-is-a-device": _schema_device,
    "schema-outside-the-repository": _schema_outside,
    "host-with-a-64k-label": _long_label,
}
COMMANDS = {"check": ["check"], "fix": ["check", "--fix"], "online": ["check", "--online"],
            "add-ignore": ["check", "--add-ignore"]}


@pytest.fixture
def trickler() -> Iterator[Trickler]:
    server = Trickler(b"HTTP/1.1 200 OK\r\n", b"X")  # headers a byte at a time, for ever
    yield server
    server.close()


def _repository(tmp_path: Path, port: int, extra: Callable[[Path, int], None] | None
                ) -> tuple[Path, Path]:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / ".git").mkdir(parents=True)
    outside.mkdir()
    secret = outside / "secret"
    secret.write_text(f"TOKEN={SECRET}\nurl: https://{SECRET}.example\n*.md\n", "utf-8")
    (outside / "secret.json").write_text(  # (its words would be quoted in findings)
        f'{{"type": "object", "required": ["{SECRET}"]}}', "utf-8")
    _links(repo, secret)
    _record(repo, "2024-01-22-story.md", RECORD.format(port=port))
    (repo / "fmlint.toml").write_text(SETTINGS.format(port=port), "utf-8")
    if extra is not None:
        extra(repo, port)
    return repo, outside


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@pytest.mark.skipif(not os.path.exists("/dev/zero") or not os.path.exists(
    "/proc/self/environ"), reason="needs /dev/zero and /proc")
@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_repository_ends_quickly_and_tells_nothing(tmp_path: Path, trickler,
                                                             case: str, command: str):
    extra = CASES[case]
    repo, outside = _repository(tmp_path, trickler.port, extra)
    before = {path: path.read_bytes() for path in outside.iterdir()}
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "FMLINT_SECRET": SECRET}
    result = subprocess.run(
        [sys.executable, "-m", "linter", *COMMANDS[command], "--no-progress"],
        cwd=repo, env=environment, stdin=subprocess.DEVNULL, capture_output=True,
        timeout=60, preexec_fn=_bounded, check=False)
    out, err = (result.stdout.decode("utf-8", "replace"),
                result.stderr.decode("utf-8", "replace"))
    assert "Traceback" not in err, err[-2000:]
    assert result.returncode in (0, 1), err[-2000:]
    assert SECRET not in out + err
    assert {path: path.read_bytes() for path in outside.iterdir()} == before
    story = (repo / "_posts" / "2024-01-22-story.md").read_text("utf-8")
    if command == "fix":
        assert "Q&A: hostile" in story
    elif command == "add-ignore":
        assert "# fmlint: ignore[" in story
    else:
        assert "leads outside the checked folders" in out
