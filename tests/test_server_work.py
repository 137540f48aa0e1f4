"""The language server's work over a session: files edited on disk, huge records, many fixes.

A real server subprocess driven by a client that registers file watchers and resolves code
actions' edits when one is chosen, as VS Code does.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import SEED
from .lspkit import published, session
from .test_server import actions_at, apply, change, close, open_document, related

lsp = pytest.mark.asyncio(loop_scope="module")
FIX_ALL = "source.fixAll.fmlint"
CAPABILITIES = types.ClientCapabilities(
    workspace=types.WorkspaceClientCapabilities(
        workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
        did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
            dynamic_registration=True)),
    text_document=types.TextDocumentClientCapabilities(
        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
            data_support=True, version_support=True),
        code_action=types.CodeActionClientCapabilities(
            data_support=True, is_preferred_support=True,
            resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]))),
)
REGISTERED: list[types.RegistrationParams] = []


def _registrations(lsp_client: LanguageClient) -> None:
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        REGISTERED.append(params)


client = session(CAPABILITIES, _registrations)


class Publications(dict):
    """``client.diagnostics`` that also keeps every publication, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, list[types.Diagnostic]]] = []

    def __setitem__(self, uri: str, found: list[types.Diagnostic]) -> None:
        self.log.append((uri, list(found)))
        super().__setitem__(uri, found)


def save(client: LanguageClient, uri: str) -> None:
    client.diagnostics.pop(uri, None)
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        types.TextDocumentIdentifier(uri=uri)))


def cursor(line: int, character: int) -> types.Range:
    at = types.Position(line=line, character=character)
    return types.Range(start=at, end=at)


# -- files edited on disk ----------------------------------------------------------------------

@lsp
async def test_watchers_are_registered_for_schemas_and_configuration(client: LanguageClient):
    async def registered() -> None:
        while not REGISTERED:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(registered(), timeout=10)
    (registration,) = REGISTERED[0].registrations
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    globs = {w["globPattern"] for w in registration.register_options["watchers"]}
    assert globs == {"**/*.schema.json", "**/fmlint.toml", "**/.fmlint.toml",
                     "**/pyproject.toml", "**/_config.yml"}


@lsp
async def test_an_edited_schema_is_read_again_on_the_next_check(client: LanguageClient,
                                                                tmp_path: Path):
    schema = tmp_path / "record.schema.json"
    schema.write_text('{"type": "object"}', "utf-8")
    (tmp_path / "fmlint.toml").write_text('schema = "record.schema.json"\n', "utf-8")
    text = SEED.read_text("utf-8")
    uri, found = await open_document(client, tmp_path / "article.md", text)
    assert [d.code for d in found] == ["FM101"]  # (the mojibake, found from the value itself)

    schema.write_text('{"type": "object", "required": ["summary"]}', "utf-8")
    found = await change(client, uri, 2, text + "\n")
    assert [(d.code, "'summary'" in d.message) for d in found if d.code != "FM101"] == [
        ("FM012", True)]

    schema.write_text('{"type": "object", "required": ["summary", "byline"]}', "utf-8")
    save(client, uri)  # a save checks again too
    assert sorted(d.message.split()[-1] for d in await published(client, uri)
                  if d.code == "FM012") == ["'byline'", "'summary'"]
    await close(client, uri)


@lsp
async def test_a_schema_the_record_names_is_read_again(client: LanguageClient,
                                                       tmp_path: Path):
    schema = tmp_path / "own.schema.json"
    schema.write_text('{"type": "object"}', "utf-8")
    text = SEED.read_text("utf-8").replace("---\n", "---\n$schema: ./own.schema.json\n", 1)
    uri, found = await open_document(client, tmp_path / "article.md", text)
    assert [d.code for d in found] == ["FM101"]
    schema.write_text(json.dumps({"type": "object", "properties": {"quality": {
        "type": "integer", "maximum": 50}}}), "utf-8")
    found = await change(client, uri, 2, text + "\n")
    assert [d.code for d in found if d.code != "FM101"] == ["FM010"]  # quality: 89
    await close(client, uri)


@lsp
async def test_an_edited_site_config_is_read_again(client: LanguageClient, tmp_path: Path):
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("timezone: Asia/Tokyo\n", "utf-8")
    text = SEED.read_text("utf-8").replace("2024-01-22T18:23:00Z", "2024-01-22 18:23:00")
    uri, found = await open_document(client, site / "_posts" / "2024-01-22-arrests.md", text)
    (timestamp,) = [d for d in found if d.code == "FM301"]
    assert "Asia/Tokyo" in timestamp.message

    (site / "_config.yml").write_text("timezone: Europe/London\n", "utf-8")
    found = await change(client, uri, 2, text + "\n")
    (timestamp,) = [d for d in found if d.code == "FM301"]
    assert "Europe/London" in timestamp.message
    await close(client, uri)


@lsp
async def test_a_watched_schema_event_checks_open_records_again(client: LanguageClient,
                                                                tmp_path: Path):
    schema = tmp_path / "record.schema.json"
    schema.write_text('{"type": "object"}', "utf-8")
    (tmp_path / "fmlint.toml").write_text('schema = "record.schema.json"\n', "utf-8")
    uri, found = await open_document(client, tmp_path / "article.md", SEED.read_text("utf-8"))
    assert [d.code for d in found] == ["FM101"]
    schema.write_text('{"type": "object", "required": ["summary"]}', "utf-8")
    client.diagnostics.pop(uri, None)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(uri=schema.as_uri(), type=types.FileChangeType.Changed)]))
    assert sorted(d.code for d in await published(client, uri)) == ["FM012", "FM101"]
    await close(client, uri)


# -- huge records --------------------------------------------------------------------------------

@lsp
async def test_a_huge_record_does_not_hold_up_a_small_one(client: LanguageClient,
                                                          tmp_path: Path):
    publications = client.diagnostics = Publications()
    huge = (tmp_path / "huge.md").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=huge, language_id="markdown", version=1, text=related(2500))))
    small, found = await open_document(client, tmp_path / "small.md", SEED.read_text("utf-8"))
    assert [d.code for d in found] == ["FM101"]
    assert huge not in publications  # still being checked
    async def huge_done() -> list[types.Diagnostic]:
        while huge not in publications:
            await asyncio.sleep(0.05)
        return publications[huge]

    assert len(await asyncio.wait_for(huge_done(), timeout=120)) == 2 * 2500
    await close(client, small)
    await close(client, huge)


@lsp
async def test_a_superseded_version_is_never_published(client: LanguageClient,
                                                       tmp_path: Path):
    publications = client.diagnostics = Publications()
    path = tmp_path / "huge.md"
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=uri, language_id="markdown", version=1, text=related(2500))))
    await asyncio.sleep(0.3)  # the check of version 1 is under way
    clean = related(2000, title="Story {i}")
    found = await asyncio.wait_for(change(client, uri, 2, clean), timeout=120)
    assert found == []
    await close(client, uri)
    assert [len(found) for published_uri, found in publications.log if published_uri == uri] == [
        0, 0]  # version 2's, then the close


# -- code actions on a long record -------------------------------------------------------------

@lsp
async def test_code_actions_on_a_long_record_are_quick_and_right(client: LanguageClient,
                                                                 tmp_path: Path):
    text = related(700)  # 6,000 lines, 1,400 safe fixes
    assert len(text.splitlines()) > 6000
    uri, found = await open_document(client, tmp_path / "long.md", text)
    by_line: dict[int, list[types.Diagnostic]] = {}
    for diagnostic in found:
        by_line.setdefault(diagnostic.range.start.line, []).append(diagnostic)
    titles = sorted(line for line, ds in by_line.items() if len(ds) == 2)
    assert len(titles) == 700
    started = time.monotonic()
    for n, line in enumerate(titles[::35]):  # 20 places, through the whole record
        diagnostic = sorted(by_line[line], key=lambda d: d.range.start.character)[n % 2]
        actions = await actions_at(client, uri, cursor(line, diagnostic.range.start.character))
        if diagnostic.code == "FM102":  # (its repair waits for the mojibake's: fix all does both)
            assert diagnostic.data["fix"] is None
            suppress, fix_all = actions
        else:
            fix, suppress, fix_all = actions
            assert fix.title == f"Fix: {diagnostic.data['fix']['message']}"
            assert list(fix.diagnostics or []) == [diagnostic]
            (edit,) = fix.edit.document_changes[0].edits
            (expected,) = diagnostic.data["fix"]["edits"]
            assert (edit.range.start.line + 1, edit.range.start.character + 1,
                    edit.new_text) == (expected["line"], expected["column"], expected["content"])
        assert suppress.title == f"Suppress {diagnostic.code} on this line"
        (comment,) = suppress.edit.document_changes[0].edits
        assert (comment.range.start.line, comment.new_text) == (
            line, f"  # fmlint: ignore[{diagnostic.code}]")
        assert (fix_all.title, fix_all.edit) == ("Fix all safe problems (fmlint)", None)
    assert time.monotonic() - started < 60  # (computing "fix all" each time took minutes)
    await close(client, uri)


@lsp
async def test_fix_all_is_made_when_resolved(client: LanguageClient, tmp_path: Path):
    text = SEED.read_text("utf-8")
    uri, _found = await open_document(client, tmp_path / "article.md", text)
    (action,) = await actions_at(client, uri, cursor(0, 0), only=[FIX_ALL])
    assert action.edit is None and action.data
    resolved = await client.code_action_resolve_async(action)
    assert apply(text, resolved.edit, uri, 1) == text.replace("Metâ€™s", "Met’s")
    await close(client, uri)
