"""The fmlint language server: diagnostics on open, change (debounced) and save; code actions."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..configfile import NAMES as CONFIG_NAMES
from .actions import KINDS, Target, code_actions
from .diagnostics import SOURCE, diagnostics
from .linting import ConfigCache, Snapshot, forget_file_caches, is_markdown, lint_buffer
from .positions import UTF16, Positions, plain

DEBOUNCE = 0.15  # seconds after the last change before a buffer is checked again
SITE_FILES = ("_config.yml",)
logger = logging.getLogger("linter.lsp")


class FmlintServer(LanguageServer):
    """A pygls server holding the open buffers' last results and pending checks."""

    def __init__(self) -> None:
        super().__init__("fmlint", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.configs = ConfigCache()
        self.snapshots: dict[str, Snapshot] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}

    # -- documents and results ---------------------------------------------------------------

    def _root(self, path: str | None) -> str | None:
        """The workspace folder holding ``path`` (the deepest), else the workspace root."""
        roots = [to_fs_path(f.uri) for f in self.workspace.folders.values()]
        if path:
            inside = [r for r in roots if r and path.startswith(r.rstrip(os.sep) + os.sep)]
            if inside:
                return max(inside, key=len)
        return self.workspace.root_path or next((r for r in roots if r), None)

    def lint(self, uri: str, *, fresh: bool = False) -> Snapshot | None:
        """The current buffer's result (reused when its version is unchanged, unless fresh)."""
        document = self.workspace.text_documents.get(unquote(uri))
        path = to_fs_path(uri)
        if document is None or not is_markdown(document.language_id, path or uri):
            return None
        text = document.source
        snapshot = self.snapshots.get(uri)
        if not fresh and snapshot is not None and snapshot.version == document.version:
            return snapshot
        snapshot = lint_buffer(text, document.version, path, self._root(path), self.configs)
        self.snapshots[uri] = snapshot
        for message in self.configs.take_new_errors():
            self.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Error, message=f"fmlint: {message}"))
        return snapshot

    def positions(self, snapshot: Snapshot) -> Positions:
        encoding = self.workspace.position_encoding or UTF16
        return Positions(snapshot.text, plain(encoding), snapshot.lead)

    def publish(self, uri: str) -> None:
        """Check a buffer now and publish its diagnostics. Never raises."""
        self._cancel(uri)
        try:
            snapshot = self.lint(uri, fresh=True)
            if snapshot is None:
                return
            found = diagnostics(snapshot, self.positions(snapshot))
            version = snapshot.version
        except Exception as err:  # keep serving; say what went wrong on line 1
            logger.exception("checking %s failed", uri)
            start = types.Position(line=0, character=0)
            found = [types.Diagnostic(
                range=types.Range(start=start, end=start), source=SOURCE,
                severity=types.DiagnosticSeverity.Error,
                message=f"fmlint internal error: {type(err).__name__}: {err}")]
            version = None
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=version, diagnostics=found))

    def schedule(self, uri: str) -> None:
        """Check a buffer ``DEBOUNCE`` seconds after its last change."""
        self._cancel(uri)
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(DEBOUNCE, self.publish, uri)

    def _cancel(self, uri: str) -> None:
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()

    def publish_all(self) -> None:
        for uri in list(self.snapshots):
            self.publish(uri)

    # -- notifications and requests ----------------------------------------------------------

    def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        self.publish(params.text_document.uri)

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        self.schedule(params.text_document.uri)

    def did_save(self, params: types.DidSaveTextDocumentParams) -> None:
        forget_file_caches()  # images or the site's settings may have changed too
        self.publish(params.text_document.uri)

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        self._cancel(uri)
        known = self.snapshots.pop(uri, None) is not None
        if known or is_markdown(None, to_fs_path(uri) or uri):
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def files_changed(self, params: types.DidChangeWatchedFilesParams) -> None:
        try:
            names = {os.path.basename(to_fs_path(c.uri) or c.uri) for c in params.changes}
        except Exception:  # an odd URI must not stop the server
            logger.exception("cannot read watched-file events")
            names = {*CONFIG_NAMES, *SITE_FILES}
        if names & set(CONFIG_NAMES):
            self.configs.forget()
        if names & set(SITE_FILES):
            forget_file_caches()
        if names & {*CONFIG_NAMES, *SITE_FILES}:
            self.publish_all()

    def code_action(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        try:
            uri = params.text_document.uri
            snapshot = self.lint(uri)
            if snapshot is None or snapshot.problem is not None:
                return None
            versioned = bool(get_capability(
                self.client_capabilities, "workspace.workspace_edit.document_changes", False))
            target = Target(uri, snapshot.version, versioned)
            actions = code_actions(snapshot, self.positions(snapshot), target, params.range,
                                   params.context.only)
            return actions or None
        except Exception:
            logger.exception("code actions for %s failed", params.text_document.uri)
            return None

    async def initialized(self, params: types.InitializedParams) -> None:
        """Ask the client to report changes of configuration and site files, if it can."""
        if not get_capability(self.client_capabilities,
                              "workspace.did_change_watched_files.dynamic_registration", False):
            return
        watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}")
                    for name in (*CONFIG_NAMES, *SITE_FILES)]
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

    notifications = {
        types.TEXT_DOCUMENT_DID_OPEN: server.did_open,
        types.TEXT_DOCUMENT_DID_CHANGE: server.did_change,
        types.TEXT_DOCUMENT_DID_SAVE: server.did_save,
        types.TEXT_DOCUMENT_DID_CLOSE: server.did_close,
        types.WORKSPACE_DID_CHANGE_WATCHED_FILES: server.files_changed,
    }
    for method, handler in notifications.items():
        server.feature(method)(_notification(handler))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=KINDS))
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        return server.code_action(params)

    return server
