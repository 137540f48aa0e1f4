"""References between records (``x-fmlint-ref``) and values unique across records
(``x-fmlint-unique``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..checks import urlparts
from ..schema.annotate import Reference
from .context import Context, IndexEntry
from .finding import Finding
from .registry import RULES, rule

GROUP = "records"
BROKEN = "FM208"
DUPLICATE = "FM209"
_ITEM = re.compile(r"/\d+(?=/|$)")  # an item's index in a pointer
_SEPARATORS = re.compile(r"[\s_-]+")
_SUBSTITUTED_FROM = 10  # length from which one letter for another is taken for a typo


def _near_miss(name: str, names: frozenset[str]) -> str | None:
    """The existing name ``name`` most likely misspells: the same but for case or
    separators (`Model driven apps`), else one a single typo away (a letter left out,
    added or two swapped; one letter for another only in a long name: `crn.com` is not
    `cnn.com`)."""
    folded = _SEPARATORS.sub("-", name.casefold())
    for candidate in sorted(names):
        if _SEPARATORS.sub("-", candidate.casefold()) == folded:
            return candidate
    for candidate in sorted(names):
        if len(name) >= 4 and _one_typo(name, candidate):
            return candidate
    return None


def _one_typo(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one letter left out, added, or two neighbours swapped
    (or, in a long name, one letter replaced)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) != len(b):
        short, long_ = (a, b) if len(a) < len(b) else (b, a)
        return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))
    diffs = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
        i = diffs[0]
        return a[i] == b[i + 1] and a[i + 1] == b[i]
    return len(diffs) == 1 and len(a) >= _SUBSTITUTED_FROM


def _names(ctx: Context, pointer: str) -> Iterator[tuple[str, str]]:
    """(pointer, name) of the string, or each string of the list, at ``pointer``."""
    value = ctx.value(pointer)
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield f"{pointer}/{i}", item


def _target(ref: Reference) -> str:
    """The collection a reference names, in words."""
    by = {"filename": "file name", "slug": "slug"}.get(ref.by, f"'{ref.key}' or file name")
    return f"the {by} of a record in {ref.files}"


@rule(BROKEN, "broken-reference", severity="error", group=GROUP,
      summary="A value that should name another record (x-fmlint-ref) names none.")
def broken_reference(ctx: Context) -> Iterator[Finding]:
    """
    A value the schema marks `x-fmlint-ref` names another record: a related article by its
    slug, a topic defined in `_data/topics`, an organization by its file name. When no
    record of that collection goes by the name, the link leads nowhere (a missing page, a
    topic with no page, an empty related box). The finding names the closest existing name
    when there is a real near miss (`leadrship` for `leadership`).

    ```json
    "related": {"type": "array", "items": {"type": "string",
                "x-fmlint-ref": {"files": "./*.md", "by": "name", "key": "class"}}}
    ```

    `files` is a glob from the site's root (the folder of `_config.yml`, else of the
    configuration), or from the record's own folder when it starts with `./` (each
    language folder of a translated site on its own); `by` says what names each record:
    `slug` (the default: the file name without extension or `YYYY-MM-DD-` date),
    `filename` (the file name, with or without extension) or `name` (the file name without
    extension, or the value of `key`, by default `name`, in the file's front matter or
    data: the `name:` of each `_data/topics/*.yaml`).

    The names are read from the file system, not from the records of the run, so checking
    one file (pre-commit, an editor) gives the same answer as checking the whole site.
    """
    if ctx.names is None:
        return
    known: dict[Reference, frozenset[str] | None] = {}
    for pointer, ref in ctx.notes.refs.items():
        if ref not in known:
            known[ref] = ctx.names(ref, ctx.path)
        names = known[ref]
        if names is None:
            continue
        for where, name in _names(ctx, pointer):
            if name in names:
                continue
            shown = f"{ctx.where(where)} '{urlparts.shorten(name, 120)}' names no record"
            if not names:
                yield ctx.report(where, f"{shown}: nothing in {ref.files} has a name to "
                                 "give (is the schema's x-fmlint-ref right?)")
                continue
            hint = _near_miss(name, names)
            tail = f"; did you mean '{hint}'?" if hint else ""
            yield ctx.report(where, f"{shown}: it is not {_target(ref)}{tail}")


def _duplicates(entries: list[IndexEntry]) -> Iterator[Finding]:
    """A finding at each record's value that another record's value repeats."""
    by_key: dict[str, list[IndexEntry]] = {}
    for entry in entries:
        by_key.setdefault(entry.key, []).append(entry)
    rule_ = RULES[DUPLICATE]
    for key, group in by_key.items():
        if len({e.path for e in group}) < 2:
            continue
        value = key.split("\0", 1)[1]
        for entry in group:
            others = [o for o in group if o.path != entry.path]
            named = "; ".join(f"{o.path}:{o.line}" for o in others[:3])
            more = f" and {len(others) - 3} more" if len(others) > 3 else ""
            yield Finding(entry.path, entry.line, entry.column, entry.end_line,
                          entry.end_column, DUPLICATE, rule_.name, rule_.severity,  # type: ignore
                          f"{entry.label} '{urlparts.shorten(value, 200)}' must be unique, "
                          f"but is also in {named}{more}", entry.pointer)


@rule(DUPLICATE, "duplicate-value", severity="error", group=GROUP, finalize=_duplicates,
      summary="Two records share a value that must be unique (x-fmlint-unique).")
def duplicate_value(ctx: Context) -> Iterator[Finding]:
    """
    A value the schema marks `"x-fmlint-unique": true` (a slug, a permalink, an id) must
    not be the same in two records: two pages would be built at one address, or a reference
    by it would be ambiguous. Each record gets a finding naming the other file and line.
    Values are compared at the same place (`permalink` with `permalink`; items of a list
    with the items of that list in other records) across the records of the run.

    This rule needs all the records of a run: check the whole folder, not one file.
    """
    for pointer in ctx.notes.unique:
        for where, value in _names(ctx, pointer):
            place = _ITEM.sub("/*", pointer)
            ctx.add_entry(f"{place}\0{value}", where, ctx.where(pointer))
    return iter(())
