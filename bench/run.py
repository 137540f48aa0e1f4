"""Benchmark fmlint against peer tools on this machine and write ``bench/RESULTS.md``.

    python bench/run.py                      # one file, 1k, 10k and 50k records, with peers
    python bench/run.py --sizes 1000,10000 --runs 3
    python bench/run.py --skip-peers         # fmlint and the two plain-script baselines only
    python bench/run.py --report-only        # rewrite RESULTS.md from the last raw results

Peers are installed under ``bench/work/`` (never into the project's environment): Python tools
into virtual environments made with ``python -m venv``, remark and its plugins with npm. A peer
that cannot be installed is recorded as such and skipped. Every command's output goes to
``bench/work/logs/``; raw numbers to ``bench/work/results.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import os
import platform
import pstats
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import make_corpus
from measure import (
    GNU_TIME,
    LOGS,
    WORK,
    Command,
    QuietWaiter,
    Result,
    child_env,
    log_label,
    measure,
    measure_in_turn,
    run_once,
)
from report import (
    CJS,
    CJS_CLIB,
    COLD,
    COLD_1,
    COLD_1_TURNS,
    FMLINT,
    ONE,
    PARSE,
    PARSE_SCHEMA,
    REMARK,
    STDIN,
    WARM,
    WARM_1,
    WARM_CHANGED,
    WARM_EDIT,
    YAMLLINT,
    linearity,
    render,
)

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SCHEMA = REPO / "schema" / "article.schema.json"
SEED_RECORD = REPO / "tests" / "data" / "seed" / "article.md"
SEED_DIR = WORK / "seed"
VENV = WORK / "venv"
VENV_CLIB = WORK / "venv-ruamel-clib"
VENV_FMLINT = WORK / "venv-fmlint"
NODE = WORK / "node"
NPM_PACKAGES = ("remark-cli", "remark-frontmatter", "remark-lint-frontmatter-schema")
RESULTS_JSON = WORK / "results.json"
RESULTS_MD = BENCH / "RESULTS.md"

# -- installing peers ---------------------------------------------------------------------------

def _quiet(argv: list[str], log: Path, cwd: Path | None = None, timeout: float = 900) -> bool:
    with open(log, "ab") as handle:
        handle.write(("$ " + " ".join(argv) + "\n").encode())
        handle.flush()
        try:
            done = subprocess.run(argv, stdout=handle, stderr=subprocess.STDOUT, cwd=cwd,
                                  timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            handle.write(f"{err}\n".encode())
            return False
    return done.returncode == 0


def _version_in(venv: Path, distribution: str) -> str | None:
    python = venv / "bin" / "python"
    if not python.exists():
        return None
    done = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m, sys; "
         f"print(m.version({distribution!r}))"], capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def install_venv(venv: Path, packages: list[str], check: list[str]) -> tuple[dict, str]:
    """A virtual environment with ``packages``; the versions of ``check`` and a failure note."""
    log = WORK / "install.log"
    if not all(_version_in(venv, name) for name in check):
        if not (venv / "bin" / "python").exists() and not _quiet(
                [sys.executable, "-m", "venv", str(venv)], log):
            return {}, f"python -m venv {venv.name} failed (see bench/work/install.log)"
        if not _quiet([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                       *packages], log):
            return {}, f"pip install {' '.join(packages)} failed (see bench/work/install.log)"
    versions = {name: _version_in(venv, name) for name in check}
    missing = [name for name, version in versions.items() if not version]
    return versions, f"not installed: {', '.join(missing)}" if missing else ""


def install_fmlint() -> tuple[dict, str]:
    """fmlint from this checkout, installed as users install it (``pip install .``, bytecode
    compiled at install time) into its own virtual environment; reinstalled on every run."""
    log = WORK / "install.log"
    python = VENV_FMLINT / "bin" / "python"
    if not python.exists() and not _quiet([sys.executable, "-m", "venv", str(VENV_FMLINT)], log):
        return {}, "python -m venv venv-fmlint failed (see bench/work/install.log)"
    fresh = _version_in(VENV_FMLINT, "fmlint") is None
    argv = [str(python), "-m", "pip", "install", "--quiet", f"{REPO}[server]"]
    if not fresh:  # dependencies are there: replace fmlint alone
        argv[5:5] = ["--force-reinstall", "--no-deps"]
    if not _quiet(argv, log):
        return {}, "pip install . failed (see bench/work/install.log)"
    return {"fmlint": _version_in(VENV_FMLINT, "fmlint")}, ""


def install_node() -> tuple[dict, str]:
    """remark-cli and its plugins in ``bench/work/node``; versions and a failure note."""
    log = WORK / "install.log"
    if shutil.which("npm") is None or shutil.which("node") is None:
        return {}, "node or npm is not on this machine"

    def versions() -> dict[str, str | None]:
        found = {}
        for name in NPM_PACKAGES:
            manifest = NODE / "node_modules" / name / "package.json"
            found[name] = (json.loads(manifest.read_text("utf-8")).get("version")
                           if manifest.is_file() else None)
        return found

    if not all(versions().values()):
        NODE.mkdir(parents=True, exist_ok=True)
        if not _quiet(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(NODE),
                       *NPM_PACKAGES], log):
            return versions(), "npm install failed (see bench/work/install.log)"
    found = versions()
    missing = [name for name, version in found.items() if not version]
    return found, f"not installed: {', '.join(missing)}" if missing else ""


def remark_schema() -> dict:
    """The article schema as remark-lint-frontmatter-schema can compile it.

    Its validator (Ajv's default class) knows drafts 4 to 7 only and refuses a schema that
    names the 2020-12 meta-schema, so ``$schema`` is dropped; nothing else changes.
    """
    schema = json.loads(SCHEMA.read_text("utf-8"))
    schema.pop("$schema", None)
    return schema


def prepare_remark(folder: Path) -> None:
    """A ``.remarkrc.json`` and the schema in ``folder``, with plugins named by full path."""
    (folder / "article.schema.json").write_text(json.dumps(remark_schema()), "utf-8")
    modules = NODE / "node_modules"
    config = {"plugins": [
        str(modules / "remark-frontmatter" / "index.js"),
        [str(modules / "remark-lint-frontmatter-schema" / "dist" / "index.js"),
         {"schemas": {"article.schema.json": ["**/*.md"]}}],
    ]}
    (folder / ".remarkrc.json").write_text(json.dumps(config, indent=1), "utf-8")


def prepare_seed() -> None:
    """The seed record and its front matter as YAML, for the one-file runs of every tool."""
    SEED_DIR.mkdir(parents=True, exist_ok=True)
    text = SEED_RECORD.read_text("utf-8")
    (SEED_DIR / "article.md").write_text(text, "utf-8")
    (SEED_DIR / "article.yaml").write_text(make_corpus.front_matter(text), "utf-8")


# -- tools --------------------------------------------------------------------------------------

COLLECTIONS = list(make_corpus.COLLECTIONS)


THIS_PYTHON = [sys.executable, "-m", "linter"]
chosen_fmlint: list[str] = []  # the command measured as fmlint (``--no-install``)


def fmlint_argv() -> list[str]:
    """fmlint as ``--no-install`` runs it (``python -m linter``); else as installed in
    ``bench/work/venv-fmlint``; else the ``fmlint`` script beside this interpreter (not a
    version manager's shim, which would add its own start-up to every run), else whatever
    ``fmlint`` is on PATH."""
    if chosen_fmlint:
        return chosen_fmlint
    installed = VENV_FMLINT / "bin" / "fmlint"
    if installed.is_file():
        return [str(installed)]
    beside = Path(sys.executable).parent / "fmlint"
    found = str(beside) if beside.is_file() else shutil.which("fmlint")
    return [found] if found else THIS_PYTHON


def _yaml_files(target: str) -> tuple[Path, list[str]]:
    if target == ONE:
        return SEED_DIR, ["article.yaml"]
    folder = make_corpus.corpus_dir(int(target))
    return folder, [f"yaml/{name}" for name in sorted(os.listdir(folder / "yaml"))]


def _records(target: str) -> tuple[Path, list[str]]:
    if target == ONE:
        return REPO, [str(SEED_RECORD.relative_to(REPO))]
    return make_corpus.corpus_dir(int(target)) / "site", COLLECTIONS


# Date rules compare with the current time, and the result cache is keyed on it (to the hour):
# a fixed --now keeps a warm run warm when the clock passes the hour.
NOW = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:00:00Z")


def fmlint_command(target: str, *, cache: Path | None, jobs: int | None,
                   stdin: bool = False) -> Command:
    argv = [*fmlint_argv(), "check", "--isolated", "--no-progress", "--now", NOW]
    argv += ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    if jobs:
        argv += ["--jobs", str(jobs)]
    cwd, paths = _records(target)
    if stdin:
        return Command([*argv, "--stdin-filename", "x.md", "-"], cwd, stdin=cwd / paths[0])
    return Command([*argv, *paths], cwd)


def peer_command(tool: str, target: str) -> Command:
    if tool == PARSE:
        cwd, paths = _records(target)
        return Command([sys.executable, str(BENCH / "baseline_parse.py"), *paths], cwd)
    if tool == PARSE_SCHEMA:
        cwd, paths = _records(target)
        return Command([sys.executable, str(BENCH / "baseline_schema.py"), "--schema",
                        str(SCHEMA), *paths], cwd)
    if tool in (CJS, CJS_CLIB):
        venv = VENV if tool == CJS else VENV_CLIB
        cwd, files = _yaml_files(target)
        return Command([str(venv / "bin" / "check-jsonschema"), "--schemafile", str(SCHEMA),
                        *files], cwd)
    if tool == YAMLLINT:
        cwd, files = _yaml_files(target)
        return Command([str(VENV / "bin" / "yamllint"), *files], cwd, ok_codes=(0, 1, 2))
    if tool == REMARK:
        remark = str(NODE / "node_modules" / ".bin" / "remark")
        flags = ["--no-stdout", "--quiet", "--no-color"]
        if target == ONE:
            return Command([remark, *flags, "article.md"], SEED_DIR)
        site = make_corpus.corpus_dir(int(target)) / "site"
        return Command([remark, *flags, *COLLECTIONS], site)
    raise ValueError(tool)


# -- the benchmark ------------------------------------------------------------------------------

def source_stamp() -> str:
    """Names, sizes and times of fmlint's source and schemas (they key fmlint's cache)."""
    parts = []
    for path in sorted([*(REPO / "linter").rglob("*.py"), *(REPO / "schema").glob("*.json")]):
        with contextlib.suppress(OSError):
            info = path.stat()
            parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(parts)


def default_runs(target: str) -> int:
    return {ONE: 11, "1000": 5, "10000": 3}.get(target, 1)


def machine() -> dict[str, Any]:
    """What this machine is, and which fmlint is measured."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = None
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) // 1024
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None

    def out(argv: list[str], cwd: Path = REPO) -> str:
        try:
            return subprocess.run(argv, capture_output=True, text=True, cwd=cwd,
                                  check=False, timeout=60).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    changed = [line for line in out(["git", "status", "--porcelain", "--", "linter",
                                     "schema"]).splitlines() if line.strip()]
    return {
        "cpu": cpu, "cores": os.cpu_count(), "usable_cores": usable, "memory_mib": memory,
        "python": platform.python_version(), "platform": platform.platform(),
        "node": out(["node", "--version"]), "gnu_time": os.access(GNU_TIME, os.X_OK),
        "hyperfine": shutil.which("hyperfine") is not None,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "fmlint_commit": out(["git", "rev-parse", "--short", "HEAD"]),
        "fmlint_version": out([*fmlint_argv(), "--version"]),
        "fmlint_uncommitted": len(changed),
    }


@dataclass
class Bench:
    """The benchmark's settings and everything it measured."""

    sizes: list[int]
    runs: int | None
    peers: bool
    max_peer_seconds: float
    waiter: QuietWaiter
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    installs: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def runs_for(self, target: str) -> int:
        return self.runs or default_runs(target)

    def add(self, result: Result) -> Result:
        self.results.append(result)
        median = f"{result.median:.3f} s" if result.median is not None else "-"
        status = result.failed or result.note
        print(f"  {result.tool:38} {result.target:>6} {result.variant:18} {median:>10}"
              f"  {status}", flush=True)
        return result


def available_peers(bench: Bench) -> list[str]:
    """Install the peers; the ones that can run."""
    WORK.mkdir(parents=True, exist_ok=True)
    peers = [PARSE, PARSE_SCHEMA]
    if not bench.peers:
        return peers
    print("installing peers under bench/work/ ...", flush=True)
    versions, note = install_venv(VENV, ["check-jsonschema", "yamllint"],
                                  ["check-jsonschema", "ruamel.yaml", "yamllint"])
    versions["ruamel.yaml.clib"] = _version_in(VENV, "ruamel.yaml.clib") or "absent"
    bench.installs["venv"] = versions
    if versions.get("check-jsonschema"):
        peers.append(CJS)
    else:
        bench.notes.append(f"check-jsonschema: {note}")
    if versions.get("yamllint"):
        peers.append(YAMLLINT)
    else:
        bench.notes.append(f"yamllint: {note}")
    versions, note = install_venv(VENV_CLIB, ["check-jsonschema", "ruamel.yaml.clib"],
                                  ["check-jsonschema", "ruamel.yaml", "ruamel.yaml.clib"])
    bench.installs["venv-ruamel-clib"] = versions
    if note:
        bench.notes.append(f"check-jsonschema + ruamel.yaml.clib: {note}")
    else:
        peers.append(CJS_CLIB)
    versions, note = install_node()
    bench.installs["node"] = versions
    if note:
        bench.notes.append(f"remark: {note}")
    else:
        peers.append(REMARK)
    return peers


def bench_one_file(bench: Bench, peers: list[str]) -> None:
    runs = bench.runs_for(ONE)
    print(f"one file ({SEED_RECORD.relative_to(REPO)}), {runs} runs, the tools taking turns",
          flush=True)
    # fmlint (cold, a file and standard input) and the peers take turns, run by run: the
    # ratios between them do not depend on when the machine was slower.
    in_turn = [(Result(FMLINT, ONE, COLD), fmlint_command(ONE, cache=None, jobs=None)),
               (Result(FMLINT, ONE, STDIN),
                fmlint_command(ONE, cache=None, jobs=None, stdin=True))]
    in_turn += [(Result(tool, ONE), peer_command(tool, ONE)) for tool in peers]
    cold, stdin, *peer_results = measure_in_turn(in_turn, runs, warmup=1, waiter=bench.waiter)
    bench.add(cold)
    bench.add(stdin)
    cache = WORK / "cache-one"
    shutil.rmtree(cache, ignore_errors=True)
    warm = Result(FMLINT, ONE, WARM)
    warm.fill = run_once(fmlint_command(ONE, cache=cache, jobs=None), log_label(warm) + "-fill",
                         waiter=bench.waiter)
    bench.add(measure(warm, fmlint_command(ONE, cache=cache, jobs=None), runs,
                      waiter=bench.waiter))
    for result in peer_results:
        bench.add(result)
    if shutil.which("hyperfine"):
        bench.extra["hyperfine_one"] = hyperfine_one(peers, runs)


def hyperfine_one(peers: list[str], runs: int) -> dict[str, float]:
    """The one-file medians again, as hyperfine measures them (when it is installed)."""
    found = {}
    commands = {f"{FMLINT} (cold)": fmlint_command(ONE, cache=None, jobs=None)}
    commands.update({tool: peer_command(tool, ONE) for tool in peers})
    for name, command in commands.items():
        export = WORK / "hyperfine.json"
        argv = ["hyperfine", "--warmup", "2", "--runs", str(max(runs, 10)), "-N", "-i",
                "--export-json", str(export), "--style", "none",
                " ".join(_shell_quote(a) for a in command.argv)]
        done = subprocess.run(argv, cwd=command.cwd, capture_output=True, check=False,
                              env=child_env())
        if done.returncode == 0 and export.exists():
            found[name] = json.loads(export.read_text())["results"][0]["median"]
    return found


def _shell_quote(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9_./:=+-]+", text) else "'" + text.replace(
        "'", "'\"'\"'") + "'"


def bench_size(bench: Bench, size: int, peers: list[str]) -> None:
    """fmlint cold, with every core and with one, taking turns with the peers its targets
    compare it with (the plain parse, check-jsonschema with ruamel.yaml.clib), so that a spell
    of a slower machine falls on all of them alike; then fmlint warm, and the other peers.

    The run that fills the cache for the warm runs is a cold run too; for every core it also
    samples the memory of the whole process tree (timed runs do not sample).
    """
    target = str(size)
    runs = bench.runs_for(target)
    print(f"{size} records, {runs} run(s)", flush=True)
    in_turn = [(Result(FMLINT, target, COLD), fmlint_command(target, cache=None, jobs=None)),
               (Result(FMLINT, target, COLD_1), fmlint_command(target, cache=None, jobs=1))]
    for tool in (PARSE, CJS_CLIB):
        if tool in peers and _too_long(bench, tool, size) is None:
            in_turn.append((Result(tool, target), peer_command(tool, target)))
    cold_all, cold_1, *turn_peers = measure_in_turn(in_turn, runs, waiter=bench.waiter)
    warm_runs = bench.runs or max(runs, 3)
    for jobs, cold, warm_name in ((None, cold_all, WARM), (1, cold_1, WARM_1)):
        stamp = source_stamp()
        cache = WORK / f"cache-{size}-{'all' if jobs is None else jobs}"
        shutil.rmtree(cache, ignore_errors=True)
        warm = Result(FMLINT, target, warm_name)
        warm.fill = run_once(fmlint_command(target, cache=cache, jobs=jobs),
                             log_label(warm) + "-fill", sample_tree=jobs is None,
                             waiter=bench.waiter)
        if jobs is None:
            cold.memory = warm.fill
        bench.add(cold)
        measure(warm, fmlint_command(target, cache=cache, jobs=jobs), warm_runs,
                waiter=bench.waiter)
        if source_stamp() != stamp:
            warm.note = ("fmlint's source changed during these runs, which empties its "
                         "cache: warm times may be cold ones")
        bench.add(warm)
        if jobs is None:
            for variant, records in ((WARM_CHANGED, changed_records(size, CHANGED_SHARE)),
                                     (WARM_EDIT, changed_records(size, 1 / size))):
                with _editing(records) as edit:
                    bench.add(measure(Result(FMLINT, target, variant),
                                      fmlint_command(target, cache=cache, jobs=jobs),
                                      warm_runs, waiter=bench.waiter, prepare=edit))
    for result in turn_peers:
        bench.add(result)
    done = {result.tool for result in turn_peers}
    for tool in peers:
        if tool in done:
            continue
        result = Result(tool, target)
        predicted = _too_long(bench, tool, size)
        if predicted is not None:
            result.note = (f"skipped: one run would take about {predicted:.0f} s "
                           f"(> {bench.max_peer_seconds:.0f} s), judging by the smaller corpus")
            bench.add(result)
            continue
        baseline = tool in (PARSE, PARSE_SCHEMA)
        bench.add(measure(result, peer_command(tool, target), runs, waiter=bench.waiter,
                          long_run=None if baseline else bench.max_peer_seconds))


def bench_linear(bench: Bench, sizes: list[int]) -> None:
    """fmlint cold with one job at every size once more, the sizes taking turns, for the
    linear-cost target: measured minutes apart, the sizes would also measure how the
    machine's speed drifted in between."""
    if len(sizes) < 2:
        return
    runs = bench.runs or 3
    print(f"every size, 1 job, the sizes taking turns, {runs} run(s)", flush=True)
    pairs = [(Result(FMLINT, str(size), COLD_1_TURNS),
              fmlint_command(str(size), cache=None, jobs=1)) for size in sizes]
    for result in measure_in_turn(pairs, runs, waiter=bench.waiter):
        bench.add(result)


def _too_long(bench: Bench, tool: str, size: int) -> float | None:
    """The predicted seconds of one run of a peer, judging by a smaller size, when that is
    longer than allowed; else None (the baselines are always run)."""
    if tool in (PARSE, PARSE_SCHEMA):
        return None
    predicted = predict(bench, tool, size)
    return predicted if predicted is not None and predicted > bench.max_peer_seconds else None


CHANGED_SHARE = 0.01  # the share of the records changed before each "warm, 1% changed" run


def changed_records(size: int, share: float) -> list[Path]:
    """The records a ``share`` of the corpus's records stands for (at least one), spread
    evenly over its collections."""
    site = make_corpus.corpus_dir(size) / "site"
    records = sorted(path for name in COLLECTIONS for path in (site / name).rglob("*.md"))
    return records[::max(1, round(1 / share))]


@contextlib.contextmanager
def _editing(records: list[Path]) -> Iterator[Callable[[], None]]:
    """An edit of ``records`` to make before each run (each text ends with a line break,
    then without), as someone re-running fmlint after changing files; they are put back."""
    originals = {record: record.read_bytes() for record in records}
    edits = itertools.count()

    def edit() -> None:
        extra = b"\n" if next(edits) % 2 == 0 else b""
        for record, original in originals.items():
            record.write_bytes(original + extra)

    try:
        yield edit
    finally:
        for record, original in originals.items():
            record.write_bytes(original)


def predict(bench: Bench, tool: str, size: int) -> float | None:
    """A run's time at ``size`` from the largest smaller size measured (linear)."""
    best = None
    for result in bench.results:
        if result.tool == tool and result.target not in (ONE,) and result.median:
            known = int(result.target)
            if known < size and (best is None or known > int(best.target)):
                best = result
    return best.median * size / int(best.target) if best and best.median else None


def detection(size: int) -> dict[str, Any] | None:
    """How many of the injected defects fmlint reports (the expected code in that file)."""
    folder = make_corpus.corpus_dir(size)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    command = fmlint_command(str(size), cache=None, jobs=None)
    after = command.argv.index("check") + 1
    argv = [*command.argv[:after], "--output-format", "json-lines", *command.argv[after:]]
    done = subprocess.run(argv, cwd=command.cwd, capture_output=True, text=True, check=False,
                          env=child_env())
    if done.returncode not in (0, 1):
        return {"error": f"exit status {done.returncode}: {done.stderr.strip()[-200:]}"}
    codes: dict[str, set[str]] = {}
    total = 0
    for line in done.stdout.splitlines():
        if line.strip():
            finding = json.loads(line)
            codes.setdefault(finding["path"], set()).add(finding["code"])
            total += 1
    by_kind: dict[str, list[Any]] = {}
    for defect in manifest["defects"]["items"]:
        seen = by_kind.setdefault(defect["kind"], [0, 0, defect["expected"]])
        seen[1] += 1
        if codes.get(defect["path"], set()) & set(defect["expected"]):
            seen[0] += 1
    return {"size": size, "findings": total, "files_with_findings": len(codes),
            "by_kind": by_kind}


def language_server(waiter: QuietWaiter) -> dict[str, Any]:
    """The language server's answer time to a change, when there is a server."""
    server = REPO / "linter" / "lsp" / "server.py"
    if not server.exists():
        return {"skipped": "linter/lsp/server.py does not exist"}
    import lsp_latency

    debounce, source = None, "none found in linter/lsp/"
    for path in [server, *sorted((REPO / "linter" / "lsp").glob("*.py"))]:
        found = lsp_latency.debounce_seconds(path.read_text("utf-8"))
        if found:
            debounce, source = found[0], f"{path.relative_to(REPO)}: {found[1]}"
            break
    site = make_corpus.corpus_dir(1000) / "site"
    if site.exists():
        record = sorted((site / "_news").glob("*.md"))[0]
        root = site
    else:
        record, root = SEED_DIR / "article.md", SEED_DIR
    try:
        waiter.wait()
        measured = lsp_latency.measure(str(record), [*fmlint_argv(), "server"], changes=21,
                                       root=str(root), pause=0.05 + (debounce or 0.0),
                                       env=child_env())
    except (OSError, RuntimeError, ValueError) as err:
        return {"skipped": f"the server did not answer as expected: {err}"}
    measured["record"] = str(record.relative_to(REPO) if record.is_relative_to(REPO)
                             else record)
    measured["debounce_s"] = debounce or 0.0
    measured["debounce_source"] = source
    measured["net_median_s"] = measured["median_s"] - measured["debounce_s"]
    return measured


def profile(size: int, waiter: QuietWaiter) -> dict[str, Any]:
    """cProfile of ``fmlint check --no-cache --jobs 1`` on ``size`` records; top functions."""
    site = make_corpus.corpus_dir(size) / "site"
    out = WORK / f"profile-{size}.prof"
    argv = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "linter", "check",
            "--isolated", "--no-cache", "--no-progress", "--jobs", "1", *COLLECTIONS]
    with open(LOGS / f"profile-{size}.out", "wb") as handle:
        waiter.wait()
        started = time.perf_counter()
        subprocess.run(argv, cwd=site, stdout=handle, stderr=subprocess.STDOUT, check=False,
                       env=child_env())
        seconds = time.perf_counter() - started
    if not out.exists():
        return {"error": "no profile written (see bench/work/logs)"}
    stats = pstats.Stats(str(out))
    table = stats.stats  # type: ignore[attr-defined]
    # The biggest share of each function's cumulative time that one callee takes.
    biggest_callee: dict[Any, float] = {}
    for _callee, (_cc, _nc, _tt, _ct, callers) in table.items():
        for caller, (_ccc, _cnc, _ctt, callee_ct) in callers.items():
            biggest_callee[caller] = max(biggest_callee.get(caller, 0.0), callee_ct)
    rows = []
    for key, (_cc, calls, own, cumulative, _callers) in table.items():
        passes_through = cumulative > 0 and own < 0.02 * cumulative and \
            biggest_callee.get(key, 0.0) >= 0.9 * cumulative
        rows.append({"function": _where(*key), "calls": calls, "own_s": own,
                     "cumulative_s": cumulative, "passes_through": passes_through})
    skip = re.compile(r"^(runpy|<frozen runpy>|<built-in method builtins\.exec>|"
                      r"<string>:1|<method 'disable'|linter/__main__\.py)")
    by_cumulative = [r for r in sorted(rows, key=lambda r: -r["cumulative_s"])
                     if not skip.match(r["function"])]
    folded = [r for r in by_cumulative if not r["passes_through"]]
    by_own = sorted(rows, key=lambda r: -r["own_s"])
    return {"size": size, "seconds": seconds, "total_s": stats.total_tt,  # type: ignore
            "cumulative": by_cumulative[:15], "folded": folded[:15], "own": by_own[:10]}


def _where(filename: str, line: int, name: str) -> str:
    if filename == "~":
        return name
    for prefix in (str(REPO) + "/", *[p + "/" for p in sys.path if "-packages" in p]):
        if filename.startswith(prefix):
            filename = filename[len(prefix):]
            break
    else:
        filename = re.sub(r"^.*/lib/python3\.\d+/", "", filename)
    return f"{filename}:{line}({name})"


DESCRIBED = [
    "Corpora: `bench/make_corpus.py` copies the real records of "
    "`tests/data/corpus/everyday-powerapps` (`_news`, `_learning`, `_samples`) to 1k/10k/50k "
    "records with distinct file names and URLs, 5% of them with one injected defect (see "
    "`bench/work/corpus-N/manifest.json`). Each corpus site is its own git repository.",
    "fmlint: installed from this checkout with `pip install .` into `bench/work/venv-fmlint` "
    "(as users install it: bytecode is compiled at install time), then "
    "`fmlint check --isolated --no-progress --now <the hour the benchmark started>` "
    "on the three collection folders, with "
    "`--no-cache` (cold) or `--cache-dir bench/work/cache-N` (warm: after one run that fills "
    "the cache), with the default `--jobs` (every core) and with `--jobs 1`; warm with every "
    "core also after editing 1% of the records (and one record) before each run; default "
    "text report, written to a file. One file: `tests/data/seed/article.md`, and the same through "
    "standard input (`--stdin-filename x.md -`).",
    "plain parse (libyaml): `bench/baseline_parse.py` reads each record, splits off the front "
    "matter and parses it with `yaml.CSafeLoader`; no checks.",
    "parse + jsonschema + ftfy: `bench/baseline_schema.py`: the same parse, then "
    "`Draft202012Validator` (built once, with a FormatChecker) and `ftfy.badness.is_bad` on "
    "every string, in one process.",
    "check-jsonschema: `check-jsonschema --schemafile schema/article.schema.json` on the "
    "front matter extracted to one `.yaml` file per record (`bench/work/corpus-N/yaml/`), all "
    "files in one invocation; a default install (pure-Python ruamel.yaml) and one with "
    "`ruamel.yaml.clib` added.",
    "yamllint: default configuration, on the same `.yaml` files.",
    "remark + frontmatter-schema: `remark --no-stdout --quiet` with `remark-frontmatter` and "
    "`remark-lint-frontmatter-schema` configured in a `.remarkrc.json` beside the records; "
    "reads the Markdown directly. Its validator (Ajv's draft-07 class) does not know the "
    "2020-12 meta-schema, so it gets the article schema without its `$schema` key.",
    "Every run's output is written to `bench/work/logs/`; peers' exit status 1 (problems "
    "found) counts as a normal run.",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000",
                        help="comma-separated record counts (default: 1000,10000,50000)")
    parser.add_argument("--runs", type=int, help="runs per scenario (default: 7 for one "
                        "file, 5 for 1k, 3 for 10k, 1 for larger)")
    parser.add_argument("--skip-peers", action="store_true",
                        help="measure fmlint and the plain-script baselines only")
    parser.add_argument("--max-peer-seconds", type=float, default=180.0,
                        help="skip a peer at a size where one run would take longer, "
                        "and run a peer once where its runs would (default: 180)")
    parser.add_argument("--quiet-wait", type=float, default=3.0,
                        help="before each run, wait up to this many seconds for other work "
                        "to leave the CPUs at most 15%% busy (default: 3)")
    parser.add_argument("--no-install", action="store_true",
                        help="measure `python -m linter` of this Python, as it imports it, "
                        "instead of installing this checkout into bench/work/venv-fmlint")
    parser.add_argument("--no-lsp", action="store_true", help="skip the language server")
    parser.add_argument("--no-profile", action="store_true", help="skip the profile")
    parser.add_argument("--output", default=str(RESULTS_MD), help="where to write the report")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the report from bench/work/results.json")
    args = parser.parse_args(argv)

    if args.report_only:
        data = json.loads(RESULTS_JSON.read_text("utf-8"))
        Path(args.output).write_text(render(data), "utf-8")
        print(f"wrote {args.output}")
        return 0

    started = time.perf_counter()
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    bench = Bench(sizes, args.runs, not args.skip_peers, args.max_peer_seconds,
                  QuietWaiter(args.quiet_wait))
    WORK.mkdir(parents=True, exist_ok=True)
    if args.no_install:
        chosen_fmlint[:] = THIS_PYTHON
        bench.notes.append("fmlint: not installed (`--no-install`); `python -m linter` of "
                           "this Python was measured")
    else:
        print("installing fmlint into bench/work/venv-fmlint ...", flush=True)
        versions, note = install_fmlint()
        bench.installs["venv-fmlint"] = versions
        if note:
            bench.notes.append(f"fmlint: {note}; the fmlint beside this Python was measured")
    info = machine()
    print(f"fmlint {info['fmlint_commit']} on {info['cpu']} ({info['cores']} cores)", flush=True)
    if not info["gnu_time"]:
        bench.notes.append("GNU time is not installed (`apt-get install -y time`); the largest "
                           "process's peak RSS comes from getrusage(RUSAGE_CHILDREN) instead")
    for size in sizes:
        print(f"corpus of {size} records ...", flush=True)
        make_corpus.build(size)
    prepare_seed()
    peers = available_peers(bench)
    if REMARK in peers:
        prepare_remark(SEED_DIR)
        for size in sizes:
            prepare_remark(make_corpus.corpus_dir(size) / "site")

    def save(**more: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "machine": info, "sizes": sizes, "results": [asdict(r) for r in bench.results],
            "notes": bench.notes, "installs": bench.installs, "described": DESCRIBED,
            "linearity": linearity(bench.results, sizes),
            "elapsed_s": time.perf_counter() - started, "quiet_wait": args.quiet_wait,
            **bench.extra, **more}
        RESULTS_JSON.write_text(json.dumps(data, indent=1), "utf-8")
        return data

    bench_one_file(bench, peers)
    save()
    for size in sizes:
        bench_size(bench, size, peers)
        save()
    bench_linear(bench, sizes)
    save()
    more: dict[str, Any] = {"detection": detection(sizes[0]) if sizes else None}
    more["lsp"] = ({"skipped": "--no-lsp was given"} if args.no_lsp
                   else language_server(bench.waiter))
    if not args.no_profile and sizes:
        print("profiling ...", flush=True)
        more["profile"] = profile(min(sizes, key=lambda s: abs(s - 1000)), bench.waiter)
    end = machine()
    if (end["fmlint_commit"], end["fmlint_uncommitted"]) != (info["fmlint_commit"],
                                                           info["fmlint_uncommitted"]):
        bench.notes.append(f"fmlint changed while the benchmark ran: commit "
                           f"{end['fmlint_commit']} with {end['fmlint_uncommitted']} changed "
                           "file(s) at the end")
    data = save(**more)
    Path(args.output).write_text(render(data), "utf-8")
    print(f"wrote {args.output} in {data['elapsed_s'] / 60:.1f} minutes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
