"""ANSI colours for the terminal formats."""

from __future__ import annotations

BOLD = "\x1b[1m"
RED = "\x1b[31m"
YELLOW = "\x1b[33m"
BLUE = "\x1b[34m"
CYAN = "\x1b[36m"
RESET = "\x1b[0m"

SEVERITY_COLORS = {"error": RED, "warning": YELLOW, "info": BLUE}


def paint(enabled: bool, style: str, text: str) -> str:
    """`text` in `style` when colour is on, else unchanged."""
    return f"{style}{text}{RESET}" if enabled and text else text
