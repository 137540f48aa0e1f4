"""The online checks, against HTTP and HTTPS servers started here on 127.0.0.1 only.

A guard fails any test that looks up a name or connects anywhere but the loopback address;
names ending in ``.invalid`` answer "no such host" without a lookup.
"""

from __future__ import annotations

import io
import json
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter import __version__
from linter.cli import plan
from linter.cli.options import Options
from linter.engine.config import Config
from linter.engine.lint import check_text
from linter.net.settings import SettingsError, from_table
from linter.online import store
from linter.online.gather import gather
from linter.online.probe import Prober
from linter.rules.urlfacts import UrlFacts, https_form, verdict

from .conftest import CORPUS

IMAGES = CORPUS / "assets" / "images"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


# -- the guard: no traffic beyond this machine -------------------------------------------------


@dataclass
class Traffic:
    lookups: list[str] = field(default_factory=list)
    connections: list[tuple[str, int]] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


@pytest.fixture(autouse=True)
def traffic(monkeypatch: pytest.MonkeyPatch) -> Iterator[Traffic]:
    seen = Traffic()
    real_lookup, real_connect = socket.getaddrinfo, socket.socket.connect

    def lookup(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        seen.lookups.append(name)
        if name in LOOPBACK:
            return real_lookup(host, port, *args, **kwargs)
        if name.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        seen.outside.append(name)
        raise socket.gaierror(socket.EAI_AGAIN, "no lookups outside this machine in tests")

    def connect(sock: socket.socket, address: Any) -> None:
        seen.connections.append((address[0], address[1]))
        if address[0] not in ("127.0.0.1", "::1"):
            seen.outside.append(address[0])
            raise OSError("no connections outside this machine in tests")
        real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    monkeypatch.setattr(socket.socket, "connect", connect)
    yield seen
    assert seen.outside == [], f"traffic beyond this machine: {seen.outside}"


# -- local servers --------------------------------------------------------------------------


def png(width: int, height: int) -> bytes:
    """A valid 1-bit grey PNG of this size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + b"\x00" * ((width + 7) // 8) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PEOPLE_JPG = (IMAGES / "services" / "people.jpg").read_bytes()  # 626×357
# The same JPEG with 120 KB of comments before its size: the first 64 KB do not hold it.
LONG_HEAD_JPG = PEOPLE_JPG[:2] + (b"\xff\xfe" + struct.pack(">H", 60002) + b"c" * 60000) * 2 + (
    PEOPLE_JPG[2:])
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"/>'


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"hello"
    headers: dict[str, str] = field(default_factory=dict)
    ranges: bool = True
    stall: bool = False  # send the headers, then wait before the body


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, routes: Callable[[Server, str, str, dict[str, str]], Answer],
                 tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes = routes
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.active = {"now": 0, "most": 0}
        self.stop = threading.Event()
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.thread = threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def server_bind(self) -> None:  # no reverse lookup of the address
        import socketserver

        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up early (timeouts, refused certificates)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests(self, path: str | None = None) -> list[tuple[str, str, dict[str, str]]]:
        return [r for r in self.log if path is None or r[1] == path]

    def close(self) -> None:
        self.stop.set()
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        server = self.server
        headers = dict(self.headers.items())
        with server.lock:
            server.log.append((self.command, self.path, headers))
            server.counts[self.path] = server.counts.get(self.path, 0) + 1
        answer = server.routes(server, self.command, self.path, headers)
        body, status = answer.body, answer.status
        extra = dict(answer.headers)
        wanted = headers.get("Range", "")
        if status == 200 and answer.ranges and wanted.startswith("bytes=0-"):
            end = min(int(wanted[8:]), len(body) - 1)
            extra["Content-Range"] = f"bytes 0-{end}/{len(body)}"
            body, status = body[:end + 1], 206
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if answer.stall:
            self.wfile.flush()
            server.stop.wait(3)
        if self.command != "HEAD":
            self.wfile.write(body)


def routes(server: Server, method: str, path: str, headers: dict[str, str]) -> Answer:
    """The test server's pages."""
    count = server.counts[path]
    moves = {"/r301": 301, "/r302": 302, "/r308": 308}
    if path in moves:
        return Answer(moves[path], b"", {"Location": "/ok"})
    if path.startswith("/chain/"):
        left = int(path.rsplit("/", 1)[1])
        return Answer(302, b"", {"Location": f"/chain/{left - 1}"}) if left else Answer()
    simple = {
        "/ok": Answer(headers={"Content-Type": "text/plain"}),
        "/loop-a": Answer(302, b"", {"Location": "/loop-b"}),
        "/loop-b": Answer(302, b"", {"Location": "/loop-a"}),
        "/to-private": Answer(301, b"", {"Location": "http://10.0.0.1/admin"}),
        "/gone404": Answer(404, b"not here"),
        "/gone410": Answer(410, b"gone"),
        "/down": Answer(503, b"down"),
        "/busy": Answer(429, b"later", {"Retry-After": "3600"}),
        "/flaky": Answer(429, b"later", {"Retry-After": "1"}) if count == 1 else Answer(),
        "/nohead": Answer(405, b"") if method == "HEAD" else Answer(),
        "/stall": Answer(405, b"") if method == "HEAD" else Answer(stall=True),
        "/bad-location": Answer(302, b"", {"Location": "http://[::1/x"}),
        "/odd-range.png": Answer(206, png(3, 2)[:20], {"Content-Range": "bytes 0-19/\u00b2"},
                                 ranges=False),
        "/slash": Answer(301, b"", {"Location": "/slash/"}),
        "/slash/": Answer(),
        "/people.jpg": Answer(body=PEOPLE_JPG, headers={"Content-Type": "image/jpeg"}),
        "/people-full.jpg": Answer(body=PEOPLE_JPG, ranges=False),
        "/long-head.jpg": Answer(body=LONG_HEAD_JPG),
        "/logo.svg": Answer(body=SVG, headers={"Content-Type": "image/svg+xml"}),
        "/page.html": Answer(body=b"<!doctype html><title>x</title>"),
    }
    if path in simple:
        return simple[path]
    if path == "/slow":
        server.stop.wait(3)
        return Answer()
    if path.startswith("/crawl/"):  # redirects, each after a pause
        server.stop.wait(0.15)
        return Answer(302, b"", {"Location": f"/crawl/{int(path[7:]) + 1}"})
    if path.startswith("/hop/"):
        return Answer(302, b"", {"Location": f"http://c.example:{server.port}/hold/{path[5:]}"})
    if path.startswith("/hold"):
        host = headers["Host"].split(":")[0]
        with server.lock:
            server.active["now"] += 1
            server.active["most"] = max(server.active["most"], server.active["now"])
            server.active[host] = server.active.get(host, 0) + 1
            server.active[f"most {host}"] = max(server.active.get(f"most {host}", 0),
                                                server.active[host])
        time.sleep(0.15)
        with server.lock:
            server.active["now"] -= 1
            server.active[host] -= 1
        return Answer()
    return Answer(404, b"no such page")


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server(routes)
    yield running
    running.close()


def local(**more: Any) -> dict[str, Any]:
    """Network settings for the local server: fast, and only 127.0.0.1 allowed."""
    table: dict[str, Any] = {"allow-addresses": ["127.0.0.1"], "connect-timeout": 2,
                             "read-timeout": 2, "backoff": 0.01, "max-wait": 5}
    table.update(more)
    return table


def probe(url: str, needs: frozenset[str] = frozenset({"reach"}), *,
          sleeps: list[float] | None = None, **settings: Any) -> UrlFacts:
    record = sleeps if sleeps is not None else []
    return Prober(from_table(local(**settings)), sleep=record.append).probe(url, needs)


# -- requests: what is sent, redirects, statuses ----------------------------------------------


def test_a_plain_request_is_a_head_with_fmlint_user_agent_and_no_credentials(server):
    url = server.url("/ok").replace("http://", "http://someone:secret@")
    facts = probe(url)
    assert (facts.status, facts.error) == (200, None)
    [(method, path, headers)] = server.requests()
    assert (method, path) == ("HEAD", "/ok")
    assert headers["User-Agent"] == f"fmlint/{__version__} (+link check)"
    assert headers["Host"] == f"127.0.0.1:{server.port}"
    assert not {"Authorization", "Cookie"} & set(headers)


@pytest.mark.parametrize(("path", "kind", "target"), [
    ("/r301", "moved", "/ok"),
    ("/r308", "moved", "/ok"),
    ("/r302", "ok", None),
    ("/chain/5", "ok", None),
])
def test_redirects_are_followed_and_only_permanent_ones_are_moves(server, path, kind, target):
    found = verdict(probe(server.url(path)))
    assert found.kind == kind
    assert found.target == (server.url(target) if target else None)


def test_a_move_to_the_same_page_spelt_another_way_is_minor(server):
    assert verdict(probe(server.url("/slash"))).minor
    assert not verdict(probe(server.url("/r301"))).minor


def test_a_redirect_loop_is_broken_and_too_many_redirects_are_not_checked(server):
    loop = verdict(probe(server.url("/loop-a")))
    assert (loop.kind, "loop" in loop.message) == ("broken", True)
    assert len(server.requests("/loop-a")) == 1
    many = probe(server.url("/chain/6"))
    assert (many.error, verdict(many).kind) == ("too-many-redirects", "unchecked")
    assert not server.requests("/chain/0")  # gave up after 5 redirects


def test_a_redirect_to_a_private_address_is_refused_before_connecting(server, traffic):
    facts = probe(server.url("/to-private"))
    assert facts.error == "blocked"
    assert facts.hops == ((301, "http://10.0.0.1/admin"),)
    assert "10.0.0.1 is a private address" in verdict(facts).message
    assert {address for address, _port in traffic.connections} == {"127.0.0.1"}


@pytest.mark.parametrize(("path", "status"), [("/gone404", 404), ("/gone410", 410)])
def test_404_and_410_are_broken_after_asking_again_with_get(server, path, status):
    facts = probe(server.url(path))
    assert (facts.status, verdict(facts).kind) == (status, "broken")
    assert [m for m, _p, _h in server.requests(path)] == ["HEAD", "GET"]


def test_a_host_that_does_not_exist_is_broken():
    facts = probe("https://no-such-host.invalid/page")
    assert facts.error == "dns"
    assert verdict(facts).kind == "broken"
    assert "does not exist" in verdict(facts).message


def test_when_no_host_can_be_looked_up_links_are_not_called_broken(server):
    prober = Prober(from_table(local()))
    wanted = {f"https://host-{i}.invalid/": frozenset({"reach"}) for i in range(3)}
    offline = prober.probe_all(wanted)
    assert {verdict(f).kind for f in offline.values()} == {"unchecked"}
    assert "is the network down?" in offline["https://host-0.invalid/"].detail
    named = f"http://localhost:{server.port}/ok"  # (a name that is looked up)
    online = prober.probe_all({**wanted, named: frozenset({"reach"})})
    assert {verdict(f).kind for f in online.values()} == {"broken", "ok"}


def test_hosts_that_need_no_lookup_do_not_show_that_names_can_be_looked_up(server):
    """An IP literal, or a host the ``resolve`` setting names, answers without the name
    service: it must not make every other link "broken" on a machine without DNS."""
    prober = Prober(from_table(local(resolve={"up.example:80": f"127.0.0.1:{server.port}"})))
    wanted = {f"https://host-{i}.invalid/": frozenset({"reach"}) for i in range(3)}
    found = prober.probe_all({**wanted, server.url("/ok"): frozenset({"reach"}),
                              "http://up.example/ok": frozenset({"reach"})})
    assert [verdict(found[url]).kind for url in wanted] == ["unchecked"] * 3
    assert verdict(found["http://up.example/ok"]).kind == "ok"


def test_429_is_retried_after_the_retry_after_wait(server):
    sleeps: list[float] = []
    facts = probe(server.url("/flaky"), sleeps=sleeps)
    assert (facts.status, facts.attempts, verdict(facts).kind) == (200, 2, "ok")
    assert sleeps == [1.0]  # Retry-After: 1, not the backoff
    assert len(server.requests("/flaky")) == 2


def test_a_retry_after_beyond_the_cap_gives_up_without_waiting(server):
    sleeps: list[float] = []
    facts = probe(server.url("/busy"), sleeps=sleeps)
    assert (facts.status, verdict(facts).kind, sleeps) == (429, "unchecked", [])


def test_503_is_retried_with_exponential_backoff_then_not_checked(server):
    sleeps: list[float] = []
    facts = probe(server.url("/down"), sleeps=sleeps, retries=3, backoff=0.01)
    assert len(server.requests("/down")) == 4
    assert sleeps == [0.01, 0.02, 0.04]
    found = verdict(facts)
    assert found.kind == "unchecked"
    assert found.message == "it answers HTTP 503 Service Unavailable after 4 attempts"


def test_a_slow_server_times_out_and_is_not_checked(server):
    started = time.monotonic()
    facts = probe(server.url("/slow"), **{"read-timeout": 0.3})
    assert facts.error == "timeout"
    assert verdict(facts).kind == "unchecked"
    assert time.monotonic() - started < 2


def test_head_refused_falls_back_to_a_ranged_get(server):
    facts = probe(server.url("/nohead"))
    assert (facts.status, verdict(facts).kind) == (206, "ok")
    (first, _p1, _h1), (second, _p2, headers) = server.requests("/nohead")
    assert (first, second) == ("HEAD", "GET")
    assert headers["Range"] == "bytes=0-65535"


def test_a_get_for_the_status_only_does_not_wait_for_the_body(server):
    started = time.monotonic()
    facts = probe(server.url("/stall"), **{"read-timeout": 1})
    assert (facts.error, facts.status) == (None, 206)
    assert time.monotonic() - started < 0.9


class Trickler:
    """A server on 127.0.0.1 that never finishes an answer: after the request it sends
    ``first`` then ``each`` every 50 ms, for as long as the client listens."""

    def __init__(self, first: bytes, each: bytes) -> None:
        self.first, self.each = first, each
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(client,), daemon=True).start()

    def _answer(self, client: socket.socket) -> None:
        with client:
            try:
                client.recv(65536)
                client.sendall(self.first)
                while not self.stop.wait(0.05):
                    client.sendall(self.each)
            except OSError:
                return

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


HEADERS_TRICKLE = (b"HTTP/1.1 200 OK\r\n", b"X")  # headers a byte at a time
ENDLESS_CONTINUE = (b"", b"HTTP/1.1 100 Continue\r\n\r\n")  # "wait for it", for ever
BODY_TRICKLE = (b"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n", b"x")
REACH, IMAGE_AND_HTTPS = frozenset({"reach"}), frozenset({"image", "https"})


@pytest.mark.parametrize(("answer", "needs"), [
    (HEADERS_TRICKLE, REACH), (HEADERS_TRICKLE, IMAGE_AND_HTTPS),
    (ENDLESS_CONTINUE, REACH), (ENDLESS_CONTINUE, IMAGE_AND_HTTPS),
    (BODY_TRICKLE, IMAGE_AND_HTTPS),
])
def test_an_answer_that_never_ends_is_cut_off_at_the_deadline(answer, needs):
    trickler = Trickler(*answer)
    try:
        started = time.monotonic()
        facts = probe(trickler.url("/a.png"), needs, **{"connect-timeout": 0.5,
                                                         "read-timeout": 0.5})
        assert facts.error == "timeout"
        assert verdict(facts).kind == "unchecked"
        assert time.monotonic() - started < 10
    finally:
        trickler.close()


def test_a_tls_handshake_that_never_ends_is_cut_off_at_the_deadline():
    trickler = Trickler(b"\x16\x03\x03\x40\x00", b"\x00")  # a 16 KB record, a byte at a time
    try:
        started = time.monotonic()
        facts = probe(trickler.url("/").replace("http:", "https:"),
                      **{"connect-timeout": 0.5, "read-timeout": 0.5})
        assert facts.error == "timeout"
        assert time.monotonic() - started < 10
    finally:
        trickler.close()


def test_the_deadline_covers_every_redirect_on_the_way(server):
    """Each hop answers within the read timeout, but not all of them together."""
    started = time.monotonic()
    facts = probe(server.url("/crawl/0"), **{"read-timeout": 0.2, "connect-timeout": 0.2,
                                             "max-redirects": 50})
    assert facts.error == "timeout"
    assert 2 <= len(facts.hops) < 20
    assert time.monotonic() - started < 10


# -- the address guard ----------------------------------------------------------------------


@pytest.mark.parametrize(("url", "kind"), [
    ("http://10.0.0.1/", "private"),
    ("http://192.168.1.1/admin", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[::1]:8080/", "loopback"),
    ("http://127.0.0.1:9/", "loopback"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://[::ffff:10.0.0.1]/", "private"),
    ("http://[2002:a00:1::1]/", "private"),  # 6to4 around 10.0.0.1
    ("http://[fec0::1]/", "site-local"),  # deprecated, but routed inside some networks
    ("http://[feff:ffff::1]/", "site-local"),
])
def test_non_public_addresses_are_refused_without_a_connection(monkeypatch, url, kind):
    attempts: list[Any] = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: attempts.append(a))
    monkeypatch.setattr(socket.socket, "connect", lambda *a, **k: attempts.append(a))
    facts = Prober(from_table({})).probe(url, frozenset({"reach"}))
    assert facts.error == "blocked"
    assert f"a {kind} address" in facts.detail
    assert attempts == []


def test_a_name_that_resolves_to_a_private_address_is_refused(monkeypatch):
    attempts: list[Any] = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 80))])
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: attempts.append(a))
    facts = Prober(from_table({})).probe("http://intranet.example/", frozenset({"reach"}))
    assert facts.error == "blocked"
    assert "intranet.example is at 10.1.2.3 (private)" in facts.detail
    assert attempts == []


def test_the_connection_goes_to_the_vetted_address_without_a_second_lookup(server, monkeypatch,
                                                                          traffic):
    answers = iter(["127.0.0.1", "10.0.0.1", "10.0.0.1"])  # a rebinding name server
    lookups: list[str] = []

    def rebinding(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    facts = probe(f"http://rebind.example:{server.port}/ok")
    assert facts.status == 200
    assert lookups == ["rebind.example"]
    assert traffic.connections == [("127.0.0.1", server.port)]
    assert server.requests()[0][2]["Host"] == f"rebind.example:{server.port}"


def test_allow_private_lifts_the_block(server):
    table = local(**{"allow-private": True})
    del table["allow-addresses"]
    assert Prober(from_table(table)).probe(server.url("/ok"), frozenset()).status == 200
    assert Prober(from_table({})).probe(server.url("/ok"), frozenset()).error == "blocked"
    assert len(server.requests()) == 1


@pytest.mark.parametrize(("table", "words"), [
    ({"read-timeout": "10"}, "network.read-timeout must be a number"),
    ({"read-timeout": 0}, "network.read-timeout must be above 0"),
    ({"allow-addresses": ["intranet"]}, "not an IP address"),
    ({"resolve": {"a.example": "127.0.0.1:80"}}, "is not 'host:port'"),
    ({"resolve": {"a.example:443": "a.example:80"}}, "not an IP address"),
    ({"accept": [200, "403"]}, "HTTP status codes"),
    ({"retry": 2}, "unknown network setting 'retry'"),
])
def test_bad_settings_are_refused_with_their_name(table, words):
    with pytest.raises(SettingsError, match=words):
        from_table(table)


# -- images -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "size"), [
    ("/people.jpg", (626, 357)),
    ("/people-full.jpg", (626, 357)),  # a server that ignores Range
    ("/long-head.jpg", (626, 357)),  # the size lies beyond the first 64 KB
    ("/logo.svg", (120, 40)),
    ("/page.html", None),
])
def test_the_real_image_size_is_read_from_the_first_bytes(server, path, size):
    facts = probe(server.url(path), frozenset({"image"}))
    assert facts.image == size
    ranges = [h.get("Range") for _m, _p, h in server.requests(path)]
    assert ranges[0] == "bytes=0-65535"
    if path == "/long-head.jpg":
        assert ranges == ["bytes=0-65535", f"bytes=0-{(1 << 20) - 1}"]
    else:
        assert len(ranges) == 1


def test_concurrency_is_limited_per_host_and_in_all(server):
    resolve = {f"{name}:{server.port}": f"127.0.0.1:{server.port}"
               for name in ("a.example", "b.example")}
    settings = from_table(local(resolve=resolve, concurrency=3, **{"per-host": 2}))
    wanted = {f"http://{host}:{server.port}/hold/{i}": frozenset({"reach"})
              for host in ("a.example", "b.example") for i in range(4)}
    seen: list[tuple[int, int]] = []
    facts = Prober(settings).probe_all(wanted, lambda done, total: seen.append((done, total)))
    assert {f.status for f in facts.values()} == {200}
    assert server.active["most"] == 3
    assert seen[-1] == (8, 8)
    by_host: dict[str, int] = {}
    for _m, _p, headers in server.requests():
        by_host[headers["Host"].split(":")[0]] = by_host.get(headers["Host"].split(":")[0], 0) + 1
    assert by_host == {"a.example": 4, "b.example": 4}


def test_the_per_host_limit_also_holds_for_redirects_to_another_host(server):
    resolve = {f"{name}:{server.port}": f"127.0.0.1:{server.port}"
               for name in ("a.example", "b.example", "c.example")}
    settings = from_table(local(resolve=resolve, concurrency=4, **{"per-host": 1}))
    wanted = {f"http://{host}:{server.port}/hop/{host}-{i}": frozenset({"reach"})
              for host in ("a.example", "b.example") for i in range(2)}
    facts = Prober(settings).probe_all(wanted)
    assert {f.status for f in facts.values()} == {200}
    assert server.active["most c.example"] == 1


def test_one_host_gets_at_most_per_host_requests_at_a_time(server):
    settings = from_table(local(concurrency=8, **{"per-host": 2}))
    wanted = {server.url(f"/hold/{i}"): frozenset({"reach"}) for i in range(6)}
    Prober(settings).probe_all(wanted)
    assert server.active["most"] == 2


# -- HTTPS --------------------------------------------------------------------------------------

NAMES = ("i.ytimg.com", "everyday-cc.github.io", "powerappsblogscdn.azureedge.net", "site.test")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed; it makes the test certificate")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    names = ",".join(f"DNS:{n}" for n in NAMES)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=fmlint test",
                    "-addext", f"subjectAltName={names}"],
                   check=True, capture_output=True, timeout=30)
    return cert, key


def _tls_server(certificate: tuple[Path, Path], answer: Callable[..., Answer]) -> Server:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    return Server(answer, tls=context)


def _secure_routes(server: Server, method: str, path: str, headers: dict[str, str]) -> Answer:
    pages = {
        "/same": Answer(body=b"one page" * 100),
        "/differs": Answer(body=b"the secure page"),
        "/moved": Answer(body=b"moved page"),
    }
    return pages.get(path, Answer(404, b"no such page"))


def _plain_routes(server: Server, method: str, path: str, headers: dict[str, str]) -> Answer:
    if path == "/moved":
        return Answer(301, b"", {"Location": "https://site.test/moved"})
    pages = {"/same": Answer(body=b"one page" * 100), "/differs": Answer(body=b"an old page"),
             "/only-plain": Answer(body=b"plain")}
    return pages.get(path, Answer(404, b"no such page"))


@pytest.fixture
def twin(certificate) -> Iterator[tuple[Server, Server, dict[str, Any]]]:
    plain, secure = Server(_plain_routes), _tls_server(certificate, _secure_routes)
    table = local(resolve={"site.test:80": f"127.0.0.1:{plain.port}",
                           "site.test:443": f"127.0.0.1:{secure.port}"},
                  **{"ca-bundle": str(certificate[0])})
    yield plain, secure, table
    plain.close()
    secure.close()


def test_https_needs_the_ca_bundle_and_the_right_host_name(twin, certificate):
    _plain, secure, table = twin
    trusted = Prober(from_table(table)).probe("https://site.test/same", frozenset())
    assert trusted.status == 200
    untrusted = dict(table)
    del untrusted["ca-bundle"]
    facts = Prober(from_table(untrusted)).probe("https://site.test/same", frozenset())
    assert (facts.error, verdict(facts).kind) == ("tls", "unchecked")
    wrong_name = dict(table, resolve={"other.test:443": f"127.0.0.1:{secure.port}"})
    facts = Prober(from_table(wrong_name)).probe("https://other.test/same", frozenset())
    assert facts.error == "tls"
    assert "other.test" in facts.detail
    assert len(secure.requests()) == 1  # only the trusted one got as far as a request


@pytest.mark.parametrize(("path", "form"), [
    ("/same", "same"),  # identical bodies
    ("/moved", "same"),  # http redirects to the https URL
    ("/differs", "different"),
    ("/only-plain", "broken"),  # https answers 404
])
def test_the_https_form_of_an_http_url(twin, path, form):
    _plain, _secure, table = twin
    url = f"http://site.test{path}"
    facts = Prober(from_table(table)).probe(url, frozenset({"https"}))
    assert facts.https == form
    assert https_form(Config(online_facts={url: facts}), url) == form
    assert https_form(Config(), url) is None


@pytest.mark.parametrize(("path", "fix"), [
    ("/same", "safe"), ("/moved", "safe"), ("/differs", "unsafe"), ("/only-plain", None)])
def test_url_scheme_fix_is_safe_only_when_https_serves_the_same_content(twin, path, fix):
    _plain, _secure, table = twin
    text = f"---\ntitle: T\noriginalUrl: http://site.test{path}\n---\n"
    config = Config(select=["FM202"], online=True, online_settings=table)
    config.online_facts = gather([("a.md", text.encode())], config)
    [finding] = check_text(text, "a.md", config).findings
    assert (finding.fix.applicability if finding.fix else None) == fix
    [offline] = check_text(text, "a.md", Config(select=["FM202"])).findings
    assert offline.fix is not None and offline.fix.applicability == "unsafe"


# -- the whole run: collection, cache, rules, CLI --------------------------------------------


def _copy(records: list[str], folder: Path) -> list[Path]:
    (folder / "_news").mkdir(parents=True)
    out = []
    for name in records:
        target = folder / "_news" / name
        shutil.copyfile(CORPUS / "_news" / name, target)
        out.append(target)
    return out


@pytest.fixture
def settings_for(monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, Any]], None]:
    """Give the CLI's configuration these network settings (as a [network] table would)."""
    def use(table: dict[str, Any]) -> None:
        original = plan.load_config

        def load(options: Options, anchor: str) -> Config:
            config = original(options, anchor)
            config.online_settings = table
            return config

        monkeypatch.setattr(plan, "load_config", load)

    return use


MATCHING = {  # record -> what the image host serves for its image (declared size or not)
    "2019-08-19-microsoft-power-apps-2019-release-wave-2-overview.md": png(1280, 720),
    "2019-08-26-microsoft-power-apps-portals-2019-release-wave-2-overview.md": PEOPLE_JPG,
    "2019-10-29-ai-builder-2019-release-wave-2-overview.md": png(1280, 720),
    "2020-05-12-microsoft-power-apps-portals-2020-release-wave-1-overview.md":
        (IMAGES / "organizations" / "microsoft.com-400x400.jpg").read_bytes(),
    "2020-09-22-now-in-preview-customize-teams-with-built-in-power-platform-capabilities.md":
        png(2255, 1382),
}
WRONG = {"2019-08-26-microsoft-power-apps-portals-2019-release-wave-2-overview.md": "626×357",
         "2020-05-12-microsoft-power-apps-portals-2020-release-wave-1-overview.md": "400×400"}


@pytest.fixture
def image_hosts(certificate) -> Iterator[tuple[Server, dict[str, Any]]]:
    """One HTTPS server standing in for the records' image hosts (via ``resolve``)."""
    served: dict[str, bytes] = {}
    for name, body in MATCHING.items():
        text = (CORPUS / "_news" / name).read_text("utf-8")
        image = text.split("images:\n  - url: \"", 1)[1].split('"', 1)[0]
        served[image.split("/", 3)[3]] = body

    def answer(server: Server, method: str, path: str, headers: dict[str, str]) -> Answer:
        key = path.lstrip("/")
        if key in served:
            return Answer(body=served[key])
        if key.startswith("powerapps/assets/images/"):
            return Answer(body=(CORPUS / key.removeprefix("powerapps/")).read_bytes())
        return Answer(404, b"no such image")

    running = _tls_server(certificate, answer)
    table = local(resolve={f"{n}:443": f"127.0.0.1:{running.port}" for n in NAMES},
                  **{"ca-bundle": str(certificate[0])})
    yield running, table
    running.close()


def test_check_online_reports_and_fixes_exactly_the_wrong_image_sizes(
        cli, tmp_path, image_hosts, settings_for):
    server, table = image_hosts
    settings_for(table)
    files = _copy(list(MATCHING), tmp_path / "site")
    before = {p.name: p.read_text("utf-8") for p in files}
    cache = str(tmp_path / "cache")
    base = ["check", "--isolated", "--select", "FM502", "--cache-dir", cache]
    run = cli([*base, "--online", "--output-format", "json", str(tmp_path / "site")])
    assert run.code == 1, run.err
    findings = json.loads(run.out)
    assert {Path(f["path"]).name for f in findings} == set(WRONG)
    for finding in findings:
        real = WRONG[Path(finding["path"]).name]
        assert finding["message"] == f"images[0] is declared 1280×720 but the image at its URL " \
                                     f"is {real}"
        assert finding["fix"]["applicability"] == "safe"
    requests = len(server.requests())
    assert requests == 6  # 5 images and the one provider logo they share, each read once

    run = cli([*base, "--online", "--fix", str(tmp_path / "site")])
    assert run.code == 0, run.out
    assert len(server.requests()) == requests  # answered from the cache
    for path in files:
        after = path.read_text("utf-8")
        if path.name in WRONG:
            width, height = WRONG[path.name].split("×")
            assert after == before[path.name].replace(
                "    width: 1280\n    height: 720", f"    width: {width}\n    height: {height}")
        else:
            assert after == before[path.name]

    run = cli([*base, "--offline", str(tmp_path / "site")])
    assert (run.code, len(server.requests())) == (0, requests)
    run = cli([*base, "--online", "--no-cache", str(tmp_path / "site")])
    assert run.code == 0
    assert len(server.requests()) == 2 * requests


RECORD = """---
title: Links
originalUrl: "{url}"
related:
  - title: Other
    originalUrl: "{other}"
---
"""


def _record(folder: Path, name: str, url: str, other: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(RECORD.format(url=url, other=other), "utf-8")
    return path


def test_url_reachable_findings_severities_and_fix(cli, tmp_path, server, settings_for):
    settings_for(local())
    folder = tmp_path / "_news"
    _record(folder, "a.md", server.url("/gone404"), server.url("/r301"))
    _record(folder, "b.md", server.url("/down"), server.url("/ok"))
    run = cli(["check", "--isolated", "--select", "FM501", "--online", "--no-cache",
               "--output-format", "json", str(folder)])
    found = {(Path(f["path"]).name, f["pointer"]): f for f in json.loads(run.out)}
    assert set(found) == {("a.md", "/originalUrl"), ("a.md", "/related/0/originalUrl"),
                          ("b.md", "/originalUrl")}
    broken = found["a.md", "/originalUrl"]
    assert (broken["severity"], broken["message"]) == (
        "error", "originalUrl is broken: it answers HTTP 404 Not Found")
    moved = found["a.md", "/related/0/originalUrl"]
    assert moved["severity"] == "warning"
    assert moved["fix"]["applicability"] == "unsafe"
    assert moved["fix"]["edits"][0]["content"] == f'"{server.url("/ok")}"'
    unchecked = found["b.md", "/originalUrl"]
    assert unchecked["severity"] == "info"
    assert unchecked["message"].startswith("originalUrl could not be checked: it answers HTTP "
                                           "503 Service Unavailable after 3 attempts")
    assert run.code == 1
    assert run.err == ""  # no progress bar when stderr is not a terminal


def test_the_records_of_a_data_file_are_checked_online_too(cli, tmp_path, server, settings_for):
    settings_for(local())
    data = tmp_path / "_data"
    data.mkdir()
    (data / "links.yml").write_text(
        f"- title: Gone\n  url: {server.url('/gone404')}\n"
        f"- title: Fine\n  url: {server.url('/ok')}\n", "utf-8")
    run = cli(["check", "--isolated", "--select", "FM501", "--online", "--no-cache",
               "--output-format", "json", str(tmp_path)])
    found = [(Path(f["path"]).name, f["pointer"], f["line"]) for f in json.loads(run.out)]
    assert found == [("links.yml", "/0/url", 2)]
    assert server.requests("/gone404") and server.requests("/ok")


def test_accepted_statuses_and_excluded_urls(cli, tmp_path, server, settings_for):
    settings_for(local(accept=[404], exclude=[server.url("/gone410")]))
    folder = tmp_path / "_news"
    _record(folder, "a.md", server.url("/gone404"), server.url("/gone410"))
    run = cli(["check", "--isolated", "--select", "FM501", "--online", "--no-cache",
               str(folder)])
    assert run.code == 0, run.out
    assert not server.requests("/gone410")


def test_without_online_the_online_rules_say_nothing_and_fetch_nothing(cli, tmp_path, server,
                                                                       settings_for):
    settings_for(local())
    folder = tmp_path / "_news"
    _record(folder, "a.md", server.url("/gone404"), server.url("/gone410"))
    cache = str(tmp_path / "cache")
    run = cli(["check", "--isolated", "--select", "FM5", "--cache-dir", cache, str(folder)])
    assert (run.code, server.requests()) == (0, [])
    # The result cache of that run must not stand in for the online run.
    run = cli(["check", "--isolated", "--select", "FM5", "--cache-dir", cache, "--online",
               str(folder)])
    assert run.code == 1


def test_the_cache_offline_and_expiry(tmp_path, server, monkeypatch):
    config = Config(select=["FM501"], online=True, online_settings=local())
    sources = [("a.md", RECORD.format(url=server.url("/ok"),
                                      other=server.url("/down")).encode())]
    cache = str(tmp_path / "cache")
    first = gather(sources, config, cache_dir=cache)
    assert set(first) == {server.url("/ok"), server.url("/down")}
    assert len(server.requests("/ok")) == 1
    stored = json.loads((tmp_path / "cache" / "online.json").read_text("utf-8"))
    assert list(stored["urls"]) == [server.url("/ok")]  # a 503 is not kept
    assert (tmp_path / "cache" / ".gitignore").is_file()

    again = gather(sources, config, cache_dir=cache)
    assert again[server.url("/ok")].status == 200
    assert len(server.requests("/ok")) == 1  # from the cache
    assert len(server.requests("/down")) == 6  # asked again, with its retries

    before = len(server.requests())
    offline = gather(sources, config, cache_dir=cache, offline=True)
    assert set(offline) == {server.url("/ok")}  # the uncached URL is left out
    assert len(server.requests()) == before

    later = time.time() + 25 * 3600
    monkeypatch.setattr(store, "_now", lambda: later)
    assert set(gather(sources, config, cache_dir=cache, offline=True)) == {server.url("/ok")}
    gather(sources, config, cache_dir=cache)
    assert len(server.requests("/ok")) == 2  # expired: asked again


def test_cached_facts_are_not_used_with_other_network_settings(tmp_path, server):
    sources = [("a.md", RECORD.format(url=server.url("/ok"), other=server.url("/ok")).encode())]
    cache = str(tmp_path / "cache")
    gather(sources, Config(select=["FM501"], online_settings=local()), cache_dir=cache)
    gather(sources, Config(select=["FM501"], online_settings=local(**{"allow-private": True})),
           cache_dir=cache)
    assert len(server.requests("/ok")) == 2


def test_the_sites_own_urls_and_relative_urls_are_not_fetched(tmp_path, server):
    text = RECORD.format(url="/powerapps/news/a/",
                         other="https://everyday-cc.github.io/powerapps/news/b/")
    config = Config(select=["FM501"], online_settings=local(),
                    site_url="https://everyday-cc.github.io", baseurl="/powerapps")
    assert gather([("a.md", text.encode())], config) == {}


def test_progress_is_shown_on_a_terminal(server, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    config = Config(select=["FM501"], online=True, online_settings=local())
    text = RECORD.format(url=server.url("/ok"), other=server.url("/gone404"))
    plan.gather_online(Options(no_cache=True), config, [("a.md", text.encode())])
    assert "] 2/2 URLs" in sys.stderr.getvalue()
    assert set(config.online_facts or {}) == {server.url("/ok"), server.url("/gone404")}


def test_offline_with_no_cache_and_bad_settings_are_usage_errors(cli, tmp_path, settings_for):
    path = _record(tmp_path / "_news", "a.md", "https://example.invalid/", "/x")
    run = cli(["check", "--isolated", "--offline", "--no-cache", str(path)])
    assert run.code == 2
    assert "--no-cache" in run.err
    settings_for({"read-timeout": -1})
    run = cli(["check", "--isolated", "--online", str(path)])
    assert (run.code, run.err) == (2, "fmlint: network.read-timeout must be above 0, not -1\n")
    settings_for({"ca-bundle": str(tmp_path / "missing.pem")})
    run = cli(["check", "--isolated", "--online", str(path)])
    assert run.code == 2
    assert run.err.startswith("fmlint: network.ca-bundle: cannot read ")


def test_standard_input_is_checked_online_too(cli, server, settings_for, tmp_path,
                                              monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings_for(local())
    text = RECORD.format(url=server.url("/gone410"), other=server.url("/ok"))
    run = cli(["check", "--isolated", "--select", "FM501", "--online", "--no-cache",
               "--output-format", "concise", "-"], stdin=text.encode())
    assert run.code == 1
    assert "originalUrl is broken: it answers HTTP 410 Gone" in run.out


def test_online_and_the_network_table_in_the_configuration_file(cli, tmp_path, server):
    folder = tmp_path / "_news"
    path = _record(folder, "a.md", server.url("/gone404"), server.url("/ok"))
    settings = tmp_path / "fmlint.toml"
    settings.write_text('select = ["FM501"]\nonline = true\n\n[network]\n'
                        'allow-addresses = ["127.0.0.1"]\nread-timeout = 2\n', "utf-8")
    run = cli(["check", "--no-cache", str(path)])
    assert run.code == 1
    assert "originalUrl is broken: it answers HTTP 404 Not Found" in run.out
    settings.write_text('online = true\n\n[network]\nread-timeout = 2\n'
                        'resolve = {"a.example" = "127.0.0.1:80"}\n', "utf-8")
    run = cli(["check", "--no-cache", str(path)])
    assert run.code == 2
    assert run.err.startswith(f"fmlint: {settings}:5: network.resolve: the name 'a.example' ")



@pytest.mark.parametrize("mode", ["--online", "--offline"])
def test_malformed_urls_are_url_findings_and_are_not_fetched(cli, tmp_path, server,
                                                             settings_for, monkeypatch, mode):
    monkeypatch.chdir(tmp_path)
    settings_for(local())
    if mode == "--offline":
        gather([("a.md", b"")], Config(online_settings=local()), cache_dir=".fmlint_cache")
    _record(tmp_path / "_news", "a.md", "http://[::1", "http://a]b/")
    _record(tmp_path / "_news", "b.md", "https://[fe80::1]:x/", server.url("/ok"))
    run = cli(["check", "--isolated", "--select", "FM201,FM501", mode, "--output-format",
               "concise", "_news"])
    assert "Traceback" not in run.err
    assert run.code == 1
    assert "a.md:3:22: FM201 [error] originalUrl: IP literal '[::1' has no closing" in run.out
    assert "a.md:6:26: FM201 [error] related[0].originalUrl: host label 'a]b' contains" in (
        run.out)
    assert "_news/b.md:3:" in run.out
    assert [p for _m, p, _h in server.requests()] == (["/ok"] if mode == "--online" else [])


def test_a_redirect_to_a_malformed_location_is_not_followed(server):
    facts = probe(server.url("/bad-location"))
    assert facts.error == "bad-redirect"
    assert "not an http(s) URL" in facts.detail


def test_a_total_length_that_is_not_an_ascii_number_is_not_known(server):
    facts = probe(server.url("/odd-range.png"), frozenset({"image"}))
    assert facts.error is None
    assert facts.image is None


def test_records_linked_out_of_the_checked_folders_are_not_read_for_urls(tmp_path, server):
    site, outside = tmp_path / "site", tmp_path / "outside"
    (site / "_news").mkdir(parents=True)
    outside.mkdir()
    secret = _record(outside, "secret.md", server.url("/gone404"), server.url("/gone410"))
    (site / "_news" / "a.md").symlink_to(secret)
    inside = _record(site / "_news", "b.md", server.url("/ok"), server.url("/ok"))
    (site / "_news" / "c.md").symlink_to(inside)
    config = Config(select=["FM501"], online_settings=local())
    paths = [str(site / "_news" / name) for name in ("a.md", "b.md", "c.md")]
    found = gather([(p, None) for p in paths], config, roots=[str(site)])
    assert set(found) == {server.url("/ok")}
    assert {p for _m, p, _h in server.requests()} == {"/ok"}


ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 600) | st.floats(allow_nan=False)
    | st.text(max_size=6) | st.sampled_from(["reach", "image", "dns", "same", "200", [], {}]),
    lambda inner: st.lists(inner, min_size=1, max_size=4) | st.dictionaries(
        st.sampled_from(["url", "status", "error", "hops", "image", "needs", "https",
                         "checked", "attempts", "reason", "detail"]), inner, min_size=1,
        max_size=6),
    max_leaves=16)


def _online_cache(tmp_path: Path, server: Server, cli, settings_for) -> tuple[Path, str]:
    """A record linking to the local server, its answer in the online cache; the text
    report of the run that made it."""
    (tmp_path / "_news").mkdir(exist_ok=True)
    _record(tmp_path / "_news", "a.md", server.url("/gone404"), server.url("/ok"))
    settings_for(local())
    first = cli(["check", "--isolated", "--select", "FM501", "--online", "--output-format",
                 "concise", "_news"])
    assert first.code == 1 and first.err == ""
    return tmp_path / ".fmlint_cache" / "online.json", first.out


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_hand_edit_of_the_online_cache_is_used_or_ignored_never_a_crash(
        cli, tmp_path_factory, server, settings_for, monkeypatch, data):
    folder = tmp_path_factory.mktemp("site")
    monkeypatch.chdir(folder)
    cached, _first = _online_cache(folder, server, cli, settings_for)
    stored = json.loads(cached.read_text("utf-8"))
    entry = data.draw(st.sampled_from(sorted(stored["urls"])))
    field_name = data.draw(st.sampled_from([None, *sorted(stored["urls"][entry])]))
    value = data.draw(ANY_JSON)
    if field_name is None:
        stored["urls"][entry] = value
    else:
        stored["urls"][entry][field_name] = value
    cached.write_text(json.dumps(stored), "utf-8")
    again = cli(["check", "--isolated", "--select", "FM501", "--offline", "--output-format",
                 "concise", "_news"])
    assert again.code in (0, 1)
    assert again.err.count("\n") <= 1
    if again.err:
        assert again.err.startswith("fmlint: warning: ignoring the damaged cache file ")


@pytest.mark.parametrize("text", [
    '{"key": "k", "urls": ' + "[" * 100_000 + "]" * 100_000 + "}",  # deep nesting
    "[" * 100_000,
    '["key", "urls"]',  # a list for the object
    '{"key": 1, "urls": []}',
    "\x00\xff not JSON",
    '{"key": "',  # cut short
])
def test_a_damaged_online_cache_is_ignored_with_one_warning_and_rebuilt(
        cli, tmp_path, server, settings_for, monkeypatch, text):
    monkeypatch.chdir(tmp_path)
    cached, first = _online_cache(tmp_path, server, cli, settings_for)
    cached.write_text(text, "utf-8", errors="surrogateescape")
    args = ["check", "--isolated", "--select", "FM501", "--online", "--output-format",
            "concise", "_news"]
    again = cli(args)
    assert (again.code, again.out) == (1, first)
    assert again.err.count("\n") == 1
    assert "ignoring the damaged cache file .fmlint_cache/online.json" in again.err
    assert cli(args).err == ""  # (rebuilt)


@pytest.mark.parametrize(("field_name", "value"), [
    ("status", "404"),  # a string for a number
    ("hops", {"301": "https://elsewhere.example/"}),  # an object for a list
    ("error", ["dns"]),
    ("image", [1, "2"]),
    ("checked", "today"),
])
def test_an_online_cache_entry_of_the_wrong_types_is_asked_again(
        cli, tmp_path, server, settings_for, monkeypatch, field_name, value):
    monkeypatch.chdir(tmp_path)
    cached, first = _online_cache(tmp_path, server, cli, settings_for)
    stored = json.loads(cached.read_text("utf-8"))
    stored["urls"][server.url("/gone404")][field_name] = value
    cached.write_text(json.dumps(stored), "utf-8")
    asked = len(server.requests("/gone404"))
    again = cli(["check", "--isolated", "--select", "FM501", "--online", "--output-format",
                 "concise", "_news"])
    assert (again.code, again.out) == (1, first)
    assert again.err.startswith("fmlint: warning: ignoring the damaged cache file ")
    assert len(server.requests("/gone404")) > asked
