"""JSON Pointers (RFC 6901): how fmlint names a value inside a record."""

from __future__ import annotations

from typing import Any

_MISSING = object()


def escape(token: object) -> str:
    """One reference token: ``~`` -> ``~0``, ``/`` -> ``~1``."""
    text = str(token)
    if "~" not in text and "/" not in text:
        return text
    return text.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(parts: Any) -> str:
    """The pointer of a path of keys and indexes (``["related", 1]`` -> ``/related/1``)."""
    return "".join("/" + escape(part) for part in parts)


def tokens(pointer: str) -> list[str]:
    """The unescaped tokens of a pointer (``""`` -> ``[]``)."""
    return [unescape(t) for t in pointer.split("/")[1:]] if pointer else []


def resolve(document: Any, pointer: str, default: Any = None) -> Any:
    """The value a pointer names in a JSON-like document, or ``default``."""
    node = document
    for token in tokens(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return default
    return node
