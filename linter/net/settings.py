"""The ``[network]`` settings of the online checks, read and validated from a plain table."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
from collections.abc import Mapping
from typing import Any, NamedTuple

from ..version import __version__

USER_AGENT = f"fmlint/{__version__} (+link check)"
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(ValueError):
    """A setting of the wrong type or out of range; the message names it."""


class Settings(NamedTuple):
    """How fmlint talks to the network. Every field has a default."""

    connect_timeout: float = 10.0
    read_timeout: float = 10.0
    max_redirects: int = 5
    concurrency: int = 8
    per_host: int = 2
    retries: int = 2
    backoff: float = 1.0  # the first wait before a retry; doubled each time
    max_wait: float = 30.0  # the longest single wait; a longer Retry-After gives up
    max_bytes: int = 1 << 20  # response bodies are cut here
    accept: frozenset[int] = frozenset()
    exclude: tuple[str, ...] = ()
    allow_private: bool = False
    allow_addresses: tuple[IPNetwork, ...] = ()
    resolve: Mapping[str, tuple[str, int]] = {}  # (a Mapping: read-only, one default for all)
    ca_bundle: str | None = None
    cache_hours: float = 24.0
    user_agent: str = USER_AGENT

    def fetch_key(self) -> str:
        """A digest of the settings that change what a fetch returns (for the cache)."""
        parts = {
            "allow_private": self.allow_private,
            "allow": sorted(str(n) for n in self.allow_addresses),
            "resolve": sorted(f"{k}={v[0]}:{v[1]}" for k, v in self.resolve.items()),
            "ca": self.ca_bundle,
            "redirects": self.max_redirects,
            "bytes": self.max_bytes,
            "version": __version__,
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def _number(table: Mapping[str, Any], key: str, default: float, *, whole: bool = False,
            minimum: float = 0.0, positive: bool = False) -> Any:
    value = table.get(key, default)
    kind = "a whole number" if whole else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float) or (
            whole and not isinstance(value, int)):
        raise SettingsError(f"network.{key} must be {kind}, not {value!r}")
    if value < minimum or (positive and value <= 0):
        bound = "above 0" if positive else f"at least {minimum}"
        raise SettingsError(f"network.{key} must be {bound}, not {value!r}")
    return value


def _strings(table: Mapping[str, Any], key: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"network.{key} must be a list of strings")
    return value


def _split_address(text: str, what: str) -> tuple[str, int]:
    """'host:port' or '[v6]:port' -> (host, port)."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not host or not 0 < int(port) < 65536:
        raise SettingsError(f"network.resolve: {what} {text!r} is not 'host:port'")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host.lower(), int(port)


def _resolve(table: Mapping[str, Any]) -> dict[str, tuple[str, int]]:
    value = table.get("resolve", {})
    if not isinstance(value, Mapping):
        raise SettingsError("network.resolve must be a table of 'host:port' = 'address:port'")
    out: dict[str, tuple[str, int]] = {}
    for name, target in value.items():
        if not isinstance(target, str):
            raise SettingsError(f"network.resolve: the target of {name!r} must be a string")
        host, port = _split_address(name, "the name")
        address, target_port = _split_address(target, "the address")
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise SettingsError(f"network.resolve: {target!r} is not an IP address and port"
                                ) from None
        out[f"{host}:{port}"] = (address, target_port)
    return out


def from_table(table: Mapping[str, Any] | None, base_dir: str = ".") -> Settings:
    """Settings from a ``[network]`` table (keys as in the configuration file)."""
    table = dict(table or {})
    known = {"connect-timeout", "read-timeout", "max-redirects", "concurrency", "per-host",
             "retries", "backoff", "max-wait", "max-bytes", "accept", "exclude",
             "allow-private", "allow-addresses", "resolve", "ca-bundle", "cache-hours"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise SettingsError(f"unknown network setting {unknown[0]!r} (known: "
                            f"{', '.join(sorted(known))})")
    accept = table.get("accept", [])
    if not isinstance(accept, list) or not all(
            isinstance(s, int) and not isinstance(s, bool) and 100 <= s <= 999 for s in accept):
        raise SettingsError("network.accept must be a list of HTTP status codes")
    allow_private = table.get("allow-private", False)
    if not isinstance(allow_private, bool):
        raise SettingsError("network.allow-private must be true or false")
    networks = []
    for text in _strings(table, "allow-addresses"):
        try:
            networks.append(ipaddress.ip_network(text.strip("[]"), strict=False))
        except ValueError:
            raise SettingsError(f"network.allow-addresses: {text!r} is not an IP address or "
                                "network") from None
    ca_bundle = table.get("ca-bundle")
    if ca_bundle is not None:
        if not isinstance(ca_bundle, str) or not ca_bundle:
            raise SettingsError("network.ca-bundle must be a path")
        ca_bundle = os.path.normpath(os.path.join(base_dir, ca_bundle))
    return Settings(
        connect_timeout=_number(table, "connect-timeout", 10.0, positive=True),
        read_timeout=_number(table, "read-timeout", 10.0, positive=True),
        max_redirects=_number(table, "max-redirects", 5, whole=True),
        concurrency=_number(table, "concurrency", 8, whole=True, minimum=1),
        per_host=_number(table, "per-host", 2, whole=True, minimum=1),
        retries=_number(table, "retries", 2, whole=True),
        backoff=_number(table, "backoff", 1.0),
        max_wait=_number(table, "max-wait", 30.0),
        max_bytes=_number(table, "max-bytes", 1 << 20, whole=True, minimum=1024),
        accept=frozenset(accept),
        exclude=tuple(_strings(table, "exclude")),
        allow_private=allow_private,
        allow_addresses=tuple(networks),
        resolve=_resolve(table),
        ca_bundle=ca_bundle,
        cache_hours=_number(table, "cache-hours", 24.0, positive=True),
    )
