"""Rule documentation: one Markdown page per rule, and the whole reference."""

from __future__ import annotations

from ..rules.registry import Rule, load_all

_FIX_WORDS = {
    "safe": "Fix: **safe** — `fmlint check --fix` applies it; the meaning of the value is kept.",
    "unsafe": "Fix: **unsafe** — the fix is a guess; only `--unsafe-fixes` applies it.",
    "sometimes": "Fix: **safe or unsafe, by case** — certain repairs are safe; guesses are "
    "unsafe and need `--unsafe-fixes`. The finding's fix says which.",
}


def rule_markdown(rule: Rule, level: int = 1) -> str:
    """The documentation of one rule, as Markdown."""
    head = "#" * level
    lines = [f"{head} {rule.code} {rule.name}", "", f"{rule.summary}", ""]
    state = "on by default" if rule.default_enabled else "off by default; select it to enable"
    lines.append(f"Default severity: **{rule.severity}**; {state}.")
    lines.append("")
    lines.append(_FIX_WORDS.get(rule.fix or "", "Fix: none."))
    lines.append("")
    lines.append(rule.doc)
    lines.append("")
    if rule.options:
        lines.append(f"{head}# Options")
        lines.append("")
        lines.append(f"Set in `[tool.fmlint.rules.{rule.name}]` (or `[rules.{rule.name}]` in "
                     "fmlint.toml).")
        lines.append("")
        for name, option in rule.options.items():
            default = option.default
            shown = repr(list(default)) if isinstance(default, tuple) else repr(default)
            lines.append(f"- `{name}` (default `{shown}`): {option.help}")
        lines.append("")
    return "\n".join(lines)


def reference() -> str:
    """docs/rules.md: every rule's documentation, generated from the code."""
    rules = sorted(load_all().values(), key=lambda r: r.code)
    out = [
        "# fmlint rules",
        "",
        "Generated from the rules' own documentation by"
        " `python -m linter.cli.docs > docs/rules.md`; a test keeps it current.",
        "",
        "| code | name | severity | fix | summary |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in rules:
        off = " (off by default)" if not rule.default_enabled else ""
        out.append(f"| [{rule.code}](#{rule.code.lower()}-{rule.name}) | {rule.name} | "
                   f"{rule.severity} | {rule.fix or ''} | {rule.summary}{off} |")
    out.append("")
    for rule in rules:
        out.append(rule_markdown(rule, level=2))
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str]) -> int:
    """``python -m linter.cli.docs`` prints the reference; ``--check FILE`` compares with FILE."""
    import sys

    if not argv:
        sys.stdout.write(reference())
        return 0
    if len(argv) == 2 and argv[0] == "--check":
        from pathlib import Path

        try:
            current = Path(argv[1]).read_text("utf-8")
        except OSError as err:
            sys.stderr.write(f"{argv[1]}: {err.strerror}\n")
            return 1
        if current == reference():
            return 0
        sys.stderr.write(f"{argv[1]} is out of date; run: python -m linter.cli.docs > {argv[1]}\n")
        return 1
    sys.stderr.write("usage: python -m linter.cli.docs [--check FILE]\n")
    return 2


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
