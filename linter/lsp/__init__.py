"""The language server's parts: positions, diagnostics, code actions, linting buffers, the app.

Everything here imports ``lsprotocol`` (and ``app`` imports ``pygls``): the optional
``fmlint[server]`` extra. ``linter.lsp.server.serve`` checks they are installed first.
May import every folder but ``cli``.
"""
