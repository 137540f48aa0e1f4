"""Probing URLs: per-host and global concurrency, retries with backoff, image headers, and
whether an ``http://`` URL's ``https://`` form serves the same content."""

from __future__ import annotations

import email.utils
import io
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC

from ..checks.svg import svg_size
from ..net import fetch
from ..net.addresses import literal
from ..net.fetch import FetchError, Response
from ..net.settings import Settings
from ..rules.urlfacts import HTTPS, IMAGE, HttpsForm, UrlFacts, accepted, retryable

HEAD_BYTES = 65536  # the first ranged GET: enough for nearly every image header
HEAD_REFUSED = frozenset({400, 403, 404, 405, 406, 410, 501})  # ask again with GET
Progress = Callable[[int, int], None]


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the first bytes of an image (raster or SVG); None if unknown."""
    if not data:
        return None
    if data[:64].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00").startswith(b"<"):
        return svg_size(data)
    import imagesize

    try:
        width, height = imagesize.get(io.BytesIO(data))
    except (OSError, ValueError, IndexError, KeyError, TypeError):
        return None
    if not isinstance(width, int) or not isinstance(height, int) or width <= 0 or height <= 0:
        return None
    return width, height


def same_url(url: str, other: str) -> bool:
    """One address: scheme and host without case, default ports and an empty path alike."""
    try:
        a, b = fetch.target_of(url), fetch.target_of(other)
    except FetchError:
        return url == other
    return a == b


def https_of(url: str) -> str:
    """The https:// form of an http:// URL (only the scheme changes)."""
    return "https" + url.strip()[4:]


class Prober:
    """Probes URLs with the settings' limits. One per run; safe to use from threads."""

    def __init__(self, settings: Settings, *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self._sleep = sleep
        self._clock = clock
        self._tls = fetch.tls_context(settings.ca_bundle)
        self._lock = threading.Lock()
        self._hosts: dict[str, threading.BoundedSemaphore] = {}

    # -- one request -----------------------------------------------------------------------

    @contextmanager
    def _slot(self, url: str):
        host = fetch.host_of(url)
        with self._lock:
            gate = self._hosts.setdefault(host, threading.BoundedSemaphore(
                self.settings.per_host))
        with gate:
            yield

    def send(self, url: str, method: str, limit: int = 0, *, ranged: bool = True,
             deadline: float | None = None) -> Response:
        """One request, retried with backoff on 429 and server errors, all before
        ``deadline`` (default: ``fetch.time_allowed`` from now; a retry that would start
        later is not made). A GET asks for the first bytes only (``Range``)."""
        headers = {"Range": f"bytes=0-{max(limit, HEAD_BYTES) - 1}"} if (
            method == "GET" and ranged) else {}
        if deadline is None:
            deadline = time.monotonic() + fetch.time_allowed(self.settings)
        attempt = 0
        while True:
            with self._slot(url):
                response = fetch.request(url, method, self.settings, limit=limit,
                                         headers=headers, tls=self._tls, deadline=deadline)
            response.attempts = attempt + 1
            if not retryable(response.status) or attempt >= self.settings.retries:
                return response
            asked = retry_after(response.headers.get("retry-after"), self._clock())
            wait = asked if asked is not None else self.settings.backoff * 2 ** attempt
            if wait > self.settings.max_wait:
                if asked is not None:
                    return response  # waiting less than asked would only be refused again
                wait = self.settings.max_wait
            if time.monotonic() + wait >= deadline:
                return response  # no time left to ask again
            self._sleep(wait)
            attempt += 1

    def _hop(self, method: str, limit: int, deadline: float) -> fetch.Send:
        def send(url: str, _method: str) -> Response:
            response = self.send(url, method, limit, deadline=deadline)
            if method == "HEAD" and response.status in HEAD_REFUSED:
                response = self.send(url, "GET", limit, deadline=deadline)
            if method == "GET" and response.status == 416:  # an empty body and a Range
                response = self.send(url, "GET", limit, ranged=False, deadline=deadline)
            return response

        return send

    def _follow(self, url: str, method: str, limit: int = 0
                ) -> tuple[Response, list[tuple[int, str]]]:
        """The answer for ``url`` after its redirects, all within one deadline."""
        deadline = time.monotonic() + fetch.time_allowed(self.settings)
        return fetch.follow(url, method, self._hop(method, limit, deadline),
                            self.settings.max_redirects)

    # -- one URL ---------------------------------------------------------------------------

    def probe(self, url: str, needs: frozenset[str]) -> UrlFacts:
        """Everything ``needs`` asks about one URL (reachability always)."""
        facts = UrlFacts(url=url, needs=tuple(sorted(needs | {"reach"})),
                         checked=self._clock())
        wants_image = IMAGE in needs
        response = None
        try:
            response, hops = self._follow(url.strip(), "GET" if wants_image else "HEAD",
                                          HEAD_BYTES if wants_image else 0)
        except FetchError as err:
            facts.error, facts.detail, facts.hops = err.kind, str(err), tuple(err.hops)
        else:
            facts.status, facts.reason, facts.hops = response.status, response.reason, tuple(hops)
            facts.attempts = response.attempts
        if wants_image and response is not None and accepted(response.status):
            facts.image = self._image(response)
        if HTTPS in needs and url.strip().lower().startswith("http:"):
            facts.https, facts.https_detail = self._https_form(url.strip(), facts)
        return facts

    def _image(self, response: Response) -> tuple[int, int] | None:
        size = image_size(response.body)
        left = not response.complete or (_total_length(response) or 0) > len(response.body)
        if size is None and left and len(response.body) < self.settings.max_bytes:
            try:
                longer = self.send(response.url, "GET", self.settings.max_bytes)
            except FetchError:
                return None
            if accepted(longer.status):
                size = image_size(longer.body)
        return size

    def _https_form(self, url: str, facts: UrlFacts) -> tuple[HttpsForm | None, str]:
        secure = https_of(url)
        if accepted(facts.status) and any(same_url(target, secure) for _s, target in facts.hops):
            return "same", f"{url} redirects to {secure}"
        try:
            answer, secure_hops = self._follow(secure, "GET", HEAD_BYTES)
        except FetchError as err:
            if err.kind in ("dns", "connection", "tls", "redirect-loop", "bad-redirect"):
                return "broken", str(err)
            return None, str(err)
        if answer.status in (404, 410):
            return "broken", f"{secure} answers HTTP {answer.status}"
        if not accepted(answer.status) or not accepted(facts.status):
            return None, f"{secure} answers HTTP {answer.status}"
        try:
            plain, plain_hops = self._follow(url, "GET", HEAD_BYTES)
        except FetchError as err:
            return None, str(err)
        if not accepted(plain.status):
            return None, f"{url} answers HTTP {plain.status}"
        same = _same_content(plain, plain_hops, answer, secure_hops)
        if same:
            return "same", same
        return "different", f"{secure} serves other content than {url}"

    # -- many URLs -------------------------------------------------------------------------

    def probe_all(self, wanted: Mapping[str, frozenset[str]],
                  progress: Progress | None = None) -> dict[str, UrlFacts]:
        """Facts for every URL; at most ``per_host`` requests to one host at a time and
        ``concurrency`` in all. Hosts take turns, so one slow host does not hold up others."""
        queues: dict[str, deque[str]] = {}
        for url in wanted:
            queues.setdefault(fetch.host_of(url), deque()).append(url)
        lanes = [queue for turn in range(self.settings.per_host)
                 for queue in queues.values() if len(queue) > turn]
        results: dict[str, UrlFacts] = {}
        done = [0]
        total = len(wanted)

        def lane(queue: deque[str]) -> None:
            while True:
                try:
                    url = queue.popleft()
                except IndexError:
                    return
                try:
                    facts = self.probe(url, wanted[url])
                except Exception as err:  # a bug must not stop the run
                    facts = UrlFacts(url=url, error="internal", checked=self._clock(),
                                     detail=f"internal error: {type(err).__name__}: {err}")
                with self._lock:
                    results[url] = facts
                    done[0] += 1
                    if progress:
                        progress(done[0], total)

        with ThreadPoolExecutor(max_workers=self.settings.concurrency,
                                thread_name_prefix="fmlint-online") as pool:
            for future in [pool.submit(lane, queue) for queue in lanes]:
                future.result()
        _no_name_service(results, self.settings)
        return results


def _looked_up(url: str, settings: Settings) -> bool:
    """Whether a request for ``url`` starts with a name lookup (not an IP literal, nor a
    host the ``resolve`` setting names)."""
    try:
        target = fetch.target_of(url)
    except FetchError:
        return False
    return literal(target.host) is None and (
        f"{target.host}:{target.port}" not in settings.resolve)


def _no_name_service(results: dict[str, UrlFacts], settings: Settings) -> None:
    """When not one host could be looked up, say so instead of calling every link broken
    (a machine without a working name service answers "no such host" for every name).
    URLs that need no lookup (an IP literal, a ``resolve`` entry) say nothing either way."""
    named = [f for f in results.values() if _looked_up(f.url, settings)]
    missing = [f for f in named if f.error == "dns"]
    hosts = {fetch.host_of(f.url) for f in missing}
    if len(hosts) < 3 or any(f.error not in ("dns", "dns-temporary") for f in named):
        return
    for facts in missing:
        facts.error = "dns-temporary"
        facts.detail += "; no host name could be looked up at all: is the network down?"


def _total_length(response: Response) -> int | None:
    content_range = response.headers.get("content-range", "")
    text = content_range.rpartition("/")[2] if content_range else (
        response.headers.get("content-length", ""))
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _same_content(plain: Response, plain_hops: list[tuple[int, str]], secure: Response,
                  secure_hops: list[tuple[int, str]]) -> str | None:
    """Why two answers are the same content, or None when that is not shown."""
    if plain_hops and secure_hops and same_url(plain_hops[-1][1], secure_hops[-1][1]):
        return f"both redirect to {plain_hops[-1][1]}"
    plain_tag = plain.headers.get("etag", "").removeprefix("W/")
    if plain_tag and plain_tag == secure.headers.get("etag", "").removeprefix("W/"):
        return "both give the same ETag"
    if plain.body and plain.body[:HEAD_BYTES] == secure.body[:HEAD_BYTES]:
        return "both bodies are identical"
    length = _total_length(plain)
    if length and length == _total_length(secure) and plain.headers.get(
            "content-type") == secure.headers.get("content-type"):
        return "both have the same length and type"
    return None

