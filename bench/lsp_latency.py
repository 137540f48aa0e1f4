"""Language server latency: time from a change to the diagnostics that answer it.

A minimal JSON-RPC client over stdio: ``initialize``, ``initialized``, ``didOpen``, then
several ``didChange`` notifications, each timed until the ``publishDiagnostics`` for the new
version arrives (or, for a server that only answers pull requests, the
``textDocument/diagnostic`` response). Changes alternate between adding and removing a defect
in the title, so every change changes the diagnostics.

    python bench/lsp_latency.py RECORD.md [--changes 20] [-- SERVER COMMAND...]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

DEFAULT_SERVER = ["fmlint", "server"]
DEFECT = "\u00e2\u20ac\u2122"  # a right single quote read as Windows-1252


class Client:
    """A JSON-RPC 2.0 client speaking LSP framing over a child process's stdio."""

    def __init__(self, command: list[str], cwd: str | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, cwd=cwd, env=env)
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii", "replace").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                continue
            body = stream.read(length)
            message = json.loads(body)
            if "method" in message and "id" in message:
                self._answer(message)
            self.messages.put(message)

    def _answer(self, request: dict[str, Any]) -> None:
        """Answer the server's own requests (configuration, registrations, progress)."""
        result: Any = None
        if request["method"] == "workspace/configuration":
            result = [None for _ in request.get("params", {}).get("items", [])]
        self._send({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode("utf-8")
        stream = self.process.stdin
        assert stream is not None
        stream.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        stream.flush()

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any) -> int:
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def wait(self, match: Any, timeout: float) -> tuple[dict[str, Any], float] | None:
        """The first message for which ``match(message)`` holds, and when it arrived."""
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            try:
                message = self.messages.get(timeout=left)
            except queue.Empty:
                return None
            arrived = time.perf_counter()
            if message is None:
                return None
            if match(message):
                return message, arrived

    def response(self, request_id: int, timeout: float) -> dict[str, Any] | None:
        got = self.wait(lambda m: m.get("id") == request_id and "method" not in m, timeout)
        return got[0] if got else None

    def close(self) -> None:
        try:
            request_id = self.request("shutdown", None)
            self.response(request_id, 5)
            self.notify("exit", None)
            self.process.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def debounce_seconds(server_source: str) -> tuple[float, str] | None:
    """The debounce delay a server's source declares (seconds, and the line it came from)."""
    pattern = re.compile(
        r"^\s*(?P<name>[A-Za-z_]*debounce[A-Za-z_]*)\s*(?::[^=\n]+)?=\s*(?P<value>[0-9_.]+)",
        re.IGNORECASE | re.MULTILINE)
    match = pattern.search(server_source)
    if match is None:
        return None
    value = float(match["value"].replace("_", ""))
    name = match["name"].lower()
    in_ms = name.endswith("ms") or "millis" in name or (value >= 5 and "sec" not in name)
    return (value / 1000 if in_ms else value), match.group(0).strip()


def _with_defect(text: str) -> str:
    """The record with a mis-decoded quote after the title's first word."""
    match = re.search(r"^title:[ \t]*[\"']?[A-Za-z0-9]+", text, re.MULTILINE)
    if match is None:
        raise ValueError("the record has no title line to change")
    return text[:match.end()] + DEFECT + "s" + text[match.end():]


def _full_range(text: str) -> dict[str, Any]:
    lines = text.split("\n")
    last = lines[-1]
    return {"start": {"line": 0, "character": 0},
            "end": {"line": len(lines) - 1,
                    "character": len(last.encode("utf-16-le")) // 2}}


def measure(record: str, command: list[str] | None = None, changes: int = 20,
            root: str | None = None, pause: float = 0.0,
            env: dict[str, str] | None = None) -> dict[str, Any]:
    """Open ``record`` in the server and time ``changes`` edits; seconds, medians."""
    path = Path(record).resolve()
    root_path = Path(root).resolve() if root else path.parent
    uri = path.as_uri()
    text = path.read_text("utf-8")
    client = Client(command or DEFAULT_SERVER, cwd=str(root_path), env=env)
    try:
        started = time.perf_counter()
        request_id = client.request("initialize", {
            "processId": os.getpid(),
            "rootUri": root_path.as_uri(),
            "workspaceFolders": [{"uri": root_path.as_uri(), "name": root_path.name}],
            "capabilities": {
                "textDocument": {
                    "synchronization": {"didSave": True, "dynamicRegistration": False},
                    "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
                    "diagnostic": {"dynamicRegistration": False},
                },
                "workspace": {"configuration": True, "workspaceFolders": True},
            },
        })
        answer = client.response(request_id, 30)
        if answer is None or "result" not in answer:
            raise RuntimeError(f"no answer to initialize: {answer}")
        capabilities = answer["result"].get("capabilities", {})
        sync = capabilities.get("textDocumentSync", 1)
        sync_kind = sync.get("change", 1) if isinstance(sync, dict) else sync
        pull = bool(capabilities.get("diagnosticProvider"))
        client.notify("initialized", {})
        initialized = time.perf_counter() - started

        version = 1
        opened = time.perf_counter()
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": version, "text": text}})
        first, first_count = _diagnostics(client, uri, version, pull, opened)
        latencies: list[float] = []
        counts: list[int] = []
        current = text
        variants = (_with_defect(text), text)
        for index in range(changes):
            new = variants[index % 2]
            version += 1
            if sync_kind == 2:
                change = {"range": _full_range(current), "text": new}
            else:
                change = {"text": new}
            sent = time.perf_counter()
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            latency, count = _diagnostics(client, uri, version, pull, sent)
            latencies.append(latency)
            counts.append(count)
            current = new
            if pause:
                time.sleep(pause)
    finally:
        client.close()
    changed = sum(1 for a, b in itertools.pairwise(counts) if a != b)
    return {
        "initialize_s": initialized,
        "first_diagnostics_s": first,
        "first_count": first_count,
        "latencies_s": latencies,
        "median_s": statistics.median(latencies),
        "max_s": max(latencies),
        "diagnostic_counts": counts,
        "changes_seen": changed,
        "mode": "pull" if pull else "push",
        "sync": {0: "none", 1: "full", 2: "incremental"}.get(sync_kind, str(sync_kind)),
    }


def _diagnostics(client: Client, uri: str, version: int, pull: bool,
                 since: float) -> tuple[float, int]:
    """Seconds from ``since`` to the diagnostics for ``version``, and how many there were."""

    def published(message: dict[str, Any]) -> bool:
        if message.get("method") != "textDocument/publishDiagnostics":
            return False
        params = message.get("params", {})
        if params.get("uri") != uri:
            return False
        return params.get("version") in (None, version)

    got = client.wait(published, 2.0 if pull else 30.0)
    if got is not None:
        return got[1] - since, len(got[0]["params"].get("diagnostics", []))
    if not pull:
        raise RuntimeError(f"no diagnostics for version {version} within 30 s")
    request_id = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    answer = client.wait(lambda m: m.get("id") == request_id and "method" not in m, 30.0)
    if answer is None:
        raise RuntimeError("no answer to textDocument/diagnostic within 30 s")
    items = (answer[0].get("result") or {}).get("items", [])
    return answer[1] - since, len(items)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("record")
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--root", help="workspace folder (default: the record's folder)")
    parser.add_argument("server", nargs=argparse.REMAINDER,
                        help="server command after '--' (default: fmlint server)")
    args = parser.parse_args(argv)
    command = [a for a in args.server if a != "--"] or None
    result = measure(args.record, command, args.changes, args.root)
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
