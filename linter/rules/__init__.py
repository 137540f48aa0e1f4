"""Rules: the registry, what a rule sees of a record (``context``), findings, and one module
per rule family. May import ``schema``, ``checks`` and ``reading``."""

from __future__ import annotations

import importlib

MODULES = ("core", "text", "urls", "timestamps", "images", "records", "references", "online")


def load() -> None:
    """Import every rule module (``registry.load_all`` calls this once)."""
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")
