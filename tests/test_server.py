"""The language server (``fmlint server``) end to end: a real subprocess driven over LSP."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from linter.rules.registry import RULES, load_all

from .conftest import SEED
from .lspkit import published, session

lsp = pytest.mark.asyncio(loop_scope="module")
FIX_ALL = "source.fixAll.fmlint"
MOJIBAKE_TITLE = '  - title: "Live Facial Recognition used in Croydon"'
EMOJI_TITLE = '  - title: "🎉 Metâ€™s Live Facial Recognition used in Croydon"'

CAPABILITIES = types.ClientCapabilities(
    general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]),
    workspace=types.WorkspaceClientCapabilities(
        workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True)),
    text_document=types.TextDocumentClientCapabilities(
        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
            code_description_support=True, data_support=True, version_support=True),
        code_action=types.CodeActionClientCapabilities(is_preferred_support=True)),
)


client = session(CAPABILITIES)


# -- helpers -----------------------------------------------------------------------------------

async def open_document(client: LanguageClient, path: Path, text: str,
                        language: str = "markdown") -> tuple[str, list[types.Diagnostic]]:
    uri = path.as_uri()
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=uri, language_id=language, version=1, text=text)))
    return uri, await published(client, uri)


async def change(client: LanguageClient, uri: str, version: int,
                 text: str) -> list[types.Diagnostic]:
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangeWholeDocument(text=text)]))
    return await published(client, uri)


async def close(client: LanguageClient, uri: str) -> None:
    client.diagnostics.pop(uri, None)
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        types.TextDocumentIdentifier(uri=uri)))
    assert await published(client, uri) == []


async def actions_at(client: LanguageClient, uri: str, where: types.Range,
                     only: list[str] | None = None) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=where,
        context=types.CodeActionContext(diagnostics=[], only=only)))
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def offset(text: str, position: types.Position) -> int:
    """A character offset from an LSP position in UTF-16 code units."""
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[:position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for i, char in enumerate(line.rstrip("\r\n")):
        if units >= position.character:
            return start + i
        units += 2 if ord(char) > 0xFFFF else 1
    return start + len(line.rstrip("\r\n"))


def apply(text: str, edit: types.WorkspaceEdit | None, uri: str, version: int) -> str:
    """Apply a WorkspaceEdit for one document, as an editor would."""
    assert edit is not None and edit.document_changes
    (document_edit,) = edit.document_changes
    assert isinstance(document_edit, types.TextDocumentEdit)
    assert document_edit.text_document.uri == uri
    assert document_edit.text_document.version == version
    spans = sorted(((offset(text, e.range.start), offset(text, e.range.end), e.new_text)
                    for e in document_edit.edits), reverse=True)
    for start, end, new_text in spans:
        text = text[:start] + new_text + text[end:]
    return text


def related(count: int, title: str = "Story {i} about the Metâ€™s work &amp; more") -> str:
    """The seed record with ``count`` related stories (9 lines each) instead of its own, each
    title with two safe fixes (mis-decoded text, an HTML entity)."""
    head, _, _rest = SEED.read_text("utf-8").partition("\nrelated:\n")
    items = [f'  - title: "{title.format(i=i)}"\n'
             f'    excerpt: "Five people were arrested in Croydon on day {i}."\n'
             f'    publishedDateTime: 2024-01-20T10:13:00Z\n'
             f'    webUrl: "https://news.example.org/story-{i}"\n'
             f'    type: article\n'
             f'    provider:\n'
             f'      name: Example News\n'
             f'      domain: example.org\n'
             f'    quality: 39\n'
             for i in range(count)]
    return f"{head}\nrelated:\n{''.join(items)}---\nbody\n"


def span(diagnostic: types.Diagnostic) -> tuple[int, int, int, int]:
    r = diagnostic.range
    return r.start.line, r.start.character, r.end.line, r.end.character


# -- tests -------------------------------------------------------------------------------------

@lsp
async def test_seed_record_gives_one_mojibake_diagnostic(client: LanguageClient, tmp_path: Path):
    load_all()
    uri, found = await open_document(client, tmp_path / "article.md", SEED.read_text("utf-8"))
    assert len(found) == 1
    (diagnostic,) = found
    assert diagnostic.code == "FM101"
    assert span(diagnostic) == (48, 32, 48, 35)  # the three characters "â€™"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.source == "fmlint"
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href == RULES["FM101"].doc_url
    assert "Met’s" in diagnostic.message
    assert diagnostic.data["fix"]["applicability"] == "safe"
    assert diagnostic.data["fix"]["edits"][0]["line"] == 49
    await close(client, uri)


@lsp
async def test_quick_fix_applied_by_the_editor_clears_the_diagnostic(
        client: LanguageClient, tmp_path: Path):
    text = SEED.read_text("utf-8")
    uri, (diagnostic,) = await open_document(client, tmp_path / "article.md", text)
    actions = await actions_at(client, uri, diagnostic.range)
    fixes = [a for a in actions if a.title.startswith("Fix: ")]
    assert [a.title for a in fixes] == ["Fix: repair the mis-decoded text"]
    assert fixes[0].kind == types.CodeActionKind.QuickFix and fixes[0].is_preferred
    assert fixes[0].diagnostics and fixes[0].diagnostics[0].code == "FM101"
    fixed = apply(text, fixes[0].edit, uri, 1)
    assert fixed == text.replace("Metâ€™s", "Met’s")
    assert await change(client, uri, 2, fixed) == []
    await close(client, uri)


@lsp
async def test_emoji_before_the_value_shifts_utf16_columns(client: LanguageClient,
                                                          tmp_path: Path):
    text = SEED.read_text("utf-8").replace(MOJIBAKE_TITLE, EMOJI_TITLE)
    uri, found = await open_document(client, tmp_path / "emoji.md", text)
    title = next(d for d in found if d.range.start.line == 47)
    # "â" is code point 17 (0-based) of the line; the emoji before it is 2 UTF-16 units.
    assert EMOJI_TITLE.index("â") == 17
    assert span(title) == (47, 18, 47, 21)
    actions = await actions_at(client, uri, title.range)
    unsafe = next(a for a in actions if a.title.startswith("Fix: "))
    assert unsafe.title == "Fix: repair the mis-decoded text (unsafe)"
    assert not unsafe.is_preferred
    fixed = apply(text, unsafe.edit, uri, 1)
    assert fixed == text.replace(EMOJI_TITLE, EMOJI_TITLE.replace("Metâ€™s", "Met’s"))
    remaining = await change(client, uri, 2, fixed)
    assert [span(d) for d in remaining] == [(48, 32, 48, 35)]
    await close(client, uri)


@lsp
async def test_fix_all_applies_only_safe_fixes(client: LanguageClient, tmp_path: Path):
    text = SEED.read_text("utf-8").replace(MOJIBAKE_TITLE, EMOJI_TITLE)
    uri, found = await open_document(client, tmp_path / "both.md", text)
    assert len(found) == 2
    whole = types.Range(start=types.Position(line=0, character=0),
                        end=types.Position(line=0, character=0))
    (action,) = await actions_at(client, uri, whole, only=[FIX_ALL])
    assert action.title == "Fix all safe problems (fmlint)"
    assert action.kind == FIX_ALL
    fixed = apply(text, action.edit, uri, 1)
    assert fixed == text.replace("the Metâ€™s ongoing", "the Met’s ongoing")
    remaining = await change(client, uri, 2, fixed)
    assert [d.range.start.line for d in remaining] == [47]  # the unsafe one stays
    await close(client, uri)


@lsp
async def test_suppress_action_appends_an_ignore_comment(client: LanguageClient,
                                                         tmp_path: Path):
    text = SEED.read_text("utf-8")
    uri, (diagnostic,) = await open_document(client, tmp_path / "article.md", text)
    actions = await actions_at(client, uri, diagnostic.range, only=["quickfix"])
    suppress = next(a for a in actions if a.title == "Suppress FM101 on this line")
    changed = apply(text, suppress.edit, uri, 1)
    lines, new_lines = text.splitlines(), changed.splitlines()
    assert new_lines[48] == lines[48] + "  # fmlint: ignore[FM101]"
    assert new_lines[:48] + new_lines[49:] == lines[:48] + lines[49:]
    assert await change(client, uri, 2, changed) == []
    await close(client, uri)


@lsp
async def test_save_checks_the_buffer_not_the_file(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "article.md"
    text = SEED.read_text("utf-8")
    path.write_text(text, "utf-8")  # the file on disk keeps the defect
    fixed = text.replace("Metâ€™s", "Met’s")
    uri, found = await open_document(client, path, fixed)
    assert found == []
    client.diagnostics.pop(uri, None)
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        types.TextDocumentIdentifier(uri=uri)))
    assert await published(client, uri) == []
    assert await change(client, uri, 2, text) != []
    await close(client, uri)


@lsp
async def test_malformed_documents_give_diagnostics_not_a_crash(client: LanguageClient,
                                                                tmp_path: Path):
    folder = tmp_path / "_news"
    folder.mkdir()
    uri, found = await open_document(client, folder / "broken.md",
                                     "---\ntitle: [unclosed\nurl: x\n---\nbody\n")
    assert [d.code for d in found] == ["FM004"]
    assert found[0].severity == types.DiagnosticSeverity.Error
    await close(client, uri)
    garbage = "\x00\ud800\x1b[31m\ufffe\U0001f600ÿþ\r\x85---\r\n\x07"
    uri, found = await open_document(client, folder / "garbage.md", garbage)
    assert [d.code for d in found] == ["FM001"]
    await close(client, uri)
    garbage_inside = "---\ntitle: \x00\ud800\U0001f600\x07\n---\n"
    uri, found = await open_document(client, folder / "garbage2.md", garbage_inside)
    assert [(d.code, d.range.start.line, d.range.start.character) for d in found] == [
        ("FM004", 1, 7)]  # at the NUL, the first character YAML refuses
    await close(client, uri)
    # The server still answers.
    uri, found = await open_document(client, tmp_path / "article.md", SEED.read_text("utf-8"))
    assert [d.code for d in found] == ["FM101"]
    await close(client, uri)


@lsp
async def test_page_without_front_matter_outside_collections_is_not_a_record(
        client: LanguageClient, tmp_path: Path):
    uri, found = await open_document(client, tmp_path / "README.md", "# Notes\n\nNo record.\n")
    assert found == []
    await close(client, uri)
    (tmp_path / "_news").mkdir()
    uri, found = await open_document(client, tmp_path / "_news" / "a.md", "# Notes\n")
    assert [d.code for d in found] == ["FM001"]
    await close(client, uri)


@lsp
async def test_a_data_file_that_holds_records_is_checked_and_others_are_not(
        client: LanguageClient, tmp_path: Path):
    (tmp_path / "_data").mkdir()
    uri, found = await open_document(client, tmp_path / "_data" / "people.yml",
                                     '- name: "Caf&eacute;"\n  url: https://a.example/\n',
                                     language="yaml")
    assert [(d.code, d.range.start.line) for d in found] == [("FM102", 0)]
    whole = types.Range(start=types.Position(line=0, character=0),
                        end=types.Position(line=0, character=0))
    (action,) = await actions_at(client, uri, whole, only=[FIX_ALL])
    text = '- name: "Caf&eacute;"\n  url: https://a.example/\n'
    assert apply(text, action.edit, uri, 1) == text.replace("&eacute;", "é")
    await close(client, uri)
    uri, found = await open_document(client, tmp_path / "package.json",
                                     '{"description": "Caf&eacute;"}\n', language="json")
    assert found == []
    await close(client, uri)


@lsp
async def test_configuration_file_changes_are_picked_up(client: LanguageClient,
                                                        tmp_path: Path):
    uri, found = await open_document(client, tmp_path / "article.md", SEED.read_text("utf-8"))
    assert [d.code for d in found] == ["FM101"]
    config = tmp_path / "fmlint.toml"
    config.write_text('ignore = ["FM101"]\n', "utf-8")
    client.diagnostics.pop(uri, None)
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        types.TextDocumentIdentifier(uri=uri)))
    assert await published(client, uri) == []

    config.write_text('ignore = ["FM999"]\n', "utf-8")
    client.diagnostics.pop(uri, None)
    client.messages.clear()
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]))
    (broken,) = await published(client, uri)
    assert broken.range.start.line == 0 and broken.range.end.line == 0
    assert broken.severity == types.DiagnosticSeverity.Error
    assert "fmlint.toml" in broken.message and "FM999" in broken.message
    assert [m.type for m in client.messages] == [types.MessageType.Error]

    config.unlink()  # no watcher event this time: the next check looks for the file again
    assert [d.code for d in await change(client, uri, 2, SEED.read_text("utf-8"))] == ["FM101"]
    await close(client, uri)


@lsp
async def test_fix_all_is_made_once_per_version(client: LanguageClient, tmp_path: Path):
    text = related(700)  # 6,000 lines, 1,400 safe fixes
    uri, found = await open_document(client, tmp_path / "long.md", text)
    lines = sorted({d.range.start.line for d in found})
    started = time.monotonic()
    edits = []
    for line in lines[::70]:  # 10 places, through the whole record
        actions = await actions_at(client, uri, types.Range(
            start=types.Position(line=line, character=0), end=types.Position(line=line + 1,
                                                                             character=0)))
        assert [a.title for a in actions] == [  # (the entity's fix waits for the mojibake's)
            "Fix: repair the mis-decoded text",
            "Suppress FM101 on this line", "Suppress FM102 on this line",
            "Fix all safe problems (fmlint)"]
        edits.append(actions[-1].edit)
    assert time.monotonic() - started < 90  # (it was made again for each: minutes)
    assert all(edit == edits[0] for edit in edits)
    fixed = apply(text, edits[0], uri, 1)
    assert fixed == text.replace("Metâ€™s", "Met’s").replace("&amp;", "&")
    await close(client, uri)


def test_serve_explains_how_to_install_the_server_extra(monkeypatch, capsys):
    from linter.lsp.server import serve

    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)
    assert serve() == 2
    assert "pip install 'fmlint[server]'" in capsys.readouterr().err


def test_positions_in_every_encoding():
    from linter.lsp.positions import UTF8, UTF16, UTF32, Positions

    text = "---\ntitle: '🎉 x'\n---\n"
    column = text.splitlines()[1].index("x") + 1  # 1-based code points
    expected = {UTF32: column - 1, UTF16: column, UTF8: column + 2}
    for encoding, character in expected.items():
        assert Positions(text, encoding).at(2, column) == types.Position(line=1,
                                                                        character=character)
    # A byte-order mark before the text counts on line 1 only.
    assert Positions(text, UTF16, "\ufeff").at(1, 2).character == 2
    assert Positions(text, UTF16, "\ufeff").at(2, 1).character == 0


def test_text_edits_keep_crlf_line_breaks_whole():
    from linter.lsp.positions import Positions, text_edits

    old = "---\r\ntitle: a\r\n---\r\n"
    new = "---\r\ntitle: a  # fmlint: ignore[FM101]\r\n---\r\n"
    (edit,) = text_edits(old, new, Positions(old))
    assert edit.range.start == edit.range.end == types.Position(line=1, character=8)
    assert edit.new_text == "  # fmlint: ignore[FM101]"
    (edit,) = text_edits(old, old.replace("\r\n", "\n", 1), Positions(old))
    assert (edit.range.start.character, edit.range.end.line, edit.new_text) == (3, 1, "\n")
