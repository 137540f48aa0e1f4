"""Build benchmark corpora from the real article records, with a known share of defects.

Each corpus ``bench/work/corpus-N/`` holds:

- ``site/``: a Jekyll site (``_config.yml`` copied, ``assets`` linked to the real images) with
  N records under ``_news/``, ``_learning/...`` and ``_samples/``: copies of the real records,
  each copy with its own file name (``-cK`` suffix) and its own URLs (``webUrl`` and
  ``originalUrl`` get the same suffix in their path), so copies are not duplicates of each other;
- ``yaml/NNNNN.yaml``: each record's front matter alone, for tools that read YAML files;
- ``manifest.json``: every record (index, path, source) and every injected defect.

A defect is injected into ``--defect-share`` of the records (default 5%), one per record, chosen
among the kinds that apply to it: mojibake in the title, an ``http://`` image URL, a
publication time without a time zone, a misspelt key. Everything is seeded: the same arguments
give the same files.

    python bench/make_corpus.py --sizes 1000,10000,50000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SOURCE = REPO / "tests" / "data" / "corpus" / "everyday-powerapps"
COLLECTIONS = ("_news", "_learning", "_samples")
WORK = Path(os.environ.get("FMLINT_BENCH_WORK") or BENCH / "work")  # (tests: elsewhere)
SEED = 20240601
DEFECT_SHARE = 0.05
FORMAT_VERSION = 4  # bump when the layout or the defects change, to rebuild old corpora

# What each kind of defect should make a linter say (fmlint codes), for the detection check.
EXPECTED = {
    "mojibake-title": ("FM101",),
    "http-image-url": ("FM202",),
    "missing-timezone": ("FM301",),
    "misspelt-key": ("FM011",),
}


@dataclass(frozen=True)
class Record:
    """One real record: its path inside the site and its text."""

    relpath: str
    text: str


def real_records(source: Path = SOURCE) -> list[Record]:
    """The real article records, sorted by path."""
    found = []
    for collection in COLLECTIONS:
        for path in sorted((source / collection).rglob("*.md")):
            text = path.read_bytes().decode("utf-8")
            found.append(Record(path.relative_to(source).as_posix(), text))
    return found


_URL_LINE = re.compile(
    r"^(?P<key>(?:webUrl|originalUrl):[ \t]*)(?P<quote>[\"']?)(?P<url>[^\"'\s]+)", re.MULTILINE)
_URL_PARTS = re.compile(
    r"^(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*)(?P<path>[^?#]*)(?P<tail>.*)$")


def with_suffix_url(url: str, suffix: str) -> str:
    """``url`` with ``suffix`` added to the last segment of its path (or as a new segment)."""
    match = _URL_PARTS.match(url)
    if match is None:
        return url
    path = match["path"]
    if path.endswith("/"):
        path = f"{path}{suffix}/"
    elif path:
        path = f"{path}-{suffix}"
    else:
        path = f"/{suffix}"
    return f"{match['head']}{path}{match['tail']}"


def copy_text(text: str, suffix: str) -> str:
    """The record's text with its own URLs made distinct by ``suffix``."""
    if not suffix:
        return text
    return _URL_LINE.sub(
        lambda m: f"{m['key']}{m['quote']}{with_suffix_url(m['url'], suffix)}", text)


def copy_name(relpath: str, suffix: str) -> str:
    """The file name of a copy: ``name-cK.md``."""
    if not suffix:
        return relpath
    stem, ext = os.path.splitext(relpath)
    return f"{stem}-{suffix}{ext}"


def front_matter_end(text: str) -> int:
    """The offset just past the closing ``---`` line of the front matter (0 if none)."""
    if not text.startswith("---"):
        return 0
    match = re.compile(r"^---[ \t]*\r?$\n?", re.MULTILINE).search(text, text.index("\n") + 1)
    return match.end() if match else 0


def front_matter(text: str) -> str:
    """The front matter of a record as a YAML document (starting with ``---``)."""
    end = front_matter_end(text)
    if not end:
        return ""
    first = text.index("\n") + 1
    body = text[first:end]
    closing = body.rstrip("\n").rfind("\n")
    return "---\n" + body[:closing + 1]


# -- defects ----------------------------------------------------------------------------------

def _in_front_matter(text: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    match = pattern.search(text)
    return match if match and match.start() < front_matter_end(text) else None


_TITLE = re.compile(r"^title:[ \t]*[\"']?(?P<word>[A-Za-z0-9]+)", re.MULTILINE)
_IMAGE_URL = re.compile(r"^images:[ \t]*\n(?:[ \t].*\n)*?[ \t]*- url:[ \t]*[\"']?(?P<s>https)://",
                        re.MULTILINE)
_PUBLISHED = re.compile(r"^publishedDateTime:[ \t]*[\"']?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?P<z>Z)",
                        re.MULTILINE)
_EXCERPT = re.compile(r"^(?P<key>excerpt):", re.MULTILINE)


def _mojibake_title(text: str) -> tuple[str, int] | None:
    match = _in_front_matter(text, _TITLE)
    if match is None:
        return None
    at = match.end("word")
    return text[:at] + "\u00e2\u20ac\u2122s" + text[at:], at  # "’s" read as Windows-1252


def _http_image(text: str) -> tuple[str, int] | None:
    match = _in_front_matter(text, _IMAGE_URL)
    if match is None:
        return None
    return text[:match.start("s")] + "http" + text[match.end("s"):], match.start("s")


def _no_timezone(text: str) -> tuple[str, int] | None:
    match = _in_front_matter(text, _PUBLISHED)
    if match is None:
        return None
    return text[:match.start("z")] + text[match.end("z"):], match.start("z")


def _misspelt_key(text: str) -> tuple[str, int] | None:
    match = _in_front_matter(text, _EXCERPT)
    if match is None:
        return None
    return text[:match.start("key")] + "exerpt" + text[match.end("key"):], match.start("key")


DEFECTS: dict[str, Callable[[str], tuple[str, int] | None]] = {
    "mojibake-title": _mojibake_title,
    "http-image-url": _http_image,
    "missing-timezone": _no_timezone,
    "misspelt-key": _misspelt_key,
}


def inject(text: str, rng: random.Random) -> tuple[str, str, int] | None:
    """``text`` with one defect of a kind that applies to it: (text, kind, line)."""
    kinds = list(DEFECTS)
    rng.shuffle(kinds)
    for kind in kinds:
        done = DEFECTS[kind](text)
        if done is not None:
            new_text, at = done
            return new_text, kind, text.count("\n", 0, at) + 1
    return None


# -- building ---------------------------------------------------------------------------------

def plan(records: list[Record], size: int, seed: int = SEED) -> list[tuple[Record, str]]:
    """Which real record each of ``size`` records copies, and the copy's suffix.

    The real records are shuffled once, so every size is a representative mix and a smaller
    corpus is a prefix of a larger one.
    """
    order = list(records)
    random.Random(seed).shuffle(order)
    return [(order[i % len(order)], f"c{i // len(order)}" if i >= len(order) else "")
            for i in range(size)]


def corpus_dir(size: int) -> Path:
    """Where the corpus of ``size`` records is built."""
    return WORK / f"corpus-{size}"


def build(size: int, *, seed: int = SEED, share: float = DEFECT_SHARE,
          source: Path = SOURCE, force: bool = False) -> Path:
    """Build (or reuse, when it is up to date) the corpus of ``size`` records; its folder."""
    target = corpus_dir(size)
    manifest_path = target / "manifest.json"
    settings = {"size": size, "seed": seed, "share": share, "version": FORMAT_VERSION,
                "source": str(source)}
    if manifest_path.is_file() and not force:
        try:
            old = json.loads(manifest_path.read_text("utf-8"))
            if old.get("settings") == settings:
                return target
        except (OSError, ValueError):
            pass
    if target.exists():
        shutil.rmtree(target)
    site = target / "site"
    yaml_dir = target / "yaml"
    site.mkdir(parents=True)
    yaml_dir.mkdir()
    shutil.copy2(source / "_config.yml", site / "_config.yml")
    os.symlink(source / "assets", site / "assets", target_is_directory=True)
    # A site is its own repository; without this the project's .gitignore (which ignores
    # bench/work/) would hide every record from tools that honour .gitignore files.
    subprocess.run(["git", "init", "-q", str(site)], check=True)

    records = real_records(source)
    chosen = plan(records, size, seed)
    rng = random.Random(seed + size)
    defective = set(rng.sample(range(size), round(size * share)))
    entries, defects = [], []
    made_dirs: set[Path] = set()
    for index, (record, suffix) in enumerate(chosen):
        relpath = copy_name(record.relpath, suffix)
        text = copy_text(record.text, suffix)
        if index in defective:
            injected = inject(text, rng)
            if injected is not None:
                text, kind, line = injected
                defects.append({"index": index, "path": relpath, "kind": kind, "line": line,
                                "expected": list(EXPECTED[kind])})
        path = site / relpath
        if path.parent not in made_dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(path.parent)
        path.write_bytes(text.encode("utf-8"))
        yaml_name = f"{index:05d}.yaml"
        (yaml_dir / yaml_name).write_bytes(front_matter(text).encode("utf-8"))
        entries.append({"index": index, "path": relpath, "yaml": yaml_name,
                        "source": record.relpath})
    counts: dict[str, int] = {}
    for defect in defects:
        counts[defect["kind"]] = counts.get(defect["kind"], 0) + 1
    manifest = {"settings": settings, "records": len(entries), "collections": list(COLLECTIONS),
                "defects": {"count": len(defects), "by_kind": counts, "items": defects},
                "files": entries}
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000",
                        help="comma-separated record counts (default: 1000,10000,50000)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--defect-share", type=float, default=DEFECT_SHARE)
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    args = parser.parse_args(argv)
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        target = build(size, seed=args.seed, share=args.defect_share, force=args.force)
        manifest = json.loads((target / "manifest.json").read_text("utf-8"))
        print(f"{target}: {manifest['records']} records, {manifest['defects']['count']} "
              f"defects {manifest['defects']['by_kind']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
