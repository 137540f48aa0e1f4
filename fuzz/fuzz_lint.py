"""Fuzz target: any bytes through the engine and the fixer, which must never fail.

With atheris installed this is a coverage-guided fuzzer (libFuzzer flags apply)::

    python fuzz/fuzz_lint.py -atheris_runs=200000 -max_total_time=600 /tmp/corpus fuzz/seeds

Without atheris, or with ``--plain``, it runs once over every file it is given (a folder
means the files in it), so the seeds and any crash kept as a file replay as a plain script::

    python fuzz/fuzz_lint.py --plain fuzz/seeds

What counts as a failure (an exception is raised, and atheris keeps the input):

- an exception out of ``check_bytes``, ``lint_text`` or ``fix_text``;
- an internal-error finding (FM009), which is a crash the engine caught;
- a finding whose place lies outside the file, or ends before it starts;
- fixed text that no longer parses, or a fix run that leaves more to fix the second time.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# The fuzzer is started as a script; make the package importable from a checkout.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

try:
    import atheris
except ImportError:  # plain replay still works
    atheris = None

if atheris is not None and "--plain" not in sys.argv:
    with atheris.instrument_imports(include=["linter"]):
        import linter
        from linter.engine import lint as engine
        from linter.fixer import apply as fixer
        from linter.reading import source
        from linter.engine.config import Config
        from linter.rules.registry import load_all

        load_all()  # the rules and the helpers they import, instrumented too
        import linter.schema.formats
        import linter.checks.times
        import linter.checks.urls
else:
    import linter
    from linter.engine import lint as engine
    from linter.fixer import apply as fixer
    from linter.reading import source
    from linter.engine.config import Config

PATH = "_news/2024-01-22-fuzzed.md"
CONFIG = Config()

# Tokens that make a byte-level mutator reach YAML and the rules faster.
DICTIONARY = [
    "---", "...", "\n", "\r\n", "\r", ": ", "- ", "? ", "[", "]", "{", "}", ", ", "&a ", "*a",
    "<<: ", "!!str ", "!!python/object/apply:os.system ", "!!binary ", "!x ", "|", ">", "|-",
    "#", " # fmlint: ignore[FM101]", "# fmlint: ignore-file", "'", '"', "\\u202e", "\\x00",
    "title: ", "excerpt: ", "webUrl: ", "ampWebUrl: ", "cdnAmpWebUrl: ", "originalUrl: ",
    "publishedDateTime: ", "lastUpdatedDateTime: ", "images:\n  - url: ", "width: ",
    "height: ", "provider:\n  name: ", "related:\n  - ", "topics:\n  - ", "quality: ",
    "heat: ", "type: article", "published: true", "category: news",
    "2024-01-22T18:23:00Z", "2024-02-30T25:61:00+25:00", "https://", "http://", "//",
    "https://www-bbc-com.cdn.ampproject.org/c/s/", "?utm_source=x&", "&amp;", "&amp;quot;",
    "&#39;", "\u00e2\u20ac\u2122", "\u00c3\u00a9", "\u202e", "\u2066", "\u200b", "\u00a0",
    "\ufeff", "\u0301", "no", "yes", "on", "0o17", "1e3", ".inf", "~", "null",
]


def _position_ok(text: str, line: int, column: int, end_line: int, end_column: int) -> bool:
    index = source.LineIndex(text)
    count = index.line_count
    if not (1 <= line <= count and 1 <= end_line <= count):
        return False
    if (end_line, end_column) < (line, column):
        return False
    return (1 <= column <= len(index.line_text(line)) + 1
            and 1 <= end_column <= len(index.line_text(end_line)) + 1)


def _findings_ok(text: str, findings: list, where: str) -> None:
    for finding in findings:
        if finding.code == "FM009":
            raise AssertionError(f"{where}: internal error: {finding.message}")
        if not _position_ok(text, finding.line, finding.column, finding.end_line,
                            finding.end_column):
            raise AssertionError(f"{where}: {finding.code} at {finding.line}:{finding.column}-"
                                 f"{finding.end_line}:{finding.end_column} is outside the file")


def _check(text: str) -> list:
    return engine.check_text(text, PATH, CONFIG).findings


def test_one_input(data: bytes) -> None:
    """One input: check it, lint it, fix it; raise on anything that is not a clean finding."""
    result = engine.check_bytes(data, PATH, CONFIG)
    shown = data.decode("utf-8", "replace").removeprefix(source.BOM)
    _findings_ok(shown, result.findings, "check_bytes")
    try:
        text, _bom = source.decode(data)
    except source.DecodeError:
        return
    _findings_ok(text, linter.lint_text(text, PATH, CONFIG), "lint_text")
    if not any(f.fix for f in result.findings):
        return
    first = fixer.fix_text(text, _check, unsafe=True)
    _findings_ok(first.text, first.remaining, "fix_text")
    if first.text != text:
        try:
            front = source.split(first.text)
        except source.SplitError as err:
            raise AssertionError(f"fixing broke the front matter: {err}") from None
        from linter.reading.yamldoc import parse

        doc = parse(first.text[front.start:front.end], front.start)
        if any(p.kind == "syntax" for p in doc.problems):
            raise AssertionError("fixing made the YAML invalid")
    if not first.hit_limit:
        second = fixer.fix_text(first.text, _check, unsafe=True)
        if second.text != first.text:
            raise AssertionError("a second fix run changed the text again: "
                                 f"{[f.code for f in second.applied]}")


def _inputs(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir()
                     else [path])
    return files


def replay(paths: list[str]) -> int:
    """Run every given file once; print each failure; exit status 1 if any failed."""
    failed = 0
    files = _inputs(paths)
    for path in files:
        try:
            test_one_input(path.read_bytes())
        except Exception as err:
            failed += 1
            print(f"{path}: {type(err).__name__}: {err}")
    print(f"{len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


def main() -> int:
    args = sys.argv[1:]
    if atheris is None or "--plain" in args:
        return replay([a for a in args if not a.startswith("-")])
    if not any(a.startswith("-dict=") for a in args):
        handle, name = tempfile.mkstemp(prefix="fmlint-fuzz-", suffix=".dict")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for token in DICTIONARY:
                escaped = token.encode("utf-8").decode("latin-1")
                escaped = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else
                                  f"\\x{ord(c):02x}" for c in escaped)
                out.write(f'"{escaped}"\n')
        args.append(f"-dict={name}")
    atheris.Setup([sys.argv[0], *args], test_one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
