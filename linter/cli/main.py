"""The ``fmlint`` command line."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from datetime import datetime
from typing import NoReturn, TextIO

from ..version import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fmlint",
        description="Check the YAML front matter of Markdown records against a JSON Schema "
        "and lint its URLs, timestamps, images and text.",
    )
    parser.add_argument("--version", action="version", version=f"fmlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="check files or folders (default: .)")
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="files (any extension) or folders (walked for *.md, *.markdown, "
                       "*.mdx); '-' reads standard input")
    fixing = check.add_argument_group("fixes")
    fixing.add_argument("--fix", action="store_true", help="apply safe fixes to the files")
    fixing.add_argument("--unsafe-fixes", action="store_true",
                        help="also apply unsafe fixes (fixes that guess)")
    fixing.add_argument("--diff", action="store_true",
                        help="print the changes --fix would make as a unified diff; write "
                        "nothing")
    fixing.add_argument("--fix-only", action="store_true",
                        help="apply fixes and report nothing else")
    fixing.add_argument("--add-ignore", action="store_true",
                        help="add '# fmlint: ignore[...]' comments for every current finding")
    rules = check.add_argument_group("rules")
    rules.add_argument("--select", type=_codes, metavar="CODES",
                       help="comma-separated rule codes, prefixes or names to run (replaces "
                       "the configured set)")
    rules.add_argument("--extend-select", type=_codes, metavar="CODES", default=[],
                       help="rules to run in addition")
    rules.add_argument("--ignore", type=_codes, metavar="CODES", default=[],
                       help="rules not to run")
    output = check.add_argument_group("output")
    output.add_argument("--output-format", default=os.environ.get("FMLINT_OUTPUT_FORMAT",
                                                                  "text"),
                        choices=["text", "concise", "json", "json-lines", "github", "gitlab",
                                 "sarif", "junit"])
    output.add_argument("--output-file", metavar="FILE", help="write the report to FILE")
    output.add_argument("--statistics", action="store_true",
                        help="print counts of findings per rule instead of the findings")
    output.add_argument("--min-severity", choices=["info", "warning", "error"],
                        help="report only findings of this severity or above, in every format "
                        "and in the exit status (default: all; the text and concise formats "
                        "count info findings per rule instead of listing them)")
    output.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    output.add_argument("-q", "--quiet", action="store_true", help="print findings only")
    output.add_argument("--exit-zero", action="store_true",
                        help="exit 0 even when there are findings")
    output.add_argument("--no-progress", action="store_true", help="no progress bar")
    online = check.add_argument_group("online checks").add_mutually_exclusive_group()
    online.add_argument("--online", action="store_true",
                        help="also check URLs over the network: broken and moved links, the "
                        "real size of remote images, https:// forms (answers are cached)")
    online.add_argument("--offline", action="store_true",
                        help="run the online checks from the cache only, without the network")
    settings = check.add_argument_group("settings")
    settings.add_argument("--config", metavar="FILE",
                          help="one configuration file for every file (default: each "
                          "file's nearest fmlint.toml, .fmlint.toml or pyproject.toml with "
                          "[tool.fmlint])")
    settings.add_argument("--force-exclude", action="store_true",
                          help="apply 'exclude' and the rule that skips plain pages (files "
                          "without front matter outside '_' folders) to files named on the "
                          "command line too, as pre-commit names every file")
    settings.add_argument("--isolated", action="store_true",
                          help="ignore configuration files")
    settings.add_argument("--stdin-filename", metavar="PATH",
                          help="the path of the text read from standard input ('-')")
    settings.add_argument("--now", type=_timestamp, metavar="TIMESTAMP",
                          help="the current time for date rules (RFC 3339), for reproducible "
                          "runs")
    settings.add_argument("--jobs", "-j", type=int, default=0,
                          help="processes to use (default: every core); fewer than 256 "
                          "files to check are checked in one")
    settings.add_argument("--no-cache", action="store_true", help="do not read or write the "
                          "result cache")
    settings.add_argument("--cache-dir", metavar="DIR", help="result cache folder (default: "
                          ".fmlint_cache beside the configuration, or in the current folder)")

    listing = sub.add_parser("rules", help="list every rule")
    listing.add_argument("--output-format", choices=["text", "json"], default="text")
    one = sub.add_parser("rule", help="print a rule's documentation")
    one.add_argument("code", metavar="CODE", help="a rule code (FM101) or name (mojibake)")
    server = sub.add_parser("server", help="run the language server (LSP over stdio)")
    server.add_argument("--log-file", metavar="FILE", help="write the server's log to FILE")
    _add_site_commands(sub)
    return parser


def _add_site_commands(sub: argparse._SubParsersAction) -> None:
    """``init`` and ``schema infer`` (linter/sitescan.py)."""
    init = sub.add_parser("init", help="infer a schema for each collection of a site's "
                          "records; write them and a configuration that maps files to them")
    init.add_argument("path", nargs="?", default=".", metavar="PATH",
                      help="the site's folder (default: .)")
    init.add_argument("--schema-dir", default="schemas", metavar="DIR",
                      help="where the schemas go, inside the site (default: schemas)")
    init.add_argument("--dry-run", action="store_true", help="print what would be written")
    init.add_argument("--force", action="store_true",
                      help="overwrite an existing configuration or schema")
    schema = sub.add_parser("schema", help="schema tools: 'fmlint schema infer PATH...'")
    tools = schema.add_subparsers(dest="schema_command", metavar="COMMAND", required=True)
    infer = tools.add_parser("infer", help="print the JSON Schema inferred from the records "
                             "under the paths")
    infer.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    site = sub.add_parser("site", help="say which site a path belongs to and what fmlint "
                          "read of its settings: generator, time zone, drafts, defaults")
    site.add_argument("path", nargs="?", default=".", metavar="PATH",
                      help="a record or folder of the site (default: .)")


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _timestamp(text: str) -> datetime:
    from ..checks.times import parse_rfc3339

    value = parse_rfc3339(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"not an RFC 3339 timestamp with a time zone: {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "rules":
            return _list_rules(args.output_format, sys.stdout)
        if args.command == "rule":
            return _show_rule(args.code, sys.stdout)
        if args.command == "server":
            from ..lsp.server import serve

            return serve(log_file=args.log_file)
        if args.command == "site":
            from .sitecommand import run_site

            return run_site(args.path, sys.stdout)
        if args.command in ("init", "schema"):
            from ..site import scan as sitescan

            if args.command == "schema":
                return sitescan.run_infer(args.paths)
            return sitescan.run_init(args.path, schema_dir=args.schema_dir,
                                     dry_run=args.dry_run, force=args.force)
        if args.command is None:
            _parser().print_help()
            return EXIT_ERROR
        try:
            os.getcwd()
        except OSError as err:  # (paths, the configuration and the cache are found from it)
            _complain(err, "the current folder cannot be read (was it removed?): ")
            return EXIT_ERROR
        from .check import run
        from .options import Options

        with _stopped_by_signals():
            return run(Options.parsed(args))
    except KeyboardInterrupt as err:  # Ctrl-C, or SIGTERM (``runner.Interrupted``)
        return 128 + getattr(err, "signum", signal.SIGINT)
    except BrokenPipeError:
        return EXIT_CLEAN
    except OSError as err:  # writing the report failed (a full disk, a closed terminal)
        _complain(err)
        return EXIT_ERROR


@contextlib.contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """SIGTERM and Ctrl-C stop a run after the file being checked, with an exception that
    ends it cleanly (``runner.interrupt``; workers stop the same way)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # (signals reach the main thread only)
        return
    from ..runner.batch import interrupt

    before = {signum: signal.signal(signum, interrupt)
              for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _complain(err: OSError, what: str = "") -> None:
    """Say what went wrong with a file or stream, in one line (if stderr takes it)."""
    where = f"{os.fsdecode(err.filename)}: " if err.filename else ""
    try:
        sys.stderr.write(f"fmlint: {what}{where}{err.strerror or err}\n")
    except (OSError, ValueError):
        pass


def _list_rules(fmt: str, out: TextIO) -> int:
    from ..rules.registry import load_all

    rules = sorted(load_all().values(), key=lambda r: r.code)
    if fmt == "json":
        import json

        out.write(json.dumps([
            {"code": r.code, "name": r.name, "severity": r.severity, "fix": r.fix,
             "default_enabled": r.default_enabled, "summary": r.summary, "group": r.group}
            for r in rules], indent=2) + "\n")
        return EXIT_CLEAN
    width = max(len(r.name) for r in rules)
    for r in rules:
        fix = {"safe": "fix", "unsafe": "fix*", "sometimes": "fix~"}.get(r.fix or "", "")
        off = "" if r.default_enabled else " (off by default)"
        out.write(f"{r.code}  {r.name:<{width}}  {r.severity:<7}  {fix:<4}  {r.summary}{off}\n")
    out.write("\nfix: safe fix; fix*: unsafe fix; fix~: safe or unsafe depending on the case. "
              "'fmlint rule CODE' prints a rule's documentation.\n")
    return EXIT_CLEAN


def _show_rule(code: str, out: TextIO) -> int:
    from ..rules.registry import BY_NAME, load_all
    from .docs import rule_markdown

    rules = load_all()
    rule = rules.get(code.upper()) or BY_NAME.get(code)
    if rule is None:
        sys.stderr.write(f"fmlint: no rule {code!r}; 'fmlint rules' lists them\n")
        return EXIT_ERROR
    out.write(rule_markdown(rule))
    return EXIT_CLEAN


def console_main() -> NoReturn:
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # started with it closed: what goes there is dropped
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    status = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # (a closed pipe: what is left is dropped)
            pass
        except OSError as err:  # (the report is incomplete)
            _complain(err, "cannot write the report: ")
            status = EXIT_ERROR
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(status)  # (a profiler or a coverage tool writes its data at exit)
    # Leave without tearing the interpreter down: freeing every module and object a run
    # made takes longer than checking one file (mypy ends the same way). Everything the run
    # writes is closed by then; its temporary files are gone already.
    os._exit(status)

