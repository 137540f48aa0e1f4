"""A client session with ``fmlint server``, for the language server's tests."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "linter", "server"])


def session(capabilities: types.ClientCapabilities,
            setup: Callable[[LanguageClient], None] | None = None) -> Callable[..., object]:
    """A module-wide ``client`` fixture: the server started, initialised with
    ``capabilities`` (after ``setup`` registered the client's own features), shut down at
    the end."""

    @pytest_lsp.fixture(scope="module", config=SERVER)
    async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
        if setup is not None:
            setup(lsp_client)
        await lsp_client.initialize_session(types.InitializeParams(capabilities=capabilities))
        yield
        await lsp_client.shutdown_session()

    return client


async def published(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """The next diagnostics the server publishes for ``uri``, taken (so that a later call
    waits for the ones after them)."""
    async def wait() -> list[types.Diagnostic]:
        while uri not in client.diagnostics:
            await asyncio.sleep(0.005)
        return list(client.diagnostics.pop(uri))

    return await asyncio.wait_for(wait(), timeout=20)
