"""Which generator builds a site, what of its settings fmlint reads, and ``fmlint site``,
which says so."""

from __future__ import annotations

import json
import os
from typing import Any

from . import files

_HUGO_FILES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")
_ELEVENTY_FILES = (".eleventy.js", "eleventy.config.js", "eleventy.config.mjs",
                   "eleventy.config.cjs", "eleventy.config.ts")
_ASTRO_FILES = ("astro.config.mjs", "astro.config.js", "astro.config.ts", "astro.config.mts",
                "astro.config.cjs")
NAMES = {"jekyll": "Jekyll", "hugo": "Hugo", "zola": "Zola", "eleventy": "Eleventy",
         "astro": "Astro"}


def recognise(folder: str) -> tuple[str, str] | None:
    """(generator, the file that says so) for a site's root folder; None for none."""
    def there(name: str) -> bool:
        return os.path.isfile(os.path.join(folder, name))

    if there("_config.yml"):
        return "jekyll", os.path.join(folder, "_config.yml")
    for name in _HUGO_FILES:
        if there(name):
            return "hugo", os.path.join(folder, name)
    if there("config.toml"):
        path = os.path.join(folder, "config.toml")
        keys = {key.lower() for key in _read_settings(path)}
        if "base_url" in keys:
            return "zola", path
        if "baseurl" in keys:
            return "hugo", path
    for generator, names in (("eleventy", _ELEVENTY_FILES), ("astro", _ASTRO_FILES)):
        for name in names:
            if there(name):
                return generator, os.path.join(folder, name)
    return None


def find_generator(start: str) -> tuple[str, str, str] | None:
    """(root, generator, settings file) of the nearest site at or above the folder
    ``start``; None when no folder up to the file system's root is one."""
    current = os.path.abspath(start)
    while True:
        found = recognise(current)
        if found is not None:
            return current, *found
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def hugo_settings(path: str) -> dict[str, Any]:
    """What Hugo's settings file says of records before rendering: ``buildFuture``,
    ``buildDrafts`` and ``timeZone`` (keys in any case), as ``Site`` fields."""
    data = {key.lower(): value for key, value in _read_settings(path).items()}
    zone = data.get("timezone")
    return {"future": data.get("buildfuture") is True,
            "show_drafts": data.get("builddrafts") is True,
            "timezone": zone if isinstance(zone, str) and zone else None}


def _read_settings(path: str) -> dict[str, Any]:
    """The top-level mapping of a TOML, YAML or JSON settings file; {} when it cannot be
    read (too big, not a regular file, not valid)."""
    try:
        text = files.read_whole(path, roots=[os.path.dirname(path)],
                                limit=files.MAX_SETTINGS_BYTES)[1].decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    try:
        if path.endswith(".toml"):
            import tomllib

            data: Any = tomllib.loads(text)
        elif path.endswith(".json"):
            data = json.loads(text)
        else:
            import yaml

            from ..reading.yamldoc import LOADER

            data = yaml.load(text, Loader=LOADER)
    except Exception:  # (tomllib's, json's and yaml's errors alike: a broken file is not read)
        return {}
    return data if isinstance(data, dict) else {}
