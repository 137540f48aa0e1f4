"""Image sizes stated by URLs, local image paths and header-only size reading."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from linter.checks.images import check_declared, local_image_path
from linter.checks.imageurls import SizeHint, size_hints
from linter.reading.siteconfig import site_settings
from linter.site.facts import find_site_root
from linter.site.images import read_image_size

from .conftest import CORPUS, SEED

REPO = Path(__file__).resolve().parent.parent
IMAGES = REPO / "tests" / "data" / "images"

MYNEWSDESK = (
    "https://resources-prod.mynewsdesk.com/image/upload/"
    "ar_16:9,c_fill,dpr_auto,f_auto,g_auto,q_auto:good,w_1782/elzkqau2jt3ndjgsszua"
)
BBC_LOGO = "https://everyday-cc.github.io/ai/assets/images/organizations/bbc.com-50x50.jpg"
ICHEF = (
    "https://ichef.bbci.co.uk/news/1024/branded_news/F739/production/"
    "_132398236_mediaitem110633248.jpg"
)
SITE = "https://everyday-cc.github.io"


def corpus() -> Path:
    return CORPUS


def sizes(url: str) -> list[tuple[int | None, int | None, tuple[int, int] | None, bool]]:
    return [(h.width, h.height, h.aspect, h.exact) for h in size_hints(url)]


def sources(url: str) -> list[str]:
    hints = size_hints(url)
    for hint in hints:
        assert url[hint.start : hint.end] == hint.source
    return [hint.source for hint in hints]


# --- size_hints: file names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "source", "width", "height"),
    [
        (BBC_LOGO, "-50x50", 50, 50),
        (
            (
                "https://powerappsblogscdn.azureedge.net/wp-content/uploads/2022/02/"
                "Enable-offline-1024x770.png"
            ),
            "-1024x770",
            1024,
            770,
        ),
        (
            (
                "https://news.microsoft.com/wp-content/uploads/prod/sites/43/2022/11/"
                "doosan-enerbility-power-apps-wontaek-lee-main_1920x1080.jpg"
            ),
            "_1920x1080",
            1920,
            1080,
        ),
        (
            (
                "https://cdn.geekwire.com/wp-content/uploads/2020/09/"
                "Satya-Nadella-1000x563-1-630x355.jpg"
            ),
            "-630x355",
            630,
            355,
        ),
        ("https://example.org/uploads/photo-1024x576.jpg.webp", "-1024x576", 1024, 576),
        ("/assets/images/organizations/microsoft.com-400x400.jpg", "-400x400", 400, 400),
    ],
)
def test_size_in_file_name(url: str, source: str, width: int, height: int) -> None:
    assert sources(url) == [source]
    assert sizes(url) == [(width, height, None, True)]
    assert not size_hints(url)[0].transform


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/uploads/logo-300x200@2x.png",  # retina name: not the file's size
        "https://example.org/uploads/banner-2x.jpg",
        "https://example.org/uploads/hero-1024x576-2x.jpg",
        "https://example.org/uploads/Satya-Nadella-1000x563-1.jpg",  # the original's name
        "https://example.org/uploads/boxer-maxx-expo-xx.jpg",  # x in words
        "https://example.org/uploads/1024x576.jpg",  # no stem before the size
        "https://example.org/uploads/photo-1024x576",  # no extension
        "https://example.org/uploads/photo-0800x600.jpg",  # leading zero
        "https://example.org/uploads/photo-800x0.jpg",
        "https://example.org/uploads/photo-99999x600.jpg",  # beyond any real side
        "https://example.org/uploads/photo1024x576.jpg",  # no separator
        "https://d1abomko0vm8t1.cloudfront.net/article/images/800x800/dimg/dreamstime_s_2170.jpg",
        (
            "https://images.idgesg.net/images/article/2019/02/electrical_tower_by_shane_rounce_cc0_"
            "via_unsplash_2400x1600-100788531-large.jpg"
        ),
        (
            "https://powerappsblogscdn.azureedge.net/wp-content/uploads/2023/03/"
            "236914_PP_AI_BlogPromo_Images_PowerApps_1600x900_v2.png"
        ),
        "https://cdn.neow.in/news/images/uploaded/2021/05/1621941219_power_apps_story.jpg",
        "https://www.thisislocallondon.co.uk/resources/images/16026307/?type=og-image",
        "https://www.pressnote.in/upload/483058.jpg",
        "https://menafn.com/Updates/index/HTML_Images/NewsEn_MoreStories_img_1.jpg?817573",
        (
            "https://media-exp1.licdn.com/dms/image/C4D12AQF8Ey-kba6ySw/"
            "article-cover_image-shrink_720_1280/0/1639411349767?e=1645660800&v=beta&t=ipfVjJ"
        ),
        (
            "https://powerusers.microsoft.com/t5/image/serverpage/image-id/155030i8265126F7F2403DB/"
            "image-size/large?v=1.0&px=999"
        ),
        "https://avatars.githubusercontent.com/u/10974906?s=400&v=4",
        "",
    ],
)
def test_no_hint_from_ids_words_and_boxes(url: str) -> None:
    assert size_hints(url) == []
    assert check_declared(url, 100, 100) is None


# --- size_hints: YouTube and the BBC -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "width", "height"),
    [
        ("maxresdefault", 1280, 720),
        ("sddefault", 640, 480),
        ("hqdefault", 480, 360),
        ("mqdefault", 320, 180),
        ("default", 120, 90),
    ],
)
def test_youtube_thumbnails(name: str, width: int, height: int) -> None:
    for url in (
        f"https://i.ytimg.com/vi/9x3aJkV0s1Q/{name}.jpg",
        f"https://img.youtube.com/vi/-H4ljf4FuTE/{name}.jpg",
        f"https://i.ytimg.com/vi_webp/9x3aJkV0s1Q/{name}.webp",
    ):
        assert sources(url) == [name]
        assert sizes(url) == [(width, height, None, True)]


def test_youtube_names_elsewhere_state_nothing() -> None:
    assert size_hints("https://example.org/vi/9x3aJkV0s1Q/maxresdefault.jpg") == []
    assert size_hints("https://i.ytimg.com/vi/9x3aJkV0s1Q/hq720.jpg") == []
    assert (
        size_hints(
            "https://powerusers.microsoft.com/jgvjg48436/attachments/jgvjg48436/"
            "AppFeedbackGallery/143/1/youtube_deck_sample_First_Frame.png"
        )
        == []
    )


def test_bbc_image_service_width() -> None:
    assert sources(ICHEF) == ["news/1024"]
    assert sizes(ICHEF) == [(1024, None, None, True)]
    assert sizes("https://ichef.bbci.co.uk/ace/standard/976/cpsprodpb/1A2B/x.jpg") == [
        (976, None, None, True)
    ]
    assert size_hints("https://example.org/news/1024/branded_news/x.jpg") == []


# --- size_hints: Cloudinary ----------------------------------------------------------------------


def test_cloudinary_fill_with_aspect_and_width() -> None:
    assert sources(MYNEWSDESK) == ["ar_16:9", "w_1782"]
    assert sizes(MYNEWSDESK) == [(None, None, (16, 9), True), (1782, None, None, True)]
    assert all(hint.transform for hint in size_hints(MYNEWSDESK))


@pytest.mark.parametrize(
    ("transformation", "expected"),
    [
        ("w_400,h_300", [(400, None, None, True), (None, 300, None, True)]),
        ("c_scale,w_500", [(500, None, None, True)]),
        ("c_limit,w_800", [(800, None, None, False)]),
        ("c_fit,w_800", [(800, None, None, True)]),  # one side of a fit is exact
        ("c_fit,h_300,w_800", [(None, 300, None, False), (800, None, None, False)]),
        ("c_limit,ar_16:9,w_800", [(800, None, None, False)]),  # the box, not the image
        ("c_fill,dpr_2.0,w_100,h_50", [(200, None, None, True), (None, 100, None, True)]),
        ("c_fill,dpr_auto,w_100", [(100, None, None, True)]),
    ],
)
def test_cloudinary_modes(transformation: str, expected: list[tuple[object, ...]]) -> None:
    url = f"https://res.cloudinary.com/demo/image/upload/{transformation}/v1/sample.jpg"
    assert sizes(url) == expected


def test_cloudinary_signature_segment_is_skipped() -> None:
    url = "https://res.cloudinary.com/demo/image/upload/s--Ab12Cd34--/c_fill,w_640,h_360/v17/x"
    assert sources(url) == ["w_640", "h_360"]


@pytest.mark.parametrize(
    "path",
    [
        "f_auto,t_primary-image-mobile@1/v1629795010/itpro/2021/08/x.jpg",  # named
        "c_fill,w_0.5/sample.jpg",  # relative width
        "c_fill,w_auto/sample.jpg",
        "c_scale,w_500/c_crop,w_200,h_200/sample.jpg",  # chained sizes
        "l_logo,w_100/fl_layer_apply/sample.jpg",  # overlay width
        "c_pad,w_$w/sample.jpg",  # variables
        "c_mfit,w_300/sample.jpg",  # at least, not at most
        "c_auto,w_300/sample.jpg",
        "q_auto,f_auto/sample.jpg",  # no size at all
        "c_fill,w_100,w_200/sample.jpg",  # given twice
    ],
)
def test_cloudinary_without_a_clear_size(path: str) -> None:
    assert size_hints(f"https://media.example.com/image/upload/{path}") == []


# --- size_hints: query parameters and path transformations --------------------------------------


def test_query_parameters_are_upper_bounds() -> None:
    url = "https://venturebeat.com/wp-content/uploads/2016/10/Shot.png?w=1200&strip=all"
    assert sources(url) == ["w=1200"]
    assert sizes(url) == [(1200, None, None, False)]
    assert sizes("https://x.example/i.jpg?width=640&height=480") == [
        (640, None, None, False),
        (None, 480, None, False),
    ]
    assert sizes("https://x.example/i.jpg?sw=300&sh=200") == [
        (300, None, None, False),
        (None, 200, None, False),
    ]


@pytest.mark.parametrize(
    ("url", "source"),
    [
        (
            "https://i2.wp.com/sympmarc.com/image.png?resize=620%2C497&#038;ssl=1",
            "resize=620%2C497",
        ),
        ("https://i2.wp.com/sympmarc.com/image.png?resize=620x497", "resize=620x497"),
        ("https://i2.wp.com/sympmarc.com/image.png?resize=620,497", "resize=620,497"),
        ("https://i0.wp.com/site/Default-Image-IED.png?fit=534%2C462&ssl=1", "fit=534%2C462"),
    ],
)
def test_query_box(url: str, source: str) -> None:
    assert sources(url) == [source]
    width, height = (int(n) for n in re.findall(r"\d{3}", source))
    assert sizes(url) == [(width, height, None, False)]


def test_query_fill_is_exact_and_dpr_multiplies() -> None:
    url = "https://img.electronicdesign.com/Capture.png?auto=format&fit=fill&fill=blur&w=1200&h=630"
    assert sizes(url) == [(1200, None, None, True), (None, 630, None, True)]
    assert sizes("https://x.imgix.net/a.jpg?w=300&dpr=2") == [(600, None, None, False)]
    assert size_hints("https://x.example/a.jpg?w=300&zoom=2") == []
    assert size_hints("https://x.example/a.jpg?w=100%25&h=abc&width=0") == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://cdn.example/img/resize/1064x550!/photo.jpg", [(1064, 550, None, True)]),
        ("https://cdn.example/img/crop/1064x550+0+0/photo.jpg", [(1064, 550, None, True)]),
        ("https://cdn.example/img/resize/1064x550/photo.jpg", [(1064, 550, None, False)]),
        (
            "https://www.techrepublic.com/a/hub/i/r/2021/08/24/d5577d86/resize/1200x/4d23/x.jpg",
            [(1200, None, None, False)],
        ),
        (
            (
                "https://www.zdnet.com/a/img/resize/04c0ab9db0a1944578f005d794d90370a11893b4/2022/x.jpg"
                "?width=1200&fit=bounds"
            ),
            [(1200, None, None, False)],
        ),
    ],
)
def test_path_transformations(url: str, expected: list[tuple[object, ...]]) -> None:
    assert sizes(url) == expected


# --- check_declared ------------------------------------------------------------------------------


def test_seed_images_agree() -> None:
    verdict = check_declared(MYNEWSDESK, 1782, 1002)
    assert verdict is not None and verdict.agrees and not verdict.conflict
    assert (verdict.width, verdict.height) == (1782, 1002)
    logo = check_declared(BBC_LOGO, 50, 50)
    assert logo is not None and logo.agrees
    bbc = check_declared(ICHEF, 1024, 576)
    assert bbc is not None and bbc.agrees and (bbc.width, bbc.height) == (1024, None)
    assert (
        check_declared(
            "https://www.thisislocallondon.co.uk/resources/images/16026307/?type=og-image", 945, 630
        )
        is None
    )


def test_seed_file_images_agree() -> None:
    if not SEED.is_file():
        pytest.skip("seed not found")
    found = list(image_records(SEED.read_text(encoding="utf-8")))
    assert len(found) == 5
    for url, width, height in found:
        verdict = check_declared(url, width, height)
        assert verdict is None or verdict.agrees, (url, verdict)


def test_name_size_disagrees_in_plain_words() -> None:
    verdict = check_declared("https://example.org/uploads/hero-1024x576.jpg", 800, 600)
    assert verdict is not None
    assert not verdict.agrees and not verdict.conflict
    assert (verdict.width, verdict.height) == (1024, 576)
    assert verdict.message == "URL says 1024×576 (-1024x576) but width/height are 800×600"


def test_width_only_sets_only_width() -> None:
    verdict = check_declared(ICHEF, 976, 549)
    assert verdict is not None and not verdict.agrees
    assert (verdict.width, verdict.height) == (1024, None)
    assert "width 1024 (news/1024)" in verdict.message


def test_aspect_fills_in_height_with_rounding() -> None:
    assert check_declared(MYNEWSDESK, 1782, 1003).agrees  # type: ignore[union-attr]
    assert check_declared(MYNEWSDESK, 1782, 1001).agrees  # type: ignore[union-attr]
    verdict = check_declared(MYNEWSDESK, 1782, 1188)
    assert verdict is not None and not verdict.agrees
    assert (verdict.width, verdict.height) == (1782, 1002)
    wrong_width = check_declared(MYNEWSDESK, 1600, 900)
    assert wrong_width is not None and not wrong_width.agrees


def test_aspect_alone() -> None:
    url = "https://res.cloudinary.com/demo/image/upload/ar_4:3,c_fill/sample.jpg"
    agrees = check_declared(url, 640, 481)
    assert agrees is not None and agrees.agrees and (agrees.width, agrees.height) == (None, None)
    verdict = check_declared(url, 1600, 900)
    assert verdict is not None and not verdict.agrees
    assert "aspect 4:3" in verdict.message and "1600×900" in verdict.message


def test_upper_bounds() -> None:
    url = "https://venturebeat.com/wp-content/uploads/2016/10/Shot.png?w=1200&strip=all"
    smaller = check_declared(url, 1136, 703)
    assert smaller is not None and smaller.agrees
    larger = check_declared(url, 1600, 900)
    assert larger is not None and not larger.agrees
    assert (larger.width, larger.height) == (None, None)
    assert larger.message == "URL says at most 1200 wide (w=1200) but width/height are 1600×900"


def test_service_instruction_overrides_file_name() -> None:
    url = "https://i0.wp.com/example.org/uploads/hero-1024x576.jpg?resize=600,338"
    verdict = check_declared(url, 600, 338)
    assert verdict is not None and verdict.agrees


def test_conflicting_hints() -> None:
    url = "https://cdn.example/crop/800x600+0+0/a.jpg?fit=fill&w=1200&h=630"
    verdict = check_declared(url, 800, 600)
    assert verdict is not None
    assert verdict.conflict and not verdict.agrees
    assert (verdict.width, verdict.height) == (None, None)
    assert verdict.message == ("URL states sizes that disagree (800x600+0+0, w=1200, h=630)")


# Brightspot's image service (dims4) crops, then resizes: the og:image of latimes.com.
DIMS = ("https://ca-times.brightspotcdn.com/dims4/default/e2816d0/2147483647/strip/true/crop/"
        "1200x630+0+0/resize/1200x630!/quality/90/?url=https%3A%2F%2Fcalifornia-times-"
        "brightspot.s3.amazonaws.com%2F5b%2F78%2F7c3e41e74e4b986d23923ee121b2%2Flat-logo.jpg")
CROP_THEN_RESIZE = DIMS.replace("crop/1200x630+0+0", "crop/5472x2873+0+388")


def test_a_crop_then_a_forced_resize_states_the_final_size() -> None:
    assert sizes(CROP_THEN_RESIZE) == [(1200, 630, None, True)]
    verdict = check_declared(CROP_THEN_RESIZE, 1200, 630)
    assert verdict is not None and verdict.agrees and not verdict.conflict
    assert verdict.message == "URL says 1200×630 (1200x630!); width/height are 1200×630"
    cropped = check_declared(CROP_THEN_RESIZE, 5472, 2873)
    assert cropped is not None and not cropped.agrees and not cropped.conflict
    assert (cropped.width, cropped.height) == (1200, 630)
    assert check_declared(DIMS, 1200, 630).agrees  # type: ignore[union-attr]


def test_a_resize_within_bounds_after_a_crop_keeps_its_aspect() -> None:
    url = "https://img.example/dims4/default/1/2/crop/800x600+0+20/resize/1200x/quality/90/a"
    assert sizes(url) == [(None, None, (800, 600), True), (1200, None, None, False)]
    assert check_declared(url, 1200, 900).agrees  # type: ignore[union-attr]
    assert check_declared(url, 640, 480).agrees  # type: ignore[union-attr]
    wrong = check_declared(url, 1200, 630)
    assert wrong is not None and not wrong.agrees and not wrong.conflict
    assert wrong.message == ("URL says aspect 4:3 and at most 1200 wide (800x600+0+20, 1200x) "
                             "but width/height are 1200×630")
    resized_then_cropped = "https://img.example/resize/1200x/crop/600x600+10+0/a.jpg"
    assert sizes(resized_then_cropped) == [(600, 600, None, True)]


def test_both_sides_override_aspect() -> None:
    url = "https://res.cloudinary.com/demo/image/upload/ar_4:3,c_fill,w_100,h_100/sample.jpg"
    assert sources(url) == ["w_100", "h_100"]
    verdict = check_declared(url, 100, 100)
    assert verdict is not None and verdict.agrees


def test_missing_declaration_does_not_disagree() -> None:
    verdict = check_declared("https://example.org/uploads/hero-1024x576.jpg", None, None)
    assert verdict is not None and verdict.agrees
    assert (verdict.width, verdict.height) == (1024, 576)
    half = check_declared("https://example.org/uploads/hero-1024x576.jpg", 1024, None)
    assert half is not None and half.agrees


_IMAGE = re.compile(
    r"-\s+url:\s*\"?(?P<url>[^\"\n]+?)\"?\s*\n\s+width:\s*(?P<w>\d+)\s*\n\s+height:\s*(?P<h>\d+)"
)


def image_records(text: str) -> list[tuple[str, int, int]]:
    """(url, width, height) of every `- url / width / height` list item in a record."""
    return [(m["url"], int(m["w"]), int(m["h"])) for m in _IMAGE.finditer(text)]


def test_no_false_alarms_on_the_corpus() -> None:
    root = corpus()
    checked = 0
    disagreements = []
    for folder in ("_news", "_learning", "_samples"):
        for path in sorted((root / folder).rglob("*.md")):
            for url, width, height in image_records(path.read_text(encoding="utf-8")):
                verdict = check_declared(url, width, height)
                if verdict is not None:
                    checked += 1
                    if not verdict.agrees:
                        disagreements.append((path.name, url, verdict.message))
    assert disagreements == []
    assert checked > 1000


# --- local_image_path ----------------------------------------------------------------------------


LOGO_PATH = Path("/site/assets/images/organizations/microsoft.com-50x50.jpg")


@pytest.mark.parametrize(
    "url",
    [
        "/assets/images/organizations/microsoft.com-50x50.jpg",
        "/powerapps/assets/images/organizations/microsoft.com-50x50.jpg",
        "https://everyday-cc.github.io/powerapps/assets/images/organizations/microsoft.com-50x50.jpg",
        "http://EVERYDAY-CC.github.io/powerapps/assets/images/organizations/microsoft.com-50x50.jpg",
        "//everyday-cc.github.io/powerapps/assets/images/organizations/microsoft.com-50x50.jpg",
        "/assets/images/organizations/microsoft.com-50x50.jpg?v=2#top",
        "/assets/images/organizations/microsoft%2Ecom-50x50.jpg",
    ],
)
def test_site_urls_map_to_files(url: str) -> None:
    got = local_image_path(url, site_root=Path("/site"), site_url=SITE, baseurl="/powerapps")
    assert got == LOGO_PATH


@pytest.mark.parametrize(
    "url",
    [
        BBC_LOGO,  # the same host, another site
        "https://everyday-cc.github.io/assets/images/x.jpg",  # the host's root site
        "https://example.org/powerapps/assets/images/x.jpg",
        "https://everyday-cc.github.io:8443/powerapps/assets/images/x.jpg",
        "ftp://everyday-cc.github.io/powerapps/assets/images/x.jpg",
        "assets/images/x.jpg",  # relative to a page we do not know
        "../images/x.jpg",
        "data:image/png;base64,iVBORw0KGgo=",
        "/assets/../../etc/passwd",
        "/assets/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..%2f..%2fsecret.jpg",
        "/powerapps/../secret.jpg",
        "/assets/%00.jpg",
        "/assets/%ff.jpg",
        "/assets/images/",
        "/",
        "",
    ],
)
def test_other_urls_do_not_map(url: str) -> None:
    assert (
        local_image_path(url, site_root=Path("/site"), site_url=SITE, baseurl="/powerapps") is None
    )


def test_path_mapping_details() -> None:
    root = Path("/site")
    assert (
        local_image_path("/a/my%20logo.png", site_root=root, site_url=None, baseurl="")
        == root / "a" / "my logo.png"
    )
    assert (
        local_image_path(
            "https://everyday-cc.github.io/a.png", site_root=root, site_url=None, baseurl=""
        )
        is None
    )
    for base in ("", "/"):
        assert (
            local_image_path(
                "https://everyday-cc.github.io/a/b.png",
                site_root=root,
                site_url=SITE + "/",
                baseurl=base,
            )
            == root / "a" / "b.png"
        )


def test_corpus_logos_resolve_to_existing_files() -> None:
    root = corpus()
    settings = site_settings((root / "_config.yml").read_text(encoding="utf-8"))
    url = f"{settings['url']}{settings['baseurl']}/assets/images/organizations/bbc.com-50x50.jpg"
    path = local_image_path(
        url, site_root=root, site_url=settings["url"], baseurl=settings["baseurl"]
    )
    assert path is not None and path.is_file()
    assert read_image_size(path) == (50, 50)


# --- read_image_size -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("seven-by-five.png", (7, 5)),
        ("nine-by-four.jpg", (9, 4)),
        ("eight-by-three-rotated.jpg", (3, 8)),  # EXIF orientation 6: shown turned
        ("six-by-three.gif", (6, 3)),
        ("five-by-eight-lossy.webp", (5, 8)),
        ("eleven-by-three-lossless.webp", (11, 3)),
        ("thirteen-by-two-alpha.webp", (13, 2)),
        ("sixty-by-forty.svg", (60, 40)),
        ("width-only-viewbox.svg", (100, 50)),
    ],
)
def test_real_image_files(name: str, size: tuple[int, int]) -> None:
    assert read_image_size(IMAGES / name) == size


def test_unreadable_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    png = (IMAGES / "seven-by-five.png").read_bytes()
    truncated_png = tmp_path / "cut.png"
    truncated_png.write_bytes(png[:20])
    jpeg = (IMAGES / "nine-by-four.jpg").read_bytes()
    truncated_jpeg = tmp_path / "cut.jpg"
    truncated_jpeg.write_bytes(jpeg[: jpeg.index(b"\xff\xc0")])
    page = tmp_path / "page.jpg"
    page.write_text("<!doctype html><html><body>Not found</body></html>")
    noise = tmp_path / "noise.webp"
    noise.write_bytes(bytes(range(256)) * 4)
    for path in (
        empty,
        truncated_png,
        truncated_jpeg,
        page,
        noise,
        tmp_path / "absent.png",
        tmp_path,
    ):
        assert read_image_size(path) is None, path


def test_hostile_files_end_quickly(tmp_path: Path) -> None:
    padded = tmp_path / "padded.jpg"
    padded.write_bytes(b"\xff\xd8" + bytes(8 << 20))  # no marker for 8 MiB
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)  # opening it for reading would block
    huge_svg = tmp_path / "huge.svg"
    huge_svg.write_text("<!--" + "x" * (4 << 20) + '--><svg width="10" height="10"/>')
    deep_doctype = tmp_path / "brackets.svg"
    deep_doctype.write_text("<!DOCTYPE svg " + "[a]" * 20000 + "<svg width='1' height='1'>")
    started = time.monotonic()
    for path in (padded, fifo, huge_svg, deep_doctype):
        assert read_image_size(path) is None, path
    assert time.monotonic() - started < 10  # (a blocked read or a full scan would take far longer)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ('<svg width="2in" height="1in"/>', (192, 96)),
        (
            '\ufeff \n<svg:svg xmlns:svg="http://www.w3.org/2000/svg" width="12.6px" height="3">',
            (13, 3),
        ),
        (
            (
                '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
                "<svg height='20' viewBox='0,0,40,10' stroke-width=\"3\">"
            ),
            (80, 20),
        ),
        ('<svg viewBox="0 0 300 150"/>', None),  # no intrinsic size
        ('<svg width="100%" height="100%" viewBox="0 0 30 15"/>', None),
        ('<svg width="10em" height="5em"/>', None),
        ('<svg width="0" height="5"/>', None),
        ('<svg width="1e999" height="5"/>', None),
        ('<svg width="10" height="5"', None),  # the tag never ends
        ("<html><svg width='10' height='5'/></html>", None),  # not the root
        ('<!DOCTYPE svg [<!ENTITY w "40">]><svg width="&w;" height="20"/>', None),
    ],
)
def test_svg_root_attributes(tmp_path: Path, text: str, size: tuple[int, int] | None) -> None:
    path = tmp_path / "drawing.svg"
    path.write_text(text, encoding="utf-8")
    assert read_image_size(path) == size


def test_corpus_organization_logos() -> None:
    folder = corpus() / "assets" / "images" / "organizations"
    logos = sorted(folder.glob("*.jpg"))
    assert len(logos) > 100
    measured = {path.name: read_image_size(path) for path in logos}
    assert None not in measured.values()
    assert {size for name, size in measured.items() if name.endswith("-50x50.jpg")} == {(50, 50)}
    assert measured["microsoft.com-400x400.jpg"] == (400, 400)
    assert measured["itpro.co.uk-400x400.jpg"] == (240, 240)  # smaller than its name says


# --- site settings -------------------------------------------------------------------------------


def test_site_settings_from_the_corpus_config() -> None:
    settings = site_settings((corpus() / "_config.yml").read_text(encoding="utf-8"))
    assert settings == {"url": SITE, "baseurl": "/powerapps", "timezone": None}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "url: https://a.example\ntimezone: Europe/London\n",
            {"url": "https://a.example", "baseurl": "", "timezone": "Europe/London"},
        ),
        ("url: 5\nbaseurl:\n", {"url": None, "baseurl": "", "timezone": None}),
        ("", {"url": None, "baseurl": "", "timezone": None}),
        ("url: [unclosed\n", {}),
        ("- a\n- b\n", {}),
        ("a: &x [*x]\n" + "[" * 5000, {}),
        ("key: !!python/object:os.system 'echo'\n", {}),
    ],
)
def test_site_settings_never_raises(text: str, expected: dict[str, object]) -> None:
    assert site_settings(text) == expected


def test_find_site_root(tmp_path: Path) -> None:
    site = tmp_path / "site"
    record = site / "_news" / "2024" / "post.md"
    record.parent.mkdir(parents=True)
    record.write_text("---\n---\n")
    (site / "_config.yml").write_text("url: https://a.example\n")
    assert find_site_root(record) == site.resolve()
    assert find_site_root(site) == site.resolve()
    assert find_site_root(record.parent) == site.resolve()
    (tmp_path / "elsewhere").mkdir()
    assert find_site_root(tmp_path / "elsewhere") is None


def test_hint_is_a_value() -> None:
    hint = SizeHint(1, 2, None, "-1x2", 0, 4)
    assert hint.exact and not hint.transform
    with pytest.raises(AttributeError):
        hint.width = 3  # type: ignore[misc]


def test_a_youtube_id_without_a_digit_still_states_the_size() -> None:
    (hint,) = size_hints("https://i.ytimg.com/vi/abcdefGHIJK/maxresdefault.jpg")
    assert (hint.width, hint.height) == (1280, 720)


@pytest.mark.parametrize("url", ["https://example.com/images/photo-large.jpg",
                                 "https://res.cloudinary.com/x/image/upload/c_fill/photo.jpg",
                                 "https://example.com/resize/x/a.jpg?w=auto"])
def test_urls_without_a_digit_state_no_size(url: str) -> None:
    assert size_hints(url) == []
