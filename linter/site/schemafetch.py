"""Remote schemas: fetched from the hosts ``schema-hosts`` allows, through the online checks'
address guard, and kept in fmlint's cache folder (``.fmlint_cache/schemas``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..schema.documents import parse
from ..schema.validation import SchemaError

if TYPE_CHECKING:
    from .schemas import Access

REMOTE_LIMIT = 4 * 1024 * 1024  # the largest remote schema fmlint reads, in bytes
CACHE_FOLDER = "schemas"  # within fmlint's cache folder: one JSON file per fetched URL


def fetched(url: str, access: Access, fetching: bool = True) -> tuple[Any, str | None]:
    """A remote schema, from fmlint's cache while it is fresh (``network.cache-hours``),
    else from the network through the online checks' address guard (kept in the cache).
    Without the network (``fetching`` False, as in the language server; or a failed
    request), a cached copy of any age serves. Returns the document and the cache file."""
    import hashlib
    import time

    from ..net.settings import SettingsError, from_table

    try:
        settings = from_table(access.network or {}, access.base_dir)
    except SettingsError as err:
        raise SchemaError(f"cannot fetch {url}: {err}") from None
    from .cachefolder import DIR_NAME

    kept = None if access.home is None else os.path.join(
        access.home, DIR_NAME, CACHE_FOLDER, hashlib.sha256(url.encode()).hexdigest()[:32]
        + ".json")
    stored = _stored(kept, url)
    if stored is not None and (not fetching or
                               time.time() - stored[1] <= settings.cache_hours * 3600):
        return stored[0], kept
    if not fetching:
        raise SchemaError(f"{url} is not in fmlint's cache, and the language server does not "
                          "fetch schemas: run fmlint check once to fetch it")
    try:
        data = _download(url, access.hosts, settings)
        document = parse(data, url)
    except SchemaError:
        if stored is not None:
            return stored[0], kept
        raise
    if kept is not None:
        _store(kept, url, document)
    return document, kept


def _download(url: str, hosts: frozenset[str], settings: Any) -> bytes:
    """The body of ``url``, every hop on an allowed host and through the address guard."""
    from ..net.fetch import FetchError, Response, follow, request

    def send(hop: str, method: str) -> Response:
        if (urlsplit(hop).hostname or "").lower() not in hosts:
            raise FetchError("blocked", f"it redirects to {hop}, whose host is not in "
                             "schema-hosts", hop)
        return request(hop, method, settings, limit=REMOTE_LIMIT)

    try:
        response, _hops = follow(url, "GET", send, settings.max_redirects)
    except FetchError as err:
        raise SchemaError(f"cannot fetch {url}: {err}") from None
    if response.status != 200:
        raise SchemaError(f"cannot fetch {url}: the server answered {response.status} "
                          f"{response.reason}".rstrip())
    if not response.complete:
        raise SchemaError(f"cannot fetch {url}: it is larger than {REMOTE_LIMIT:,} bytes")
    return response.body


def _stored(file: str | None, url: str) -> tuple[Any, float] | None:
    """A cached copy of ``url``'s schema and when it was fetched (seconds since the epoch)."""
    if file is None:
        return None
    try:
        with open(file, encoding="utf-8") as handle:
            entry = json.load(handle)
        if entry["url"] == url and isinstance(entry["fetched"], int | float):
            return entry["schema"], float(entry["fetched"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _store(file: str, url: str, document: Any) -> None:
    """Keep a fetched schema (a cache that cannot be written only costs a request)."""
    import time
    from datetime import UTC, datetime

    from .cachefolder import cache_folder, replacing

    now = time.time()
    entry = {"url": url, "fetched": now,
             "fetched_at": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
             "schema": document}
    try:
        cache_folder(Path(file).parent.parent)
        Path(file).parent.mkdir(exist_ok=True)
        with replacing(Path(file)) as out:
            out.write(json.dumps(entry, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass
