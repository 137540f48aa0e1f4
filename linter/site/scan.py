"""``fmlint init`` and ``fmlint schema infer``: a site's collections, their records read as
``fmlint check`` reads them, and the schemas and configuration inferred from them."""

from __future__ import annotations

import errno
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from typing import Any, NamedTuple, TextIO

from ..engine.config import Config
from ..reading import recordfile, source
from ..reading.yamldoc import Document
from ..schema import infer
from . import files, refnames

EXIT_CLEAN, EXIT_ERROR = 0, 2
CONFIG_NAMES = (".fmlint.toml", "fmlint.toml")
_HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.json", "config.toml", "config.yaml")
_SHOWN_SKIPS = 10  # unreadable files named one by one at most


class NotARecord(Exception):
    """A file that holds no record; ``page``: a plain page (no front matter, outside any
    ``_folder``), skipped without a word, as ``fmlint check`` skips it."""

    def __init__(self, message: str, page: bool = False) -> None:
        super().__init__(message)
        self.page = page


def read_record(path: str, roots: Iterable[str] | None = None) -> dict[str, Any]:
    """The record a file holds, read as ``fmlint check`` reads it; raises ``NotARecord``."""
    return read_document(path, roots)[1].record


def read_document(path: str, roots: Iterable[str] | None = None
                  ) -> tuple[str, Document]:
    """A file's text and the document of its record (a mapping, with where each value is
    written), read as ``fmlint check`` reads it; raises ``NotARecord``."""
    try:
        _info, data = files.read_whole(path, roots=roots)
        text, _bom = source.decode(data)
        doc = recordfile.read(text, path).doc
    except OSError as err:
        raise NotARecord(str(err) if isinstance(err, files.ReadRefused)
                         else f"cannot read it: {err.strerror or err}") from None
    except source.DecodeError as err:
        raise NotARecord(f"line {err.line}: {err.message}") from None
    except source.SplitError as err:
        folders = os.path.normpath(path).split(os.sep)[:-1]
        page = err.kind == "missing" and not any(p.startswith("_") for p in folders)
        raise NotARecord(err.message, page=page) from None
    if not isinstance(doc.record, dict):
        problem = doc.problems[0].message if doc.problems else "it is not a mapping of keys"
        line = source.LineIndex(text).position(doc.problems[0].start)[0] if doc.problems else 1
        raise NotARecord(f"line {line}: the front matter cannot be read: {problem}")
    return text, doc


class Records:
    """The records read under some paths, and the files that held none."""

    __slots__ = ("pages", "paths", "records", "skipped")

    def __init__(self, paths: list[str] | None = None, records: list[dict[str, Any]] | None = None,
                 skipped: list[tuple[str, str]] | None = None, pages: int = 0) -> None:
        self.paths = [] if paths is None else paths
        self.records = [] if records is None else records
        self.skipped = [] if skipped is None else skipped  # (path, why)
        self.pages = pages  # files without front matter outside '_' folders


def read_records(paths: list[str]) -> Records:
    """Every record in the Markdown files found under ``paths`` (walked as ``check`` walks)."""
    found = Records()
    roots = [p for p in paths if os.path.isdir(p)] or None
    for path in files.discover(paths, Config()):
        if recordfile.data_format(path) is not None:
            continue  # (data files: Markdown records only)
        try:
            record = read_record(path, roots)
        except NotARecord as err:
            if err.page:
                found.pages += 1
            else:
                found.skipped.append((path, str(err)))
            continue
        found.paths.append(path)
        found.records.append(record)
    return found


# -- collections --------------------------------------------------------------------------

class Collection:
    """A group of records sharing a schema: a Jekyll collection, a Hugo section..."""

    __slots__ = ("folder", "name", "paths", "records")

    def __init__(self, name: str, folder: str, paths: list[str] | None = None,
                 records: list[dict[str, Any]] | None = None) -> None:
        self.name = name
        self.folder = folder  # relative to the site, '/'-separated; "" for files at the top
        self.paths = [] if paths is None else paths  # relative to the site
        self.records = [] if records is None else records

    def globs(self) -> list[str]:
        if self.folder:
            return [f"{self.folder}/**"]
        return [f"/{path}" for path in self.paths]  # ('/': at the top only)


class Site(NamedTuple):
    """What tells a site's collections apart: its generator's folders."""

    jekyll: tuple[str, ...] | None = None  # declared collection names, for a Jekyll site
    collections_dir: str = ""
    hugo: bool = False
    astro: bool = False


def detect(root: str) -> Site:
    """The kind of site at ``root``: Jekyll (``_config.yml``), Hugo, Astro, or none."""
    for name in ("_config.yml", "_config.yaml"):
        path = os.path.join(root, name)
        if os.path.isfile(path):
            settings = _jekyll_settings(path)
            declared = settings.get("collections")
            names = tuple(str(n) for n in declared) if isinstance(declared, dict | list) else ()
            folder = settings.get("collections_dir")
            return Site(jekyll=names, collections_dir=folder.strip("/")
                        if isinstance(folder, str) else "")
    content = os.path.isdir(os.path.join(root, "content"))
    hugo = content and any(os.path.isfile(os.path.join(root, n)) for n in _HUGO_CONFIGS)
    return Site(hugo=hugo, astro=os.path.isdir(os.path.join(root, "src", "content")))


def _jekyll_settings(path: str) -> dict[str, Any]:
    """``_config.yml``'s settings; empty when it cannot be read (the folders still tell)."""
    import yaml

    try:
        settings = yaml.safe_load(files.read_whole(path)[1])
    except (OSError, yaml.YAMLError):
        return {}
    return settings if isinstance(settings, dict) else {}


def collection_of(relative: str, site: Site) -> tuple[str, str]:
    """The (name, folder) of the collection a record (path relative to the site) is in."""
    parts = relative.split("/")
    if site.jekyll is not None:
        base = site.collections_dir.split("/") if site.collections_dir else []
        top = parts[len(base)] if parts[:len(base)] == base and len(parts) > len(base) + 1 else None
        folder = "/".join([*base, top]) if top else ""
        if top in ("_posts", "_drafts"):
            return "posts", folder
        if top and top.startswith("_") and top[1:] in site.jekyll:
            return top[1:], folder
        if parts[0] == "_data" and len(parts) > 2:
            return parts[1], f"_data/{parts[1]}"
    if site.hugo and parts[0] == "content" and len(parts) > 2:
        return parts[1], f"content/{parts[1]}"
    if site.astro and parts[:2] == ["src", "content"] and len(parts) > 3:
        return parts[2], f"src/content/{parts[2]}"
    if len(parts) == 1:
        return "pages", ""
    return parts[0].lstrip("_") or parts[0], parts[0]


def group(root: str, found: Records, site: Site) -> list[Collection]:
    """The records grouped in collections; the deepest folders first (the first mapping
    whose globs match wins), the files at the top last."""
    by_folder: dict[str, Collection] = {}
    for path, record in zip(found.paths, found.records, strict=True):
        relative = os.path.relpath(path, root).replace(os.sep, "/")
        name, folder = collection_of(relative, site)
        collection = by_folder.setdefault(folder, Collection(name, folder))
        collection.paths.append(relative)
        collection.records.append(record)
    ordered = sorted(by_folder.values(),
                     key=lambda c: (not c.folder, -c.folder.count("/"), c.folder))
    taken: set[str] = set()
    for collection in ordered:
        name = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in collection.name)
        unique, n = name, 1
        while unique in taken:
            n += 1
            unique = f"{name}-{n}"
        collection.name = unique
        taken.add(unique)
    return ordered


# -- commands -----------------------------------------------------------------------------

def run_infer(paths: list[str], out: TextIO | None = None) -> int:
    """``fmlint schema infer``: one schema for every record under ``paths``, printed."""
    out = out or sys.stdout
    found = read_records(paths)
    _report_skipped(found)
    if not found.records:
        _no_records(found, " ".join(paths))
        return EXIT_ERROR
    out.write(_json(infer.infer(found.records)))
    return EXIT_CLEAN


def run_init(root: str, *, schema_dir: str = "schemas", dry_run: bool = False,
             force: bool = False, out: TextIO | None = None) -> int:
    """``fmlint init``: a schema per collection and the configuration mapping files to them."""
    out = out or sys.stdout
    if not os.path.isdir(root):
        sys.stderr.write(f"fmlint: {root} is not a folder\n")
        return EXIT_ERROR
    found = read_records([root])
    _report_skipped(found)
    if not found.records:
        _no_records(found, root)
        return EXIT_ERROR
    collections = group(root, found, detect(root))
    schemas = [infer.infer(c.records) for c in collections]
    refnames.propose(root, collections, schemas)
    writes = [(os.path.join(schema_dir, f"{c.name}.schema.json"), _json(schema))
              for c, schema in zip(collections, schemas, strict=True)]
    config_path, config_text, appended = _configuration(root, collections, writes)
    refusal = None if dry_run else _refusal(root, writes, config_path, appended, force)
    if refusal:
        sys.stderr.write(f"fmlint: {refusal}\n")
        return EXIT_ERROR
    writes.append((config_path, config_text))
    if not _write_all(root, writes, appended, dry_run=dry_run, force=force, out=out):
        return EXIT_ERROR
    _summarize(collections, schemas, out)
    return EXIT_CLEAN


def _refusal(root: str, writes: list[tuple[str, str]], config_path: str,
             appended: bytes | None, force: bool) -> str | None:
    """Why the files cannot be written as they are, or None."""
    if appended is not None:
        pyproject = os.path.join(root, config_path)
        try:
            import tomllib

            tool = tomllib.loads(appended.decode("utf-8")).get("tool", {})
        except (UnicodeDecodeError, ValueError) as err:  # (TOMLDecodeError is a ValueError)
            return f"{pyproject} is not valid TOML ({err}); not adding [tool.fmlint] to it"
        if isinstance(tool, dict) and "fmlint" in tool:
            return (f"{pyproject} already has [tool.fmlint]; not changing it (remove the "
                    "table and run 'fmlint init' again, or copy the mappings 'fmlint init "
                    "--dry-run' prints)")
    existing = [p for p, _text in writes if os.path.lexists(os.path.join(root, p))]
    if appended is None and os.path.lexists(os.path.join(root, config_path)):
        existing.append(config_path)
    if existing and not force:
        return ("not overwriting what is there already (--force overwrites it): "
                + ", ".join(os.path.normpath(os.path.join(root, p)) for p in existing))
    return None


def _write_all(root: str, writes: list[tuple[str, str]], appended: bytes | None, *,
               dry_run: bool, force: bool, out: TextIO) -> bool:
    """Write (or with ``dry_run``, print) each file in turn, the configuration last;
    whether all went well."""
    for number, (relative, text) in enumerate(writes, 1):
        target = os.path.normpath(os.path.join(root, relative))
        if dry_run:
            out.write(f"--- {target} (not written: --dry-run)\n{text}")
            continue
        try:
            if number == len(writes) and appended is not None:
                files.write_atomic(target, text.encode("utf-8"), appended, [root])
            else:
                _create(target, text.encode("utf-8"), replace=force)
        except (OSError, files.WriteRefused) as err:
            sys.stderr.write(f"fmlint: cannot write {target}: {err}\n")
            return False
        out.write(f"wrote {target}\n")
    return True


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _configuration(root: str, collections: list[Collection],
                   writes: list[tuple[str, str]]) -> tuple[str, str, bytes | None]:
    """(file, its whole new text, its present bytes when the mappings are appended to it):
    ``[tool.fmlint]`` appended to an existing ``pyproject.toml``, else ``fmlint.toml``
    (``.fmlint.toml`` where that is the file there)."""
    pyproject = os.path.join(root, "pyproject.toml")
    use_pyproject = not any(os.path.lexists(os.path.join(root, n)) for n in CONFIG_NAMES) \
        and os.path.isfile(pyproject)
    prefix = "tool.fmlint." if use_pyproject else ""
    lines = ["# Which schema applies to which records: written by 'fmlint init' from the",
             "# records themselves. Edit the schemas freely (add titles and descriptions).", ""]
    for collection, (schema, _text) in zip(collections, writes, strict=True):
        files_list = ", ".join(json.dumps(g, ensure_ascii=False) for g in collection.globs())
        lines += [f"[[{prefix}schemas]]", f"files = [{files_list}]",
                  f"schema = {json.dumps(schema.replace(os.sep, '/'), ensure_ascii=False)}", ""]
    text = "\n".join(lines)
    if not use_pyproject:
        name = CONFIG_NAMES[0] if os.path.lexists(os.path.join(root, CONFIG_NAMES[0])) \
            else CONFIG_NAMES[1]
        return name, text, None
    present = files.read_whole(pyproject, roots=[root])[1]
    separator = "" if not present or present.endswith(b"\n\n") else \
        "\n" if present.endswith(b"\n") else "\n\n"
    return "pyproject.toml", present.decode("utf-8", "replace") + separator + text, present


def _create(path: str, data: bytes, replace: bool) -> None:
    """Write a new file in one step (a crash leaves no half-written file); an existing one
    is replaced only with ``replace``, else ``FileExistsError``."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".fmlint-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        if replace:
            os.replace(temporary, path)
        else:
            _link(temporary, path)
    finally:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass


def _link(temporary: str, path: str) -> None:
    """Give ``temporary``'s file the name ``path`` unless that exists (even if it appeared
    a moment ago); where the file system has no hard links, after a look."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "exists already", path) from None
        os.replace(temporary, path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _report_skipped(found: Records) -> None:
    for path, why in found.skipped[:_SHOWN_SKIPS]:
        sys.stderr.write(f"fmlint: {path}: skipped, not a record: {why}\n")
    if len(found.skipped) > _SHOWN_SKIPS:
        sys.stderr.write(f"fmlint: ... and {len(found.skipped) - _SHOWN_SKIPS} more files "
                         "skipped\n")


def _no_records(found: Records, where: str) -> None:
    seen = len(found.skipped) + found.pages
    sys.stderr.write(
        f"fmlint: found no records it could read under {where}"
        + (f": none of the {seen} Markdown files found has front matter that fmlint reads "
           "(YAML between '---' lines, TOML between '+++' lines, or a JSON object)"
           if seen else ": no Markdown files (*.md, *.markdown, *.mdx) there") + "\n")


def _summarize(collections: list[Collection], schemas: list[dict[str, Any]], out: TextIO) -> None:
    for collection, schema in zip(collections, schemas, strict=True):
        summary = infer.summarize(schema)
        out.write(f"{collection.name} ({', '.join(collection.globs()[:3])}"
                  f"{', ...' if len(collection.globs()) > 3 else ''}): "
                  f"{_count(len(collection.records), 'record')}, "
                  f"{_count(len(summary.keys), 'key')}"
                  f"{' (closed: no other key allowed)' if summary.closed else ''}\n")
        out.write(f"  required: {', '.join(summary.required) or '-'}\n")
        out.write("  formats: " + (", ".join(f"{place} {fmt}" for place, fmt in summary.formats)
                                   or "-") + "\n")
        if summary.enums:
            out.write(f"  enums: {', '.join(summary.enums)}\n")
        if summary.roles:
            out.write("  roles: " + ", ".join(f"{place} {role}"
                                              for place, role in summary.roles) + "\n")
        if summary.references:
            out.write("  references: " + ", ".join(
                f"{place} -> {target}" for place, target in summary.references) + "\n")
        if summary.unique:
            out.write(f"  unique: {', '.join(summary.unique)}\n")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
