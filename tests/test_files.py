"""Reading a record's bytes whole: regular and empty files, pipes, missing files."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from linter.runner.batch import read_checked
from linter.site.files import ReadRefused, read_whole
from linter.site.workspace import Workspace

from .conftest import DATA, SEED


def test_a_regular_file_is_read_whole_with_its_status(tmp_path: Path) -> None:
    data = SEED.read_bytes()
    path = tmp_path / "a.md"
    path.write_bytes(data)
    info, read = read_whole(str(path))
    assert read == data and info.st_size == len(data)
    (tmp_path / "empty.md").write_bytes(b"")
    assert read_whole(str(tmp_path / "empty.md"))[1] == b""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_pipe_is_read_to_its_end(tmp_path: Path) -> None:
    """A pipe's status gives no size: it is read until the writer closes it."""
    data = SEED.read_bytes() * 40  # more than one read takes from a pipe
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as out:
            out.write(data)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    _info, read = read_whole(str(fifo))
    writer.join(10)
    assert read == data


def test_a_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        read_whole(str(tmp_path / "gone.md"))



def test_a_device_is_refused_without_reading(tmp_path: Path) -> None:
    """A link to ``/dev/zero`` committed as a record must not be read (it never ends)."""
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    link = tmp_path / "zero.md"
    link.symlink_to("/dev/zero")
    with pytest.raises(ReadRefused, match="not a regular file"):
        read_whole(str(link))


def test_a_link_out_of_the_roots_is_refused_and_one_inside_is_read(tmp_path: Path) -> None:
    site, outside = tmp_path / "site", tmp_path / "outside"
    site.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("TOKEN=abc\n")
    (site / "real.md").write_text("---\ntitle: A\n---\n")
    (site / "leak.md").symlink_to(outside / "secret.txt")
    (site / "alias.md").symlink_to(site / "real.md")
    for real_folder in (False, True):  # (a link is followed only within, wherever it is)
        with pytest.raises(ReadRefused, match="outside the checked folders"):
            read_whole(str(site / "leak.md"), roots=[str(site)], real_folder=real_folder)
        assert read_whole(str(site / "alias.md"), roots=[str(site)],
                          real_folder=real_folder)[1] == b"---\ntitle: A\n---\n"


def test_a_path_through_a_link_and_back_out_is_not_taken_for_a_real_folder(
        tmp_path: Path) -> None:
    """``site/out/../secret.md`` with ``out`` a link leaves the site: the folder it names is
    where the link leads, not ``site``."""
    site, outside = tmp_path / "site", tmp_path / "elsewhere" / "outside"
    site.mkdir()
    outside.mkdir(parents=True)
    (outside.parent / "secret.md").write_text("TOKEN=abc\n")
    (site / "out").symlink_to(outside)
    with pytest.raises(ReadRefused, match="outside the checked folders"):
        read_checked(str(site / "out" / ".." / "secret.md"), [str(site)], Workspace())


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"x" * 101)
    with pytest.raises(ReadRefused, match="over fmlint's limit"):
        read_whole(str(path), limit=100)
    assert read_whole(str(path), limit=101)[1] == b"x" * 101


# -- what a run reads through links: records, .gitignore, _config.yml, images --------------

SECRET = "TOKEN=ghp_not-a-real-token"


def _site(tmp_path: Path) -> tuple[Path, Path]:
    """A site folder (a git repository) and a folder beside it holding a secret."""
    site, outside = tmp_path / "site", tmp_path / "outside"
    (site / ".git").mkdir(parents=True)
    (site / "_posts").mkdir()
    outside.mkdir()
    (outside / "secret").write_text(f"{SECRET}\n*.md\nurl: https://leak.example\n")
    return site, outside


@pytest.mark.parametrize("form", ["text", "concise", "json", "github", "sarif", "junit",
                                  "gitlab", "json-lines"])
def test_a_record_linked_out_of_the_checked_folders_is_one_finding_without_its_content(
        cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str) -> None:
    site, outside = _site(tmp_path)
    (site / "_posts" / "2024-01-22-leak.md").symlink_to(outside / "secret")
    (site / "_posts" / "2024-01-22-zero.md").symlink_to("/dev/zero")
    monkeypatch.chdir(site)
    for args in (["_posts"], ["_posts/2024-01-22-leak.md", "_posts/2024-01-22-zero.md"]):
        run = cli(["check", "--isolated", "--no-cache", "--output-format", form, *args])
        assert run.code == 1
        assert "ghp_" not in run.out + run.err
        assert "leak.md leads outside the checked folders" in run.out
        assert "zero.md leads outside the checked folders" in run.out
        assert "Traceback" not in run.err


def test_a_record_linked_within_the_checked_folders_is_read(cli, tmp_path: Path,
                                                            monkeypatch) -> None:
    site, _outside = _site(tmp_path)
    (site / "_posts" / "2024-01-22-a.md").write_bytes(SEED.read_bytes())
    (site / "_posts" / "2024-01-23-a.md").symlink_to("2024-01-22-a.md")
    monkeypatch.chdir(site)
    run = cli(["check", "--isolated", "--no-cache", "--output-format", "concise",
               "_posts/2024-01-23-a.md"])
    assert "FM017" not in run.out
    assert "FM101" in run.out


def test_a_gitignore_linked_out_of_the_repository_or_to_a_device_is_not_read(
        tmp_path: Path) -> None:
    from linter.engine.config import Config
    from linter.site.files import discover

    site, outside = _site(tmp_path)
    (site / "_posts" / "a.md").write_text("---\ntitle: A\n---\n")
    (site / ".gitignore").symlink_to(outside / "secret")  # (it says "*.md")
    (site / "_posts" / ".gitignore").symlink_to("/dev/zero")
    assert list(discover([str(site)], Config())) == [str(site / "_posts" / "a.md")]
    (site / ".gitignore").unlink()
    (site / "ignore-these").write_text("*.md\n")
    (site / ".gitignore").symlink_to(site / "ignore-these")  # (a link within: read)
    assert list(discover([str(site)], Config())) == []


def test_a_config_yml_linked_out_of_the_site_is_not_read(tmp_path: Path) -> None:
    from linter.engine.config import Config
    from linter.site.workspace import Workspace

    site, outside = _site(tmp_path)
    (site / "_config.yml").symlink_to(outside / "secret")
    record = str(site / "_posts" / "a.md")
    disk = Workspace()
    found = disk.site_for(record, Config())
    assert (found.root, found.url) == (str(site), None)
    (site / "_config.yml").unlink()
    (site / "settings.yml").write_text("url: https://site.example\n")
    (site / "_config.yml").symlink_to(site / "settings.yml")
    disk.reload()
    assert disk.site_for(record, Config()).url == "https://site.example"


def test_an_image_linked_out_of_the_site_is_not_measured(cli, tmp_path: Path,
                                                         monkeypatch) -> None:
    site, outside = _site(tmp_path)
    (site / "_config.yml").write_text("url: https://site.example\n")
    (site / "assets").mkdir()
    (outside / "pic.png").write_bytes((DATA / "images" / "seven-by-five.png").read_bytes())
    text = SEED.read_text("utf-8").replace(
        "https://ichef.bbci.co.uk/news/1024/branded_news/F739/production/"
        "_132398236_mediaitem110633248.jpg", "/assets/pic.png")
    (site / "_posts" / "2024-01-22-a.md").write_text(text, "utf-8")
    monkeypatch.chdir(site)
    (site / "assets" / "pic.png").symlink_to(outside / "pic.png")
    args = ["check", "--isolated", "--no-cache", "--select", "FM403", "--output-format",
            "concise", "_posts"]
    assert "7×5" not in cli(args).out
    (site / "assets" / "pic.png").unlink()
    (site / "assets" / "pic.png").write_bytes((outside / "pic.png").read_bytes())
    assert "7×5" in cli(args).out


# -- temporaries left by an interrupted --fix ----------------------------------------------


def _left(folder: Path, name: str, age: float) -> Path:
    path = folder / name
    path.write_text("half a fixed record", "utf-8")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_a_later_run_removes_the_stale_temporaries_of_an_interrupted_fix(
        cli, tmp_path: Path, monkeypatch) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2024-01-22-a.md").write_bytes(SEED.read_bytes())
    stale = _left(posts, ".fmlint-k3x_9q2a.tmp", 3600)
    fresh = _left(posts, ".fmlint-abcdefgh.tmp", 1)  # (a run writing it now)
    others = [_left(posts, name, 3600) for name in (
        ".fmlint-notes.tmp", "x.fmlint-k3x_9q2a.tmp", ".fmlint-k3x_9q2a.tmp.bak")]
    cache = tmp_path / ".fmlint_cache"
    cache.mkdir()
    cache_stale = _left(cache, "results-0123abcd.4242.tmp", 3600)
    cache_other = _left(cache, "mine.txt", 3600)
    monkeypatch.chdir(tmp_path)
    run = cli(["check", "--isolated", "_posts"])
    assert run.code == 1
    assert not stale.exists() and not cache_stale.exists()
    assert fresh.exists() and cache_other.exists()
    assert all(path.exists() for path in others)


def test_fixing_a_named_file_removes_the_stale_temporaries_beside_it(
        cli, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "_posts").mkdir()
    record = tmp_path / "_posts" / "2024-01-22-a.md"
    record.write_bytes(SEED.read_bytes())
    record.chmod(0o644)
    stale = _left(tmp_path / "_posts", ".fmlint-00000000.tmp", 120)
    monkeypatch.chdir(tmp_path)
    from linter.site.files import sweep_once

    sweep_once.cache_clear()
    run = cli(["check", "--isolated", "--no-cache", "--fix", "_posts/2024-01-22-a.md"])
    assert "Fixed" in run.out
    assert not stale.exists()
    assert sorted(p.name for p in (tmp_path / "_posts").iterdir()) == ["2024-01-22-a.md"]
