"""Which URLs of which records the online checks need, and what they need to know of each.

Records are read with the engine's own pieces (front matter, YAML, schema annotations), so
the URLs found are the ones the rules look up: every string the schema gives a URL format,
and the URL of every object it gives the role ``image``. Not fetched: URLs that are not
absolute ``http``/``https``, the site's own URLs (site-relative ones, and those under the
site's ``url`` + ``baseurl``: image-local reads those from disk, and a site not yet
deployed would answer 404), and URLs matching ``network.exclude``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..engine import schemachoice
from ..engine.config import Config
from ..net.fetch import FetchError, target_of
from ..reading import recordfile, source
from ..rules.context import Context, Site
from ..rules.urlfacts import HTTPS, IMAGE, REACH
from ..schema import validation as schemas

if TYPE_CHECKING:
    from ..site.workspace import Workspace

URL_FORMATS = ("uri", "iri", "uri-reference", "iri-reference")
NEEDS_BY_CODE = {"FM501": REACH, "FM502": IMAGE, "FM202": HTTPS}


def fetchable(url: str) -> bool:
    """An absolute http(s) URL with a host that a request can be made for."""
    try:
        target_of(url)
    except FetchError:
        return False
    return True


def own_site(url: str, site: Site) -> bool:
    """A URL of the site itself: site-relative, or under its ``url`` + ``baseurl``."""
    try:
        parts = urlsplit(url.strip())
        if not parts.scheme:
            return True
        if not site.url:
            return False
        home = urlsplit(site.url.strip())
        if parts.hostname != home.hostname or _port(parts.port) != _port(home.port):
            return False
    except ValueError:  # a port that is not a number, a bracket left open
        return False
    prefix = "/".join(p.strip("/") for p in (home.path, site.baseurl) if p.strip("/"))
    prefix = f"/{prefix}" if prefix else ""
    path = parts.path or "/"
    return not prefix or path == prefix or path.startswith(prefix + "/")


def _port(port: int | None) -> int | None:
    return None if port in (80, 443) else port


def excluded(url: str, patterns: Iterable[str]) -> bool:
    text = url.strip()
    return any(fnmatch.fnmatchcase(text, pattern) for pattern in patterns)


def _urls_in(record: dict[str, Any], path: str, config: Config, disk: Workspace,
             site: Site) -> list[tuple[str, str]]:
    """The URLs of one record with what the online checks need of each: its URL values
    (reachable; https) and its images' URLs."""
    from ..rules.images import record_images

    try:
        notes = schemachoice.annotate(record, path, config, disk.schemas)
    except schemas.SchemaError:
        return []
    context = Context(path=path, record=record, notes=notes, config=config,
                      now=config.now or datetime.now(UTC), site=site)
    found: list[tuple[str, str]] = []
    for pointer in notes.with_format(*URL_FORMATS):
        value = context.value(pointer)
        if isinstance(value, str):
            found.extend((value, need) for need in (REACH, HTTPS))
    found.extend((image.url, IMAGE) for image in record_images(context) if image.url)
    return found


def needs_in(data: bytes, path: str, config: Config, exclude: Iterable[str] = (),
             disk: Workspace | None = None) -> dict[str, set[str]]:
    """URL -> what the enabled online checks need to know about it, for one file (each
    record of a data file too)."""
    from ..site.workspace import Workspace

    disk = disk or Workspace()

    enabled = config.enabled() - config.ignored_for(path)
    wanted_codes = {code: need for code, need in NEEDS_BY_CODE.items() if code in enabled}
    if not wanted_codes:
        return {}
    try:
        text, _bom = source.decode(data)
        read = recordfile.read(text, path)
    except (source.DecodeError, source.SplitError):
        return {}
    site = disk.site_for(path, config)
    found: list[tuple[str, str]] = []
    for _pointer, record, _spans in read.records():  # (a data file may hold several)
        if isinstance(record, dict):
            found.extend(_urls_in(record, path, config, disk, site))
    out: dict[str, set[str]] = {}
    exclude = list(exclude)
    for url, need in found:
        if need not in wanted_codes.values():
            continue
        if need == HTTPS and not url.strip().lower().startswith("http:"):
            continue
        if not fetchable(url) or own_site(url, site) or excluded(url, exclude):
            continue
        out.setdefault(url, set()).add(need)
    return out

