"""``fmlint server``: the language server (LSP over stdio) for editors.

It needs the optional ``fmlint[server]`` extra (pygls 2 and lsprotocol); the parts live in
``linter.lsp``.
"""

from __future__ import annotations

import logging
import sys

INSTALL_HINT = "pip install 'fmlint[server]'"


def _missing() -> str | None:
    """What is missing for the server to run, or None."""
    try:
        import lsprotocol.types  # noqa: F401
        from pygls.lsp.server import LanguageServer  # noqa: F401  (pygls 2)
    except ImportError as err:
        return str(err)
    return None


def _configure_logging(log_file: str | None) -> None:
    """Log to ``log_file`` when given; otherwise only warnings, to standard error."""
    root = logging.getLogger()
    if log_file:
        handler: logging.Handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.setLevel(logging.INFO)
        logging.getLogger("linter").setLevel(logging.DEBUG)
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("fmlint server: %(levelname)s: %(message)s"))
        root.setLevel(logging.WARNING)
    root.addHandler(handler)


def serve(log_file: str | None = None) -> int:
    """Run the language server on standard input and output until the client exits."""
    missing = _missing()
    if missing is not None:
        sys.stderr.write(f"fmlint: the language server needs pygls 2 and lsprotocol "
                         f"({missing}); install them with: {INSTALL_HINT}\n")
        return 2
    try:
        _configure_logging(log_file)
    except OSError as err:
        sys.stderr.write(f"fmlint: cannot write the log file {log_file}: {err.strerror}\n")
        return 2
    from ..rules.registry import load_all
    from .app import create_server

    load_all()
    create_server().start_io()
    return 0
