"""Image rules: every object the schema gives the role ``image`` (url, width, height)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ..checks import images as imagetools
from ..checks import urlparts
from ..schema.explain import describe
from .context import Context
from .finding import Finding
from .registry import Option, rule

GROUP = "images"


class Image(NamedTuple):
    """An image value of the record and what it declares."""

    pointer: str
    url: str | None
    url_pointer: str | None
    width: Any
    width_pointer: str | None
    height: Any
    height_pointer: str | None


_IMAGES = ("images",)


def record_images(ctx: Context) -> list[Image]:
    """The record's images (found once per record: each image rule reads them)."""
    memo = ctx.notes.memo
    found = memo.get(_IMAGES)
    if found is None:
        found = memo[_IMAGES] = list(_find_images(ctx))
    return found


def _find_images(ctx: Context) -> Iterator[Image]:
    for pointer in ctx.notes.with_role("image"):
        if not isinstance(ctx.value(pointer), dict):
            continue
        parts = ctx.children(pointer)
        url_pointer = parts.get("image-url")
        url = ctx.value(url_pointer) if url_pointer else None
        yield Image(
            pointer,
            url if isinstance(url, str) and not urlparts.too_long(url) else None,  # (url-syntax)
            url_pointer,
            ctx.value(parts["width"]) if "width" in parts else None,
            parts.get("width"),
            ctx.value(parts["height"]) if "height" in parts else None,
            parts.get("height"),
        )


def _size(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


_LOCAL_SIZES = ("local-sizes",)


def local_size(ctx: Context, image: Image) -> tuple[int, int] | str | None:
    """The real size of an image the site serves, "missing", or None (another site's image,
    or a header that cannot be read); read once per record, whichever image rule asks."""
    if ctx.image_sizer is None or image.url is None:
        return None
    sizes: dict[str, tuple[int, int] | str | None] = ctx.notes.memo.setdefault(
        _LOCAL_SIZES, {})
    if image.url not in sizes:
        sizes[image.url] = ctx.image_sizer(image.url, ctx.path)
    return sizes[image.url]


@rule("FM401", "image-dimensions", severity="error", group=GROUP, replaces=("FM010",),
      options={"max": Option(20000, "the largest plausible width or height, in pixels")},
      summary="Image width and height missing, unpaired, not positive or implausibly large.")
def image_dimensions(ctx: Context) -> Iterator[Finding]:
    """
    Pages are laid out from an image's `width` and `height` before the image loads; a
    missing or wrong number gives a stretched image or a page that jumps. Checks every object
    the schema gives the role `image`: width and height are both present or both absent,
    whole numbers above zero, and at most `max` pixels.

    No fix: the real size is not known here (see image-url-hint and image-local).
    """
    largest = ctx.option("max")
    for image in record_images(ctx):
        sides = (("width", image.width, image.width_pointer),
                 ("height", image.height, image.height_pointer))
        present = [name for name, value, where in sides if where is not None]
        if len(present) == 1:
            other = "height" if present[0] == "width" else "width"
            if _key_of(ctx, image.pointer, other) not in ctx.notes.required.get(
                    image.pointer, frozenset()):
                # (A key the schema requires is reported missing by the schema check.)
                yield ctx.report(image.pointer, f"{ctx.where(image.pointer)} has a "
                                 f"{present[0]} but no {other}: give both or neither")
        for _name, value, where in sides:
            if where is None:
                continue
            if _size(value) is None:
                if not isinstance(value, int) and _typed(ctx, where):
                    continue  # the schema check says what type it should be
                yield ctx.report(where, f"{ctx.where(where)} must be a whole number of pixels "
                                 f"above zero, but it is {describe(value)}")
            elif value > largest:
                yield ctx.report(where, f"{ctx.where(where)} is {value} pixels, more than the "
                                 f"plausible maximum of {largest}")


def _key_of(ctx: Context, image: str, role: str) -> str:
    """The key the schema gives a role inside an image (``width``), by the schema's names."""
    for pointer, given in ctx.notes.role_of.items():
        if given == role and ctx.parent(pointer) == image:
            return ctx.key(pointer)
    return role


def _typed(ctx: Context, pointer: str) -> bool:
    """Whether the schema says the value's type, so that its own check reports a wrong one."""
    return bool(ctx.notes.types.get(pointer, frozenset()) & {"integer", "number"})


@rule("FM402", "image-url-hint", severity="warning", fix="unsafe", group=GROUP,
      summary="The declared image size contradicts the size stated in its URL.")
def image_url_hint(ctx: Context) -> Iterator[Finding]:
    """
    Image URLs often state the size: a `-1024x576` suffix (WordPress), `w_1782` and `ar_16:9`
    (Cloudinary), `maxresdefault.jpg` (YouTube, 1280×720), `/resize/1064x550!/`, `?w=`.
    A declared `width`/`height` that contradicts the URL is probably wrong. Aspect ratios
    allow for rounding (1782×1002 is 16:9); sizes a URL gives only as a limit (`?w=1200`,
    Cloudinary `c_limit`) disagree only when the declared size is larger: services do not
    enlarge a smaller original. Transformations are read in the order the service runs
    them: `/crop/5472x2873+0+388/resize/1200x630!/` delivers 1200×630.

    Images the site serves itself are left to image-local, which reads the real file.

    Fix: unsafe (the URL may lie): sets width and height to what the URL states. Where the
    URL's hints disagree with each other, the finding says so and there is no fix.
    """
    for image in record_images(ctx):
        if image.url is None or image.width_pointer is None:
            continue
        if local_size(ctx, image) is not None:
            continue
        verdict = imagetools.check_declared(image.url, _size(image.width), _size(image.height))
        if verdict is None or verdict.agrees:
            continue
        fix = None
        if not verdict.conflict and verdict.width and verdict.height and image.height_pointer:
            fix = ctx.replace_values(
                [(image.width_pointer, verdict.width), (image.height_pointer, verdict.height)],
                f"set width/height to {verdict.width}×{verdict.height}", safe=False)
        yield ctx.report(image.width_pointer, f"{ctx.where(image.pointer)}: {verdict.message}",
                         fix=fix)


@rule("FM403", "image-local", severity="error", fix="safe", group=GROUP,
      summary="A site image that is missing, or whose real size differs from the declared one.")
def image_local(ctx: Context) -> Iterator[Finding]:
    """
    An image URL that is site-relative (`/assets/...`) or under the site's own URL
    (`url` + `baseurl` in Jekyll's `_config.yml`, or fmlint's `site-url`/`baseurl`) is read
    from the site folder: the nearest folder above the record holding `_config.yml`, or
    `site-root`. Only the image header is read.

    A missing file is an error (a broken image on the page). A declared size different from
    the file's real size is reported with a safe fix to the real size.
    """
    for image in record_images(ctx):
        found = local_size(ctx, image)
        if found is None or image.url is None or image.url_pointer is None:
            continue
        if found == "missing":
            yield ctx.report(image.url_pointer, f"{ctx.where(image.url_pointer)}: the image "
                             f"{urlparts.shorten(image.url, 200)} is not in the site "
                             "(no such file)")
            continue
        assert isinstance(found, tuple)
        yield from real_size(ctx, image, found, "the file")


def real_size(ctx: Context, image: Image, size: tuple[int, int], what: str
              ) -> Iterator[Finding]:
    """A finding with a safe fix when an image's declared size is not its real ``size``."""
    width, height = size
    if (image.width, image.height) == (width, height):
        return
    if image.width_pointer is None or image.height_pointer is None:
        return
    fix = ctx.replace_values([(image.width_pointer, width), (image.height_pointer, height)],
                             f"set width/height to the real {width}×{height}", safe=True)
    yield ctx.report(image.width_pointer,
                     f"{ctx.where(image.pointer)} is declared {image.width}×{image.height} "
                     f"but {what} is {width}×{height}", fix=fix)
