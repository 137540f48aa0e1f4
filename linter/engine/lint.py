"""The pure core: text in, findings out."""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from itertools import groupby
from typing import Any

from ..reading import defaults, recordfile, source
from ..rules.context import Context, ImageSizer, IndexEntry, NameLookup, Site
from ..rules.core import DEFAULTS_VALUE
from ..rules.finding import Finding, Fix
from ..rules.registry import RULES, RecordCheck, Rule, load_all
from ..schema import explain, validation, valuenotes
from ..schema.annotate import Annotations
from ..schema.shipped import SchemaSource
from . import suppress
from .config import Config
from .schemachoice import BUILTINS, schema_of, walker

# Codes of the checks the engine itself makes (registered in rules/core.py).
NO_FRONT_MATTER = "FM001"
UNTERMINATED = "FM002"
ENCODING = "FM003"
YAML_SYNTAX = "FM004"
DUPLICATE_KEY = "FM005"
YAML_LIMITS = "FM006"
YAML_TAG = "FM007"
YAML_KEY = "FM008"
INTERNAL = "FM009"
SCHEMA = "FM010"
UNKNOWN_KEY = "FM011"
MISSING_KEY = "FM012"
FORMAT = "FM013"
SCHEMA_ERROR = "FM014"
EXTRA_KEY = "FM018"

_YAML_KINDS = {
    "syntax": YAML_SYNTAX,
    "duplicate-key": DUPLICATE_KEY,
    "limits": YAML_LIMITS,
    "tag": YAML_TAG,
    "key": YAML_KEY,
}
_SCHEMA_KINDS = {
    "schema": SCHEMA,
    "unknown-key": UNKNOWN_KEY,
    "extra-key": EXTRA_KEY,
    "missing-key": MISSING_KEY,
    "format": FORMAT,
}


class FileResult:
    """Everything one file gives: its findings and its keys for checks across records."""

    __slots__ = ("deps", "entries", "findings", "no_schema", "suppressions")

    def __init__(self, findings: list[Finding] | None = None,
                 entries: list[IndexEntry] | None = None,
                 suppressions: suppress.Suppressions | None = None,
                 deps: list[str] | None = None, no_schema: int = 0) -> None:
        self.findings: list[Finding] = [] if findings is None else findings
        self.entries: list[IndexEntry] = [] if entries is None else entries
        self.suppressions = suppressions
        self.deps: list[str] = [] if deps is None else deps  # other files the result depends on
        self.no_schema = no_schema  # records no schema described (linted from their values alone)


def _finding(code: str, path: str | None, message: str, config: Config,
             position: tuple[int, int, int, int] = (1, 1, 1, 1),
             pointer: str | None = None) -> Finding:
    rule = RULES[code]
    line, column, end_line, end_column = position
    return Finding(path, line, column, end_line, end_column, code, rule.name,
                   config.severity_of(rule), message, pointer)


def check_bytes(data: bytes, path: str | None, config: Config, *, site: Site | None = None,
                image_sizer: ImageSizer | None = None, names: NameLookup | None = None,
                schemas: SchemaSource | None = None) -> FileResult:
    """Check a file's bytes; undecodable bytes are a finding, not an exception."""
    load_all()
    try:
        text, _bom = source.decode(data)
    except source.DecodeError as err:
        position = (err.line, err.column, err.line, err.column + 1)
        return _finish(FileResult([_finding(ENCODING, path, err.message, config, position)]),
                       path, config)
    return check_text(text, path, config, site=site, image_sizer=image_sizer, names=names,
                      decoded=True, schemas=schemas)


def check_text(text: str, path: str | None, config: Config, *, site: Site | None = None,
               image_sizer: ImageSizer | None = None, names: NameLookup | None = None,
               decoded: bool = False, schemas: SchemaSource | None = None) -> FileResult:
    """Check one record's text (without BOM). Never raises on bad input. ``decoded``: the
    text was decoded from UTF-8 (so it holds no lone surrogate). ``names``: the names of
    the records values may name (without it, references are not checked). ``schemas``:
    where schemas come from (a workspace's; without it, the built-in ones)."""
    load_all()
    if not decoded and not text.isascii() and source.LONE_SURROGATE.search(text):
        # Lone surrogates (from a buffer, never from decoded UTF-8) cannot be parsed; the
        # replacement keeps every position where it was.
        text = source.LONE_SURROGATE.sub("\ufffd", text)
    try:
        return _lint_text(text, path, config, site or Site(), image_sizer, names,
                           schemas or BUILTINS)
    except Exception as err:  # a bug in fmlint must not stop the run
        message = (f"internal error while checking this file: {type(err).__name__}: {err} "
                   f"({_raised_at(err, function=True)}); please report it")
        return FileResult([_finding(INTERNAL, path, message, config)])


def _lint_text(text: str, path: str | None, config: Config, site: Site,
                image_sizer: ImageSizer | None, names: NameLookup | None,
                schemas: SchemaSource) -> FileResult:
    result = FileResult()
    try:
        read = recordfile.read(text, path)
    except source.SplitError as err:
        code = NO_FRONT_MATTER if err.kind == "missing" else UNTERMINATED
        width = min(3, len(source.LineIndex(text).line_text(1)))  # '---', or what line 1 has
        result.findings.append(_finding(code, path, err.message, config, (1, 1, 1, width + 1)))
        return _finish(result, path, config)
    index = source.LineIndex(text)
    doc = read.doc
    result.suppressions = suppress.parse(text, doc, read.front.end)

    def at(start: int, end: int) -> tuple[int, int, int, int]:
        line, column = index.position(start)
        end_line, end_column = index.position(max(end, start + 1) if end <= len(text) else start)
        return line, column, end_line, end_column

    kinds = {**_YAML_KINDS, "syntax": recordfile.SYNTAX_CODES[read.front.format]}
    for problem in doc.problems:
        start, end = problem.start, problem.end
        span = doc.spans.get(problem.pointer or "\0")
        if problem.kind == "duplicate-key" and span is not None and span.key_start is not None:
            start, end = span.key_start, span.key_end or span.key_start
        result.findings.append(_finding(kinds[problem.kind], path, problem.message, config,
                                        at(start, end), problem.pointer))
    record = doc.record
    if record is None and doc.problems:  # (unreadable: the problems say why)
        return _finish(result, path, config)
    if not read.data and not isinstance(record, dict):  # (``~``, a word, a list: no record)
        result.findings.append(_finding(
            SCHEMA, path, "the front matter must be a mapping of keys to values "
            f"('key: value' lines), but it is {explain.describe(record)}", config,
            at(0, 3), ""))
        return _finish(result, path, config)
    for prefix, record, spans in read.records():
        context = Context(path=path, record=record, notes=Annotations(), config=config,
                          now=config.now or datetime.now(UTC), text=text, spans=spans,
                          index=index, image_sizer=image_sizer, site=site, render=read.render,
                          names=names)
        first = len(result.findings), len(result.entries)
        _lint_record(context, result, schemas, None if prefix else doc.values)
        if prefix:
            _move_under(result, prefix, *first)
    return _finish(result, path, config)


def _move_under(result: FileResult, prefix: str, findings: int, entries: int) -> None:
    """Name the findings and entries from ``findings`` and ``entries`` on by their place in
    the whole file: under ``prefix``, the pointer of their record in a data file's list."""
    result.findings[findings:] = [
        dataclasses.replace(f, pointer=prefix + f.pointer) if f.pointer is not None else f
        for f in result.findings[findings:]]
    for entry in result.entries[entries:]:
        entry.pointer = prefix + entry.pointer


def check_record(record: Any, config: Config | None = None, *, path: str | None = None,
                 schemas: SchemaSource | None = None) -> list[Finding]:
    """Check an already-parsed record (a dict) against its schema and the rules; no file.

    Positions are 1:1 (there is no source); each finding's ``pointer`` names the value.
    """
    load_all()
    config = config or Config()
    record = dict(record) if isinstance(record, dict) else record
    context = Context(path=path, record=record, notes=Annotations(), config=config,
                      now=config.now or datetime.now(UTC))
    result = FileResult()
    _lint_record(context, result, schemas or BUILTINS)
    return _finish(result, path, config).findings


def _lint_record(context: Context, result: FileResult, schemas: SchemaSource,
         values: dict[str, Any] | None = None) -> None:
    """Check ``context``'s record against its schema and the rules, into ``result``;
    ``values``: every value by pointer, as the YAML reader listed them (``Document.values``)."""
    config = context.config
    path = context.path
    enabled = config.enabled()
    try:
        schema, described = schema_of(context.record, path, config, context.site.root,
                                      schemas)
    except validation.SchemaError as err:
        result.findings.append(_finding(SCHEMA_ERROR, path, str(err), config, pointer=""))
        return
    result.no_schema += not described
    result.deps.extend(schema.files)
    rendered = defaults.applied(context.record, context.site)  # as the generator renders it
    for problem in schema.problems(rendered):
        code = _SCHEMA_KINDS[problem.kind]
        if not defaults.own(context.record, problem.pointer):
            if DEFAULTS_VALUE in enabled and problem.kind != "extra-key":
                # (a key the schema does not list is one the generator itself reads, such
                # as `layout`, more often than not)
                _from_defaults(context, problem.pointer, problem.message)
            continue
        if code not in enabled:
            continue
        context.rule = RULES[code]
        result.findings.append(context.report(problem.pointer, problem.message,
                                              key=problem.at_key,
                                              fix=_schema_fix(context, problem)))
    if values is not None and "/$schema" in values:
        # ``SchemaSource.declared`` took $schema out of the record: out of its values too
        for pointer in [p for p in values if p == "/$schema" or p.startswith("/$schema/")]:
            del values[pointer]
    context.notes = valuenotes.complete(walker(schema).annotate(context.record, values),
                                        context.raw)
    for rule, check in _checks(enabled):
        context.rule = rule
        try:
            result.findings.extend(check(context))
        except Exception as err:  # one broken rule must not hide the others
            result.findings.append(_finding(
                INTERNAL, path, f"internal error in rule {rule.code} {rule.name}: "
                f"{type(err).__name__}: {err} ({_raised_at(err)}); please report it", config))
    result.entries.extend(context.entries)
    context.rule = None


def _raised_at(err: Exception, function: bool = False) -> str:
    """``at file.py:line`` (with ``function``: ``at name, file.py:line``) where ``err`` was
    raised."""
    import traceback  # (only for an internal error)

    where = traceback.extract_tb(err.__traceback__)[-1]
    name = f"{where.name}, " if function else ""
    return f"at {name}{where.filename.rsplit('/', 1)[-1]}:{where.lineno}"


@lru_cache(maxsize=16)
def _checks(enabled: frozenset[str]) -> tuple[tuple[Rule, RecordCheck], ...]:
    """The enabled rules that check each record, with their checks, in code order."""
    return tuple((RULES[code], check) for code in sorted(enabled)
                 if (check := RULES[code].check) is not None)


def _supersede(findings: list[Finding]) -> list[Finding]:
    """Drop a generic schema finding where a more specific rule reported the same value."""
    replaced = {
        (code, f.pointer) for f in findings if f.pointer is not None
        for code in RULES[f.code].replaces
    }
    if not replaced:
        return findings
    return [f for f in findings if (f.code, f.pointer) not in replaced]


# When fixes of several rules would rewrite the same text, the more specific repair goes
# first: undoing a wrong decoding, then decoding entities, removing invisible characters,
# normalising, and last tidying whitespace. Each later one would destroy what an earlier one
# repairs (a mis-decoded '…' reads as U+0085, which whitespace trimming drops).
FIX_PRECEDENCE = ("FM101", "FM102", "FM104", "FM106", "FM105")
_FIX_RANK = {code: rank for rank, code in enumerate(FIX_PRECEDENCE)}


def _defer_fixes(findings: list[Finding]) -> list[Finding]:
    """Take the fix off a finding where a rule before it in ``FIX_PRECEDENCE`` has a fix
    over the same text, safe or not: it comes back once that fix is applied."""
    if len(findings) < 2:
        return findings
    ranked = sorted((_FIX_RANK[f.code], n) for n, f in enumerate(findings)
                    if f.fix is not None and f.code in _FIX_RANK)
    if len({rank for rank, _n in ranked}) < 2:
        return findings
    from ..fixer.apply import merged, overlaps

    def spans(finding: Finding) -> list[tuple[int, int]]:
        assert finding.fix is not None
        return [((e.line << 32) + e.column, (e.end_line << 32) + e.end_column)
                for e in finding.fix.edits]

    out = list(findings)
    claimed: list[tuple[int, int]] = []  # the text the fixes of earlier ranks rewrite
    for _rank, group in groupby(ranked, key=lambda pair: pair[0]):
        numbers = [n for _r, n in group]
        for n in numbers:
            if any(overlaps(claimed, a, b) for a, b in spans(findings[n])):
                out[n] = dataclasses.replace(findings[n], fix=None)
        claimed = merged([*claimed, *(s for n in numbers for s in spans(findings[n]))])
    return out


def _finish(result: FileResult, path: str | None, config: Config) -> FileResult:
    ignored = config.ignored_for(path)
    enabled = config.enabled() - ignored if ignored else config.enabled()
    findings = [f for f in result.findings if f.code in enabled or f.code == INTERNAL]
    findings = _supersede(findings)
    if result.suppressions is not None:
        findings = suppress.apply(findings, result.suppressions, path, config)
    findings = _defer_fixes(findings)
    findings.sort(key=Finding.sort_key)
    result.findings = findings
    return result


def _schema_fix(context: Context, problem: explain.SchemaProblem) -> Fix | None:
    """The fix of a schema finding, if it has one (the fixer is loaded for the few that do)."""
    if problem.repair is None:
        return None
    from ..fixer import schemafix

    return schemafix.fix_for(context, problem)


def _from_defaults(context: Context, pointer: str, message: str) -> None:
    """A schema problem in a value the site's defaults give the record: an entry for the
    check across records, which reports it once, where the defaults write the value."""
    scope = defaults.supplier(context.record, context.site, pointer)
    place = None if scope is None else defaults.place(scope, pointer)
    if scope is None or place is None:
        return
    context.entries.append(IndexEntry(DEFAULTS_VALUE, message, _site_file(context, scope.file),
                                      *place, scope.base + pointer, context.path or ""))


def _site_file(context: Context, name: str) -> str:
    """``name`` (a file at the site's root) as seen from where the record's path is: the
    record's folder, then up as many folders as the record lies below the root."""
    path, relative = context.path or "", context.site.relative or ""
    up = [".."] * relative.count("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), *up, name))


def finalize(entries: Iterable[IndexEntry], config: Config,
             suppressions: dict[str, suppress.Suppressions] | None = None) -> list[Finding]:
    """Checks across records (e.g. duplicate stories) from every file's index entries.

    Entries may arrive in any order (parallel workers, the cache): each rule sees them sorted
    by file and place, so its findings do not depend on the order.
    """
    load_all()
    enabled = config.enabled()
    by_code: dict[str, list[IndexEntry]] = {}
    for entry in entries:
        by_code.setdefault(entry.code, []).append(entry)
    out: list[Finding] = []
    for code, group in sorted(by_code.items()):
        group.sort(key=lambda e: (e.path or "", e.line, e.column, e.pointer))
        rule: Rule = RULES[code]
        if code in enabled and rule.finalize is not None:
            for finding in rule.finalize(group):
                sup = (suppressions or {}).get(finding.path or "")
                if finding.code in config.ignored_for(finding.path) or (
                    sup is not None and sup.covers(finding)
                ):
                    continue
                out.append(dataclasses.replace(finding, severity=config.severity_of(rule)))
    return out
