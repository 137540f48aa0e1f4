"""What fmlint reads of a Jekyll ``_config.yml`` text: the site's URL, ``baseurl`` and time
zone, and what Jekyll does with records before rendering them (``reading.defaults``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


# --- Site configuration --------------------------------------------------------------------------


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
    from .defaults import jekyll_settings

    data = _settings_mapping(config_text)
    if data is None:
        return {}
    return {**_site_values(data), **jekyll_settings(data, _defaults_places(config_text))}


def _defaults_places(config_text: str) -> dict[str, tuple[int, int, int, int]]:
    """Where each value under ``defaults:`` is written: pointer -> (line, column, end line,
    end column), 1-based, as a finding on it would point."""
    from .source import LineIndex
    from .yamldoc import parse

    document, index = parse(config_text), LineIndex(config_text)
    return {pointer: (*index.position(span.start), *index.position(max(span.end, span.start)))
            for pointer, span in document.spans.items() if pointer.startswith("/defaults/")}


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
