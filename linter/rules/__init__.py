"""Rule modules. Importing one registers its rules."""

from __future__ import annotations

import importlib

MODULES = ("core", "text", "urls", "timestamps", "images", "records", "references", "online")


def load() -> None:
    """Import every rule module (``registry.load_all`` calls this once)."""
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")
