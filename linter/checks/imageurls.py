"""What an image URL states about the size of the image it delivers: size hints read from
file names, image services' parameters and path transformations. Pure: it reads only the URL.

What a URL can state, and how sure it is:

- A `-WxH` or `_WxH` suffix right before the file extension (`bbc.com-50x50.jpg`,
  WordPress `-1024x576.jpg`) states the size of that file exactly. A suffix followed by anything
  else (`-1000x563-1.jpg`, `-300x200@2x.png`) states nothing.
- YouTube thumbnail names (`i.ytimg.com/vi/ID/maxresdefault.jpg`, `img.youtube.com`) are exact.
- The BBC image service (`ichef.bbci.co.uk/news/1024/...`, `/ace/standard/976/...`) states the
  width exactly.
- Cloudinary transformations (`.../image/upload/ar_16:9,c_fill,w_1782/...`) are exact with the
  crop modes fill, fill_pad, pad and scale (also the default, no `c_`). With `c_fit` a single
  dimension and no `ar_` is exact (the other side follows the image); otherwise `c_fit`,
  `c_limit`, `c_lfill`, `c_lpad`, `c_thumb` and `c_crop` only bound the size from above (these
  never grow the box, and the limit modes never upscale). Other modes, chained size
  transformations, named transformations (`t_`), overlays and variables state nothing.
  With both `w_` and `h_`, `ar_` is ignored, as the service does. `dpr_N` multiplies the pixel
  size; `dpr_auto` counts as 1, which is what the service delivers to a client that sends no
  device hints (a crawler recording the size).
- Image-service query parameters (`w=`, `h=`, `width=`, `height=`, `sw=`, `sh=`,
  `resize=W,H`, `fit=W,H`) only bound the size from above: most services never upscale a
  smaller original (`venturebeat.com/...png?w=1200` is 1136 wide). They are exact only with
  `fit=fill` or `fit=scale` and both `w` and `h`. `dpr=` multiplies; `zoom=` makes them unknown.
- Path transformations: `/resize/WxH!/` (forced size) and `/crop/WxH+X+Y/` are exact;
  `/resize/WxH/`, `/resize/Wx/`, `/resize/xH/` and `/resize/WxH>/` are upper bounds. They run
  in order, as image services (Brightspot's `dims4`) run them: the last one states the
  delivered size, so `/crop/5472x2873+0+388/resize/1200x630!/` is 1200×630; a bounded resize
  after a crop keeps the crop's aspect ratio.

Anything an image service is told to do (query, Cloudinary, path transformations, the BBC
width) describes the delivered image and overrides a size in the file name, which then
describes only the original.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import unquote

MAX_SIDE = 32767  # larger stated sides are taken for numbers that are not sizes


class SizeHint(NamedTuple):
    """One statement about the image's size found in its URL.

    `source` is the text that states it and `url[start:end] == source`. `exact` is False when
    the URL only states an upper bound ("at most"). `transform` is True when the statement is an
    instruction to an image service, which overrides a size stated by the file name.
    """

    width: int | None
    height: int | None
    aspect: tuple[int, int] | None
    source: str
    start: int
    end: int
    exact: bool = True
    transform: bool = False


# --- URL reading -------------------------------------------------------------------------------

PREFIX = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*:)?(?://(?P<authority>[^/?#]*))?")
_NAME_SIZE = re.compile(r"[-_]([1-9][0-9]{0,4})x([1-9][0-9]{0,4})(?=(?:\.[A-Za-z0-9]{2,5}){1,2}$)")
_YOUTUBE_HOST = re.compile(r"(?:i[0-9]?\.ytimg\.com|img\.youtube\.com)")
_YOUTUBE_PATH = re.compile(
    r"/vi(?:_webp)?/[A-Za-z0-9_-]{6,}/"
    r"(?P<name>maxresdefault|sddefault|hqdefault|mqdefault|default)\.(?:jpg|webp)"
)
_YOUTUBE_SIZES = {
    "maxresdefault": (1280, 720),
    "sddefault": (640, 480),
    "hqdefault": (480, 360),
    "mqdefault": (320, 180),
    "default": (120, 90),
}
_BBC_HOST = re.compile(r"ichef\.bbci?\.co\.uk")
_BBC_PATH = re.compile(r"/(?P<src>(?:news|ace/standard|ace/ws)/(?P<w>[1-9][0-9]{1,3}))/")
_CLOUDINARY_MARK = re.compile(r"/image/(?:upload|fetch|private|authenticated)/")
_CLD_PARAM = re.compile(r"[a-z]{1,3}_[^,/]*")
_CLD_SIGNATURE = re.compile(r"s--[A-Za-z0-9_-]{8,}--")
_CLD_EXACT_MODES = {None, "fill", "fill_pad", "pad", "scale"}
_CLD_BOUND_MODES = {"fit", "limit", "lfill", "lpad", "thumb", "crop"}
_INT = re.compile(r"[1-9][0-9]{0,4}")
_HAS_DIGIT = re.compile(r"[0-9]")
_DPR = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)")
_PATH_GEOMETRY = re.compile(
    r"/(?P<op>resize|crop)/(?P<src>(?P<w>[1-9][0-9]{0,4})?x(?P<h>[1-9][0-9]{0,4})?"
    r"(?P<flag>!|>|\+[0-9]+\+[0-9]+)?)(?=/)"
)
_QUERY_WIDTH = {"w", "width", "sw"}
_QUERY_HEIGHT = {"h", "height", "sh"}
_QUERY_PAIR = re.compile(r"([1-9][0-9]{0,4})(?:,|%2[Cc]|x)([1-9][0-9]{0,4})")


def _side(text: str) -> int | None:
    """A plausible pixel count written as plain digits, else None."""
    if not _INT.fullmatch(text):
        return None
    value = int(text)
    return value if value <= MAX_SIDE else None


def _dpr(text: str) -> float | None:
    """A device pixel ratio: `auto` counts as 1; None when unusable."""
    if text == "auto":
        return 1.0
    if not _DPR.fullmatch(text):
        return None
    value = float(text)
    return value if 0 < value <= 8 else None


def scaled(value: int | None, factor: float) -> int | None:
    if value is None:
        return None
    side = int(value * factor + 0.5)
    return side if 0 < side <= MAX_SIDE else None


def _aspect(text: str) -> tuple[int, int] | None:
    """`16:9` or a decimal like `1.5` as a reduced ratio."""
    from fractions import Fraction

    match = re.fullmatch(r"([1-9][0-9]{0,4}):([1-9][0-9]{0,4})", text)
    if match:
        ratio = Fraction(int(match[1]), int(match[2]))
    elif re.fullmatch(r"[0-9]{1,3}\.[0-9]{1,4}", text) and float(text) > 0:
        ratio = Fraction(text).limit_denominator(1000)
    else:
        return None
    return ratio.numerator, ratio.denominator


def parts_of(url: str) -> tuple[str, int, int, int, int]:
    """Host (lower case, no user or port), path span and query span of a URL."""
    prefix = PREFIX.match(url)
    assert prefix is not None  # the pattern matches the empty string
    authority = prefix["authority"] or ""
    host = authority.rpartition("@")[2]
    host = host.split(":", 1)[0] if not host.startswith("[") else host
    path_start = prefix.end()
    hash_at = url.find("#", path_start)
    end = len(url) if hash_at < 0 else hash_at
    query_at = url.find("?", path_start, end)
    path_end = end if query_at < 0 else query_at
    query_start = end if query_at < 0 else query_at + 1
    return host.lower(), path_start, path_end, query_start, end


def _name_hints(url: str, path_start: int, path_end: int) -> list[SizeHint]:
    name_start = url.rfind("/", path_start, path_end) + 1 or path_start
    name = url[name_start:path_end]
    match = _NAME_SIZE.search(name)
    if not match or match.start() == 0:
        return []
    width, height = _side(match[1]), _side(match[2])
    if width is None or height is None:
        return []
    start, end = name_start + match.start(), name_start + match.end()
    return [SizeHint(width, height, None, url[start:end], start, end)]


def _youtube_hints(url: str, host: str, path_start: int, path_end: int) -> list[SizeHint]:
    if not _YOUTUBE_HOST.fullmatch(host):
        return []
    match = _YOUTUBE_PATH.fullmatch(url, path_start, path_end)
    if not match:
        return []
    width, height = _YOUTUBE_SIZES[match["name"]]
    start, end = match.span("name")
    return [SizeHint(width, height, None, url[start:end], start, end)]


def _bbc_hints(url: str, host: str, path_start: int, path_end: int) -> list[SizeHint]:
    if not _BBC_HOST.fullmatch(host):
        return []
    match = _BBC_PATH.match(url, path_start, path_end)
    if not match:
        return []
    start, end = match.span("src")
    return [SizeHint(int(match["w"]), None, None, url[start:end], start, end, transform=True)]


def _cloudinary_hints(url: str, path_start: int, path_end: int) -> list[SizeHint]:
    mark = _CLOUDINARY_MARK.search(url, path_start, path_end)
    if not mark:
        return []
    sized: list[tuple[int, list[tuple[str, str, int]]]] = []
    offset = mark.end()
    while offset < path_end:
        slash = url.find("/", offset, path_end)
        seg_end = path_end if slash < 0 else slash
        segment = url[offset:seg_end]
        if "$" in segment:
            return []  # user variables
        if _CLD_SIGNATURE.fullmatch(segment):
            offset = seg_end + 1
            continue
        parts = segment.split(",")
        if not segment or not all(_CLD_PARAM.fullmatch(p) for p in parts):
            break  # the version or the public id: transformations end here
        params: list[tuple[str, str, int]] = []
        at = offset
        for part in parts:
            key, _, value = part.partition("_")
            params.append((key, value, at))
            at += len(part) + 1
        keys = {key for key, _, _ in params}
        if keys & {"t", "l", "u", "if"} or any(
            (key, value) in {("fl", "layer_apply"), ("e", "trim")} for key, value, _ in params
        ):
            return []  # named transformations, overlays, conditions, trimming: sizes unknown
        if keys & {"w", "h", "ar", "c", "dpr"}:
            sized.append((offset, params))
        if slash < 0:
            break
        offset = seg_end + 1
    if len(sized) != 1:
        return []
    return _cloudinary_segment(url, sized[0][1])


def _cloudinary_segment(url: str, params: list[tuple[str, str, int]]) -> list[SizeHint]:
    found: dict[str, tuple[str, int]] = {}
    for key, value, at in params:
        if key in found:
            return []  # a parameter given twice: ambiguous
        found[key] = (value, at)
    mode = found["c"][0] if "c" in found else None
    dpr = _dpr(found["dpr"][0]) if "dpr" in found else 1.0
    if dpr is None:
        return []
    width = _side(found["w"][0]) if "w" in found else None
    height = _side(found["h"][0]) if "h" in found else None
    if ("w" in found and width is None) or ("h" in found and height is None):
        return []  # relative, automatic or variable sizes
    aspect = _aspect(found["ar"][0]) if "ar" in found else None
    if "ar" in found and aspect is None:
        return []
    if mode in _CLD_EXACT_MODES:
        exact, keep_aspect = True, True
    elif mode == "fit" and (width is None) != (height is None) and aspect is None:
        exact, keep_aspect = True, False
    elif mode in _CLD_BOUND_MODES:
        exact, keep_aspect = False, False
    else:
        return []
    hints = []
    for key, w, h in (("w", width, None), ("h", None, height)):
        if key in found and (w or h):
            value, at = found[key]
            source = f"{key}_{value}"
            hints.append(
                SizeHint(
                    scaled(w, dpr),
                    scaled(h, dpr),
                    None,
                    source,
                    at,
                    at + len(source),
                    exact=exact,
                    transform=True,
                )
            )
    if keep_aspect and aspect is not None and (width is None or height is None):
        value, at = found["ar"]  # with both sides given, the service ignores ar_
        source = f"ar_{value}"
        hints.append(SizeHint(None, None, aspect, source, at, at + len(source), transform=True))
    if any(h.width is None and h.height is None and h.aspect is None for h in hints):
        return []  # dpr pushed a side out of range
    return hints


def _query_hints(url: str, query_start: int, query_end: int) -> list[SizeHint]:
    fields: list[tuple[str, str, int, int]] = []
    at = query_start
    for part in url[query_start:query_end].split("&"):
        key, eq, value = part.partition("=")
        if eq:
            fields.append((unquote(key).lower(), value, at, at + len(part)))
        at += len(part) + 1
    keys = {key for key, _, _, _ in fields}
    if "zoom" in keys:
        return []
    dpr_values = [_dpr(unquote(v)) for k, v, _, _ in fields if k == "dpr"]
    if len(dpr_values) > 1 or None in dpr_values:
        return []
    dpr = dpr_values[0] if dpr_values else 1.0
    assert dpr is not None
    fit = next((unquote(v).lower() for k, v, _, _ in fields if k == "fit"), "")
    has_w = bool(keys & _QUERY_WIDTH)
    has_h = bool(keys & _QUERY_HEIGHT)
    exact = fit in {"fill", "scale"} and has_w and has_h
    hints = []
    for key, value, start, end in fields:
        width = height = None
        if key in _QUERY_WIDTH:
            width = _side(value)
            if width is None:
                continue
        elif key in _QUERY_HEIGHT:
            height = _side(value)
            if height is None:
                continue
        elif key in {"resize", "fit"}:
            pair = _QUERY_PAIR.fullmatch(value)
            if not pair:
                continue
            width, height = _side(pair[1]), _side(pair[2])
            if width is None or height is None:
                continue
        else:
            continue
        width, height = scaled(width, dpr), scaled(height, dpr)
        if width is None and height is None:
            continue
        hints.append(
            SizeHint(
                width,
                height,
                None,
                url[start:end],
                start,
                end,
                exact=exact and key not in {"resize", "fit"},
                transform=True,
            )
        )
    return hints


def _geometry_hint(url: str, match: re.Match[str]) -> SizeHint | None:
    """What one `/resize/` or `/crop/` step makes of the image, or None if it says nothing."""
    width = _side(match["w"]) if match["w"] else None
    height = _side(match["h"]) if match["h"] else None
    flag = match["flag"] or ""
    if match["op"] == "crop":
        if width is None or height is None or not flag.startswith("+"):
            return None
        exact = True
    else:
        if flag.startswith("+") or (width is None and height is None):
            return None
        exact = flag == "!" and width is not None and height is not None
    start, end = match.span("src")
    return SizeHint(width, height, None, url[start:end], start, end, exact=exact, transform=True)


def _path_hints(url: str, path_start: int, path_end: int) -> list[SizeHint]:
    """The size the path's transformations deliver: they run in order, so the last step
    states it (`/crop/800x600+0+20/resize/1200x630!/` delivers 1200×630); a resize that
    keeps proportions (`/resize/1200x/`) after a crop keeps the crop's aspect too."""
    hints: list[SizeHint] = []
    for match in _PATH_GEOMETRY.finditer(url, path_start, path_end):
        step = _geometry_hint(url, match)
        if step is None:
            continue
        before = hints[0] if hints else None
        hints = [step]
        if not step.exact and before is not None and before.exact and before.width \
                and before.height:
            hints.append(SizeHint(None, None, (before.width, before.height), before.source,
                                  before.start, before.end, transform=True))
    return hints


def size_hints(url: str) -> list[SizeHint]:
    """Every statement about the image's size that the URL makes, in URL order."""
    if not isinstance(url, str) or not url or len(url) > 8192:
        return []
    if not _HAS_DIGIT.search(url) and "default." not in url:
        return []  # every size statement has a digit, but YouTube's names (maxresdefault.jpg)
    host, path_start, path_end, query_start, query_end = parts_of(url)
    hints = (
        _name_hints(url, path_start, path_end)
        + _youtube_hints(url, host, path_start, path_end)
        + _bbc_hints(url, host, path_start, path_end)
        + _cloudinary_hints(url, path_start, path_end)
        + _path_hints(url, path_start, path_end)
        + _query_hints(url, query_start, query_end)
    )
    return sorted(hints, key=lambda hint: hint.start)
