"""One HTTP request to a vetted address, and following redirects hop by hop.

Only ``http`` and ``https``. The host is looked up once (``addresses``), the connection goes
to the vetted address, and TLS checks the certificate for the host name (SNI). No cookies,
no credentials (user info in a URL is dropped), no compression; bodies are cut at a limit.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import quote, urljoin, urlsplit

from ..checks.sites import host_to_ascii
from .addresses import AddressError, addresses_for, literal
from .settings import Settings, SettingsError

REDIRECTS = frozenset({301, 302, 303, 307, 308})
_KEPT_HEADERS = ("location", "content-type", "content-length", "content-range", "etag",
                 "retry-after")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


class FetchError(Exception):
    """A request that got no HTTP answer. ``kind`` names why (see ``facts.ERROR_KINDS``)."""

    def __init__(self, kind: str, message: str, url: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.url = url
        self.hops: list[tuple[int, str]] = []


class Response:
    """An HTTP answer: status, the headers fmlint reads (lower-case names), the body read."""

    __slots__ = ("attempts", "body", "complete", "headers", "reason", "status", "url")

    def __init__(self, url: str, status: int, reason: str, headers: dict[str, str] | None = None,
                 body: bytes = b"", complete: bool = True, attempts: int = 1) -> None:
        self.url = url
        self.status = status
        self.reason = reason
        self.headers = {} if headers is None else headers
        self.body = body
        self.complete = complete  # False when the body was cut at the limit
        self.attempts = attempts


class Target(NamedTuple):
    """A URL taken apart for a request: scheme, host, port and path."""

    scheme: str
    host: str  # lower-case ASCII, without brackets
    port: int
    path: str  # what goes on the request line: path and query, percent-encoded


def target_of(url: str) -> Target:
    """Where an absolute http(s) URL points. Raises FetchError("bad-url")."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as err:
        raise FetchError("bad-url", f"{url} is not a URL fmlint can fetch: {err}", url) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("bad-url", f"{url} is not an http(s) URL with a host", url)
    host = parts.hostname if literal(parts.hostname) else host_to_ascii(parts.hostname)
    if not host:
        raise FetchError("bad-url", f"{url} has a host name that cannot be encoded", url)
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_QUERY_SAFE)
    return Target(scheme, host, port or (443 if scheme == "https" else 80), path)


def tls_context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """Certificate and host-name checking with the system's trust, plus ``ca_bundle``.

    Raises SettingsError when the bundle cannot be read.
    """
    context = ssl.create_default_context()
    if ca_bundle:
        try:
            context.load_verify_locations(cafile=ca_bundle)
        except (OSError, ssl.SSLError) as err:
            raise SettingsError(f"network.ca-bundle: cannot read {ca_bundle}: "
                                f"{getattr(err, 'strerror', None) or err}") from None
    return context


def time_allowed(settings: Settings) -> float:
    """Seconds one URL may take in all: connecting, the answer's headers and body, and
    every redirect on the way (a server that trickles its answer is cut off)."""
    return settings.connect_timeout + 2 * settings.read_timeout


class _Cutoff:
    """Shuts a connection down when the deadline passes, whatever it is waiting for (a
    connection, a TLS handshake, headers arriving a byte at a time, endless
    ``100 Continue``): the wait then ends, and ``fired`` says why."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.fired = False
        # A second handle on the connection: shutting it down ends every wait on the
        # connection, also inside TLS (which takes the first handle over).
        self._handle: socket.socket | None = None
        self._lock = threading.Lock()  # (a cut and the end of the request, one at a time)
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._cut)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> socket.socket:
        """Cut ``sock``'s connection off at the deadline; ``sock`` itself is returned."""
        self._handle = sock.dup()
        return sock

    def left(self, most: float) -> float:
        """Seconds to wait for the next step, at most ``most``; TimeoutError when none."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("out of time")
        return min(most, left)

    def _cut(self) -> None:
        with self._lock:
            self.fired = True
            if self._handle is not None:
                with contextlib.suppress(OSError):  # (closed already: the request is over)
                    self._handle.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        """The request is over: no cut, and the second handle is closed."""
        self._timer.cancel()
        with self._lock:
            if self._handle is not None:
                self._handle.close()


def _connect(addresses: list[tuple[str, int]], timeout: float,
             cutoff: _Cutoff) -> socket.socket:
    """A TCP connection to the first vetted address that answers (no name lookup here)."""
    last: OSError | None = None
    for address, port in addresses:
        sock = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET,
                             socket.SOCK_STREAM)
        try:
            sock.settimeout(cutoff.left(timeout))
            sock.connect((address, port))
            return sock
        except OSError as err:
            sock.close()
            last = err
    assert last is not None
    raise last


def _read(response: http.client.HTTPResponse, limit: int) -> tuple[bytes, bool]:
    """Up to ``limit`` bytes of the body; (body, whether it was read to the end)."""
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = response.read1(min(65536, limit - size))
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), response.length == 0  # None: no length given, so not known


def request(url: str, method: str, settings: Settings, *, limit: int = 0,
            headers: dict[str, str] | None = None, tls: ssl.SSLContext | None = None,
            deadline: float | None = None) -> Response:
    """Send one request (no redirects followed) and read up to ``limit`` bytes of the body,
    all before ``deadline`` (``time.monotonic``; default: ``time_allowed`` from now).

    Raises FetchError for every failure that is not an HTTP answer.
    """
    target = target_of(url)
    try:
        addresses = addresses_for(target.host, target.port, settings)
    except AddressError as err:
        raise FetchError(err.kind, str(err), url) from None
    sent = {"User-Agent": settings.user_agent, "Accept": "*/*",
            "Accept-Encoding": "identity", "Connection": "close", **(headers or {})}
    cutoff = _Cutoff(time.monotonic() + time_allowed(settings) if deadline is None
                     else deadline)
    connection: http.client.HTTPConnection | None = None
    sock: socket.socket | None = None
    try:
        sock = cutoff.watch(_connect(addresses, settings.connect_timeout, cutoff))
        sock.settimeout(cutoff.left(settings.read_timeout))
        if target.scheme == "https":
            context = tls or tls_context(settings.ca_bundle)
            sock = context.wrap_socket(sock, server_hostname=target.host)
            connection = http.client.HTTPSConnection(target.host, target.port,
                                                     timeout=settings.read_timeout,
                                                     context=context)
        else:
            connection = http.client.HTTPConnection(target.host, target.port,
                                                    timeout=settings.read_timeout)
        connection.sock = sock
        connection.request(method, target.path, headers=sent)
        answer = connection.getresponse()
        body, complete = (b"", True) if method == "HEAD" else _read(answer, limit)
        if cutoff.fired:  # (what was read ended because the connection was cut)
            raise TimeoutError("out of time")
        kept = {name: answer.headers[name] for name in _KEPT_HEADERS
                if answer.headers.get(name) is not None}
        return Response(url, answer.status, answer.reason or "", kept, body, complete)
    except (OSError, http.client.HTTPException) as err:
        raise _failure(err, target.host, url, cutoff.fired) from None
    finally:
        cutoff.cancel()
        if connection is not None:
            connection.close()
        elif sock is not None:
            sock.close()


def _failure(err: OSError | http.client.HTTPException, host: str, url: str,
             cut: bool) -> FetchError:
    """The FetchError a failed request raises; ``cut``: its time ran out."""
    if cut or isinstance(err, TimeoutError):
        return FetchError("timeout", f"{host} did not answer in time", url)
    if isinstance(err, ssl.SSLCertVerificationError):
        return FetchError("tls", f"the certificate of {host} is not valid: "
                          f"{err.verify_message or err}", url)
    if isinstance(err, ssl.SSLError):
        return FetchError("tls", f"TLS with {host} failed: {err.reason or err}", url)
    if isinstance(err, http.client.HTTPException):
        return FetchError("protocol", f"{host} gave a broken HTTP answer: "
                          f"{type(err).__name__}", url)
    return FetchError("connection", f"cannot connect to {host}: {err.strerror or err}", url)


def host_of(url: str) -> str:
    """The lower-case host name of a URL; "" when it has none or cannot be taken apart."""
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:  # a bracket left open, a port that is not a number
        return ""


def _location(response: Response) -> str | None:
    """Where a redirect leads, as an absolute URL. Raises FetchError("bad-redirect") for
    a ``Location`` that cannot be taken apart."""
    location = response.headers.get("location")
    if not location:
        return None
    try:  # http.client decodes headers as Latin-1; servers send UTF-8
        location = location.encode("latin-1").decode("utf-8")
    except UnicodeError:
        pass
    try:
        following = urljoin(response.url, location.strip())
        scheme = urlsplit(following).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in ("http", "https"):
        raise FetchError("bad-redirect", f"{response.url} redirects to {location.strip()}, "
                         "which is not an http(s) URL", response.url)
    return following


Send = Callable[[str, str], Response]


def follow(url: str, method: str, send: Send, max_redirects: int
           ) -> tuple[Response, list[tuple[int, str]]]:
    """The final answer for ``url`` and the redirects on the way: [(status, next URL)].

    Every hop goes through ``send`` (so through the address check). Raises FetchError for a
    loop, too many redirects, a redirect to another scheme, or a failed hop (with ``hops``).
    """
    hops: list[tuple[int, str]] = []
    seen = {url}
    current = url
    try:
        while True:
            response = send(current, method)
            following = _location(response) if response.status in REDIRECTS else None
            if following is None:
                return response, hops
            hops.append((response.status, following))
            if following in seen:
                raise FetchError("redirect-loop", "the redirects go round in a loop (back to "
                                 f"{following})", current)
            if len(hops) > max_redirects:
                raise FetchError("too-many-redirects", f"more than {max_redirects} redirects",
                                 current)
            seen.add(following)
            current = following
    except FetchError as err:
        err.hops = hops
        raise
