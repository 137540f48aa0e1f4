"""Rules the engine itself reports: reading the file, the YAML, the schema, suppressions."""

from __future__ import annotations

from collections.abc import Iterator

from .context import IndexEntry
from .finding import Finding, Severity
from .registry import RULES, FixSafety, ProjectCheck, Rule, register

DEFAULTS_VALUE = "FM019"


def _core(code: str, name: str, severity: Severity, summary: str, doc: str, *,
          default_enabled: bool = True, fix: FixSafety | None = None,
          finalize: ProjectCheck | None = None) -> None:
    register(Rule(code=code, name=name, severity=severity, summary=summary,
                  doc=doc.strip(), default_enabled=default_enabled, group="core", fix=fix,
                  finalize=finalize))


def _defaults_values(entries: list[IndexEntry]) -> Iterator[Finding]:
    """One finding per value of the defaults and problem, however many records it reaches."""
    by_place: dict[tuple[str, int, int, str], list[IndexEntry]] = {}
    for entry in entries:
        by_place.setdefault((entry.path or "", entry.line, entry.column, entry.key),
                            []).append(entry)
    for group in by_place.values():
        first, records = group[0], sorted({entry.label for entry in group})
        reach = (f"the record {records[0]}" if len(records) == 1
                 else f"{len(records)} records, such as {records[0]}")
        rule = RULES[DEFAULTS_VALUE]
        yield Finding(first.path, first.line, first.column, first.end_line, first.end_column,
                      rule.code, rule.name, rule.severity,
                      f"{first.key} (a value these defaults give {reach})", first.pointer)


_core("FM001", "no-front-matter", "error", "The file has no front matter.", """
A record is a Markdown file whose first line is `---`, followed by YAML and a closing `---`
(or `...`); or `+++`, TOML and a closing `+++` (Hugo, Zola); or a JSON object that opens the
file (Hugo). A file without it is not a record: the site generator treats it as a plain page
and every field the templates expect is missing.

```markdown
# A title        <- no front matter
```

When fmlint walks a folder, a Markdown file with no front matter at all is taken for a plain
page (a README) and skipped, unless it sits in a folder whose name starts with `_` (a Jekyll
collection such as `_posts` or `_news`), where it is a broken record. A file named on the
command line is always checked.

No fix: fmlint cannot know what the record should say.
""")
_core("FM002", "unterminated-front-matter", "error", "The front matter never closes.", """
The first line opens the front matter with `---`, but no later line closes it with `---` or
`...`, so the whole file would be read as YAML, or, by most site generators, not as a record.

No fix: where the YAML ends is a guess.
""")
_core("FM003", "invalid-encoding", "error", "The file is not valid UTF-8.", """
Front matter must be UTF-8. The finding points at the first byte that is not, which usually
means the file was saved in another encoding (Windows-1252, Latin-1) or as UTF-16.

No fix: re-save the file as UTF-8 in an editor that shows the text correctly.
""")
_core("FM004", "yaml-syntax", "error", "The front matter is not valid YAML.", """
The YAML parser stopped at this line and column; the message says what it found, in plain words
where a common cause is known (a `: ` inside an unquoted value, tab indentation, an unclosed
quote).

```yaml
title: Power Apps: what's new   # a second ': ' starts a mapping; quote the value
```

No fix.
""")
_core("FM020", "toml-syntax", "error", "The front matter is not valid TOML.", """
TOML front matter (between `+++` lines, as Hugo and Zola write it) or a TOML data file that
TOML readers refuse: the finding points at the place the TOML reader stopped, and says why
(a string never closed, a key given twice, a value that is no TOML value).

```toml
title = Rust 1.88    # a string needs quotes: title = "Rust 1.88"
```

No fix: what was meant is a guess.
""")
_core("FM021", "json-syntax", "error", "The front matter is not valid JSON.", """
JSON front matter (an object opening the file, as Hugo reads it), a JSON data file or a line
of a JSON Lines file that JSON readers refuse: the finding points at the place the JSON
reader stopped, and says why (a missing comma, a trailing comma, a quote never closed).

No fix: what was meant is a guess.
""")
_core("FM005", "duplicate-key", "error", "A key appears twice in the same mapping.", """
PyYAML silently keeps the last value of a duplicated key; other YAML tools keep the first or
refuse the file. Either way one of the two values is lost. The finding is on the later key.

No fix: which value is right is for the author to say.
""")
_core("FM006", "yaml-limits", "error", "The front matter is too large, too deep or expands "
      "too much.", f"""
fmlint refuses front matter that could exhaust memory or time: more than
{2} MB of YAML, lists or mappings nested more than 100 deep, or aliases that expand to more than
100,000 values (a "billion laughs" document). Nothing past the limit is read.
""")
_core("FM007", "yaml-tag", "warning", "A YAML tag asks for a special type.", """
Tags such as `!!python/object` or `!custom` ask a YAML loader to build objects. fmlint reads
front matter as plain data only and ignores the tag; other tools may execute it or fail.
Remove the tag.

A standard tag on text that cannot have its type (`width: !!int wide`, `!!float` on nothing,
`!!bool maybe`) is reported too: PyYAML refuses such a value, and fmlint reads it as the
text it is.
""")
_core("FM008", "yaml-key", "error", "A key that is not a plain string.", """
A mapping key that is itself a list or a mapping (`? [a, b]: x`) cannot be a field name of a
record; merge keys (`<<`) need a mapping to merge.
""")
_core("FM009", "internal-error", "error", "fmlint failed on this file.", """
A bug in fmlint stopped one check on this file; the other files and checks still ran. Please
report the message together with the file.
""")
_core("FM010", "schema-violation", "error", "A value does not match the schema.", """
The record's schema (the built-in article schema, the one mapped to the file in the
configuration, or the record's own `$schema`) says what each field must be: its type, its
allowed values, its form. The message names the field, what was expected and what was found.

```yaml
width: "50"    # width should be a whole number, but it is the string "50"
```

Front matter that is not a mapping of keys at all (only `~`, a word, a list) is not a
record: it is reported here, on the opening `---` line.

Fix, where the value has one obvious repair, written in the old value's style:

- a value the schema's `enum` allows but for its case (`News` for `news`): safe, the
  author meant that value and only its spelling changes;
- a value that is a typo of exactly one allowed value (`articel` for `article`): unsafe, a
  typo can also be a different word;
- a value of the wrong type that reads one way only: the string `"89"` where a whole number
  is expected becomes `89`, `"true"` becomes `true`, a single string where a list of strings
  is expected becomes a list of that one string. Unsafe: the value's type, and so what the
  site's templates do with it, changes.
""", fix="sometimes")
_core("FM011", "unknown-key", "error", "A key the schema does not know, misspelt from one "
      "it does.", """
Records are closed: a key the schema does not list is ignored by the site. When the key is a
slip of exactly one key the schema lists, it is almost always a misspelling that silently
does nothing (`publishedDatetime` for `publishedDateTime`, `exerpt` for `excerpt`,
`published_date` for `publishedDate`), and the message says which. A slip is a difference of
case or separators (`_`, `-`), or a typo: one edit (a letter added, left out, changed, or two
swapped) for every four letters. Keys that merely share a stem (`categories` and `category`)
are not slips of each other.

Other keys the schema does not list are reported as FM018 (extra-key), a warning a site can
turn off on its own.

Fix (unsafe): rename the key to the one it is a slip of, keeping its value, comments and
place, where the mapping does not have that key already. Unsafe: the key may be meant for
something other than the schema (a template's own field).
""", fix="unsafe")
_core("FM012", "missing-key", "error", "A required key is missing.", """
The schema requires this key in every record of its kind. The finding is on the mapping that
lacks it (the record itself, or the key holding the nested mapping).

Fix (unsafe), where the schema gives the key a `default`: add `key: default` to the
mapping (TOML: `key = default` in its table; JSON: `"key": default`), at the place the
schema's order of keys puts it, indented and quoted as the other keys of the mapping; not
offered where the file's format cannot put it there (a TOML key after a table, a TOML
`null`). Unsafe: the default is the schema's guess, not what the author said.
""", fix="unsafe")
_core("FM018", "extra-key", "warning", "A key the schema does not list.", """
The schema does not list this key, and it is no slip of a key it lists. Site generators
ignore most such keys, or give them meanings of their own (Jekyll's `layout`, `permalink`,
`categories`, `tags`): a record may carry them on purpose. The message lists the keys the
schema allows there.

A warning: `ignore = ["FM018"]` turns it off for a site whose records carry keys of their
own; `severity = { FM018 = "error" }` makes records strictly closed. Misspelt keys are
FM011 (unknown-key), an error either way.

No fix: what the key is for is for the author to say.
""")
_core(DEFAULTS_VALUE, "defaults-value", "error",
      "A value the site's defaults give records does not fit their schema.", """
Site generators fill in keys a record does not write from site-wide defaults (Jekyll's
`defaults:` in `_config.yml`, Hugo's `cascade` in a section's `_index.md`): a wrong value
there is wrong in every record it reaches. The finding points at the value where the
defaults write it, once, and says how many records of the run it reaches and names one;
the records themselves are not reported for it.

```yaml
defaults:
  - scope: {path: "_articles"}
    values:
      image: cards/default.png   # <- the schema wants a path starting with /assets/
```

No fix: the defaults are the site's own settings. Values a record writes itself are checked
as the record's own (FM010 and the other schema rules), whatever the defaults say.
""", finalize=_defaults_values)
_core("FM013", "invalid-format", "error", "A value does not have the format the schema names.",
      """
The schema gives a `format` (`uri`, `uri-reference`, `date-time`, `duration`, `hostname`...)
and fmlint checks it for real. Where a more specific rule (URL, timestamp or domain rules)
reports the same value with a better message and a fix, this finding is left out.

No fix of its own: a value of the wrong form has no one right spelling that the format
names (the URL and timestamp rules fix what they can tell).
""")
_core("FM014", "schema-error", "error", "The schema itself cannot be used.", """
The schema named for this file cannot be read, is not JSON (or YAML, for a `.yaml`/`.yml`
file), or is not a valid JSON Schema; or fmlint will not read it: a record's `$schema` that
leads outside the project or to something other than a regular file, a schema URL on a host
the configuration's `schema-hosts` does not list, a `file:` URL. A `$ref` that leads nowhere
is reported here too, once for each file, naming the schema file and the reference.
""")
_core("FM901", "invalid-suppression", "warning", "A suppression comment names an unknown rule.",
      """
`# fmlint: ignore[...]` and `# fmlint: ignore-file[...]` take rule codes (`FM101`), code
prefixes (`FM1`) or rule names (`mojibake`). An unknown one silences nothing, which is
usually a typo.
""")
_core("FM902", "unused-suppression", "info", "A suppression comment silences nothing.", """
Off by default (select `FM902` to enable it). A suppression whose rule no longer reports
anything on that line can be removed.
""", default_enabled=False)
_core("FM015", "fix-rejected", "warning", "A fix was not applied because it would change "
      "more than its value.", """
Before writing, `--fix` parses the fixed text again and checks that every value no fix
targeted is unchanged. A fix that fails this check is dropped, and this finding says which.
""")
_core("FM016", "fix-limit", "warning", "Fixes kept producing new fixes.", """
`--fix` applies fixes in passes until nothing changes; after 10 passes it stops, writes what it
has, and reports this. It means two fixes undo each other: please report it.
""")
_core("FM017", "io-error", "error", "The file could not be read, or its fix not written.", """
The file is unreadable, or `--fix` did not write it: it is read-only, it is a symbolic link to
a file outside the checked folders, or it changed on disk while fmlint was checking it. The
original file is left as it was.
""")
