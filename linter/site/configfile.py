"""Finding and reading configuration files into a ``Config``, with errors that name the line."""

from __future__ import annotations

import copy
import fnmatch
import json
import os
import re
from typing import Any

from ..engine.config import Config, SchemaMapping, Selection
from .files import read_whole

NAMES = (".fmlint.toml", "fmlint.toml", "pyproject.toml")
MAX_CONFIG_BYTES = 1024 * 1024  # the largest configuration file fmlint reads


class ConfigError(Exception):
    """An unusable configuration file; the message names the file and line."""


class _Placed(ConfigError):
    """A ConfigError in an extended file that already says which file extends it."""


def find(start: str) -> str | None:
    """The nearest configuration file at or above ``start``.

    ``fmlint.toml`` and ``.fmlint.toml`` count always; ``pyproject.toml`` only with a
    ``[tool.fmlint]`` table. A nearer folder wins; within one folder the order is
    ``.fmlint.toml``, ``fmlint.toml``, ``pyproject.toml``.
    """
    current = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        for name in NAMES:
            candidate = os.path.join(current, name)
            if not os.path.isfile(candidate):
                continue
            if name != "pyproject.toml":
                return candidate
            import tomllib  # (imported when there is TOML to read)

            try:
                data = read_whole(candidate, limit=MAX_CONFIG_BYTES)[1].decode("utf-8")
                if "fmlint" in tomllib.loads(data).get("tool", {}):
                    return candidate
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


_BARE = r"[A-Za-z0-9_-]+"
_KEY = rf"(?:{_BARE}|\"(?:[^\"\\]|\\.)*\"|'[^']*')"
_DOTTED = re.compile(rf"{_KEY}(?:\s*\.\s*{_KEY})*")
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED.pattern})\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(rf"^\s*({_DOTTED.pattern})\s*=")


def _split_key(dotted: str) -> tuple[str, ...]:
    parts = re.findall(_KEY, dotted)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


class _Lines:
    """Best-effort TOML line finder: which line defines a key path, for error messages."""

    def __init__(self, text: str, root: tuple[str, ...]) -> None:
        self.root = root
        self.lines = text.splitlines()
        self.paths: list[tuple[int, tuple[str, ...]]] = []  # (line, full key path)
        table: tuple[str, ...] = ()
        arrays: dict[tuple[str, ...], int] = {}
        for number, line in enumerate(self.lines, start=1):
            header = _HEADER.match(line)
            if header:
                table = _split_key(header.group(2))
                if header.group(1) == "[[":
                    arrays[table] = arrays.get(table, -1) + 1
                    table = (*table, str(arrays[table]))
                self.paths.append((number, table))
                continue
            assign = _ASSIGN.match(line)
            if assign:
                self.paths.append((number, (*table, *_split_key(assign.group(1)))))

    def line(self, keys: list[str] | tuple[str, ...]) -> int:
        """The line of the longest prefix of ``keys`` (below the root) the file defines."""
        target = (*self.root, *keys)
        best, best_length = 0, len(self.root)
        for number, path in self.paths:
            length = 0
            for a, b in zip(path, target, strict=False):
                if a != b:
                    break
                length += 1
            if length == len(path) and length > best_length:
                best, best_length = number, length
        if best:
            return best
        roots = [n for n, path in self.paths if path[: len(self.root)] == self.root]
        return roots[0] if roots else 1

    def value_line(self, keys: list[str] | tuple[str, ...], value: str) -> int:
        """The line of a string value (e.g. a rule code in a list) under ``keys``."""
        start = self.line(keys)
        quoted = re.compile(rf"([\"']){re.escape(value)}\1")
        for number in range(start, len(self.lines) + 1):
            if number > start and _HEADER.match(self.lines[number - 1]):
                break
            if quoted.search(self.lines[number - 1]):
                return number
        return start


def _validate(table: dict[str, Any], path: str, lines: _Lines) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    from ..schema.shipped import builtin_path

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
        at = [*keys, key] if key else keys
        raise ConfigError(f"{path}:{lines.line(at)}: unknown setting '{key}' "
                          f"(known settings: {known})")
    setting = ".".join(keys) or "the configuration"
    raise ConfigError(f"{path}:{lines.line(keys)}: {setting}: {error.message}")


def load(path: str) -> Config:
    """Read one configuration file (TOML), and the files it extends, into a Config (its
    rules resolved). A ``Workspace`` keeps what it read while the files are unchanged."""
    config = _load(path, ())
    config.enabled()
    return config


def _load(path: str, chain: tuple[str, ...]) -> Config:
    """One configuration file over the files it extends; ``chain``: the files that extend
    it, the nearest last (to name a cycle)."""
    try:
        text = read_whole(path, limit=MAX_CONFIG_BYTES)[1].decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read the configuration: {err}") from None
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message, line = str(err), text.count("\n") + (not text.endswith("\n"))
        at = re.search(r" \(at (?:line (\d+), column \d+|end of document)\)$", message)
        if at:
            message, line = message[: at.start()], int(at.group(1) or line)
        raise ConfigError(f"{path}:{max(line, 1)}: not valid TOML: {message}") from None
    pyproject = os.path.basename(path) == "pyproject.toml"
    tool = data.get("tool", {}) if pyproject else {}
    table = (tool.get("fmlint", {}) if isinstance(tool, dict) else {}) if pyproject else data
    lines = _Lines(text, ("tool", "fmlint") if pyproject else ())
    if not isinstance(table, dict):
        raise ConfigError(f"{path}:{lines.line(())}: [tool.fmlint] must be a table")
    _validate(table, path, lines)
    config = from_table(table, base_dir=os.path.dirname(os.path.abspath(path)))
    config.source = path
    config.sources = (os.path.abspath(path),)
    _check_rules(config, path, lines)
    _check_network(config, path, lines)
    if "extend" not in table:
        return config
    return _merge(_extended(table["extend"], path, chain, lines), config, table)


def _extended(reference: str, path: str, chain: tuple[str, ...], lines: _Lines) -> Config:
    """The configuration ``path`` extends (``reference``, relative to its folder)."""
    where = f"{path}:{lines.line(['extend'])}"
    target = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)),
                                           os.path.expanduser(reference)))
    here = [os.path.realpath(p) for p in (*chain, path)]
    if os.path.realpath(target) in here:
        cycle = " -> ".join([*chain, path, target])
        raise _Placed(f"{where}: extend: the configurations extend each other in a "
                      f"cycle: {cycle}")
    if not os.path.isfile(target):
        raise ConfigError(f"{where}: extend: no such configuration file: {target}")
    try:
        return _load(target, (*chain, path))
    except _Placed:
        raise
    except ConfigError as err:
        raise _Placed(f"{err} (extended by {where})") from None


def _merge(base: Config, own: Config, table: dict[str, Any]) -> Config:
    """``own`` (read from ``table``) over ``base``, the configuration it extends.

    A setting ``own`` has replaces ``base``'s; tables (``severity``, ``per-file-ignores``,
    ``rules``, ``network``) are merged key by key, ``own``'s keys winning; rule selection is
    layered as ruff's: ``base``'s ``select``/``extend-select``/``ignore``, then ``own``'s
    (its ``select`` replaces all, its ``extend-select`` adds, its ``ignore`` removes).
    ``base``'s globs and paths keep meaning what they meant from its own folder.
    """
    old, new = base.base_dir, own.base_dir

    def globs(patterns: list[str] | tuple[str, ...]) -> list[str]:
        return [q for p in patterns for q in _rebase(p, old, new)]

    config = copy.copy(own)
    config.overrides, config._enabled, config._compiled = list(base.overrides), None, None
    config.select, config.extend_select, config.ignore = (
        base.select, list(base.extend_select), list(base.ignore))
    if {"select", "extend-select", "ignore"} & table.keys():
        config.overrides.append(Selection(
            None if own.select is None else tuple(own.select), tuple(own.extend_select),
            tuple(own.ignore)))
    config.severity = {**base.severity, **own.severity}
    config.per_file_ignores = {
        **{q: codes for p, codes in base.per_file_ignores.items() for q in _rebase(p, old, new)},
        **own.per_file_ignores}
    config.rule_options = {name: {**base.rule_options.get(name, {}),
                                  **own.rule_options.get(name, {})}
                           for name in {*base.rule_options, *own.rule_options}}
    network = dict(base.online_settings)
    if "ca-bundle" in network:
        network["ca-bundle"] = os.path.join(old, network["ca-bundle"])
    config.online_settings = {**network, **own.online_settings}
    if "include" not in table:
        config.include = globs(base.include)
    if "exclude" not in table:
        config.exclude = globs(base.exclude)
    if "schemas" not in table:
        config.schemas = [SchemaMapping(tuple(globs(m.files)), base.resolve_path(m.schema))
                          for m in base.schemas]
    if "schema" not in table and base.default_schema is not None:
        config.default_schema = base.resolve_path(base.default_schema)
    for key, name in (("site-root", "site_root"), ("site-url", "site_url"),
                      ("baseurl", "baseurl"), ("timezone", "timezone"), ("online", "online"),
                      ("min-severity", "min_severity")):
        if key not in table:
            setattr(config, name, getattr(base, name))
    config.sources = (*own.sources, *base.sources)
    return config


def _rebase(pattern: str, old: str, new: str) -> list[str]:
    """Globs that match, relative to the folder ``new``, what ``pattern`` matches relative
    to the folder ``old``: names and ``**/`` patterns match anywhere and stay as they are;
    an anchored one is seen from ``new`` (``../shared/x/**``), and, where ``new`` lies
    within what it matches, also as the rest of it below ``new``."""
    body = pattern.strip()
    if old == new or "/" not in body or body.lstrip("/").startswith("**/"):
        return [pattern]
    body = body.lstrip("/")
    up = os.path.relpath(old, new).replace(os.sep, "/")
    out = [f"{up}/{body}"]
    down = os.path.relpath(new, old).replace(os.sep, "/")
    if down.split("/")[0] != "..":  # ``new`` lies below ``old``
        inside = _below(body.split("/"), down.split("/"))
        if inside is not None:
            out.append(inside)
    return out


def _below(parts: list[str], folders: list[str]) -> str | None:
    """The glob (``parts``) for what lies below ``folders``, or None if it matches nothing
    there."""
    for index, folder in enumerate(folders):
        if index == len(parts):
            return None
        if parts[index] == "**":
            return "/".join(["/**", *parts[index + 1:]])
        if not fnmatch.fnmatchcase(folder, parts[index]):
            return None
    rest = parts[len(folders):]
    if rest in ([], [""]):
        return "**" if rest == [""] else None
    return "/" + "/".join(rest)


def _check_network(config: Config, path: str, lines: _Lines) -> None:
    """The [network] table's values beyond their types (addresses, 'host:port', files)."""
    if not config.online_settings:
        return
    from ..net import settings
    from ..net.fetch import tls_context

    try:
        tls_context(settings.from_table(config.online_settings, config.base_dir).ca_bundle)
    except settings.SettingsError as err:
        key = str(err).removeprefix("network.").split(" ", 1)[0].rstrip(":")
        raise ConfigError(f"{path}:{lines.line(['network', key])}: {err}") from None


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
    config.default_schema = table.get("schema")
    if "site-root" in table:
        config.site_root = os.path.normpath(os.path.join(base_dir, table["site-root"]))
    config.site_url = table.get("site-url")
    config.baseurl = table.get("baseurl", "")
    config.timezone = table.get("timezone")
    config.rule_options = {k: dict(v) for k, v in table.get("rules", {}).items()}
    config.online = table.get("online", False)
    config.online_settings = dict(table.get("network", {}))
    config.schema_hosts = list(table.get("schema-hosts", []))
    config.min_severity = table.get("min-severity")
    return config


def _check_rules(config: Config, path: str, lines: _Lines) -> None:
    from ..rules.registry import BY_NAME, load_all, resolve

    rules = load_all()
    for key in ("select", "extend_select", "ignore"):
        for selector in getattr(config, key) or []:
            try:
                resolve([selector])
            except KeyError:
                setting = key.replace("_", "-")
                raise ConfigError(f"{path}:{lines.value_line([setting], selector)}: unknown "
                                  f"rule '{selector}' in {setting}") from None
    for pattern, selectors in config.per_file_ignores.items():
        for selector in selectors:
            try:
                resolve([selector])
            except KeyError:
                line = lines.value_line(["per-file-ignores", pattern], selector)
                raise ConfigError(f"{path}:{line}: unknown rule '{selector}' in "
                                  f"per-file-ignores '{pattern}'") from None
    for key in config.severity:
        if key not in rules and key not in BY_NAME:
            raise ConfigError(f"{path}:{lines.line(['severity', key])}: unknown rule '{key}' "
                              "in severity")
    for name, options in config.rule_options.items():
        rule = BY_NAME.get(name) or rules.get(name)
        if rule is None:
            raise ConfigError(f"{path}:{lines.line(['rules', name])}: unknown rule '{name}' in "
                              "[rules]; use the rule's name, e.g. 'url-tracking'")
        for option, value in options.items():
            if option not in rule.options:
                known = ", ".join(sorted(rule.options)) or "none"
                raise ConfigError(f"{path}:{lines.line(['rules', name, option])}: rule "
                                  f"{rule.name} has no "
                                  f"option '{option}' (its options: {known})")
            default = rule.options[option].default
            if default is not None and not _same_kind(default, value):
                raise ConfigError(f"{path}:{lines.line(['rules', name, option])}: option "
                                  f"'{option}' of "
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
