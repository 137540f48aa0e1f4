"""Every rule fmlint knows: its code, name, default severity, fix safety, options and docs."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from .context import Context, IndexEntry
    from .finding import Finding, Severity

DOCS_URL = "https://fmlint.dev/rules/{code}"

RecordCheck = Callable[["Context"], Iterable["Finding"]]
ProjectCheck = Callable[[list["IndexEntry"]], Iterable["Finding"]]
FixSafety = Literal["safe", "unsafe", "sometimes"]  # (sometimes: safe or unsafe by case)


class Option(NamedTuple):
    """A rule option: its default and what it does (shown in the rule's documentation)."""

    default: Any
    help: str


class Rule(NamedTuple):
    """A rule: its code, name, defaults, documentation and check."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    fix: FixSafety | None = None
    default_enabled: bool = True
    options: Mapping[str, Option] = {}  # (a Mapping: read-only, one default for all)
    check: RecordCheck | None = None  # per record; None for rules the engine itself reports
    # Across records, after all were checked: gets the index entries whose key (per code)
    # some entry of another file has too, sorted by file and place.
    finalize: ProjectCheck | None = None
    group: str = "core"
    replaces: tuple[str, ...] = ()  # generic schema codes this rule's finding replaces

    @property
    def doc_url(self) -> str:
        return DOCS_URL.format(code=self.code)


RULES: dict[str, Rule] = {}
BY_NAME: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.code in RULES or rule.name in BY_NAME:
        raise ValueError(f"rule {rule.code} {rule.name} is registered twice")
    RULES[rule.code] = rule
    BY_NAME[rule.name] = rule
    return rule


def rule(
    code: str,
    name: str,
    *,
    severity: Severity,
    summary: str,
    fix: FixSafety | None = None,
    default_enabled: bool = True,
    options: dict[str, Option] | None = None,
    group: str,
    replaces: tuple[str, ...] = (),
    finalize: ProjectCheck | None = None,
) -> Callable[[RecordCheck], RecordCheck]:
    """Register a per-record check; its docstring is the rule's documentation."""

    def wrap(check: RecordCheck) -> RecordCheck:
        register(
            Rule(
                code=code,
                name=name,
                severity=severity,
                summary=summary,
                doc=inspect.cleandoc(check.__doc__ or summary),
                fix=fix,
                default_enabled=default_enabled,
                options=options or {},
                check=check,
                group=group,
                replaces=replaces,
                finalize=finalize,
            )
        )
        return check

    return wrap


_all_loaded = False


def load_all() -> dict[str, Rule]:
    """Import every rule module (registration happens on import) and return the registry."""
    global _all_loaded
    if not _all_loaded:
        from . import load

        load()
        _all_loaded = True
    return RULES


def resolve(selectors: Iterable[str]) -> set[str]:
    """Codes matched by selectors: a code, a code prefix (``FM1``), a rule name, or ``ALL``."""
    rules = load_all()
    out: set[str] = set()
    for selector in selectors:
        selector = selector.strip()
        if not selector:
            continue
        if selector.upper() == "ALL":
            out.update(rules)
        elif selector in BY_NAME:
            out.add(BY_NAME[selector].code)
        else:
            matched = {c for c in rules if c.startswith(selector.upper())}
            if not matched:
                raise KeyError(selector)
            out.update(matched)
    return out
