"""``python -m linter`` runs the fmlint command."""

from .cli.main import console_main

console_main()
