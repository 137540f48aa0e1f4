"""The pure core: text in, findings out."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import groupby
from typing import Any

from ..fixer import schemafix
from ..reading import defaults, recordfile, source
from ..reading.lazyre import compile_later
from ..rules.context import Context, ImageSizer, IndexEntry, NameLookup, Site
from ..rules.finding import Finding
from ..rules.registry import RULES, Rule, load_all
from ..schema import validation as schemas
from ..schema import valuenotes
from ..schema.annotate import Annotations, Walker
from . import suppress
from .config import Config

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
_walkers: dict[str, Walker] = {}
_matchers: dict[str, Callable[[Any], bool]] = {}  # built-in schema -> recognises a record
NO_SCHEMA = "any"  # the built-in schema of records no schema describes
_MAX_WALKERS = 16
_SURROGATE = compile_later("[\ud800-\udfff]")


@dataclass(slots=True)
class FileResult:
    """Everything one file gives: its findings and its keys for checks across records."""

    findings: list[Finding] = field(default_factory=list)
    entries: list[IndexEntry] = field(default_factory=list)
    suppressions: suppress.Suppressions | None = None
    deps: list[str] = field(default_factory=list)  # other files the result depends on
    no_schema: int = 0  # records no schema described (linted from their values alone)


def _finding(code: str, path: str | None, message: str, config: Config,
             position: tuple[int, int, int, int] = (1, 1, 1, 1),
             pointer: str | None = None) -> Finding:
    rule = RULES[code]
    line, column, end_line, end_column = position
    return Finding(path, line, column, end_line, end_column, code, rule.name,
                   config.severity_of(rule), message, pointer)  # type: ignore[arg-type]


def walker(schema: schemas.Schema) -> Walker:
    """The annotation walker of ``schema`` (one per schema text, shared by its records)."""
    found = _walkers.get(schema.digest)
    if found is None:
        if len(_walkers) >= _MAX_WALKERS:  # (a long-running editor session sees schemas change)
            _walkers.clear()
        found = _walkers[schema.digest] = Walker(schema.document, schema.resources,
                                                 schema.base_uri)
    return found


def prepare(config: Config) -> None:
    """Load what checking needs (rules, the default schema, its validators, the text rules'
    library) up front: before forking workers, so that they share it instead of each
    loading it."""
    load_all()
    from ..checks.text import import_ftfy

    import_ftfy()  # (the text rules import it on first use)

    try:
        walker(schemas.configured(config))
    except schemas.SchemaError:
        pass  # reported for each file


def annotate(record: dict[str, Any], path: str | None, config: Config) -> Annotations:
    """What the schema that applies to ``record`` says of each of its values (the record's
    own ``$schema``, else the configured one); raises ``schemas.SchemaError``."""
    schema, _described = schema_of(record, path, config)
    return valuenotes.complete(walker(schema).annotate(record), lambda _pointer: None)


def schema_of(record: Any, path: str | None, config: Config,
               site_root: str | None = None) -> tuple[schemas.Schema, bool]:
    """The record's own ``$schema`` (taken out of the record: ``schemas.declared``), else the
    configured schema, else a built-in one that recognises the record, else the built-in
    ``any``; and whether a schema described the record (False: ``any``). Raises
    ``schemas.SchemaError``."""
    own = schemas.declared(record, path, config, site_root)
    if own is not None:
        return own, True
    reference, chosen = config.schema_choice(path)
    described = chosen or _recognised(reference, record)
    return schemas.load(reference if described else NO_SCHEMA,
                        schemas.access_for(config)), described


def _recognised(reference: str, record: Any) -> bool:
    """Whether a built-in schema picked by default recognises ``record`` as one of its kind
    (its ``x-fmlint-match``, a JSON Schema of what such records look like)."""
    matcher = _matchers.get(reference)
    if matcher is None:
        try:
            pattern = schemas.load(reference).document.get("x-fmlint-match")
        except schemas.SchemaError:
            return True  # (the schema's own problem is reported where it is loaded)
        if isinstance(pattern, dict):
            matcher = _matchers[reference] = _matcher(pattern)
        else:
            matcher = _matchers[reference] = _anything
    return matcher(record)


def _matcher(pattern: dict) -> Callable[[Any], bool]:
    """Whether a record matches ``pattern``: by the compiled validator, or by jsonschema for
    values it cannot take (date objects, in its older releases)."""
    import jsonschema_rs

    fast = jsonschema_rs.validator_for(pattern)

    def matches(record: Any) -> bool:
        try:
            return bool(fast.is_valid(record))
        except Exception:
            from jsonschema import validators

            return bool(validators.validator_for(pattern)(pattern).is_valid(record))

    return matches


def _anything(_record: Any) -> bool:
    return True


def check_bytes(data: bytes, path: str | None, config: Config, *, site: Site | None = None,
                image_sizer: ImageSizer | None = None, names: NameLookup | None = None
                ) -> FileResult:
    """Check a file's bytes; undecodable bytes are a finding, not an exception."""
    load_all()
    try:
        text, _bom = source.decode(data)
    except source.DecodeError as err:
        position = (err.line, err.column, err.line, err.column + 1)
        return _finish(FileResult([_finding(ENCODING, path, err.message, config, position)]),
                       path, config)
    return check_text(text, path, config, site=site, image_sizer=image_sizer, names=names,
                      decoded=True)


def check_text(text: str, path: str | None, config: Config, *, site: Site | None = None,
               image_sizer: ImageSizer | None = None, names: NameLookup | None = None,
               decoded: bool = False) -> FileResult:
    """Check one record's text (without BOM). Never raises on bad input. ``decoded``: the
    text was decoded from UTF-8 (so it holds no lone surrogate). ``names``: the names of
    the records values may name (without it, references are not checked)."""
    load_all()
    if not decoded and not text.isascii() and _SURROGATE.search(text):
        # Lone surrogates (from a buffer, never from decoded UTF-8) cannot be parsed; the
        # replacement keeps every position where it was.
        text = _SURROGATE.sub("\ufffd", text)
    try:
        return _check_text(text, path, config, site or Site(), image_sizer, names)
    except Exception as err:  # a bug in fmlint must not stop the run
        message = (f"internal error while checking this file: {type(err).__name__}: {err} "
                   f"({_raised_at(err, function=True)}); please report it")
        return FileResult([_finding(INTERNAL, path, message, config)])


def _check_text(text: str, path: str | None, config: Config, site: Site,
                image_sizer: ImageSizer | None, names: NameLookup | None) -> FileResult:
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
            f"('key: value' lines), but it is {schemas.describe(record)}", config,
            at(0, 3), ""))
        return _finish(result, path, config)
    for prefix, record, spans in read.records():
        context = Context(path=path, record=record, notes=Annotations(), config=config,
                          now=config.now or datetime.now(UTC), text=text, spans=spans,
                          index=index, image_sizer=image_sizer, site=site, render=read.render,
                          names=names)
        first = len(result.findings), len(result.entries)
        _run(context, result, None if prefix else doc.values)
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


def check_record(record: Any, config: Config | None = None, *, path: str | None = None
                 ) -> list[Finding]:
    """Check an already-parsed record (a dict) against its schema and the rules; no file.

    Positions are 1:1 (there is no source); each finding's ``pointer`` names the value.
    """
    load_all()
    config = config or Config()
    record = dict(record) if isinstance(record, dict) else record
    context = Context(path=path, record=record, notes=Annotations(), config=config,
                      now=config.now or datetime.now(UTC))
    result = FileResult()
    _run(context, result)
    return _finish(result, path, config).findings


def _run(context: Context, result: FileResult, values: dict[str, Any] | None = None) -> None:
    """Check ``context``'s record against its schema and the rules, into ``result``;
    ``values``: every value by pointer, as the YAML reader listed them (``Document.values``)."""
    config = context.config
    path = context.path
    enabled = config.enabled()
    try:
        schema, described = schema_of(context.record, path, config, context.site.root)
    except schemas.SchemaError as err:
        result.findings.append(_finding(SCHEMA_ERROR, path, str(err), config, pointer=""))
        return
    result.no_schema += not described
    result.deps.extend(schema.files)
    rendered = defaults.applied(context.record, context.site)  # as the generator renders it
    for problem in schema.problems(rendered):
        code = _SCHEMA_KINDS[problem.kind]
        if code not in enabled or not defaults.own(context.record, problem.pointer):
            continue  # (a value the site's defaults supply is not linted)
        context.rule = RULES[code]
        result.findings.append(context.report(problem.pointer, problem.message,
                                              key=problem.at_key,
                                              fix=schemafix.fix_for(context, problem)))
    if values is not None and "/$schema" in values:
        # ``schemas.declared`` took $schema out of the record: out of the list of its values too
        for pointer in [p for p in values if p == "/$schema" or p.startswith("/$schema/")]:
            del values[pointer]
    context.notes = valuenotes.complete(walker(schema).annotate(context.record, values),
                                        context.raw)
    for rule in _checks(enabled):
        context.rule = rule
        try:
            result.findings.extend(rule.check(context))
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
def _checks(enabled: frozenset[str]) -> tuple[Rule, ...]:
    """The enabled rules that check each record, in code order."""
    return tuple(RULES[code] for code in sorted(enabled) if RULES[code].check is not None)


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
