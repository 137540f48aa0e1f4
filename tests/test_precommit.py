"""The pre-commit hooks of .pre-commit-hooks.yaml, installed by the real pre-commit.

A snapshot of this checkout (the package, its schemas and the hook manifest, as they are in
the working tree) becomes a scratch git repository; a second scratch repository uses it as a
hook repository at that commit, the way a site's repository would use fmlint's. pre-commit
builds the hook's Python environment once per session (pip installs fmlint and its
dependencies) under a temporary PRE_COMMIT_HOME.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import SEED

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_NEWS = ROOT / "examples" / "powerapps-site" / "_news"
MOJIBAKE, REPAIRED = "Metâ€™s", "Met’s"
RECORD = "_news/2024-01-22-five-arrests-after-live-facial-recognition.md"

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("pre-commit") is None,
    reason="the pre-commit hook tests need the 'git' and 'pre-commit' commands",
)


def _env(home: Path) -> dict[str, str]:
    """A clean environment: no git settings, hooks or fmlint settings of the caller leak in."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "PRE_COMMIT", "FMLINT_")) and k != "SKIP"}
    env.update(PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", NO_COLOR="1",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a command; its output (stdout and stderr together, as a terminal shows it)."""
    return subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, encoding="utf-8", timeout=300,
                          check=False)


def _git_init(path: Path, env: dict[str, str]) -> None:
    for args in (["git", "init", "-q"], ["git", "config", "user.name", "Records Desk"],
                 ["git", "config", "user.email", "desk@example.org"],
                 ["git", "config", "commit.gpgsign", "false"]):
        assert _run(args, path, env).returncode == 0


@pytest.fixture(scope="session")
def hook_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, hook_home: Path) -> tuple[Path, str]:
    """A git repository holding this checkout's package and hook manifest; (path, commit)."""
    snapshot = tmp_path_factory.mktemp("fmlint-hooks")
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, snapshot / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("linter", "schema"):
        shutil.copytree(ROOT / folder, snapshot / folder, ignore=ignore)
    env = _env(hook_home)
    _git_init(snapshot, env)
    assert _run(["git", "add", "-A"], snapshot, env).returncode == 0
    assert _run(["git", "commit", "-q", "-m", "snapshot"], snapshot, env).returncode == 0
    sha = _run(["git", "rev-parse", "HEAD"], snapshot, env).stdout.strip()
    return snapshot, sha


@pytest.fixture
def site(tmp_path: Path, hook_repo: tuple[Path, str], hook_home: Path):
    """A site repository with the hooks installed; site(hook_ids) -> (path, env)."""

    def make(*hooks: str) -> tuple[Path, dict[str, str]]:
        repo, sha = hook_repo
        env = _env(hook_home)
        _git_init(tmp_path, env)
        config = {"repos": [{"repo": str(repo), "rev": sha,
                             "hooks": [{"id": hook} for hook in hooks]}]}
        (tmp_path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), "utf-8")
        done = _run(["pre-commit", "install", "--install-hooks"], tmp_path, env)
        assert done.returncode == 0, done.stdout
        return tmp_path, env

    return make


def _commit(path: Path, env: dict[str, str], *files: str) -> subprocess.CompletedProcess[str]:
    assert _run(["git", "add", "--", *files], path, env).returncode == 0
    return _run(["git", "commit", "-m", "Add records"], path, env)


def _has_commit(path: Path, env: dict[str, str]) -> bool:
    return _run(["git", "rev-parse", "--verify", "-q", "HEAD"], path, env).returncode == 0


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def test_manifest_runs_each_hook_once_over_all_staged_records() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"fmlint", "fmlint-fix"}
    assert hooks["fmlint"]["entry"].split()[:2] == ["fmlint", "check"]
    assert "--fix" in hooks["fmlint-fix"]["entry"].split()
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["require_serial"] is True  # duplicate-record compares the whole batch
        assert "--no-progress" in hook["entry"].split()


@pytest.mark.parametrize(("command", "name"), [
    ("validate-manifest", ".pre-commit-hooks.yaml"),
    ("validate-config", ".pre-commit-config.yaml"),
])
def test_pre_commit_accepts_the_files(command: str, name: str, hook_home: Path) -> None:
    done = _run(["pre-commit", command, str(ROOT / name)], ROOT, _env(hook_home))
    assert done.returncode == 0, done.stdout


def test_a_record_with_mojibake_is_refused(site) -> None:
    path, env = site("fmlint")
    _write(path / RECORD, SEED.read_text("utf-8"))
    done = _commit(path, env, RECORD)
    output = done.stdout
    assert done.returncode != 0
    assert f"{RECORD}:49:33: FM101" in output
    assert MOJIBAKE in output
    assert not _has_commit(path, env)


def test_a_clean_record_is_committed(site) -> None:
    path, env = site("fmlint")
    _write(path / RECORD, SEED.read_text("utf-8").replace(MOJIBAKE, REPAIRED))
    done = _commit(path, env, RECORD)
    assert done.returncode == 0, done.stdout
    assert "fmlint" in done.stdout and "Passed" in done.stdout
    assert _has_commit(path, env)


def test_the_fix_hook_repairs_the_record_and_stops_the_commit(site) -> None:
    path, env = site("fmlint-fix")
    seed = SEED.read_text("utf-8")
    _write(path / RECORD, seed)
    done = _commit(path, env, RECORD)
    assert done.returncode != 0  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in done.stdout
    assert not _has_commit(path, env)
    # Only the mis-decoded text changed, in place.
    assert (path / RECORD).read_text("utf-8") == seed.replace(MOJIBAKE, REPAIRED)
    again = _commit(path, env, RECORD)
    assert again.returncode == 0, again.stdout
    assert _has_commit(path, env)


def test_only_markdown_records_are_given_to_the_hook(site) -> None:
    path, env = site("fmlint")
    bad = SEED.read_text("utf-8")
    _write(path / "notes.txt", bad)  # not Markdown: not the hook's business
    done = _commit(path, env, "notes.txt")
    assert done.returncode == 0, done.stdout
    assert "no files to check" in done.stdout
    _write(path / "_news" / "2024-01-22-card.mdx", bad)  # MDX records are checked
    done = _commit(path, env, "_news/2024-01-22-card.mdx")
    assert done.returncode != 0
    assert "_news/2024-01-22-card.mdx:49:33: FM101" in done.stdout


def test_a_story_staged_twice_is_found_across_files(site) -> None:
    path, env = site("fmlint")
    names = sorted(p.name for p in EXAMPLE_NEWS.glob("*.md"))
    for name in names:
        shutil.copy2(EXAMPLE_NEWS / name, path / name)
    # Four more stories (clean, distinct): with nine files, pre-commit would split a
    # non-serial hook's file list into several fmlint runs on any machine with 2 to 32 cores,
    # with the two copies of the story in different runs (its split is deterministic).
    clean = SEED.read_text("utf-8").replace(MOJIBAKE, REPAIRED)
    for n in range(4):
        name = f"_news/2024-01-22-story-{n}.md"
        _write(path / name, clean.replace("68062080", f"680630{n:02d}"))
        names.append(name)
    done = _commit(path, env, *names)
    assert done.returncode != 0
    first = "2021-08-26-microsoft-makes-power-apps-changes-following-sensitive-data-exposure-"
    second = "2021-08-27-microsoft-makes-power-apps-changes-following-asensitive-dataa-exposure-"
    lines = [line for line in done.stdout.splitlines() if " FM207 " in line]
    assert len(lines) == 2, done.stdout
    assert lines[0].startswith(first) and second in lines[0]
    assert lines[1].startswith(second) and first in lines[1]


def test_a_readme_beside_the_records_does_not_block_the_commit(site) -> None:
    path, env = site("fmlint")
    _write(path / "README.md", "# Our site\n\nHow to add a record.\n")
    _write(path / "_news" / "2024-01-23-draft.md", "# forgot the front matter\n")
    done = _commit(path, env, "README.md", "_news/2024-01-23-draft.md")
    assert done.returncode != 0
    assert "_news/2024-01-23-draft.md:1:1: FM001" in done.stdout
    assert "README.md" not in done.stdout.replace("_news/", "")
    _run(["git", "rm", "-q", "--cached", "_news/2024-01-23-draft.md"], path, env)
    done = _commit(path, env, "README.md")
    assert done.returncode == 0, done.stdout
