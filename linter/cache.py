"""The result cache: unchanged files are not checked again.

A result is reused when the file's bytes, the configuration, the schemas, fmlint itself and
every file the check read (local images, ``_config.yml``) are unchanged. Results are stored as
JSON (never pickle: the cache folder sits in the checked repository).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import __version__
from .config import Config
from .context import IndexEntry
from .engine import FileResult
from .finding import Finding
from .suppress import Directive, Suppressions

DIR_NAME = ".fmlint_cache"


def _code_digest() -> str:
    """fmlint's version and its source files' sizes and times (a changed install misses)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*.py")) + sorted(package.parent.glob("schema/*.json")):
        info = path.stat()
        digest.update(f"{path.name}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()


def _config_digest(config: Config) -> str:
    now = config.now or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    parts: dict[str, Any] = {
        "enabled": sorted(config.enabled()),
        "severity": config.severity,
        "per_file_ignores": config.per_file_ignores,
        "schemas": [asdict(m) for m in config.schemas],
        "default_schema": config.default_schema,
        "site": [config.site_root, config.site_url, config.baseurl, config.timezone],
        "options": config.rule_options,
        "now": now.isoformat(),
        "code": _code_digest(),
    }
    references = {config.schema_for(None), *(config.resolve_path(m.schema)
                                             for m in config.schemas)}
    for reference in sorted(references):
        if os.path.isfile(reference):
            info = os.stat(reference)
            parts[f"schema:{reference}"] = [info.st_size, info.st_mtime_ns]
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _stamp(path: str) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


def _settled(stamp: list[int] | None) -> list[int] | None:
    """A stamp to trust later, or None for a file changed in the last two seconds (a second
    change within the clock's resolution could keep size and time: hash it next time)."""
    if stamp is None or time.time_ns() - stamp[1] < 2_000_000_000:
        return None
    return stamp


def _encode(result: FileResult) -> dict[str, Any]:
    sup = result.suppressions
    return {
        "findings": [f.to_dict() for f in result.findings],
        "entries": [asdict(e) for e in result.entries],
        "suppressions": None if sup is None else {
            "directives": [[d.line, d.column, d.end_column, d.whole_file, d.codes]
                           for d in sup.directives],
            "problems": sup.problems,
        },
        "deps": {p: _stamp(p) for p in result.deps},
    }


def _decode(data: dict[str, Any]) -> FileResult:
    sup = data.get("suppressions")
    return FileResult(
        findings=[Finding.from_dict(f) for f in data["findings"]],
        entries=[IndexEntry(**e) for e in data["entries"]],
        suppressions=None if sup is None else Suppressions(
            [Directive(line, col, end, whole, dict(codes))
             for line, col, end, whole, codes in sup["directives"]],
            [tuple(p) for p in sup["problems"]],  # type: ignore[misc]
        ),
        deps=list(data.get("deps", {})),
    )


class Cache:
    def __init__(self, file: Path, config_key: str) -> None:
        self.file = file
        self.key = config_key
        self.entries: dict[str, Any] = {}
        self.dirty = False
        try:
            stored = json.loads(file.read_text("utf-8"))
            if stored.get("key") == config_key:
                self.entries = stored.get("files", {})
        except (OSError, ValueError, AttributeError):
            pass

    @classmethod
    def open(cls, directory: str | None, config: Config) -> Cache | None:
        base = Path(directory) if directory else Path(
            os.path.dirname(config.source) if config.source else ".") / DIR_NAME
        key = _config_digest(config)
        return cls(base / f"results-{key}.json", key)

    @staticmethod
    def _content_key(path: str) -> str | None:
        try:
            return hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            return None

    def get(self, path: str) -> FileResult | None:
        """The stored result if the file (and what its check read) is unchanged.

        A file whose size and modification time are as stored is not read again; otherwise
        its content hash decides.
        """
        entry = self.entries.get(path)
        if entry is None:
            return None
        stamp = _stamp(path)
        if stamp is None or entry.get("stat") != stamp:
            if entry.get("sha") != self._content_key(path):
                return None
            entry["stat"] = _settled(stamp)
            self.dirty = True
        deps = entry["result"].get("deps", {})
        if any(_stamp(dep) != stamp for dep, stamp in deps.items()):
            return None
        try:
            return _decode(entry["result"])
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, path: str, result: FileResult, digest: str | None,
            stamp: list[int] | None) -> None:
        """Store the result of checking the bytes whose SHA-256 is ``digest``; ``stamp`` is
        the file's [size, mtime_ns] taken before those bytes were read."""
        if digest is None or any(f.code in ("FM009", "FM017") for f in result.findings):
            return
        self.entries[path] = {"sha": digest, "stat": _settled(stamp), "result": _encode(result)}
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.file.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by fmlint automatically.\n*\n", "utf-8")
            for old in self.file.parent.glob("results-*.json"):
                if old != self.file:
                    old.unlink(missing_ok=True)
            temporary = self.file.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"key": self.key, "files": self.entries}),
                                 "utf-8")
            os.replace(temporary, self.file)
        except OSError:
            pass  # a cache that cannot be written only costs time
