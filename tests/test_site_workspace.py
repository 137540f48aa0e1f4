"""The workspace: what checks read from disk, kept until it changes or ``reload`` drops it."""

from __future__ import annotations

import os
from pathlib import Path

from linter.engine.config import Config
from linter.engine.lint import check_text
from linter.lsp.linting import lint_buffer
from linter.site.workspace import Workspace

from .conftest import DATA

RECORD = "---\ncount: '3'\n---\n"


def _same_stamp(path: Path, text: str) -> None:
    """Write ``text`` (of the old text's size) and give the file its old modification time:
    only ``reload`` can tell it changed."""
    info = path.stat()
    assert len(text.encode()) == info.st_size
    path.write_text(text, "utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def _codes(disk: Workspace, folder: Path) -> list[str]:
    record = folder / "a.md"
    config = disk.config_for(str(record), str(folder))
    return [f.code for f in check_text(RECORD, str(record), config,
                                       schemas=disk.schemas).findings]


def test_a_schema_and_a_configuration_are_kept_until_reload(tmp_path: Path) -> None:
    (tmp_path / "schema.json").write_text('{"properties": {"count": {"type": "integer"}}}')
    (tmp_path / "fmlint.toml").write_text('schema = "schema.json"\n')
    disk = Workspace()
    assert _codes(disk, tmp_path) == ["FM010"]
    _same_stamp(tmp_path / "schema.json", '{"properties": {"count": {"type": "string"}}} ')
    assert _codes(disk, tmp_path) == ["FM010"]  # (the same stamps: kept)
    disk.reload()
    assert _codes(disk, tmp_path) == []
    assert _codes(Workspace(), tmp_path) == []  # (a new run reads the files)


def test_refresh_drops_everything_once_a_used_file_changed(tmp_path: Path) -> None:
    (tmp_path / "fmlint.toml").write_text('ignore = ["FM101"]\n')
    record = tmp_path / "a.md"
    disk = Workspace()
    assert disk.config_for(str(record), None).ignore == ["FM101"]
    disk.used([str(tmp_path / "fmlint.toml")])
    assert not disk.refresh()
    (tmp_path / "fmlint.toml").write_text('ignore = ["FM101", "FM102"]\n')
    assert disk.refresh()
    assert disk.config_for(str(record), None).ignore == ["FM101", "FM102"]


def test_an_edited_config_yml_is_read_after_reload(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("timezone: Asia/Tokyo\n")
    record = str(tmp_path / "_posts" / "a.md")
    disk = Workspace()
    assert disk.site_for(record, Config()).timezone == "Asia/Tokyo"
    _same_stamp(tmp_path / "_config.yml", "timezone: Asia/Seoul\n")
    assert disk.site_for(record, Config()).timezone == "Asia/Tokyo"
    disk.reload()
    assert disk.site_for(record, Config()).timezone == "Asia/Seoul"


def test_an_image_is_measured_again_after_reload(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("url: https://site.example\n")
    (tmp_path / "assets").mkdir()
    image = tmp_path / "assets" / "pic.png"
    image.write_bytes((DATA / "images" / "seven-by-five.png").read_bytes())
    disk = Workspace()
    record = str(tmp_path / "_posts" / "a.md")

    def size() -> object:
        deps: list[str] = []
        sizer = disk.image_sizer(disk.site_for(record, Config()), deps)
        assert sizer is not None
        found = sizer("/assets/pic.png", record)
        assert deps == [str(image)]  # (a cached result depends on the image)
        return found

    assert size() == (7, 5)
    image.write_bytes((DATA / "images" / "six-by-three.gif").read_bytes())
    assert size() == (7, 5)
    disk.reload()
    assert size() == (6, 3)


def test_the_editor_reads_the_configuration_of_its_workspace(tmp_path: Path) -> None:
    (tmp_path / "fmlint.toml").write_text('select = ["FM999"]\n')
    disk = Workspace()
    snapshot = lint_buffer(RECORD, 1, str(tmp_path / "a.md"), str(tmp_path), disk)
    assert snapshot.problem is not None and "FM999" in snapshot.problem
    assert disk.take_new_errors() == [snapshot.problem.removeprefix(
        "fmlint configuration error: ")]
    assert disk.take_new_errors() == []  # (each error is shown once)
