"""Reading a record's bytes whole: regular and empty files, pipes, missing files."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from linter.files import ReadRefused, read_whole

from .conftest import SEED


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
    with pytest.raises(ReadRefused, match="outside the checked folders"):
        read_whole(str(site / "leak.md"), roots=[str(site)])
    assert read_whole(str(site / "alias.md"), roots=[str(site)])[1] == b"---\ntitle: A\n---\n"


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"x" * 101)
    with pytest.raises(ReadRefused, match="over fmlint's limit"):
        read_whole(str(path), limit=100)
    assert read_whole(str(path), limit=101)[1] == b"x" * 101
