"""Code actions: a finding's fix, a suppression comment, and fixing every safe problem."""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import NamedTuple

from lsprotocol import types

from ..engine.addignore import add_ignores
from ..reading.source import LineIndex
from ..rules.finding import Finding
from .linting import Snapshot
from .positions import Positions, plain, text_edits

FIX_ALL = "source.fixAll.fmlint"
QUICKFIX = plain(types.CodeActionKind.QuickFix)
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL]
FIX_ALL_TITLE = "Fix all safe problems (fmlint)"
SHORT = 16  # lines: findings spanning more are few (a whole list), and looked at every time


class Target(NamedTuple):
    """The document the actions edit."""

    uri: str
    version: int | None
    versioned: bool  # the client takes ``documentChanges`` (edits tied to a version)


def wanted(kind: str, only: Iterable[str] | None) -> bool:
    """Whether a client's ``only`` filter admits ``kind`` (kinds are dot-separated)."""
    if not only:
        return True
    return any(kind == plain(o) or kind.startswith(f"{plain(o)}.") for o in only)


class Actions:
    """One version's code actions, kept with its diagnostics and made at most once each.

    ``found`` are the diagnostics published for ``snapshot`` (one per finding, in order).
    The findings touching a range are found by bisecting their starts; a suppression is made
    when first asked for, "fix all" when first asked for (or resolved). Safe across threads.
    """

    def __init__(self, snapshot: Snapshot, positions: Positions, found: list[types.Diagnostic],
                 target: Target) -> None:
        self.snapshot, self.positions, self.target = snapshot, positions, target
        self.published = found
        self.found = found if snapshot.problem is None else []  # one per finding
        self.fixable = any(f.fix and f.fix.applicability == "safe" for f in snapshot.findings)
        order = sorted(range(len(self.found)), key=lambda i: _key(self.found[i].range.start))
        self._short = [i for i in order if _lines(self.found[i].range) <= SHORT]
        self._starts = [_key(self.found[i].range.start) for i in self._short]
        self._long = [i for i in order if _lines(self.found[i].range) > SHORT]
        self._suppressions: dict[tuple[str, int], types.CodeAction | None] = {}
        self._fix_all: types.WorkspaceEdit | None = None
        self._fixing, self._suppressing = threading.Lock(), threading.Lock()

    def touching(self, request: types.Range) -> list[int]:
        """The findings (indexes, in order) whose range touches ``request``."""
        low = bisect_left(self._starts, (request.start.line - SHORT, 0))
        high = bisect_right(self._starts, _key(request.end))
        near = [*self._short[low:high], *self._long]
        return sorted(i for i in near if _overlaps(self.found[i].range, request))

    def for_range(self, request: types.Range,
                  only: Iterable[str] | None) -> list[types.CodeAction]:
        """Quick fixes and suppressions for the findings touching ``request``."""
        if not wanted(QUICKFIX, [plain(o) for o in only or []]):
            return []
        touching = self.touching(request)
        findings = self.snapshot.findings
        actions = [self._fix(i) for i in touching if _has_edits(findings[i])]
        seen: set[tuple[str, int]] = set()
        for i in touching:
            key = findings[i].code, findings[i].end_line
            if key not in seen:
                seen.add(key)
                action = self._suppress(i)
                if action is not None:
                    actions.append(action)
        return actions

    def offers_fix_all(self, only: Iterable[str] | None) -> bool:
        """Whether "fix all" is asked for and there is a safe fix to apply."""
        return self.fixable and wanted(FIX_ALL, [plain(o) for o in only or []])

    def fix_all_action(self, edit: types.WorkspaceEdit | None) -> types.CodeAction:
        """The "fix all" action: with its edit, or with what ``codeAction/resolve`` needs to
        find this version's (``data``)."""
        if edit is None:
            return types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL, data={
                "uri": self.target.uri, "version": self.target.version})
        return types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL, edit=edit)

    def fix_all(self) -> types.WorkspaceEdit | None:
        """The edit applying every safe fix (None: nothing to change); made once. Raises
        ``Superseded`` when the buffer changes meanwhile."""
        with self._fixing:
            if self._fix_all is None:
                snapshot = self.snapshot
                edits = text_edits(snapshot.text, snapshot.fixed_text(), self.positions)
                self._fix_all = _edit(self.target, edits)
            return self._fix_all if _edits_of(self._fix_all) else None

    def _fix(self, index: int) -> types.CodeAction:
        finding = self.snapshot.findings[index]
        assert finding.fix is not None
        safe = finding.fix.applicability == "safe"
        edits = [types.TextEdit(range=self.positions.range(e.line, e.column, e.end_line,
                                                           e.end_column), new_text=e.content)
                 for e in finding.fix.edits]
        return types.CodeAction(
            title=f"Fix: {finding.fix.message}" + ("" if safe else " (unsafe)"),
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[self.found[index]],
            is_preferred=safe or None,
            edit=_edit(self.target, edits),
        )

    def _suppress(self, index: int) -> types.CodeAction | None:
        finding = self.snapshot.findings[index]
        key = finding.code, finding.end_line
        with self._suppressing:
            if key not in self._suppressions:
                self._suppressions[key] = self._make_suppression(finding)
            action = self._suppressions[key]
        if action is None:
            return None
        return types.CodeAction(title=action.title, kind=action.kind,
                                diagnostics=[self.found[index]], edit=action.edit)

    def _make_suppression(self, finding: Finding) -> types.CodeAction | None:
        text = self.snapshot.text
        new_text, added, _skipped = add_ignores(text, [finding])
        if not added or new_text == text:
            return None
        whole_file = LineIndex(new_text).line_count > self.positions.index.line_count
        return types.CodeAction(
            title=f"Suppress {finding.code} " + ("in this file" if whole_file else "on this line"),
            kind=types.CodeActionKind.QuickFix,
            edit=_edit(self.target, text_edits(text, new_text, self.positions)),
        )


def _has_edits(finding: Finding) -> bool:
    return finding.fix is not None and bool(finding.fix.edits)


def _key(position: types.Position) -> tuple[int, int]:
    return position.line, position.character


def _lines(span: types.Range) -> int:
    return span.end.line - span.start.line


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return _key(a.start) <= _key(b.end) and _key(b.start) <= _key(a.end)


def _edit(target: Target, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    if target.versioned:
        document = types.OptionalVersionedTextDocumentIdentifier(uri=target.uri,
                                                                 version=target.version)
        return types.WorkspaceEdit(document_changes=[
            types.TextDocumentEdit(text_document=document, edits=list(edits))])
    return types.WorkspaceEdit(changes={target.uri: list(edits)})


def _edits_of(edit: types.WorkspaceEdit) -> bool:
    """Whether a workspace edit changes anything."""
    if edit.document_changes:
        return any(getattr(change, "edits", None) for change in edit.document_changes)
    return any(edit.changes.values()) if edit.changes else False
