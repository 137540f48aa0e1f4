"""The fmlint language server: diagnostics on open, change (debounced) and save; code actions;
and the schema as a guide: hover, completion and go to definition.

Checks run in worker threads, large records in a thread of their own, so a huge record does
not hold up the others (the core is pure Python: a thread given a small record gets its turn
within milliseconds). A check whose buffer changed again meanwhile is never published (its
"fix all" stops before the next pass); checks of versions superseded before they start are
skipped.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import unquote

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from ..site.configfile import NAMES as CONFIG_NAMES
from ..site.workspace import Workspace
from ..version import __version__
from . import guiding, hover
from .actions import FIX_ALL, KINDS, Actions, Target
from .diagnostics import SOURCE, diagnostics
from .linting import Superseded, is_checked, lint_buffer
from .positions import UTF16, Positions, plain

DEBOUNCE = 0.15  # seconds after the last change before a buffer is checked again
CHECKERS = 2  # threads checking records of usual size
LARGE = 200_000  # characters: larger records are checked one at a time, beside the others
SITE_FILES = ("_config.yml",)
SCHEMA_SUFFIX = ".schema.json"
WATCHED = (f"**/*{SCHEMA_SUFFIX}", *(f"**/{name}" for name in (*CONFIG_NAMES, *SITE_FILES)))
logger = logging.getLogger("linter.lsp")
Answer = TypeVar("Answer")


class FmlintServer(LanguageServer):
    """A pygls server holding the open buffers' checks and each one's last published result."""

    def __init__(self) -> None:
        super().__init__("fmlint", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.disk = Workspace(fetching=False)  # (remote schemas: from fmlint's cache only)
        self.versions: dict[str, int] = {}  # the newest version of each open buffer
        self.results: dict[str, Actions] = {}  # each buffer's published result and actions
        self.jobs: dict[str, tuple[int, asyncio.Future[Actions]]] = {}  # the newest checks
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.fixes: dict[str, tuple[Actions, asyncio.Future[types.WorkspaceEdit | None]]] = {}
        self.tasks: set[asyncio.Task[Any]] = set()
        self.checkers = ThreadPoolExecutor(CHECKERS, thread_name_prefix="fmlint-check")
        self.large = ThreadPoolExecutor(1, thread_name_prefix="fmlint-check-large")
        self.fixer = ThreadPoolExecutor(1, thread_name_prefix="fmlint-fix")  # "fix all" waits

    # -- documents and results ---------------------------------------------------------------

    def _root(self, path: str | None) -> str | None:
        """The workspace folder holding ``path`` (the deepest), else the workspace root."""
        roots = [to_fs_path(f.uri) for f in self.workspace.folders.values()]
        if path:
            inside = [r for r in roots if r and path.startswith(r.rstrip(os.sep) + os.sep)]
            if inside:
                return max(inside, key=len)
        return self.workspace.root_path or next((r for r in roots if r), None)

    def _versioned(self) -> bool:
        return bool(get_capability(
            self.client_capabilities, "workspace.workspace_edit.document_changes", False))

    def _resolves_edits(self) -> bool:
        """Whether the client fills in an action's edit later, by ``codeAction/resolve``."""
        code_action = get_capability(self.client_capabilities, "text_document.code_action", None)
        resolve = getattr(code_action, "resolve_support", None)
        return bool(getattr(code_action, "data_support", False) and resolve
                    and "edit" in resolve.properties)

    def _work(self, uri: str, version: int, text: str, path: str | None, root: str | None,
              encoding: str) -> Actions:
        """Check one version of a buffer (in a worker thread); raises ``Superseded``."""

        def still_wanted() -> bool:
            return self.versions.get(uri) == version

        if not still_wanted():
            raise Superseded
        self.disk.refresh()
        snapshot = lint_buffer(text, version, path, root, self.disk, still_wanted)
        self.disk.used(snapshot.uses)
        if not still_wanted():
            raise Superseded
        positions = Positions(snapshot.text, encoding, snapshot.lead)
        found = diagnostics(snapshot, positions)
        return Actions(snapshot, positions, found, Target(uri, version, self._versioned()))

    def check(self, uri: str) -> asyncio.Future[Actions] | None:
        """Start checking a buffer's current version now; its diagnostics are published when
        done, unless the buffer changed meanwhile. None: not a buffer fmlint checks."""
        self._cancel(uri)
        document = self.workspace.text_documents.get(unquote(uri))
        path = to_fs_path(uri)
        if document is None or not is_checked(document.language_id, path or uri):
            return None
        version = document.version if document.version is not None else 0
        self.versions[uri] = version
        encoding = plain(self.workspace.position_encoding or UTF16)
        text = document.source
        job = asyncio.get_running_loop().run_in_executor(
            self.large if len(text) > LARGE else self.checkers, self._work, uri, version, text,
            path, self._root(path), encoding)
        self.jobs[uri] = (version, job)
        self._keep(self._publish(uri, version, job))
        return job

    async def _publish(self, uri: str, version: int, job: asyncio.Future[Actions]) -> None:
        """Publish a check's diagnostics if it is still the buffer's newest. Never raises."""
        try:
            actions = await job
            found = actions.published
        except Superseded:
            return
        except Exception as err:  # keep serving; say what went wrong on line 1
            logger.exception("checking %s failed", uri)
            start = types.Position(line=0, character=0)
            found = [types.Diagnostic(
                range=types.Range(start=start, end=start), source=SOURCE,
                severity=types.DiagnosticSeverity.Error,
                message=f"fmlint internal error: {type(err).__name__}: {err}")]
            actions = None
        for message in self.disk.take_new_errors():
            self.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Error, message=f"fmlint: {message}"))
        newest = self.jobs.get(uri)
        if newest is None or newest[1] is not job or self.versions.get(uri) != version:
            return  # a newer version (or a newer check of this one) is coming, or it closed
        if actions is not None:
            self.results[uri] = actions
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=version if actions is not None else None, diagnostics=found))

    async def current(self, uri: str) -> Actions | None:
        """The result of the buffer's current version: kept, being made, or made now."""
        document = self.workspace.text_documents.get(unquote(uri))
        if document is None:
            return None
        kept = self.results.get(uri)
        if kept is not None and kept.target.version == document.version:
            return kept
        running = self.jobs.get(uri)
        job = running[1] if running and running[0] == document.version else self.check(uri)
        if job is None:
            return None
        try:
            return await asyncio.shield(job)
        except Exception:  # superseded, or failed (said by its diagnostics)
            return None

    def fix_all(self, actions: Actions) -> asyncio.Future[types.WorkspaceEdit | None]:
        """The edit of "fix all" for one version, made once (in its own thread)."""
        uri = actions.target.uri
        kept = self.fixes.get(uri)
        if kept is None or kept[0] is not actions:
            job = asyncio.get_running_loop().run_in_executor(self.fixer, actions.fix_all)
            kept = self.fixes[uri] = (actions, job)
        return kept[1]

    def schedule(self, uri: str) -> None:
        """Check a buffer ``DEBOUNCE`` seconds after its last change."""
        self._cancel(uri)
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(DEBOUNCE, self.check, uri)

    def _cancel(self, uri: str) -> None:
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()

    def _keep(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def check_all(self) -> None:
        for uri in list(self.versions):
            self.check(uri)

    # -- notifications and requests ----------------------------------------------------------

    def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        self.check(params.text_document.uri)

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in self.versions:
            self.versions[uri] = params.text_document.version  # older checks stop
        self.schedule(uri)

    def did_save(self, params: types.DidSaveTextDocumentParams) -> None:
        self.disk.forget_images()  # images may have changed too
        self.check(params.text_document.uri)

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        self._cancel(uri)
        self.versions.pop(uri, None)
        self.jobs.pop(uri, None)
        self.fixes.pop(uri, None)
        known = self.results.pop(uri, None) is not None
        if known or is_checked(None, to_fs_path(uri) or uri):
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def files_changed(self, params: types.DidChangeWatchedFilesParams) -> None:
        """A configuration file, schema or ``_config.yml`` changed: check everything again."""
        try:
            names = {os.path.basename(to_fs_path(c.uri) or c.uri) for c in params.changes}
        except Exception:  # an odd URI must not stop the server
            logger.exception("cannot read watched-file events")
            names = {SCHEMA_SUFFIX}
        if any(n in CONFIG_NAMES or n in SITE_FILES or n.endswith(SCHEMA_SUFFIX)
               for n in names):
            self.disk.reload()
            self.check_all()

    async def code_action(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        try:
            actions = await self.current(uri)
            if actions is None or actions.snapshot.problem is not None:
                return None
            loop = asyncio.get_running_loop()
            found = await loop.run_in_executor(self.checkers, actions.for_range, params.range,
                                               params.context.only)
            if actions.offers_fix_all(params.context.only):
                if self._resolves_edits():
                    found.append(actions.fix_all_action(None))
                else:
                    edit = await self.fix_all(actions)
                    if edit is not None:
                        found.append(actions.fix_all_action(edit))
            return found or None
        except Superseded:
            return None
        except Exception:
            logger.exception("code actions for %s failed", uri)
            return None

    async def resolve_code_action(self, action: types.CodeAction) -> types.CodeAction:
        """Fill in the edit of "fix all" (when the client asks for it, not before)."""
        data = action.data if isinstance(action.data, dict) else {}
        actions = self.results.get(str(data.get("uri")))
        if action.kind != FIX_ALL or actions is None or (
                actions.target.version != data.get("version")):
            return action
        try:
            edit = await self.fix_all(actions)
        except Superseded:
            return action
        except Exception:
            logger.exception("fixing all of %s failed", actions.target.uri)
            return action
        action.edit = edit or types.WorkspaceEdit(changes={actions.target.uri: []})
        return action

    # -- the schema as a guide: hover, completion, definition --------------------------------

    async def _guided(self, uri: str, answer: Callable[[guiding.Buffer], Answer]
                      ) -> Answer | None:
        """``answer`` for the buffer's current text, in a worker thread; None when fmlint
        does not check the buffer, its configuration is broken, or answering failed."""
        document = self.workspace.text_documents.get(unquote(uri))
        path = to_fs_path(uri)
        if document is None or not is_checked(document.language_id, path or uri):
            return None
        text, root = document.source, self._root(path)
        encoding = plain(self.workspace.position_encoding or UTF16)

        def work() -> Answer | None:
            self.disk.refresh()
            buffer = guiding.Buffer.of(text, encoding, path, root, self.disk)
            return None if buffer is None else answer(buffer)

        try:
            return await asyncio.get_running_loop().run_in_executor(self.checkers, work)
        except Exception:
            logger.exception("answering for %s failed", uri)
            return None

    async def hover(self, params: types.HoverParams) -> types.Hover | None:
        """The schema's words for the key or value, and the rules of the problems, there."""
        where = params.position
        schema = await self._guided(params.text_document.uri,
                                    lambda buffer: guiding.hover_schema(buffer, where))
        actions = await self.current(params.text_document.uri)
        found = hover.hover(schema, hover.rule_help(actions.published if actions else [], where))
        if isinstance(found, types.Hover) and isinstance(found.contents, types.MarkupContent) and (
                not self._markdown("text_document.hover.content_format")):
            found.contents = types.MarkupContent(kind=types.MarkupKind.PlainText,
                                                 value=found.contents.value)
        return found

    async def completion(self, params: types.CompletionParams) -> types.CompletionList | None:
        found = await self._guided(params.text_document.uri,
                                   lambda buffer: guiding.complete(buffer, params.position))
        if found is not None and not self._markdown(
                "text_document.completion.completion_item.documentation_format"):
            for item in found.items:  # (Markdown reads well enough as plain text)
                if isinstance(item.documentation, types.MarkupContent):
                    item.documentation = item.documentation.value
        return found

    def _markdown(self, formats: str) -> bool:
        """Whether the client shows Markdown where the capability ``formats`` says."""
        kinds = get_capability(self.client_capabilities, formats, None) or []
        return types.MarkupKind.Markdown in kinds

    async def definition(self, params: types.DefinitionParams) -> types.Location | None:
        return await self._guided(params.text_document.uri,
                                  lambda buffer: guiding.define(buffer, params.position))

    async def initialized(self, params: types.InitializedParams) -> None:
        """Ask the client to report changes of configuration, schema and site files."""
        if not get_capability(self.client_capabilities,
                              "workspace.did_change_watched_files.dynamic_registration", False):
            return
        watchers = [types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED]
        registration = types.Registration(
            id="fmlint-watch-settings", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))
        try:
            await self.client_register_capability_async(
                types.RegistrationParams(registrations=[registration]))
        except Exception:
            logger.warning("the client refused to watch configuration files", exc_info=True)

    def shutdown(self) -> None:
        for uri in list(self.pending):
            self._cancel(uri)
        self.versions.clear()  # running checks stop before their next pass
        for pool in (self.checkers, self.large, self.fixer):
            pool.shutdown(wait=False, cancel_futures=True)
        super().shutdown()


def _notification(handler: Callable[[Any], None]) -> Callable[[Any], None]:
    """A plain function for pygls to register (it marks the function it is given)."""

    def handle(params: Any) -> None:
        handler(params)

    return handle


def create_server() -> FmlintServer:
    """A server with every feature registered."""
    server = FmlintServer()

    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        await server.initialized(params)

    notifications: dict[str, Callable[[Any], None]] = {
        types.TEXT_DOCUMENT_DID_OPEN: server.did_open,
        types.TEXT_DOCUMENT_DID_CHANGE: server.did_change,
        types.TEXT_DOCUMENT_DID_SAVE: server.did_save,
        types.TEXT_DOCUMENT_DID_CLOSE: server.did_close,
        types.WORKSPACE_DID_CHANGE_WATCHED_FILES: server.files_changed,
    }
    for method, handler in notifications.items():
        server.feature(method)(_notification(handler))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=True))
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        return await server.code_action(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(params: types.HoverParams) -> types.Hover | None:
        return await server.hover(params)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions())
    async def completion(params: types.CompletionParams) -> types.CompletionList | None:
        return await server.completion(params)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def definition(params: types.DefinitionParams) -> types.Location | None:
        return await server.definition(params)

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve_code_action(params: types.CodeAction) -> types.CodeAction:
        return await server.resolve_code_action(params)

    return server
