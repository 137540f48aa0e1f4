"""``python -m linter`` runs the fmlint command."""

from .cli import console_main

console_main()
