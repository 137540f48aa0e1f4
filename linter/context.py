"""What a rule sees of one record, and how it reports: positions, fixes and index entries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import scalars
from .finding import Edit, Finding, Fix
from .source import LineIndex
from .yamldoc import Span

if TYPE_CHECKING:
    from .annotate import Annotations
    from .config import Config
    from .registry import Rule

# Reads an image's real size for a URL the site itself serves:
# (width, height), "missing" when the file is not there, None when it cannot tell.
ImageSizer = Callable[[str, "str | None"], "tuple[int, int] | str | None"]


@dataclass(frozen=True, slots=True)
class Site:
    """The site a record belongs to: its folder and its own URL, as ``_config.yml`` says."""

    root: str | None = None
    url: str | None = None
    baseurl: str = ""
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """A key one record contributes to a check across records (e.g. its canonical URL)."""

    code: str
    key: str
    path: str | None
    line: int
    column: int
    end_line: int
    end_column: int
    pointer: str
    label: str  # what the key is, for messages ("webUrl")


@dataclass
class Context:
    """One record under check. Rules read values here and report through ``report``."""

    path: str | None
    record: Any
    notes: Annotations
    config: Config
    now: datetime
    text: str | None = None
    spans: dict[str, Span] = field(default_factory=dict)
    index: LineIndex | None = None
    image_sizer: ImageSizer | None = None
    site: Site = field(default_factory=Site)
    rule: Rule | None = None
    entries: list[IndexEntry] = field(default_factory=list)

    # -- reading ---------------------------------------------------------------------------

    def value(self, pointer: str, default: Any = None) -> Any:
        node = self.record
        if not pointer:
            return node
        for token in pointer.split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return default
        return node

    def raw(self, pointer: str) -> str | None:
        """The scalar's text as written in the file (without quotes), if it is a scalar."""
        span = self.spans.get(pointer)
        return span.raw if span is not None else None

    def plain(self, pointer: str) -> bool:
        span = self.spans.get(pointer)
        return span is not None and span.style is None

    def option(self, name: str) -> Any:
        assert self.rule is not None
        return self.config.rule_option(self.rule, name)

    @staticmethod
    def parent(pointer: str) -> str:
        return pointer.rsplit("/", 1)[0] if pointer else ""

    @staticmethod
    def where(pointer: str) -> str:
        """A value's place in words: ``related[1].excerpt``."""
        from .schemas import friendly_path

        return friendly_path(pointer)

    @staticmethod
    def key(pointer: str) -> str:
        return pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")

    # -- positions -------------------------------------------------------------------------

    def range_of(
        self, pointer: str, *, key: bool = False, sub: tuple[int, int] | None = None
    ) -> tuple[int, int, int, int]:
        """(line, column, end_line, end_column) of a value, its key, or part of a string value."""
        span = self.spans.get(pointer)
        if span is None or self.index is None:
            return (1, 1, 1, 1)
        start, end = span.start, span.end
        if key and span.key_start is not None and span.key_end is not None:
            start, end = span.key_start, span.key_end
        elif sub is not None and self.text is not None and span.raw is not None:
            inner = self._inner_offset(span)
            if inner is not None:
                start, end = inner + sub[0], inner + max(sub[1], sub[0] + 1)
        if span.style in ("|", ">") and self.text is not None and not sub:
            end = start + len(self.text[start:end].rstrip("\r\n"))
        line, column = self.index.position(start)
        end_line, end_column = self.index.position(max(end, start))
        return line, column, end_line, end_column

    def _inner_offset(self, span: Span) -> int | None:
        """Where the string's first character sits, when the source spells it out verbatim."""
        assert self.text is not None and span.raw is not None
        source = self.text[span.start : span.end]
        if span.style is None and source == span.raw:
            return span.start
        if span.style in ('"', "'") and source[1:-1] == span.raw:
            return span.start + 1
        return None

    # -- reporting -------------------------------------------------------------------------

    def report(
        self,
        pointer: str,
        message: str,
        *,
        fix: Fix | None = None,
        key: bool = False,
        sub: tuple[int, int] | None = None,
    ) -> Finding:
        assert self.rule is not None
        line, column, end_line, end_column = self.range_of(pointer, key=key, sub=sub)
        return Finding(
            path=self.path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            code=self.rule.code,
            rule=self.rule.name,
            severity=self.config.severity_of(self.rule),  # type: ignore[arg-type]
            message=message,
            pointer=pointer,
            fix=fix,
        )

    def replace(
        self, pointer: str, new_value: Any, message: str, *, safe: bool, style: str | None = "keep"
    ) -> Fix | None:
        """A fix that writes ``new_value`` over the value at ``pointer``, keeping its style."""
        return self.replace_values([(pointer, new_value)], message, safe=safe, style=style)

    def replace_values(self, changes: list[tuple[str, Any]], message: str, *, safe: bool,
                       style: str | None = "keep") -> Fix | None:
        """One fix that writes several scalar values at once (e.g. width and height)."""
        if self.index is None or self.text is None:
            return None
        edits = []
        for pointer, new_value in changes:
            span = self.spans.get(pointer)
            if span is None or span.aliased or span.style in ("map", "seq"):
                return None
            written = scalars.render(new_value, span.style if style == "keep" else style,
                                     span.tag)
            line, column, end_line, end_column = self.range_of(pointer)
            edits.append(Edit(line, column, end_line, end_column, written))
        return Fix("safe" if safe else "unsafe", message, tuple(edits))

    def children(self, pointer: str) -> dict[str, str]:
        """Role -> pointer of the direct children of a mapping that the schema gives a role."""
        value = self.value(pointer)
        out: dict[str, str] = {}
        if isinstance(value, dict):
            for key in value:
                child = f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
                role = self.notes.role_of.get(child)
                if role:
                    out.setdefault(role, child)
        return out

    def edit(self, start: int, end: int, content: str) -> Edit | None:
        """An edit over raw character offsets of the file."""
        if self.index is None:
            return None
        line, column = self.index.position(start)
        end_line, end_column = self.index.position(end)
        return Edit(line, column, end_line, end_column, content)

    def add_entry(self, key: str, pointer: str, label: str) -> None:
        """Contribute a key to this rule's check across records."""
        assert self.rule is not None
        line, column, end_line, end_column = self.range_of(pointer)
        self.entries.append(
            IndexEntry(self.rule.code, key, self.path, line, column, end_line, end_column,
                       pointer, label)
        )
