"""Rule modules. Importing one registers its rules."""

from __future__ import annotations

import importlib

MODULES = ("core", "text", "urls", "timestamps", "images", "records", "online")
_loaded = False


def load() -> None:
    """Import every rule module once (a missing module is skipped while it is being written)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in MODULES:
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"{__name__}.{name}":
                raise
