"""Measuring the site's own images from their headers: the sizes the image checks are given
(``linter.checks.images`` and ``svg`` hold the pure checks)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..checks.images import local_image_path
from ..checks.svg import SVG_READ_LIMIT, looks_like_markup, svg_size
from ..rules.context import ImageSizer, Site
from . import files

Size = tuple[int, int] | str | None  # (width, height); "missing"; None: of no known size
Measure = Callable[[str, str], Size]  # (path, site root) -> the image's size
Locate = Callable[[str, str, str | None, str], str | None]  # (url, root, url, baseurl) -> path


class _BoundedReader:
    """A read/seek view of a binary file that stops reading after a byte budget."""

    def __init__(self, handle: Any, budget: int) -> None:
        self._handle = handle
        self._budget = budget

    def read(self, size: int = -1) -> bytes:
        if self._budget <= 0:
            return b""
        want = self._budget if size is None or size < 0 else min(size, self._budget)
        data = self._handle.read(want)
        self._budget -= len(data)
        return bytes(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return int(self._handle.seek(offset, whence))

    def tell(self) -> int:
        return int(self._handle.tell())


READ_BUDGET = 1 << 20  # bytes of header the raster reader may read


def read_image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) in pixels from the file's header, as displayed; None when unknown.

    Raster formats go through `imagesize` (EXIF orientation applied), reading at most
    `READ_BUDGET` bytes. SVG is read here: the root element's width/height (px or absolute
    units), with the viewBox supplying a missing side; an SVG with neither width nor height
    has no intrinsic size and gives None. Only regular files are opened.
    """
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
            return None
        with open(path, "rb") as handle:
            head = handle.read(SVG_READ_LIMIT)
            if looks_like_markup(head):
                return svg_size(head)
            import imagesize

            handle.seek(0)
            width, height = imagesize.get(_BoundedReader(handle, READ_BUDGET))
    except (OSError, ValueError):
        return None
    if not isinstance(width, int) or not isinstance(height, int) or width <= 0 or height <= 0:
        return None
    return width, height


def image_size(path: str, root: str) -> Size:
    """The size of the site's image at ``path``; None for one that is not a regular file
    within the site ``root`` (links resolved), or of no known size."""
    if not os.path.isfile(path):
        return "missing"
    if not files.inside(path, [root]):
        return None
    return read_image_size(Path(path))


def local_path(url: str, root: str, site_url: str | None, baseurl: str) -> str | None:
    """The file of the site at ``root`` that ``url`` names (``local_image_path``), or None."""
    local = local_image_path(url, site_root=Path(root), site_url=site_url, baseurl=baseurl)
    return None if local is None else str(local)


def image_sizer(site: Site, deps: list[str], measure: Measure = image_size,
                locate: Locate = local_path) -> ImageSizer | None:
    """Reads the real size of images the site itself serves (header only); ``measure`` and
    ``locate``: ``image_size`` and ``local_path``, or a workspace's memos of them.

    Every file it looks at is added to ``deps``, so cached results notice a changed image.
    """
    if site.root is None:
        return None
    root = site.root

    def size(url: str, _record_path: str | None) -> Size:
        local = locate(url, root, site.url, site.baseurl)
        if local is None:
            return None
        deps.append(local)
        return measure(local, root)

    return size
