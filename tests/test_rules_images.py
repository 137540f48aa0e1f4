"""Image rules FM401–FM403: declared sizes against the numbers, the URL and the real files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import linter
from linter.engine.config import Config
from linter.schema.shipped import builtin_path

from .conftest import CORPUS, SEED, Run
from .rulekit import at, fixed, lint, only, seed_with

IMAGE = ('  - url: "https://ichef.bbci.co.uk/news/1024/branded_news/F739/production/'
         '_132398236_mediaitem110633248.jpg"\n    width: 1024\n    height: 576\n')
ORGANIZATIONS = CORPUS / "_data" / "organizations"
LOGOS = CORPUS / "assets" / "images" / "organizations"




def image(url: str, width: int, height: int) -> str:
    return seed_with(IMAGE, f'  - url: "{url}"\n    width: {width}\n    height: {height}\n')










def lines(text: str, first: int, last: int) -> list[str]:
    return text.splitlines()[first - 1:last]


def test_the_seeds_images_are_consistent() -> None:
    """ichef's news/1024 and Cloudinary's w_1782 with ar_16:9 both agree with the numbers."""
    codes = {f.code for f in lint(SEED.read_text("utf-8"))}
    assert not codes & {"FM401", "FM402", "FM403"}


# --- FM401 image-dimensions -----------------------------------------------------------------


def test_zero_width_is_not_a_size() -> None:
    findings = lint(seed_with(IMAGE, IMAGE.replace("width: 1024", "width: 0")))
    [finding] = only(findings, "FM401")
    assert at(finding) == ("FM401", 29, 12, 29, 13, "/images/0/width")
    assert finding.message == (
        "images[0].width must be a whole number of pixels above zero, but it is the number 0")
    assert finding.fix is None and finding.severity == "error"
    assert [f.code for f in findings if f.pointer == "/images/0/width"] == ["FM401"]


def test_an_implausible_size_and_its_option() -> None:
    text = seed_with(IMAGE, IMAGE.replace("width: 1024", "width: 30000"))
    [finding] = only(lint(text), "FM401")
    assert at(finding) == ("FM401", 29, 12, 29, 17, "/images/0/width")
    assert "30000 pixels, more than the plausible maximum of 20000" in finding.message
    assert only(lint(text, rule_options={"image-dimensions": {"max": 40000}}), "FM401") == []


def test_width_without_height(tmp_path: Path) -> None:
    """With a schema that lets an image go without its size, the pair is still needed."""
    schema = json.loads(builtin_path("article.schema.json").read_text("utf-8"))
    schema["$defs"]["image"]["required"] = ["url"]
    (tmp_path / "loose.schema.json").write_text(json.dumps(schema), "utf-8")
    text = "---\n$schema: loose.schema.json\n" + seed_with(IMAGE, IMAGE.replace(
        "    height: 576\n", "")).removeprefix("---\n")
    [finding] = only(lint(text, str(tmp_path / "article.md")), "FM401")
    assert at(finding) == ("FM401", 29, 5, 33, 1, "/images/0")  # the $schema line shifts it
    assert finding.message == "images[0] has a width but no height: give both or neither"


def test_width_without_height_under_a_schema_that_requires_both() -> None:
    findings = lint(seed_with(IMAGE, IMAGE.replace("    height: 576\n", "")))
    assert [(f.code, f.pointer, f.message) for f in findings if f.pointer == "/images/0"] == [
        ("FM012", "/images/0", "missing required key 'height' in images[0]")]


# --- FM402 image-url-hint -------------------------------------------------------------------


def test_a_wordpress_size_suffix_contradicts_the_declared_size() -> None:
    text = image("https://example.com/wp-content/uploads/2024/01/photo-1024x576.jpg", 800, 600)
    [finding] = only(lint(text), "FM402")
    assert at(finding) == ("FM402", 29, 12, 29, 15, "/images/0/width")
    assert finding.message == (
        "images[0]: URL says 1024×576 (-1024x576) but width/height are 800×600")
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert lines(fixed(text, finding), 29, 30) == ["    width: 1024", "    height: 576"]


def test_hints_that_disagree_give_no_fix() -> None:
    text = image("https://cdn.example/crop/800x600+0+0/a.jpg?fit=fill&w=1200&h=630", 800, 600)
    [finding] = only(lint(text), "FM402")
    assert at(finding) == ("FM402", 29, 12, 29, 15, "/images/0/width")
    assert "URL states sizes that disagree (800x600+0+0, w=1200, h=630)" in finding.message
    assert finding.fix is None


@pytest.mark.parametrize(("url", "width", "height"), [
    ("https://example.com/wp-content/uploads/2024/01/photo-1024x576.jpg", 1024, 576),
    ("https://i.ytimg.com/vi/aOcQIMvdWW4/maxresdefault.jpg", 1280, 720),
    ("https://example.com/photo.jpg?w=1200", 800, 600),  # a limit, and within it
    # A crop, then a forced resize: the resize states the delivered size (Brightspot's dims4).
    ("https://assets.newatlas.com/dims4/default/f5e6e44/2147483647/strip/true/crop/"
     "3369x1769+0+63/resize/1200x630!/quality/90/?url=http%3A%2F%2Fnewatlas-brightspot.s3."
     "amazonaws.com%2Fdd%2Ff4%2Fb0ec9f0242bb9b5ba7a68817ad87%2Fc054022c.jpg", 1200, 630),
    ("https://example.com/photo.jpg", 123, 45),  # no statement at all
])
def test_urls_that_agree_or_say_nothing(url: str, width: int, height: int) -> None:
    assert only(lint(image(url, width, height)), "FM402") == []


def test_the_corpus_youtube_thumbnails_agree() -> None:
    path = CORPUS / "_learning" / "videos" / "powerapps911-powerapps-shopping-cart.md"
    text = path.read_text("utf-8")
    assert "maxresdefault.jpg" in text
    assert only(linter.lint_text(text, str(path), Config()), "FM402") == []


# --- FM403 image-local ----------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the real site's configuration, organizations folder and a few logos."""
    shutil.copy(CORPUS / "_config.yml", tmp_path / "_config.yml")
    shutil.copy(Path(__file__).parent.parent / "examples" / "fmlint.toml",
                tmp_path / "fmlint.toml")
    (tmp_path / "_data" / "organizations").mkdir(parents=True)
    (tmp_path / "assets" / "images" / "organizations").mkdir(parents=True)
    for name in ("uw.edu.md", "mashable.com.md"):
        shutil.copy(ORGANIZATIONS / name, tmp_path / "_data" / "organizations" / name)
    for name in ("uw.edu-50x50.jpg", "uw.edu-400x400.jpg", "microsoft.com-50x50.jpg"):
        shutil.copy(LOGOS / name, tmp_path / "assets" / "images" / "organizations" / name)
    return tmp_path


def _findings(run: Run) -> list[tuple[str, int, int, str]]:
    return [(Path(f["path"]).name, f["line"], f["column"], f["code"])
            for f in json.loads(run.out)]


def check(cli: Callable[..., Run], site: Path, *more: str) -> Run:
    return cli(["check", str(site), "--output-format", "json", "--no-cache", *more])


def test_missing_and_wrongly_sized_logos(site: Path, cli: Callable[..., Run]) -> None:
    run = check(cli, site)
    assert _findings(run) == [
        ("mashable.com.md", 7, 10, "FM403"),
        ("mashable.com.md", 10, 10, "FM403"),
        ("uw.edu.md", 13, 12, "FM403"),
    ]
    missing, _, size = json.loads(run.out)
    assert missing["message"] == ("images[0].url: the image /assets/images/organizations/"
                                  "mashable.com-50x50.jpg is not in the site (no such file)")
    assert missing["severity"] == "error" and missing["fix"] is None
    assert size["message"] == "images[1] is declared 400×400 but the file is 240×240"
    assert size["fix"]["applicability"] == "safe"
    # uw.edu-400x400.jpg states 400x400 in its name: the real file wins, and only it speaks.
    assert "FM402" not in run.out


def test_fix_writes_the_real_size(site: Path, cli: Callable[..., Run]) -> None:
    record = site / "_data" / "organizations" / "uw.edu.md"
    check(cli, site, "--fix")
    assert lines(record.read_text("utf-8"), 12, 14) == [
        "  - url: /assets/images/organizations/uw.edu-400x400.jpg",
        "    width: 240",
        "    height: 240",
    ]
    assert _findings(check(cli, site)) == [("mashable.com.md", 7, 10, "FM403"),
                                           ("mashable.com.md", 10, 10, "FM403")]


def test_images_under_the_sites_own_url(site: Path, cli: Callable[..., Run]) -> None:
    """https://everyday-cc.github.io/powerapps/assets/... is read from the site folder."""
    news = CORPUS / "_news" / "2024-01-31-whats-new-power-apps-january-2024-feature-update.md"
    (site / "_news").mkdir()
    text = news.read_text("utf-8")
    (site / "_news" / news.name).write_text(text, "utf-8")
    wrong = text.replace("      width: 50\n      height: 50", "      width: 60\n      height: 60")
    (site / "_news" / "2024-01-31-wrong-logo-size.md").write_text(wrong, "utf-8")
    run = check(cli, site, "--select", "FM403")
    assert [f for f in _findings(run) if f[0].startswith("2024")] == [
        ("2024-01-31-wrong-logo-size.md", 18, 14, "FM403")]


def test_no_site_no_reading(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """Without a _config.yml above it, a site-relative image cannot be looked up."""
    shutil.copy(ORGANIZATIONS / "mashable.com.md", tmp_path / "mashable.com.md")
    run = cli(["check", str(tmp_path / "mashable.com.md"), "--output-format", "json",
               "--no-cache", "--select", "FM403", "--isolated"])
    assert json.loads(run.out) == []


def test_a_site_image_url_too_long_to_be_a_url_is_not_looked_up(site: Path,
                                                                 cli: Callable[..., Run]) -> None:
    """The missing-file finding quoted the whole 1 MB URL; url-syntax says it is too long."""
    record = site / "_data" / "organizations" / "uw.edu.md"
    text = record.read_text("utf-8")
    old = "/assets/images/organizations/uw.edu-50x50.jpg"
    record.write_text(text.replace(old, "/assets/" + "a/" * 500_000 + "x.jpg"), "utf-8")
    found = [f for f in json.loads(check(cli, site).out) if f["path"].endswith("uw.edu.md")]
    assert [(f["code"], f["line"]) for f in found] == [("FM201", 9), ("FM403", 13)]
    assert "too long to be read as a URL" in found[0]["message"]
    assert all(len(f["message"]) < 300 for f in found)
