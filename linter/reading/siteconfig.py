"""What fmlint reads of a Jekyll ``_config.yml`` text: the site's URL, ``baseurl`` and time
zone, and what Jekyll does with records before rendering them (``reading.defaults``)."""

from __future__ import annotations

from typing import Any

from .defaults import Place, jekyll_settings, places


def site_settings(config_text: str) -> dict[str, Any]:
    """`url`, `baseurl` and `timezone` of a Jekyll `_config.yml` text.

    Missing or non-text values give None (`baseurl` gives ""). Text that is not YAML, or whose
    top level is not a mapping, gives {}.
    """
    data = _settings_mapping(config_text)
    return {} if data is None else _site_values(data)


def _site_values(data: dict[str, Any]) -> dict[str, Any]:
    def text(key: str) -> str | None:
        value = data.get(key)
        return value if isinstance(value, str) else None

    return {"url": text("url"), "baseurl": text("baseurl") or "", "timezone": text("timezone")}


def generator_settings(config_text: str) -> dict[str, Any]:
    """`site_settings` and what Jekyll does with records before rendering them: `future`,
    `show_drafts`, `collections` and `defaults` (see `linter.reading.defaults.jekyll_settings`)."""
    data = _settings_mapping(config_text)
    if data is None:
        return {}
    return {**_site_values(data), **jekyll_settings(data, _defaults_places(config_text))}


def _defaults_places(config_text: str) -> dict[str, Place]:
    """Where each value under ``defaults:`` is written. (The text is parsed again for this:
    ``_settings_mapping`` reads it as Jekyll does, recursive aliases and all, which the
    positions reader refuses.)"""
    from .yamldoc import parse

    return places(config_text, parse(config_text).spans, "/defaults/")


def _settings_mapping(config_text: str) -> dict[str, Any] | None:
    """The top-level mapping of a `_config.yml` text ({} when empty); None when it is not
    YAML or not a mapping."""
    import yaml

    from .yamldoc import LOADER

    try:
        data = yaml.load(config_text, Loader=LOADER)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        return None
    if data is None:  # an empty file: every setting takes its default
        return {}
    return data if isinstance(data, dict) else None
