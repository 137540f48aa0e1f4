"""Reading a record's bytes whole: regular and empty files, pipes, missing files."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from linter.files import read_whole

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

