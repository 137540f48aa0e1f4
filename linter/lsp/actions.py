"""Code actions: a finding's fix, a suppression comment, and fixing every safe problem."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lsprotocol import types

from ..addignore import add_ignores
from ..finding import Finding
from ..source import LineIndex
from .diagnostics import diagnostic, finding_range
from .linting import Snapshot
from .positions import Positions, plain, text_edits

FIX_ALL = "source.fixAll.fmlint"
QUICKFIX = plain(types.CodeActionKind.QuickFix)
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL]


@dataclass(frozen=True)
class Target:
    """The document the actions edit."""

    uri: str
    version: int | None
    versioned: bool  # the client takes ``documentChanges`` (edits tied to a version)


def wanted(kind: str, only: Iterable[str] | None) -> bool:
    """Whether a client's ``only`` filter admits ``kind`` (kinds are dot-separated)."""
    if not only:
        return True
    return any(kind == plain(o) or kind.startswith(f"{plain(o)}.") for o in only)


def code_actions(snapshot: Snapshot, positions: Positions, target: Target,
                 request: types.Range, only: Iterable[str] | None) -> list[types.CodeAction]:
    """Quick fixes and suppressions for the findings touching ``request``, then "fix all"."""
    only = [plain(o) for o in only or []]
    actions: list[types.CodeAction] = []
    if wanted(QUICKFIX, only):
        touching = [f for f in snapshot.findings
                    if _overlaps(finding_range(f, positions), request)]
        actions.extend(_fix(f, positions, target) for f in touching if f.fix and f.fix.edits)
        seen: set[tuple[str, int]] = set()
        for finding in touching:
            if (finding.code, finding.end_line) not in seen:
                seen.add((finding.code, finding.end_line))
                action = _suppress(finding, snapshot, positions, target)
                if action is not None:
                    actions.append(action)
    if wanted(FIX_ALL, only) and any(
            f.fix and f.fix.applicability == "safe" for f in snapshot.findings):
        edits = text_edits(snapshot.text, snapshot.fixed_text(), positions)
        if edits:
            actions.append(types.CodeAction(title="Fix all safe problems (fmlint)",
                                            kind=FIX_ALL, edit=_edit(target, edits)))
    return actions


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return p.line, p.character

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def _edit(target: Target, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    if target.versioned:
        document = types.OptionalVersionedTextDocumentIdentifier(uri=target.uri,
                                                                 version=target.version)
        return types.WorkspaceEdit(document_changes=[
            types.TextDocumentEdit(text_document=document, edits=list(edits))])
    return types.WorkspaceEdit(changes={target.uri: list(edits)})


def _fix(finding: Finding, positions: Positions, target: Target) -> types.CodeAction:
    assert finding.fix is not None
    safe = finding.fix.applicability == "safe"
    edits = [types.TextEdit(range=positions.range(e.line, e.column, e.end_line, e.end_column),
                            new_text=e.content) for e in finding.fix.edits]
    return types.CodeAction(
        title=f"Fix: {finding.fix.message}" + ("" if safe else " (unsafe)"),
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(finding, positions)],
        is_preferred=safe or None,
        edit=_edit(target, edits),
    )


def _suppress(finding: Finding, snapshot: Snapshot, positions: Positions,
              target: Target) -> types.CodeAction | None:
    new_text, added, _skipped = add_ignores(snapshot.text, [finding])
    if not added or new_text == snapshot.text:
        return None
    whole_file = LineIndex(new_text).line_count > positions.index.line_count
    return types.CodeAction(
        title=f"Suppress {finding.code} " + ("in this file" if whole_file else "on this line"),
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(finding, positions)],
        edit=_edit(target, text_edits(snapshot.text, new_text, positions)),
    )
