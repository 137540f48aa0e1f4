"""``fmlint site [PATH]``: the site PATH belongs to, its generator, and what fmlint read of
its settings."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from ..engine.config import Config
from ..rules.context import Site
from ..site import configfile
from ..site.info import NAMES, find_generator
from ..site.workspace import Workspace
from .report import EXIT_CLEAN, EXIT_ERROR


def run_site(path: str, out: TextIO) -> int:
    """``fmlint site PATH``: print the site PATH belongs to and the settings read of it."""
    if not os.path.exists(path):
        print(f"fmlint: {path}: no such file or folder", file=sys.stderr)
        return EXIT_ERROR
    record = path if os.path.isfile(path) else os.path.join(path, "_")
    try:
        settings = configfile.find(record)
        config = configfile.load(settings) if settings else Config()
    except configfile.ConfigError as err:
        print(f"fmlint: {err}", file=sys.stderr)
        return EXIT_ERROR
    site = Workspace().site_for(record, config)
    for line in describe(site, find_generator(os.path.dirname(os.path.abspath(record)))):
        print(line, file=out)
    return EXIT_CLEAN


def describe(site: Site, found: tuple[str, str, str] | None) -> list[str]:
    """Lines saying what fmlint read of a site (``Site``) and its generator."""
    if found is None:
        return ["no site found: no _config.yml, hugo.toml, config.toml, eleventy.config.* "
                "or astro.config.* in this folder or above it"]
    root, generator, source = found
    lines = [f"site root: {site.root or root}",
             f"generator: {NAMES[generator]} (recognised by {os.path.basename(source)})"]
    if site.timezone:
        lines.append(f"time zone: {site.timezone}")
    else:
        lines.append("time zone: none set (times without a zone are read in the build "
                     "machine's zone)")
    if generator in ("jekyll", "hugo"):
        setting = "future" if generator == "jekyll" else "buildFuture"
        built = "built" if site.future else "held back"
        lines.append(f"future-dated posts: {built} ({setting}: {str(site.future).lower()})")
    drafts = {"jekyll": "show_drafts", "hugo": "buildDrafts"}.get(generator)
    if drafts:
        built = "built" if site.show_drafts else "held back"
        lines.append(f"drafts: {built} ({drafts}: {str(site.show_drafts).lower()})")
    if site.collections:
        lines.append(f"collections: {', '.join(site.collections)}")
    lines.append(f"front matter defaults: {len(site.defaults) or 'none'}")
    for scope in site.defaults:
        where = f"path {scope.path!r}" if scope.path else "every path"
        kind = f", type {scope.type}" if scope.type else ""
        lines.append(f"  {where}{kind}: {', '.join(map(str, scope.values)) or '(no keys)'}")
    return lines
