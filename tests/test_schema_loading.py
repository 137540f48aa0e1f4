"""Reading schemas: $refs to other files and URLs, YAML, remote schemas only with consent,
a record's $schema only inside the project, and results that follow edited schemas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from linter.engine.config import Config
from linter.engine.lint import check_text
from linter.lsp.linting import lint_buffer
from linter.schema import validation as schemas
from linter.site.workspace import Workspace

from .conftest import Run
from .lspkit import published

REPO = Path(__file__).resolve().parent.parent
DEFS = {"$defs": {"count": {"type": "integer", "minimum": 0}}}


def codes(run: Run) -> list[str]:
    """The codes of the findings in a text report, in order."""
    return [word for line in run.out.splitlines() if ": FM" in line
            for word in line.split()[1:2]]


def site(folder: Path, schema: dict | str, config: str = "", name: str = "schema.json",
         records: dict[str, str] | None = None) -> Path:
    """A project: fmlint.toml naming the schema file ``name``, and records."""
    text = schema if isinstance(schema, str) else json.dumps(schema)
    (folder / name).write_text(text, "utf-8")
    (folder / "fmlint.toml").write_text(f'schema = "{name}"\n{config}', "utf-8")
    for record, body in (records or {"a.md": "count: x"}).items():
        (folder / record).write_text(f"---\n{body}\n---\n", "utf-8")
    return folder


def age(*paths: Path, seconds: float = 100) -> None:
    """Date files ``seconds`` back, so that the result cache trusts their stamps."""
    when = time.time() - seconds
    for path in paths:
        os.utime(path, (when, when))


# -- $ref to another file ------------------------------------------------------------------


def test_a_ref_to_a_sibling_file_is_read_beside_the_schema(tmp_path, cli):
    (tmp_path / "defs.json").write_text(json.dumps(DEFS), "utf-8")
    site(tmp_path, {"type": "object", "properties": {
        "count": {"$ref": "defs.json#/$defs/count"},
        "alt": {"anyOf": [{"$ref": "defs.json#/$defs/count"}, {"type": "null"}]}}},
        records={"bad.md": "count: x\nalt: -1", "good.md": "count: 3\nalt: null"})
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert run.code == 1, run.out
    assert codes(run) == ["FM010", "FM010"], run.out
    assert "count should be a whole number" in run.out
    assert "alt " in run.out and "good.md" not in run.out


def test_a_ref_from_a_folder_below_resolves_against_that_file(tmp_path, cli):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "defs.json").write_text(json.dumps(
        {"$defs": {"count": {"$ref": "more.json"}}}), "utf-8")
    (tmp_path / "parts" / "more.json").write_text('{"type": "integer"}', "utf-8")
    site(tmp_path, {"properties": {"count": {"$ref": "parts/defs.json#/$defs/count"}}})
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert codes(run) == ["FM010"], run.out


def test_a_ref_against_an_id_still_reads_the_sibling_on_disk(tmp_path, cli):
    (tmp_path / "defs.json").write_text(json.dumps(DEFS), "utf-8")
    site(tmp_path, {"$id": "https://schemas.example.com/site/schema.json",
                    "properties": {"count": {"$ref": "defs.json#/$defs/count"}}})
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert codes(run) == ["FM010"], run.out


def test_lint_rules_see_what_a_referenced_file_says_of_a_value(tmp_path, cli):
    (tmp_path / "defs.json").write_text(json.dumps({"$defs": {
        "text": {"type": "string", "contentMediaType": "text/plain"},
        "list": {"type": "array", "items": {"$ref": "#/$defs/text"}}}}), "utf-8")
    site(tmp_path, {"properties": {"title": {"$ref": "defs.json#/$defs/text"},
                                   "tags": {"$ref": "defs.json#/$defs/list"}}},
         records={"a.md": 'title: "Q&amp;A"\ntags: ["R&amp;D"]'})
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert codes(run) == ["FM102", "FM102"], run.out


def test_a_metaschema_of_its_own_is_not_fetched(tmp_path, cli, remote):
    site(tmp_path, {"$schema": remote.url("/meta.json"), "properties": {
        "count": {"type": "integer"}}}, config=ALLOWED)
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert codes(run) == ["FM010"], run.out
    assert remote.requests == []


def test_an_unresolvable_ref_is_one_schema_error_naming_file_and_reference(tmp_path, cli):
    site(tmp_path, {"properties": {"count": {"$ref": "missing.json#/$defs/count"}}},
         records={"a.md": "count: x", "b.md": "count: 1"})
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert run.code == 1, run.err
    assert codes(run) == ["FM014", "FM014"], run.out  # one a record, never an internal error
    line = next(line for line in run.out.splitlines() if "FM014" in line)
    assert "schema.json" in line and '"missing.json#/$defs/count"' in line
    assert "FM009" not in run.out


def test_a_ref_to_a_missing_place_in_a_file_is_a_schema_error(tmp_path, cli):
    (tmp_path / "defs.json").write_text(json.dumps(DEFS), "utf-8")
    site(tmp_path, {"properties": {"count": {"$ref": "defs.json#/$defs/nothing"}}})
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert codes(run) == ["FM014"], run.out


# -- YAML schemas, schema URLs in the configuration ------------------------------------------


def test_a_yaml_schema_file_is_read(tmp_path, cli):
    site(tmp_path, "type: object\nproperties:\n  count:\n    type: integer\n",
         name="schema.yaml")
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert codes(run) == ["FM010"], run.out


def test_a_broken_yaml_schema_names_its_file_and_line(tmp_path, cli):
    site(tmp_path, "type: object\nproperties:\n  count: [integer\n", name="schema.yml")
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert codes(run) == ["FM014"], run.out
    assert "schema.yml:4:" in run.out and "not valid YAML" in run.out


# -- remote schemas ---------------------------------------------------------------------------


class Counting(ThreadingHTTPServer):
    """A loopback server of JSON documents that counts the requests it gets."""

    daemon_threads = True

    def __init__(self, documents: dict[str, object]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.documents = documents
        self.requests: list[str] = []
        self.thread = threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def server_bind(self) -> None:  # (no reverse lookup of the address)
        import socketserver

        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_port}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: Counting

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        document = self.server.documents.get(self.path)
        body = json.dumps(document).encode() if document is not None else b"{}"
        self.send_response(200 if document is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def remote() -> Iterator[Counting]:
    server = Counting({"/defs.json": DEFS, "/schema.json": {
        "properties": {"count": {"$ref": "defs.json#/$defs/count"}}}})
    yield server
    server.shutdown()
    server.server_close()


ALLOWED = 'schema-hosts = ["127.0.0.1"]\n[network]\nallow-addresses = ["127.0.0.1"]\n' \
          'connect-timeout = 2\nread-timeout = 2\n'


def test_a_remote_ref_is_not_fetched_without_consent(tmp_path, cli, remote):
    site(tmp_path, {"properties": {"count": {"$ref": remote.url("/defs.json#/$defs/count")}}},
         records={"a.md": "count: x", "b.md": "count: 1"})
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert remote.requests == []
    assert codes(run) == ["FM014", "FM014"], run.out
    assert 'schema-hosts = ["127.0.0.1"]' in run.out


def test_a_record_naming_a_remote_schema_gets_no_request(tmp_path, cli, remote):
    site(tmp_path, {"type": "object"},
         records={"a.md": f"$schema: {remote.url('/schema.json')}\ncount: x"})
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert remote.requests == []
    assert codes(run) == ["FM014"], run.out


def test_a_file_url_is_never_read(tmp_path, cli):
    (tmp_path / "defs.json").write_text(json.dumps(DEFS), "utf-8")
    uri = (tmp_path / "defs.json").as_uri()
    site(tmp_path, {"properties": {"count": {"$ref": f"{uri}#/$defs/count"}}},
         config='schema-hosts = ["localhost"]\n')
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert codes(run) == ["FM014"], run.out
    assert "http(s) URLs only" in run.out


def test_allowed_remote_schemas_are_fetched_once_and_then_read_from_the_cache(
        tmp_path, cli, remote):
    site(tmp_path, {"properties": {"count": {"$ref": remote.url("/defs.json#/$defs/count")}}},
         config=ALLOWED, records={"a.md": "count: x", "b.md": "count: -1", "c.md": "count: 2"})
    run = cli(["check", "--no-cache", "--jobs", "1", str(tmp_path)])
    assert codes(run) == ["FM010", "FM010"], run.out
    assert remote.requests == ["/defs.json"]  # both validators use the one copy
    [kept] = (tmp_path / ".fmlint_cache" / "schemas").glob("*.json")
    entry = json.loads(kept.read_text("utf-8"))
    assert entry["url"] == remote.url("/defs.json") and entry["schema"] == DEFS
    assert entry["fetched"] <= time.time() and entry["fetched_at"]
    remote.shutdown()  # offline now: the cache serves
    again = cli(["check", "--no-cache", "--jobs", "1", str(tmp_path)])
    assert codes(again) == ["FM010", "FM010"], again.out
    assert remote.requests == ["/defs.json"]


def test_the_configured_schema_may_be_a_url(tmp_path, cli, remote):
    (tmp_path / "fmlint.toml").write_text(f'schema = "{remote.url("/schema.json")}"\n'
                                          + ALLOWED, "utf-8")
    (tmp_path / "a.md").write_text("---\ncount: x\n---\n", "utf-8")
    run = cli(["check", "--no-cache", "--jobs", "1", str(tmp_path)])
    assert codes(run) == ["FM010"], run.out
    assert sorted(remote.requests) == ["/defs.json", "/schema.json"]


def test_without_the_network_only_the_cache_serves(tmp_path, remote):
    site(tmp_path, {"properties": {"count": {"$ref": remote.url("/defs.json#/$defs/count")}}},
         config=ALLOWED)
    disk = Workspace(fetching=False)  # as in the language server
    record = tmp_path / "a.md"
    snapshot = lint_buffer(record.read_text("utf-8"), 1, str(record), str(tmp_path), disk)
    assert remote.requests == []
    [found] = snapshot.findings
    assert found.code == "FM014" and "language server" in found.message, found.message


# -- a record's own $schema -----------------------------------------------------------------


def test_a_record_schema_outside_the_project_is_refused(tmp_path, cli):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "creds.json").write_text('{"properties": {"count": {"const": "s3cr3t"}}}')
    project = tmp_path / "project"
    project.mkdir()
    site(project, {"type": "object"}, records={"a.md": "$schema: ../outside/creds.json\n"
                                                      "count: x"})
    run = cli(["check", "--no-cache", str(project)])
    assert codes(run) == ["FM014"], run.out
    assert "outside the checked folders" in run.out and "s3cr3t" not in run.out


def test_a_record_schema_that_is_a_device_ends_at_once():
    # Reading /dev/zero grew memory without end: the whole run now ends within seconds.
    done = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--no-cache", "-"],
        input=b"---\n$schema: /dev/zero\ntitle: x\n---\n", capture_output=True, timeout=60,
        check=False, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert b"FM014" in done.stdout and b"/dev/zero" in done.stdout, done.stdout + done.stderr


def test_a_record_schema_inside_the_project_is_read(tmp_path, cli):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "count.json").write_text('{"properties": {"count": '
                                                     '{"type": "integer"}}}')
    (tmp_path / "posts").mkdir()
    site(tmp_path, {"type": "object"},
         records={"posts/a.md": "$schema: ../schemas/count.json\ncount: x"})
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert codes(run) == ["FM010"], run.out


def test_a_configured_schema_that_is_not_a_file_is_refused(tmp_path, cli):
    (tmp_path / "fmlint.toml").write_text('schema = "/dev/zero"\n', "utf-8")
    (tmp_path / "a.md").write_text("---\ncount: x\n---\n", "utf-8")
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert codes(run) == ["FM014"] and "not a regular file" in run.out, run.out


# -- patterns ---------------------------------------------------------------------------------


def test_unicode_property_patterns_run_as_the_validator_runs_them(tmp_path, cli):
    site(tmp_path, {"properties": {
        "name": {"type": "string", "pattern": r"^\p{L}+$"},
        "either": {"anyOf": [{"pattern": r"^\p{Lu}"}, {"type": "integer"}]}},
        "patternProperties": {r"^\p{L}+_x$": {"type": "integer"}}},
        records={"good.md": "name: Été\neither: Ça\nété_x: 1",
                 "bad.md": "name: '123'\neither: ça\nété_x: y"})
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert "good.md" not in run.out, run.out
    assert codes(run) == ["FM010", "FM010", "FM010"], run.out
    assert "FM014" not in run.out


def test_a_pattern_no_engine_compiles_is_a_schema_error(tmp_path, cli):
    site(tmp_path, {"properties": {"name": {"pattern": "(unclosed"}}}, records={"a.md": "n: 1"})
    run = cli(["check", "--no-cache", str(tmp_path)])
    assert codes(run) == ["FM014"] and "regex" in run.out, run.out


# -- results and loaded schemas follow edits --------------------------------------------------


def test_editing_a_referenced_file_invalidates_cached_results(tmp_path, cli):
    defs = tmp_path / "defs.json"
    defs.write_text(json.dumps({"$defs": {"count": {"type": "integer"}}}), "utf-8")
    project = site(tmp_path, {"properties": {"count": {"$ref": "defs.json#/$defs/count"}}},
                   records={"a.md": "count: 3"})
    age(defs, project / "schema.json", project / "a.md", project / "fmlint.toml")
    first = cli(["check", str(tmp_path)])
    assert first.code == 0, first.out
    defs.write_text(json.dumps({"$defs": {"count": {"type": "integer", "minimum": 10}}}))
    age(defs, seconds=50)
    second = cli(["check", str(tmp_path)])
    assert codes(second) == ["FM010"], second.out


def test_editing_a_record_named_schema_invalidates_cached_results(tmp_path, cli):
    own = tmp_path / "own.json"
    own.write_text('{"properties": {"count": {"type": "integer"}}}', "utf-8")
    site(tmp_path, {"type": "object"}, records={"a.md": "$schema: own.json\ncount: 3"})
    age(own, tmp_path / "schema.json", tmp_path / "a.md", tmp_path / "fmlint.toml")
    assert cli(["check", str(tmp_path)]).code == 0
    own.write_text('{"properties": {"count": {"type": "string"}}}', "utf-8")
    age(own, seconds=50)
    assert codes(cli(["check", str(tmp_path)])) == ["FM010"]


def test_a_schema_edited_on_disk_is_read_again(tmp_path):
    schema = tmp_path / "schema.json"
    schema.write_text('{"properties": {"count": {"type": "integer"}}}', "utf-8")
    config = Config(default_schema="schema.json", base_dir=str(tmp_path))
    disk = Workspace()
    check: Callable[[], list[str]] = lambda: [  # noqa: E731
        f.code for f in check_text("---\ncount: '3'\n---\n", str(tmp_path / "a.md"), config,
                                   schemas=disk.schemas).findings]
    assert check() == ["FM010"]
    schema.write_text('{"properties": {"count": {"type": "string"}}}', "utf-8")  # (its size
    # changed: seen at once)
    assert check() == []
    info = schema.stat()
    schema.write_text('{"properties": {"count": {"type": "number"}}}', "utf-8")  # (the same
    os.utime(schema, ns=(info.st_atime_ns, info.st_mtime_ns))  # size and time: kept)
    assert check() == []
    disk.reload()
    assert check() == ["FM010"]


# -- formats ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "good", "bad"), [
    ("uri", "https://example.com/a?b=c#d", "https://example.com/a|b"),
    ("uri", "urn:isbn:0451450523", "https://example.com/{x}"),
    ("uri", "https://[2001:db8::1]:8080/", "https://example.com/a b"),
    ("uri", "mailto:a@example.com", "https://exämple.com/"),
    ("uri", "https://example.com/%C3%A9", "https://example.com/^"),
    ("uri-reference", "../a/b?c", "a|b"),
    ("iri", "https://exämple.com/été", "https://example.com/a b"),
    ("uuid", "123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456"),
    ("time", "23:20:50.52Z", "25:00:00Z"),
    ("time", "08:00:00+02:00", "08:00:00"),
    ("date", "2024-02-29", "2023-02-29"),
    ("ipv6", "::1", "fe80::1%eth0"),
    ("json-pointer", "/a~1b/0", "a/b"),
    ("relative-json-pointer", "1/a", "/a"),
    ("uri-template", "https://example.com/{id}{?q,r}", "https://example.com/{id"),
    ("idn-hostname", "bücher.example", "-bad-.example"),
    ("regex", r"^\p{L}+$", "(unclosed"),
])
def test_standard_formats_are_checked(name, good, bad):
    schema = {"properties": {"v": {"type": "string", "format": name}}}
    assert schemas.Schema("t", schema, "t").problems({"v": good}) == []
    [problem] = schemas.Schema("t", schema, "t").problems({"v": bad})
    assert problem.kind == "format" and f"not a valid {name}" in problem.message


def test_a_format_fmlint_does_not_check_is_warned_of_once(tmp_path):
    site(tmp_path, {"properties": {"colour": {"type": "string", "format": "colour"}}},
         records={f"{n}.md": "colour: not-a-colour" for n in range(5)})
    done = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--no-cache", "--jobs", "1", str(tmp_path)],
        capture_output=True, timeout=120, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
        text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    warnings = [line for line in done.stderr.splitlines() if '"colour"' in line]
    assert len(warnings) == 1, done.stderr
    assert "schema.json" in warnings[0] and "/properties/colour" in warnings[0]


# -- the language server ----------------------------------------------------------------------


@pytest_lsp.fixture(config=ClientServerConfig(
    server_command=[sys.executable, "-m", "linter", "server"]))
async def editor(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_the_language_server_never_fetches_and_follows_schema_edits(
        editor: LanguageClient, tmp_path: Path, remote: Counting):
    site(tmp_path, {"properties": {"count": {"$ref": "defs.json"},
                                   "more": {"$ref": remote.url("/defs.json#/$defs/count")}}},
         config=ALLOWED, records={})
    defs = tmp_path / "defs.json"
    defs.write_text('{"type": "integer"}', "utf-8")
    record = tmp_path / "a.md"
    uri = record.as_uri()
    editor.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=uri, language_id="markdown", version=1, text="---\ncount: x\n---\n")))
    [found] = await published(editor, uri)
    assert found.code == "FM014" and "language server" in found.message, found.message
    assert remote.requests == []
    (tmp_path / "schema.json").write_text(json.dumps(
        {"properties": {"count": {"$ref": "defs.json"}}}), "utf-8")
    editor.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        [types.TextDocumentContentChangeWholeDocument(text="---\ncount: x\n---\n")]))
    assert [d.code for d in await published(editor, uri)] == ["FM010"]
    defs.write_text('{"type": "string"}', "utf-8")  # (its size changed: seen at once)
    editor.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=3),
        [types.TextDocumentContentChangeWholeDocument(text="---\ncount: x\n---\n")]))
    assert await published(editor, uri) == []
