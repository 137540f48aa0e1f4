"""The schema as a guide in the editor: hover, completion and go to definition, through a
real server subprocess and LSP client, on real records (the seed, everyday-powerapps and
opensource.guide copies under tests/data)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from linter.rules.registry import RULES, load_all
from linter.schema.shipped import builtin_path

from .conftest import CORPUS, DATA, SEED
from .lspkit import session
from .test_server import EMOJI_TITLE, MOJIBAKE_TITLE, close, open_document

lsp = pytest.mark.asyncio(loop_scope="module")
GUIDE_SITE = DATA / "guide" / "opensource-guide"
CAPABILITIES = types.ClientCapabilities(
    general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]),
    text_document=types.TextDocumentClientCapabilities(
        hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        completion=types.CompletionClientCapabilities(
            completion_item=types.ClientCompletionItemOptions(
                documentation_format=[types.MarkupKind.Markdown])),
        definition=types.DefinitionClientCapabilities()),
)


client = session(CAPABILITIES)


# -- helpers -----------------------------------------------------------------------------------

def position(text: str, offset: int) -> types.Position:
    """The LSP position (UTF-16 columns) of a character offset."""
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return types.Position(line=line, character=len(text[start:offset].encode("utf-16-le")) // 2)


def at(text: str, marker: str, shift: int = 0) -> types.Position:
    """The position ``shift`` characters into the first ``marker`` of ``text``."""
    return position(text, text.index(marker) + shift)


def document(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def hover_text(client: LanguageClient, uri: str, where: types.Position
                     ) -> tuple[str, types.Range | None]:
    found = await client.text_document_hover_async(types.HoverParams(document(uri), where))
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    assert found.contents.kind == types.MarkupKind.Markdown
    return found.contents.value, found.range


async def completions(client: LanguageClient, uri: str, where: types.Position
                      ) -> list[types.CompletionItem]:
    found = await client.text_document_completion_async(types.CompletionParams(
        document(uri), where))
    items = found.items if isinstance(found, types.CompletionList) else found or []
    return sorted(items, key=lambda item: item.sort_text or item.label)


async def definition(client: LanguageClient, uri: str, where: types.Position
                     ) -> types.Location | None:
    found = await client.text_document_definition_async(types.DefinitionParams(
        document(uri), where))
    if isinstance(found, list):
        assert len(found) <= 1
        return found[0] if found else None
    assert found is None or isinstance(found, types.Location)
    return found


def guide_site(tmp_path: Path, ref: dict | None) -> Path:
    """A copy of the opensource.guide files with a schema whose ``related`` items are
    references (``x-fmlint-ref`` = ``ref``; None: plain strings)."""
    site = tmp_path / "site"
    shutil.copytree(GUIDE_SITE, site)
    item: dict = {"type": "string", "title": "Related article",
                  "description": "Another guide, by its file name."}
    if ref is not None:
        item["x-fmlint-ref"] = ref
    schema = {
        "type": "object",
        "required": ["lang", "title", "description"],
        "properties": {
            "lang": {"type": "string", "title": "Language", "enum": ["en", "es", "zh-hant"]},
            "title": {"type": "string", "title": "Title"},
            "description": {"type": "string", "title": "Description"},
            "class": {"type": "string"},
            "order": {"type": "integer"},
            "image": {"type": "string"},
            "related": {"type": "array", "title": "Related guides", "items": item},
        },
    }
    (site / "guide.schema.json").write_text(json.dumps(schema), "utf-8")
    (site / "fmlint.toml").write_text(
        '[[schemas]]\nfiles = ["_articles/**"]\nschema = "guide.schema.json"\n', "utf-8")
    return site


def topics_site(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of everyday-powerapps' topics and one news record, with the article schema
    whose topics name the topic data files; the record's copy."""
    site = tmp_path / "powerapps"
    shutil.copytree(CORPUS / "_data" / "topics", site / "_data" / "topics")
    shutil.copy(CORPUS / "_config.yml", site / "_config.yml")
    record = next(p for p in sorted((CORPUS / "_news").glob("*.md"))
                  if "\n  - Portals\n" in p.read_text("utf-8"))
    (site / "_news").mkdir()
    copy = site / "_news" / record.name
    shutil.copy(record, copy)
    schema = json.loads(builtin_path("article.schema.json").read_text("utf-8"))
    schema["properties"]["topics"]["items"]["x-fmlint-ref"] = {
        "files": "_data/topics/*.yaml", "by": "name"}
    (site / "article.schema.json").write_text(json.dumps(schema), "utf-8")
    (site / "fmlint.toml").write_text('schema = "article.schema.json"\n', "utf-8")
    return site, copy


# -- hover -------------------------------------------------------------------------------------

@lsp
async def test_hover_on_a_key_shows_its_title_description_and_format(
        client: LanguageClient, tmp_path: Path):
    text = SEED.read_text("utf-8")
    uri, _found = await open_document(client, tmp_path / "article.md", text)
    shown, where = await hover_text(client, uri, at(text, "publishedDateTime:", 3))
    assert shown.splitlines()[0] == "`publishedDateTime` — **Published date and time**"
    assert "`string` · format `date-time`" in shown
    assert "When the item was first published, as an RFC 3339 date-time" in shown
    assert where == types.Range(start=at(text, "publishedDateTime:"),
                                end=at(text, "publishedDateTime:", len("publishedDateTime")))
    shown, _where = await hover_text(client, uri, at(text, "\ntype: article", 2))
    assert "`type` — **Type**" in shown  # the key's own title, before its $ref's
    assert "one of `article`, `video`, `course`, `collection`, `download`" in shown
    shown, _where = await hover_text(client, uri, at(text, "  domain: bbc.com", 4))
    assert shown.startswith("`domain` — **Provider domain**")
    shown, _where = await hover_text(client, uri, at(text, "Computer Vision", 3))
    assert shown.startswith("**Topic**")  # an item of a list: its schema, by its title
    await close(client, uri)
    text = text.replace("\nheat: 129\n", "\nheat: 129\ncolour: red\n")
    uri, _found = await open_document(client, tmp_path / "unknown.md", text)
    shown, _where = await hover_text(client, uri, at(text, "colour:", 1))
    assert shown.startswith("**FM018 extra-key** (warning): A key the schema does not list.")
    assert shown.endswith("\n\n---\n\n`colour`: the schema (article) has no such key here")
    await close(client, uri)


@lsp
async def test_no_hover_where_no_schema_describes_the_record(client: LanguageClient,
                                                             tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(GUIDE_SITE, site)  # (no configuration: the built-in "any" applies)
    path = site / "_articles" / "how-to-contribute.md"
    text = path.read_text("utf-8")
    uri, _found = await open_document(client, path, text)
    assert await client.text_document_hover_async(types.HoverParams(
        document(uri), at(text, "related:", 2))) is None
    await close(client, uri)


@lsp
async def test_hover_positions_count_utf16_after_an_emoji(client: LanguageClient,
                                                          tmp_path: Path):
    seed = SEED.read_text("utf-8")
    block = seed[seed.index("provider:\n"):seed.index("\ntopics:")]
    text = seed.replace(block, 'provider: {name: "🎉 BBC", domain: bbc.com}\n', 1)
    uri, _found = await open_document(client, tmp_path / "emoji.md", text)
    key = text.index("domain: bbc.com}")
    where = position(text, key + 2)
    assert where.character == len('provider: {name: "🎉 BBC", do') + 1  # the emoji: 2 units
    shown, span = await hover_text(client, uri, where)
    assert shown.startswith("`domain` — **Provider domain**")
    assert span == types.Range(start=position(text, key), end=position(text, key + 6))
    await close(client, uri)


@lsp
async def test_hover_on_a_diagnostic_shows_the_rules_documentation(client: LanguageClient,
                                                                   tmp_path: Path):
    load_all()
    text = SEED.read_text("utf-8").replace(MOJIBAKE_TITLE, EMOJI_TITLE)
    uri, found = await open_document(client, tmp_path / "both.md", text)
    title = next(d for d in found if d.range.start.line == 47)
    shown, where = await hover_text(client, uri, title.range.start)
    rule = RULES["FM101"]
    assert shown.startswith(f"**FM101 mojibake** ({rule.severity}): {rule.summary}")
    assert rule.doc in shown
    assert "`fmlint rule FM101`" in shown and "docs/rules.md#fm101-mojibake" in shown
    # The schema's words for the value follow.
    assert shown.endswith("\n\n---\n\n`title` — **Related item title**\n\n`string`\n\n"
                          "The related item's headline.")
    assert where is None  # (the rule's words are about the diagnostic, not the value)
    # Just before the diagnostic (the emoji's second UTF-16 unit): the schema alone.
    before = types.Position(line=47, character=title.range.start.character - 1)
    shown, _where = await hover_text(client, uri, before)
    assert "FM101" not in shown and "**Related item title**" in shown
    await close(client, uri)


# -- completion --------------------------------------------------------------------------------

@lsp
async def test_completion_offers_missing_keys_required_first(client: LanguageClient,
                                                             tmp_path: Path):
    text = SEED.read_text("utf-8")
    start, end = text.index("publishedDateTime: "), text.index("\nwebUrl")
    text = text.replace("heat: 129\n", "").replace(text[start:end] + "\n", "")
    text = text.replace("published: true\n", "published: true\npu\n")
    uri, _found = await open_document(client, tmp_path / "missing.md", text)
    items = await completions(client, uri, at(text, "\npu\n", 3))
    labels = [item.label for item in items]
    # The keys an article needs (its type's condition in the schema), in schema order; not
    # "items", which only a collection needs.
    assert labels[:2] == ["publishedDateTime", "originalUrl"]
    assert labels[2:] == ["updatedDateTime", "heat", "removed", "price", "length", "ratings",
                          "levels", "items", "featuredContent", "actions"]
    assert items[0].detail.startswith("required, string")
    assert items[1].insert_text == "originalUrl: "
    assert isinstance(items[3].documentation, types.MarkupContent)
    assert "**Heat**" in items[3].documentation.value
    await close(client, uri)


@lsp
async def test_completion_inside_nested_objects(client: LanguageClient, tmp_path: Path):
    text = SEED.read_text("utf-8")
    text = text.replace("  domain: bbc.com\n", "  \n", 1)  # the top-level provider's
    image = "    width: 1024\n    height: 576\n    isCached: true\n"
    text = text.replace(image, "    \n", 1)
    uri, _found = await open_document(client, tmp_path / "nested.md", text)
    provider = [i.label for i in await completions(
        client, uri, at(text, "  name: BBC\n  \n", len("  name: BBC\n  ")))]
    assert provider == ["domain", "authors"]
    image_keys = [i.label for i in await completions(
        client, uri, at(text, "_mediaitem110633248.jpg\"\n    \n", 29))]
    assert image_keys == ["width", "height", "isCached"]
    await close(client, uri)


@lsp
async def test_completion_offers_enum_values_for_a_value(client: LanguageClient,
                                                         tmp_path: Path):
    text = SEED.read_text("utf-8").replace("\ntype: article\n", "\ntype: vi\n", 1)
    uri, _found = await open_document(client, tmp_path / "value.md", text)
    items = await completions(client, uri, at(text, "\ntype: vi\n", len("\ntype: vi")))
    assert [i.label for i in items] == ["article", "video", "course", "collection", "download"]
    assert items[0].kind == types.CompletionItemKind.EnumMember
    await close(client, uri)
    body = text.index("\n---\n") + len("\n---\n")
    text = text[:body] + "ty\n" + text[body:]
    uri, _found = await open_document(client, tmp_path / "body.md", text)
    assert await completions(client, uri, position(text, body + 2)) == []  # not a key there
    await close(client, uri)


@lsp
async def test_completion_of_reference_values_lists_the_collection(client: LanguageClient,
                                                                   tmp_path: Path):
    site = guide_site(tmp_path, {"files": "_articles/**/*.md", "by": "slug"})
    path = site / "_articles" / "es" / "metrics.md"
    text = path.read_text("utf-8").replace("  - best-practices\n", "  - best-practices\n  - \n")
    uri, _found = await open_document(client, path, text)
    items = await completions(client, uri, at(text, "  - best-practices\n  - \n", 23))
    # The record's own language folder first, then the rest nearest the top.
    assert [i.label for i in items] == ["best-practices", "metrics", "how-to-contribute",
                                        "starting-a-project"]
    assert {i.kind for i in items} == {types.CompletionItemKind.Reference}
    await close(client, uri)


# -- definition --------------------------------------------------------------------------------

@lsp
async def test_definition_of_a_related_slug_opens_the_same_language_article(
        client: LanguageClient, tmp_path: Path):
    site = guide_site(tmp_path, {"files": "_articles/**/*.md", "by": "slug"})
    path = site / "_articles" / "es" / "metrics.md"
    text = path.read_text("utf-8").replace("  - best-practices\n",
                                           "  - best-practices\n  - how-to-contribute\n")
    uri, _found = await open_document(client, path, text)
    found = await definition(client, uri, at(text, "  - best-practices", 6))
    assert found is not None
    assert found.uri == (site / "_articles" / "es" / "best-practices.md").as_uri()
    assert found.range.start == types.Position(line=0, character=0)
    # No Spanish copy: the article at the top of the collection.
    found = await definition(client, uri, at(text, "  - how-to-contribute", 8))
    assert found is not None
    assert found.uri == (site / "_articles" / "how-to-contribute.md").as_uri()
    # A slug no file has, and a key: nothing.
    assert await definition(client, uri, at(text, "  - finding", 6)) is None
    assert await definition(client, uri, at(text, "related:", 2)) is None
    await close(client, uri)
    english = site / "_articles" / "how-to-contribute.md"
    text = english.read_text("utf-8").replace("  - building\n", "  - best-practices\n")
    uri, _found = await open_document(client, english, text)
    found = await definition(client, uri, at(text, "  - best-practices", 4))
    assert found is not None
    assert found.uri == (site / "_articles" / "best-practices.md").as_uri()
    await close(client, uri)


@lsp
async def test_definition_of_a_related_class_opens_the_article_that_has_it(
        client: LanguageClient, tmp_path: Path):
    # opensource.guide's related lists name an article's class, not its file.
    site = guide_site(tmp_path, {"files": "_articles/**/*.md", "by": "name", "key": "class"})
    path = site / "_articles" / "how-to-contribute.md"
    text = path.read_text("utf-8")
    uri, _found = await open_document(client, path, text)
    found = await definition(client, uri, at(text, "  - beginners", 6))
    assert found is not None
    assert found.uri == (site / "_articles" / "starting-a-project.md").as_uri()
    await close(client, uri)


@lsp
async def test_definition_and_the_broken_reference_rule_agree_on_a_own_folder_reference(
        client: LanguageClient, tmp_path: Path):
    """``./*.md`` is the record's own language folder, for the editor as for FM208: a
    Spanish article's ``related`` opens the Spanish article, and a class only an English
    article has is a broken reference with nothing to open."""
    site = guide_site(tmp_path, {"files": "./*.md", "by": "name", "key": "class"})
    path = site / "_articles" / "es" / "metrics.md"
    text = path.read_text("utf-8").replace("  - best-practices\n",
                                           "  - best-practices\n  - beginners\n")
    assert (site / "_articles" / "starting-a-project.md").read_text("utf-8").count(
        "\nclass: beginners\n") == 1  # (English only)
    uri, found = await open_document(client, path, text)
    broken = sorted(d.range.start.line for d in found if d.code == "FM208")
    lines = {value: text[:text.index(f"  - {value}\n")].count("\n")
             for value in ("finding", "best-practices", "beginners")}
    assert broken == [lines["finding"], lines["beginners"]]
    opened = {value: await definition(client, uri, at(text, f"  - {value}\n", 5))
              for value in lines}
    assert {value: found.uri if found else None for value, found in opened.items()} == {
        "finding": None, "beginners": None,
        "best-practices": (site / "_articles" / "es" / "best-practices.md").as_uri()}
    items = await completions(client, uri, at(text, "  - beginners", 4))
    assert {i.label for i in items if i.kind == types.CompletionItemKind.Reference} == {
        "best-practices", "metrics"}
    await close(client, uri)


@lsp
async def test_no_definition_without_a_reference_in_the_schema(client: LanguageClient,
                                                               tmp_path: Path):
    site = guide_site(tmp_path, None)
    path = site / "_articles" / "es" / "metrics.md"
    text = path.read_text("utf-8")
    uri, _found = await open_document(client, path, text)
    assert await definition(client, uri, at(text, "  - best-practices", 6)) is None
    await close(client, uri)


@lsp
async def test_definition_of_a_topic_opens_its_data_file(client: LanguageClient,
                                                         tmp_path: Path):
    site, record = topics_site(tmp_path)
    text = record.read_text("utf-8")
    uri, _found = await open_document(client, record, text)
    found = await definition(client, uri, at(text, "\n  - Portals\n", 6))
    assert found is not None
    assert found.uri == (site / "_data" / "topics" / "05-portals.yaml").as_uri()
    found = await definition(client, uri, at(text, "\n  - Power Apps\n", 6))
    assert found is not None
    assert found.uri == (site / "_data" / "topics" / "00-power-apps.yaml").as_uri()
    await close(client, uri)


# -- positions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_lsp_positions_map_back_to_the_characters_they_came_from(encoding: str):
    from linter.lsp.positions import Positions

    text = SEED.read_text("utf-8").replace(MOJIBAKE_TITLE, EMOJI_TITLE).replace("\n", "\r\n")
    positions = Positions(text, encoding, lead="\ufeff")
    emoji = text.index("🎉")
    for offset in range(text.rindex("\n", 0, emoji) - 200, emoji + 200):
        if text[offset] != "\n":  # (between CR and LF is the line break's start)
            assert positions.offset(positions.at_offset(offset)) == offset
    inside = positions.at_offset(emoji)
    inside.character += 1  # into the emoji (one UTF-32 unit): the emoji, else the next one
    assert positions.offset(inside) == emoji + (encoding == "utf-32")
    assert positions.offset(types.Position(line=10_000, character=0)) == len(text)
