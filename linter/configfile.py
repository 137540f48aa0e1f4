"""Finding and reading configuration files into a ``Config``, with errors that name the line."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from .config import Config, SchemaMapping

NAMES = (".fmlint.toml", "fmlint.toml", "pyproject.toml")


class ConfigError(Exception):
    """An unusable configuration file; the message names the file and line."""


def find(start: str) -> str | None:
    """The nearest configuration file at or above ``start``.

    ``fmlint.toml`` and ``.fmlint.toml`` count always; ``pyproject.toml`` only with a
    ``[tool.fmlint]`` table.
    """
    current = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        for name in NAMES:
            candidate = os.path.join(current, name)
            if not os.path.isfile(candidate):
                continue
            if name != "pyproject.toml":
                return candidate
            try:
                with open(candidate, "rb") as handle:
                    if "fmlint" in tomllib.load(handle).get("tool", {}):
                        return candidate
            except (OSError, tomllib.TOMLDecodeError):
                continue
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _line_of(text: str, key: str) -> int:
    """Best-effort line of a key in a TOML file, for messages."""
    pattern = re.compile(rf"^\s*(?:\[+[^\]]*\b{re.escape(key)}\b|\"?{re.escape(key)}\"?\s*=)",
                         re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _validate(table: dict[str, Any], path: str, text: str) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    from .schemas import builtin_path

    schema = json.loads(builtin_path("config.schema.json").read_text("utf-8"))
    validator = Draft202012Validator(schema)
    error = best_match(validator.iter_errors(table))
    if error is None:
        return
    keys = [str(p) for p in error.absolute_path]
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        key = unknown[0] if unknown else (keys[-1] if keys else "")
        known = ", ".join(sorted(error.schema.get("properties", {})))
        raise ConfigError(f"{path}:{_line_of(text, key)}: unknown setting '{key}' "
                          f"(known settings: {known})")
    key = next((k for k in reversed(keys) if not k.isdigit()), "")
    where = ".".join(keys) or "the configuration"
    raise ConfigError(f"{path}:{_line_of(text, key) if key else 1}: {where}: {error.message}")


def load(path: str) -> Config:
    """Read one configuration file (TOML) into a Config."""
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read the configuration: {err}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None
    table = data.get("tool", {}).get("fmlint", {}) if path.endswith("pyproject.toml") else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.fmlint] must be a table")
    _validate(table, path, text)
    config = from_table(table, base_dir=os.path.dirname(os.path.abspath(path)))
    config.source = path
    _check_rules(config, path, text)
    return config


def from_table(table: dict[str, Any], base_dir: str = ".") -> Config:
    """A Config from an already-validated settings table."""
    config = Config(base_dir=base_dir)
    if "select" in table:
        config.select = list(table["select"])
    config.extend_select = list(table.get("extend-select", []))
    config.ignore = list(table.get("ignore", []))
    config.severity = dict(table.get("severity", {}))
    config.per_file_ignores = {k: list(v) for k, v in table.get("per-file-ignores", {}).items()}
    if "include" in table:
        config.include = list(table["include"])
    config.exclude = list(table.get("exclude", []))
    config.schemas = [SchemaMapping(tuple(m["files"]), m["schema"])
                      for m in table.get("schemas", [])]
    config.default_schema = table.get("schema", "article")
    if "site-root" in table:
        config.site_root = os.path.normpath(os.path.join(base_dir, table["site-root"]))
    config.site_url = table.get("site-url")
    config.baseurl = table.get("baseurl", "")
    config.timezone = table.get("timezone")
    config.rule_options = {k: dict(v) for k, v in table.get("rules", {}).items()}
    return config


def _check_rules(config: Config, path: str, text: str) -> None:
    from .registry import BY_NAME, load_all, resolve

    rules = load_all()
    for key in ("select", "extend_select", "ignore"):
        for selector in getattr(config, key) or []:
            try:
                resolve([selector])
            except KeyError:
                raise ConfigError(f"{path}:{_line_of(text, selector)}: unknown rule "
                                  f"'{selector}' in {key.replace('_', '-')}") from None
    for pattern, selectors in config.per_file_ignores.items():
        for selector in selectors:
            try:
                resolve([selector])
            except KeyError:
                raise ConfigError(f"{path}:{_line_of(text, selector)}: unknown rule "
                                  f"'{selector}' in per-file-ignores '{pattern}'") from None
    for key in config.severity:
        if key not in rules and key not in BY_NAME:
            raise ConfigError(f"{path}:{_line_of(text, key)}: unknown rule '{key}' in severity")
    for name, options in config.rule_options.items():
        rule = BY_NAME.get(name) or rules.get(name)
        if rule is None:
            raise ConfigError(f"{path}:{_line_of(text, name)}: unknown rule '{name}' in "
                              "[rules]; use the rule's name, e.g. 'url-tracking'")
        for option, value in options.items():
            if option not in rule.options:
                known = ", ".join(sorted(rule.options)) or "none"
                raise ConfigError(f"{path}:{_line_of(text, option)}: rule {rule.name} has no "
                                  f"option '{option}' (its options: {known})")
            default = rule.options[option].default
            if default is not None and not _same_kind(default, value):
                raise ConfigError(f"{path}:{_line_of(text, option)}: option '{option}' of "
                                  f"{rule.name} should be {type(default).__name__}, "
                                  f"not {type(value).__name__}")
        if rule.name != name:
            config.rule_options[rule.name] = config.rule_options.pop(name)


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, int | float):
        return isinstance(value, int | float)
    if isinstance(default, list | tuple):
        return isinstance(value, list)
    return isinstance(value, type(default))
