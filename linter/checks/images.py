"""Image sizes: a declared size compared with what the image's URL states, and where the
site itself serves an image (a URL mapped to a path under the site's root; nothing is read).
Measuring the site's own image files is ``linter.site.images``'s."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote

if TYPE_CHECKING:
    from fractions import Fraction
from .imageurls import PREFIX, SizeHint, parts_of, scaled, size_hints


class HintVerdict(NamedTuple):
    """How declared width/height compare with what the URL states."""

    agrees: bool
    width: int | None
    height: int | None
    conflict: bool
    message: str


# --- Comparing with declared sizes ---------------------------------------------------------------


def _ratio_close(width: int, height: int, aspect: tuple[int, int], tolerance: float) -> bool:
    """True when width:height is aspect, within a relative tolerance or ±1 pixel of rounding."""
    a, b = aspect
    if abs(width * b / (height * a) - 1) <= tolerance:
        return True
    return abs(round(width * b / a) - height) <= 1 or abs(round(height * a / b) - width) <= 1


def _size_text(width: int | None, height: int | None) -> str:
    if width is not None and height is not None:
        return f"{width}×{height}"
    if width is not None:
        return f"width {width}"
    return f"height {height}"


def _declared_text(width: int | None, height: int | None) -> str:
    if width is not None and height is not None:
        return f"width/height are {width}×{height}"
    if width is not None:
        return f"width is {width}"
    if height is not None:
        return f"height is {height}"
    return "no width/height is declared"


def _sources(hints: list[SizeHint]) -> str:
    return ", ".join(dict.fromkeys(hint.source for hint in hints))


@lru_cache(maxsize=1024, typed=True)  # (records share images: logos, channel art)
def check_declared(
    url: str, width: int | None, height: int | None, *, tolerance: float = 0.01
) -> HintVerdict | None:
    """Compare declared width/height with the sizes the URL states; None when it states none.

    Exact statements must match (a side computed from an aspect ratio may be off by rounding);
    upper bounds are only broken by a larger declared side. `width`/`height` of the verdict are
    what the URL determines, for a fix; None where it does not.
    """
    hints = size_hints(url)
    if not hints:
        return None
    used = [hint for hint in hints if hint.transform] or hints
    exact = [hint for hint in used if hint.exact]
    bounds = [hint for hint in used if not hint.exact]
    widths = {hint.width for hint in exact if hint.width is not None}
    heights = {hint.height for hint in exact if hint.height is not None}
    aspects: set[Fraction] = set()
    if any(hint.aspect is not None for hint in exact):
        from fractions import Fraction  # (imported when needed: start-up stays short)

        aspects = {Fraction(*hint.aspect) for hint in exact if hint.aspect is not None}
    max_w = min((h.width for h in bounds if h.width is not None), default=None)
    max_h = min((h.height for h in bounds if h.height is not None), default=None)

    stated_w = next(iter(widths)) if len(widths) == 1 else None
    stated_h = next(iter(heights)) if len(heights) == 1 else None
    aspect = next(iter(aspects)) if len(aspects) == 1 else None
    aspect_pair = (aspect.numerator, aspect.denominator) if aspect is not None else None
    conflict = (
        len(widths) > 1
        or len(heights) > 1
        or len(aspects) > 1
        or (
            stated_w is not None
            and stated_h is not None
            and aspect_pair is not None
            and not _ratio_close(stated_w, stated_h, aspect_pair, tolerance)
        )
        or (stated_w is not None and max_w is not None and stated_w > max_w)
        or (stated_h is not None and max_h is not None and stated_h > max_h)
    )
    if conflict:
        return HintVerdict(
            False, None, None, True, f"URL states sizes that disagree ({_sources(used)})"
        )

    derived_w = derived_h = False
    if aspect_pair is not None:
        a, b = aspect_pair
        if stated_w is not None and stated_h is None:
            stated_h, derived_h = scaled(stated_w, b / a), True
        elif stated_h is not None and stated_w is None:
            stated_w, derived_w = scaled(stated_h, a / b), True

    problems = []
    if (
        width is not None
        and stated_w is not None
        and width != stated_w
        and not (
            derived_w
            and aspect_pair
            and stated_h
            and width > 0
            and _ratio_close(width, stated_h, aspect_pair, tolerance)
        )
    ):
        problems.append("width")
    if (
        height is not None
        and stated_h is not None
        and height != stated_h
        and not (
            derived_h
            and aspect_pair
            and stated_w
            and height > 0
            and _ratio_close(stated_w, height, aspect_pair, tolerance)
        )
    ):
        problems.append("height")
    if (
        stated_w is None
        and stated_h is None
        and aspect_pair is not None
        and width is not None
        and height is not None
        and (width <= 0 or height <= 0 or not _ratio_close(width, height, aspect_pair, tolerance))
    ):
        problems.append("aspect")
    if max_w is not None and width is not None and width > max_w:
        problems.append("max_w")
    if max_h is not None and height is not None and height > max_h:
        problems.append("max_h")

    said = []
    if stated_w is not None or stated_h is not None:
        said.append(_size_text(stated_w, stated_h))
    elif aspect_pair is not None:
        said.append(f"aspect {aspect_pair[0]}:{aspect_pair[1]}")
    if stated_w is None and max_w is not None:
        said.append(f"at most {max_w} wide")
    if stated_h is None and max_h is not None:
        said.append(f"at most {max_h} high")
    claim = f"URL says {' and '.join(said)} ({_sources(used)})"
    declared = _declared_text(width, height)
    if problems:
        return HintVerdict(False, stated_w, stated_h, False, f"{claim} but {declared}")
    return HintVerdict(True, stated_w, stated_h, False, f"{claim}; {declared}")


# --- Local files ---------------------------------------------------------------------------------


def _norm_baseurl(baseurl: str | None) -> str:
    text = (baseurl or "").strip().strip("/")
    return f"/{text}" if text else ""


def local_image_path(
    url: str, *, site_root: Path, site_url: str | None, baseurl: str
) -> Path | None:
    """The file under `site_root` that a URL of this site names; None for other URLs.

    A site-relative URL (`/assets/x.jpg`) resolves with or without the baseurl: Jekyll's
    `relative_url` adds it, but records often write `/assets/...` bare, meaning the site's own
    files. An absolute URL must be under `site_url` + baseurl (scheme and host compared without
    case; http and https alike). Page-relative URLs, other sites, `..` segments and NUL bytes
    give None. The path is returned whether or not the file exists.
    """
    text = url.strip() if isinstance(url, str) else ""
    base = _norm_baseurl(baseurl)
    if text.startswith("//"):
        text = "https:" + text
    if re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", text):
        if not site_url:
            return None
        host, p_start, p_end, _, _ = parts_of(text)
        site_host, s_start, s_end, _, _ = parts_of(site_url.strip())
        scheme = text.split(":", 1)[0].lower()
        if scheme not in {"http", "https"} or not host or host != site_host:
            return None
        if _port(text) != _port(site_url.strip()):
            return None
        path = text[p_start:p_end]
        site_prefix = (_norm_baseurl(site_url.strip()[s_start:s_end]) + base).rstrip("/")
        if site_prefix:
            if not path.startswith(site_prefix + "/"):
                return None
            path = path[len(site_prefix) :]
    elif text.startswith("/"):
        path = re.split(r"[?#]", text, maxsplit=1)[0]
        if base and (path == base or path.startswith(base + "/")):
            path = path[len(base) :]
    else:
        return None
    try:
        decoded = unquote(path, errors="strict") if "%" in path else path
    except UnicodeDecodeError:
        return None
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts = [part for part in PurePosixPath(decoded).parts if part != "/"]
    if not parts or decoded.endswith("/") or any(part in {"..", "."} for part in parts):
        return None
    return site_root.joinpath(*parts)


def _port(url: str) -> str:
    """The explicit port of an absolute URL; "" for none or a web default (80, 443)."""
    prefix = PREFIX.match(url)
    authority = (prefix["authority"] if prefix else None) or ""
    host = authority.rpartition("@")[2]
    match = re.search(r":([0-9]+)$", host)
    return match[1] if match and match[1] not in {"80", "443"} else ""
