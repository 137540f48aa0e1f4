"""A file's stored result as JSON, and what a stored result must be: a damaged or
hand-edited row is not a result (never pickle: the cache folder sits in the checked
repository)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from ..engine.lint import FileResult
from ..engine.suppress import Directive, Suppressions
from ..rules.context import IndexEntry
from ..rules.finding import SEVERITY_RANK, Edit, Finding, Fix


def encode(path: str, result: FileResult, deps: dict[str, list[int] | None]) -> bytes:
    """A file's result as JSON: its findings (their source lines once per line), index
    entries, suppressions, the stamps of the files it read, and its records without a
    schema."""
    lines: dict[int, str] = {}
    findings = []
    for finding in result.findings:
        item = finding.to_dict()
        del item["path"]
        findings.append(item)
        if finding.source is not None:
            lines[finding.line] = finding.source
    entries = [[e.code, e.key, e.line, e.column, e.end_line, e.end_column, e.pointer, e.label,
                *([e.path] if e.path != path else [])] for e in result.entries]
    sup = result.suppressions
    data = {
        "findings": findings,
        "lines": lines,
        "entries": entries,
        "suppressions": None if sup is None else [
            [[d.line, d.column, d.end_column, d.whole_file, d.codes, d.last_line]
             for d in sup.directives],
            sup.problems],
        "deps": deps,
        "no_schema": result.no_schema,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "surrogatepass")


def decode(path: str, blob: bytes) -> tuple[FileResult, dict[str, list[int] | None]]:
    """The result ``encode`` wrote for ``path``, and the stamps of the files it read.
    Raises ValueError (or KeyError, TypeError) for anything else."""
    data = json.loads(blob.decode("utf-8", "surrogatepass"))
    lines, deps, no_schema, sup = (data["lines"], data["deps"], data["no_schema"],
                                   data["suppressions"])
    if not (_deps_ok(deps) and type(no_schema) is int and no_schema >= 0
            and type(lines) is dict and _strings(*lines.values())
            and _suppressions_ok(sup)):
        raise TypeError("not a stored result")
    findings = [_finding(path, item, lines) for item in data["findings"]]
    entries = [_entry(path, item) for item in data["entries"]]
    result = FileResult(
        findings, entries, no_schema=no_schema,
        suppressions=None if sup is None or sup == [[], []] else Suppressions(
            [Directive(line, col, end, whole, dict(codes), last_line=last)
             for line, col, end, whole, codes, last in sup[0]],
            [tuple(p) for p in sup[1]],
        ),
    )
    return result, deps


def _finding(path: str, item: dict[str, Any], lines: dict[str, str]) -> Finding:
    """A stored finding (``Finding.to_dict`` without its path), with its source line."""
    fix = item["fix"]
    if not (_ints(item["line"], item["column"], item["end_line"], item["end_column"])
            and _strings(item["code"], item["rule"], item["message"])
            and item["severity"] in SEVERITY_RANK
            and (item["pointer"] is None or type(item["pointer"]) is str)
            and (fix is None or _fix_ok(fix))):
        raise TypeError("not a stored finding")
    return Finding(
        path, item["line"], item["column"], item["end_line"], item["end_column"],
        sys.intern(item["code"]), sys.intern(item["rule"]), item["severity"],
        item["message"], item["pointer"],
        None if fix is None else Fix(fix["applicability"], fix["message"], tuple(
            Edit(e["line"], e["column"], e["end_line"], e["end_column"], e["content"])
            for e in fix["edits"])),
        lines.get(str(item["line"])))


def _entry(path: str, item: list[Any]) -> IndexEntry:
    """A stored index entry: [code, key, line, column, end line, end column, pointer,
    label], and the path of the file it is about when that is another."""
    code, key, line, column, end_line, end_column, pointer, label, *elsewhere = item
    if not (type(code) is str and type(key) is str and type(pointer) is str
            and type(label) is str and type(line) is int and type(column) is int
            and type(end_line) is int and type(end_column) is int
            and (elsewhere == [] or (len(elsewhere) == 1 and type(elsewhere[0]) is str))):
        raise TypeError("not a stored index entry")
    return IndexEntry(sys.intern(code), key, elsewhere[0] if elsewhere else path, line, column,
                      end_line, end_column, sys.intern(pointer), sys.intern(label))


# What a stored result's parts must be: a damaged or hand-edited row is not a result.


def _ints(*values: Any) -> bool:
    return all(type(v) is int for v in values)


def _strings(*values: Any) -> bool:
    return all(type(v) is str for v in values)


def _list_of(value: Any, item_ok: Callable[[Any], bool]) -> bool:
    return type(value) is list and all(item_ok(item) for item in value)


def _fix_ok(fix: Any) -> bool:
    return (type(fix) is dict and fix.get("applicability") in ("safe", "unsafe")
            and type(fix.get("message")) is str and _list_of(fix.get("edits"), lambda e: (
                type(e) is dict and _ints(e["line"], e["column"], e["end_line"],
                                          e["end_column"]) and type(e["content"]) is str)))


def _suppressions_ok(sup: Any) -> bool:
    return sup is None or (
        type(sup) is list and len(sup) == 2
        and _list_of(sup[0], lambda d: (
            type(d) is list and len(d) == 6 and _ints(d[0], d[1], d[2], d[5])
            and type(d[3]) is bool and type(d[4]) is dict and _strings(*d[4], *d[4].values())))
        and _list_of(sup[1], lambda p: (
            type(p) is list and len(p) == 4 and _ints(*p[:3]) and type(p[3]) is str)))


def _deps_ok(deps: Any) -> bool:
    return type(deps) is dict and all(_stamp_ok(stamp) for stamp in deps.values())


def _stamp_ok(stamp: Any) -> bool:
    return stamp is None or (type(stamp) is list and len(stamp) == 2 and _ints(*stamp))
