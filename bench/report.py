"""Turning raw benchmark results into ``bench/RESULTS.md``: tables, ratios and targets."""

from __future__ import annotations

import statistics
from typing import Any

from measure import Result, Sample

ONE = "one"
FMLINT = "fmlint"
PARSE = "plain parse (libyaml)"
PARSE_SCHEMA = "parse + jsonschema + ftfy"
CJS = "check-jsonschema"
CJS_CLIB = "check-jsonschema + ruamel.yaml.clib"
YAMLLINT = "yamllint"
REMARK = "remark + frontmatter-schema"
COLD = "cold, every core"
COLD_1 = "cold, 1 job"
# The same, measured once more at the end with the sizes taking turns: linear cost is judged
# on these, so that the machine's drift between the sizes (minutes apart) is not read as cost.
COLD_1_TURNS = "cold, 1 job, the sizes taking turns"
WARM = "warm, every core"
WARM_1 = "warm, 1 job"
WARM_EDIT = "warm, one record edited"
WARM_CHANGED = "warm, 1% of records edited"
STDIN = "stdin"

# Peer times measured elsewhere, for orientation only: (one file s, 10k records s).
REFERENCE = {
    CJS: (0.21, 30.0),
    CJS_CLIB: (0.24, 8.9),
    YAMLLINT: (0.065, 39.0),
    REMARK: (0.40, 124.0),
    PARSE: (0.04, 2.5),
    PARSE_SCHEMA: (0.19, 9.5),
}

MEMORY_LIMIT_KB = 150 * 1024
LINEAR_SPREAD = 1.25
WARM_SHARE = 0.3  # a re-run after 1% of the records changed, against a cold run


def load_results(data: dict[str, Any]) -> list[Result]:
    """The results stored in ``results.json`` as objects."""

    def sample(raw: dict | None) -> Sample | None:
        return Sample(**raw) if raw else None

    return [Result(**{**raw, "samples": [Sample(**s) for s in raw["samples"]],
                      "fill": sample(raw.get("fill")), "memory": sample(raw.get("memory"))})
            for raw in data["results"]]


def find(results: list[Result], tool: str, target: str, variant: str = "") -> Result | None:
    for result in results:
        if (result.tool, result.target, result.variant) == (tool, target, variant):
            return result
    return None


def median(results: list[Result], tool: str, target: str, variant: str = "") -> float | None:
    result = find(results, tool, target, variant)
    return result.median if result else None


# -- formatting ---------------------------------------------------------------------------------

def seconds(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def megabytes(kib: int | None) -> str:
    return "–" if not kib else f"{kib / 1024:.0f} MB"


def ratio(a: float | None, b: float | None) -> str:
    return "–" if not a or not b else f"{a / b:.2f}×"


def verdict(ok: bool | None) -> str:
    return {True: "**met**", False: "**missed**", None: "not measured"}[ok]


def size_label(target: str) -> str:
    return "one file" if target == ONE else f"{int(target):,} records"


def row_name(tool: str, variant: str) -> str:
    return f"{tool}, {variant}" if variant else tool


# -- analysis -----------------------------------------------------------------------------------

def linearity(results: list[Result], sizes: list[int]) -> dict[str, Any]:
    """Per-record time at each size, and the marginal time per record (start-up left out)."""
    found = {}
    rows = [(FMLINT, COLD_1_TURNS), (FMLINT, COLD_1), (FMLINT, COLD), (PARSE, ""),
            (PARSE_SCHEMA, ""), (CJS_CLIB, ""), (CJS, ""), (YAMLLINT, ""), (REMARK, "")]
    for tool, variant in rows:
        one = median(results, tool, ONE, COLD if tool == FMLINT else variant) or 0.0
        per, marginal = {}, {}
        for size in sizes:
            value = median(results, tool, str(size), variant)
            if value:
                per[str(size)] = value / size * 1000
                marginal[str(size)] = (value - one) / size * 1000
        if per:
            found[row_name(tool, variant)] = {"per_record_ms": per, "marginal_ms": marginal}
    return found


def memory_peak(results: list[Result], size: str) -> tuple[str, int] | None:
    """fmlint's largest memory use at ``size`` records over its variants, and which."""
    peaks = [(r.variant, r.peak_kb) for r in results
             if r.tool == FMLINT and r.target == size and r.peak_kb]
    return max(peaks, key=lambda vp: vp[1]) if peaks else None  # type: ignore[arg-type,return-value]


def targets(data: dict[str, Any]) -> list[tuple[str, str, str, str, bool | None]]:
    """(target, measured, CPU-time view, goal, met?) for each of fmlint's goals.

    Verdicts use wall time. The CPU-time view compares user + system time instead (fmlint
    with one job, against single-process peers): it moves less when other work shares the
    machine, but leaves out what parallel workers gain.
    """
    results = load_results(data)

    def cpu(tool: str, target: str, variant: str = "") -> float | None:
        result = find(results, tool, target, variant)
        return result.cpu if result else None

    rows = []
    cold = median(results, FMLINT, "10000", COLD)
    cold_cpu = cpu(FMLINT, "10000", COLD_1)
    for peer, name, goal, factor in (
            (CJS_CLIB, "check-jsonschema + ruamel.yaml.clib", "≤ 0.33×", 1 / 3),
            (PARSE, "the plain read-split-parse script", "≤ 1.5×", 1.5)):
        theirs = median(results, peer, "10000")
        rows.append((f"10,000 records, cold, vs {name}",
                     f"{seconds(cold)} vs {seconds(theirs)} = {ratio(cold, theirs)}",
                     f"{ratio(cold_cpu, cpu(peer, '10000'))} (1 job)", goal,
                     None if not cold or not theirs else cold <= factor * theirs))
    cjs_one = median(results, CJS, ONE)
    for variant, how in ((COLD, "a file"), (STDIN, "standard input")):
        one = median(results, FMLINT, ONE, variant)
        rows.append((f"one file ({how}) vs check-jsonschema on one file",
                     f"{seconds(one)} vs {seconds(cjs_one)} = {ratio(one, cjs_one)}",
                     ratio(cpu(FMLINT, ONE, variant), cpu(CJS, ONE)), "≤ 0.5×",
                     None if not one or not cjs_one else one <= cjs_one / 2))
    changed = median(results, FMLINT, "10000", WARM_CHANGED)
    others = [f"{what}: {seconds(value)} = {ratio(value, cold)}" for what, value in (
        ("one record edited", median(results, FMLINT, "10000", WARM_EDIT)),
        ("none", median(results, FMLINT, "10000", WARM))) if value]
    rows.append(("warm re-run after 1% of 10,000 records changed",
                 f"{seconds(changed)} vs cold {seconds(cold)} = {ratio(changed, cold)}"
                 + (f" ({'; '.join(others)})" if others else ""),
                 ratio(cpu(FMLINT, "10000", WARM_CHANGED), cpu(FMLINT, "10000", COLD)),
                 f"≤ {WARM_SHARE}×", None if not changed or not cold
                 else changed <= WARM_SHARE * cold))
    largest = max(data["sizes"], default=0)
    peak = memory_peak(results, str(largest))
    if peak and largest >= 50000:
        rows.append((f"memory at {largest:,} records", f"{megabytes(peak[1])} "
                     f"(largest: {peak[0]})", "", "≤ 150 MB", peak[1] <= MEMORY_LIMIT_KB))
    else:
        rows.append(("memory at 50,000 records", megabytes(peak[1]) + f" at {largest:,}"
                     if peak else "–", "", "≤ 150 MB", None))
    linearity_of = data.get("linearity", {})
    judged = COLD_1_TURNS if row_name(FMLINT, COLD_1_TURNS) in linearity_of else COLD_1
    linear = linearity_of.get(row_name(FMLINT, judged))
    if linear and len(linear["marginal_ms"]) >= 2:
        values = list(linear["marginal_ms"].values())
        spread = max(values) / min(values)
        # Linear or better: no corpus costs more per record than a smaller one (by more than
        # the allowance). Costs that fall with size (memos that hit more often) are fine.
        growth = max(values[j] / values[i] for i in range(len(values))
                     for j in range(i + 1, len(values)))
        sizes = " → ".join(f"{int(s) // 1000}k" for s in linear["marginal_ms"])
        per_cpu = [c / int(s) * 1000 for s in linear["marginal_ms"]
                   if (c := cpu(FMLINT, s, judged))]
        cpu_view = (" / ".join(f"{v:.3f}" for v in per_cpu)
                    + f" ms CPU per record; spread {max(per_cpu) / min(per_cpu):.2f}×"
                    if len(per_cpu) >= 2 else "")
        rows.append((f"linear cost {sizes} (marginal ms per record, 1 job"
                     + (", the sizes taking turns)" if judged == COLD_1_TURNS else ")"),
                     " / ".join(f"{v:.3f}" for v in values)
                     + f"; growth {growth:.2f}× (spread {spread:.2f}×)",
                     cpu_view, f"growth ≤ {LINEAR_SPREAD}×", growth <= LINEAR_SPREAD))
    else:
        rows.append(("linear cost 1k → 50k", "–", "", f"growth ≤ {LINEAR_SPREAD}×", None))
    lsp = data.get("lsp", {})
    if "net_median_s" in lsp:
        rows.append(("language server answers a change",
                     f"{seconds(lsp['net_median_s'])} (raw {seconds(lsp['median_s'])} − "
                     f"debounce {seconds(lsp['debounce_s'])})", "", "< 20 ms",
                     lsp["net_median_s"] < 0.020))
    else:
        rows.append(("language server answers a change", lsp.get("skipped", "–"), "",
                     "< 20 ms", None))
    return rows


# -- the document -------------------------------------------------------------------------------

def _table(head: list[str], rows: list[list[str]], numeric_from: int = 1) -> list[str]:
    lines = ["| " + " | ".join(head) + " |",
             "|" + "".join("---:|" if i >= numeric_from else "---|" for i in range(len(head)))]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def render(data: dict[str, Any]) -> str:
    """RESULTS.md from the raw results."""
    m = data["machine"]
    results = load_results(data)
    targets_ = [ONE, *[str(s) for s in data["sizes"]]]
    order: list[tuple[str, str]] = []
    for r in results:
        if (r.tool, r.variant) not in order:
            order.append((r.tool, r.variant))

    busy = [s.background for r in results for s in r.samples if s.background is not None]
    lines = [
        "# fmlint benchmark results", "",
        "Written by `python bench/run.py` (see `bench/README.md`). Times are medians of "
        "wall-clock runs; the number of runs is in brackets.", "",
        "## Machine", "",
        f"- CPU: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable)",
        f"- Memory: {m['memory_mib']:,} MiB" if m.get("memory_mib") else "- Memory: unknown",
        f"- Python {m['python']}, node {m['node'] or '–'}, {m['platform']}",
        f"- Date: {m['date']}",
        f"- fmlint: commit `{m['fmlint_commit']}` ({m['fmlint_version']})"
        + (f", with {m['fmlint_uncommitted']} uncommitted changed file(s) under `linter/` "
           "and `schema/`" if m.get("fmlint_uncommitted") else ""),
    ]
    if busy and statistics.median(busy) > 0.5:
        lines.insert(2, "> **The machine was busy with other work during these runs** (the "
                     f"CPUs were {statistics.median(busy):.0%} busy just before the median "
                     "run). Wall times are inflated and noisy, parallel runs most of all; "
                     "compare tools measured close together, and the CPU times. Re-run on "
                     "a quiet machine for numbers to rely on.\n")
    if busy:
        lines.append(
            f"- Other work on the machine: before each run the benchmark waits (up to "
            f"{data.get('quiet_wait', 5):.0f} s) for the CPUs to be at most 15% busy; the "
            f"share of the CPUs busy with other work just before a run was "
            f"{statistics.median(busy):.0%} in the median, {max(busy):.0%} at most")
    places = {"venv": "`bench/work/venv`", "venv-ruamel-clib": "`bench/work/venv-ruamel-clib`",
              "node": "`bench/work/node`",
              "venv-fmlint": "`bench/work/venv-fmlint` (`pip install .` of this checkout)"}
    for place, found in data.get("installs", {}).items():
        listed = ", ".join(f"{name} {version}" for name, version in found.items() if version)
        if listed:
            lines.append(f"- {places.get(place, place)}: {listed}")
    lines.append("")

    lines += ["## Targets", ""]
    lines += ["Verdicts use wall time. The CPU-time column compares user + system time "
              "instead (for 10,000 records: fmlint with one job against the single-process "
              "peer; for the re-run, both runs with every core), which other work on the "
              "machine disturbs less.", ""]
    lines += _table(["target", "measured (wall)", "CPU time", "goal", ""],
                    [[name, measured, cpu_view, goal, verdict(ok)]
                     for name, measured, cpu_view, goal, ok in targets(data)], numeric_from=9)

    def cells(tool: str, variant: str, show: Any) -> list[str]:
        out = []
        for target in targets_:
            r = find(results, tool, target, variant)
            if r is None:
                out.append("")
            elif r.failed:
                out.append("failed")
            elif not r.samples:
                out.append("skipped")
            else:
                out.append(show(r))
        return out

    def rows(show: Any) -> list[list[str]]:
        found = []
        for tool, variant in order:
            row = cells(tool, variant, show)
            if any(row):
                found.append([row_name(tool, variant), *row])
        return found

    head = ["tool", *[size_label(t) for t in targets_]]
    lines += ["## Wall time", ""]
    lines += _table(head, rows(lambda r: f"{seconds(r.median)} ({len(r.samples)})"))
    fills = [r for r in results if r.fill]
    if fills:
        lines += ["Warm runs reuse a cache (`--cache-dir bench/work/cache-…`) filled by one "
                  "run just before them; the filling runs took: " + "; ".join(
                      f"{size_label(r.target)}, {r.variant.split(', ')[-1]}: "
                      f"{seconds(r.fill.seconds)}" for r in fills if r.fill) + ".", ""]

    lines += ["## CPU time", "",
              "User + system time of the process and its children (median); less sensitive "
              "than wall time to other work on the machine, and it shows what parallel "
              "workers cost in all.", ""]
    lines += _table(head, rows(lambda r: seconds(r.cpu)))

    lines += ["## fmlint (cold, every core) / peer", "", "Wall time; below 1 means fmlint "
              "is faster.", ""]
    ratio_rows = []
    for tool, variant in order:
        if tool == FMLINT:
            continue
        row = [ratio(median(results, FMLINT, t, COLD), median(results, tool, t, variant))
               for t in targets_]
        ratio_rows.append([row_name(tool, variant), *row])
    lines += _table(["peer", *head[1:]], ratio_rows)

    lines += [
        "## Peak memory", "",
        "For fmlint with every core (worker processes), one extra run per size samples the "
        "whole process tree from /proc every 10–100 ms: the cell gives the peak of the summed "
        "PSS (a page shared by n processes counts 1/n in each, so workers forked from one "
        "parent are not counted twice), then the peak of the summed RSS, then the largest "
        "single process. Every other cell is the largest single process's maximum RSS "
        "(GNU time's `%M`, per process, not a sum), which for a single-process tool is its "
        "whole memory. fmlint's targets use the tree's PSS where there is one.", ""]

    def memory(r: Result) -> str:
        largest = max((s.largest_kb for s in r.samples if s.largest_kb), default=None)
        if r.memory and r.memory.tree_pss_kb:
            return (f"{megabytes(r.memory.tree_pss_kb)} PSS / {megabytes(r.memory.tree_rss_kb)}"
                    f" RSS / {megabytes(largest)} max")
        return megabytes(largest)

    lines += _table(head, rows(memory))

    linear = data.get("linearity", {})
    if linear:
        big = [str(s) for s in data["sizes"]]
        lines += ["## Linearity", "",
                  "Milliseconds per record, and in brackets the marginal time per record: "
                  "(time − one-file time) / records, which leaves start-up out.", ""]
        lines += _table(["tool", *[size_label(t) for t in big]], [
            [name, *[f"{v['per_record_ms'][t]:.3f} ({v['marginal_ms'][t]:.3f})"
                     if t in v["per_record_ms"] else "" for t in big]]
            for name, v in linear.items()])

    lines += _lsp_section(data.get("lsp", {}))
    lines += _detection_section(data.get("detection"))
    lines += _profile_section(data.get("profile"))

    notes = list(data.get("notes", []))
    for r in results:
        if r.note or r.failed:
            notes.append(f"{row_name(r.tool, r.variant)}, {size_label(r.target)}: "
                         f"{r.failed or r.note}")
    if data.get("hyperfine_one"):
        notes.append("hyperfine medians, one file: " + "; ".join(
            f"{k} {seconds(v)}" for k, v in data["hyperfine_one"].items()))
    if notes:
        lines += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    lines += ["## What was run", "", *[f"- {d}" for d in data.get("described", [])], ""]
    lines += ["## Peer numbers measured elsewhere (orientation only)", ""]
    lines += _table(["peer", "one file", "10,000 records"],
                    [[tool, seconds(one), seconds(ten)] for tool, (one, ten) in REFERENCE.items()])
    lines.append(f"Benchmark wall time: {data.get('elapsed_s', 0) / 60:.1f} minutes.")
    return "\n".join(lines) + "\n"


def _lsp_section(lsp: dict[str, Any]) -> list[str]:
    lines = ["## Language server", ""]
    if "median_s" not in lsp:
        return [*lines, f"Not measured: {lsp.get('skipped', 'not run')}.", ""]
    return [
        *lines,
        f"A minimal JSON-RPC client (`bench/lsp_latency.py`) opens `{lsp['record']}` in "
        f"`fmlint server` ({lsp['mode']} diagnostics, {lsp['sync']} document sync) and changes "
        f"the title {len(lsp['latencies_s'])} times, alternately adding and removing mojibake; "
        "each change is timed from the `didChange` notification to the diagnostics for the "
        "new version.", "",
        f"- median {seconds(lsp['median_s'])}, slowest {seconds(lsp['max_s'])}; debounce "
        f"{seconds(lsp['debounce_s'])} (`{lsp['debounce_source']}`); median minus debounce "
        f"{seconds(lsp['net_median_s'])}",
        f"- start-up: `initialize` answered after {seconds(lsp['initialize_s'])}, first "
        f"diagnostics {seconds(lsp['first_diagnostics_s'])} after opening",
        f"- the diagnostics changed with {lsp['changes_seen']} of "
        f"{len(lsp['latencies_s']) - 1} consecutive changes", ""]


def _detection_section(found: dict[str, Any] | None) -> list[str]:
    if not found:
        return []
    lines = ["## Injected defects found", ""]
    if "by_kind" not in found:
        return [*lines, f"Not checked: {found.get('error')}", ""]
    lines += [f"fmlint on the {int(found['size']):,}-record corpus: {found['findings']:,} "
              f"findings in {found['files_with_findings']:,} files. Defects injected by "
              "`bench/make_corpus.py`, reported with the expected code in that file:", ""]
    return lines + _table(["defect", "expected", "found"], [
        [kind, ", ".join(codes), f"{hit} / {total}"]
        for kind, (hit, total, codes) in sorted(found["by_kind"].items())])


def _profile_section(prof: dict[str, Any] | None) -> list[str]:
    if not prof or "cumulative" not in prof:
        return [] if not prof else ["## Profile", "", f"Not made: {prof.get('error')}", ""]
    lines = ["## Profile", "",
             f"`python -m cProfile -m linter check --isolated --no-cache --jobs 1` on "
             f"{int(prof['size']):,} records ({seconds(prof['seconds'])} under the profiler; "
             "cProfile slows Python code down, so compare shares, not times). Whole profile: "
             f"`python -m pstats bench/work/profile-{prof['size']}.prof`.", ""]

    def rows(found: list[dict]) -> list[list[str]]:
        return [[f"`{r['function']}`", f"{r['calls']:,}", f"{r['own_s']:.3f} s",
                 f"{r['cumulative_s']:.3f} s"] for r in found]

    head = ["function", "calls", "own", "cumulative"]
    lines += ["Top 15 by cumulative time:", ""]
    lines += _table(head, rows(prof["cumulative"]))
    if prof.get("folded"):
        lines += ["Top 15 by cumulative time without pass-through frames (a function that "
                  "spends at least 90% of its time in one callee and almost none in itself):",
                  ""]
        lines += _table(head, rows(prof["folded"]))
    lines += ["Top 10 by own time:", ""]
    return lines + _table(head, rows(prof["own"]))
