"""Report formats: turn a run's findings into the text of one output format.

Each format lives in its own module, imported only when that format is asked for. Findings
in, text out: imports nothing of fmlint but ``rules.finding`` and the rule registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from typing import Protocol, TextIO

from ..rules.finding import Finding, Severity

FORMATS: tuple[str, ...] = (
    "text",
    "concise",
    "json",
    "json-lines",
    "github",
    "gitlab",
    "sarif",
    "junit",
)

# Format name -> module in this package that has `render(report) -> str`.
_MODULES: dict[str, str] = {
    "text": "text",
    "concise": "concise",
    "json": "json_array",
    "json-lines": "json_lines",
    "github": "github",
    "gitlab": "gitlab",
    "sarif": "sarif",
    "junit": "junit",
}

# Shown where a finding has no path (the record came from standard input).
STDIN_PATH = "-"


class RuleMeta(Protocol):
    """What a report needs to know about a rule."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def severity(self) -> str: ...  # "error", "warning" or "info"

    @property
    def fix(self) -> str | None: ...  # "safe", "unsafe", "sometimes" or None

    @property
    def doc_url(self) -> str | None: ...


class Findings(Protocol):
    """Findings a report can count and walk (more than once) in order."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Finding]: ...


class Report:
    """Everything one run hands to a report format."""

    __slots__ = ("collapsed", "color", "files_checked", "findings", "fixable_safe",
                 "fixable_unsafe", "fixes_applied", "least", "no_schema", "rules", "severities",
                 "summary", "tool_uri", "version")

    def __init__(self, findings: Findings, rules: Mapping[str, RuleMeta], files_checked: int,
                 color: bool = False, fixes_applied: int = 0, fixable_safe: int = 0,
                 fixable_unsafe: int = 0, version: str = "0", tool_uri: str | None = None,
                 summary: bool = True, severities: Mapping[str, int] | None = None,
                 collapsed: Mapping[str, int] | None = None, least: Severity = "info",
                 no_schema: int = 0) -> None:
        self.findings = findings  # already sorted by path, line, column
        self.rules = rules  # every known rule by code, also ones without findings
        self.files_checked = files_checked
        self.color = color  # ANSI colour in text output
        self.fixes_applied = fixes_applied  # fixes --fix applied in this run
        self.fixable_safe = fixable_safe  # remaining findings a --fix would repair
        self.fixable_unsafe = fixable_unsafe  # remaining findings only --unsafe-fixes would repair
        self.version = version  # fmlint version
        self.tool_uri = tool_uri  # fmlint's home page
        self.summary = summary  # end text and concise output with the summary (not with --quiet)
        # Findings per severity, when the run counted them (else the summary counts them).
        self.severities = severities
        # Findings counted (in ``severities``) but not listed, per rule code: the text and
        # concise formats say how many there are and how to list them.
        self.collapsed = {} if collapsed is None else collapsed
        self.least = least  # the least severity reported: the summary leaves out those below
        self.no_schema = no_schema  # records no schema described, to say so (0: nothing to say)


def render(fmt: str, report: Report) -> str:
    """Return the full output of format `fmt`; it ends with a newline unless empty."""
    module = _MODULES.get(fmt)
    if module is None:
        raise ValueError(
            f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}"
        )
    renderer: Callable[[Report], str] = import_module(f"{__name__}.{module}").render
    return renderer(report)


def write(fmt: str, report: Report, out: TextIO) -> None:
    """Write the output of format `fmt` to `out`, piece by piece where the format allows."""
    module = _MODULES.get(fmt)
    if module is None:
        raise ValueError(
            f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}"
        )
    loaded = import_module(f"{__name__}.{module}")
    pieces = getattr(loaded, "chunks", None)
    if pieces is None:
        out.write(loaded.render(report))
        return
    for piece in pieces(report):
        out.write(piece)


def display_path(path: str | None) -> str:
    """The path as reports show it: `-` for standard input."""
    return STDIN_PATH if path is None else path
