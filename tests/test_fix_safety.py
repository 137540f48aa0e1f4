"""Fixing never loses a byte: every corpus record, fixed with every fix (unsafe ones too).

For each record: the fixed file parses; every value no applied fix targeted is unchanged;
replaying the applied edits on the original, pass by pass, gives exactly the fixed text (so
no byte outside an edit moved); a second fix run changes nothing.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from linter.engine import lint as engine
from linter.engine.config import Config, SchemaMapping
from linter.fixer import apply as fixer
from linter.reading import source, yamldoc
from linter.rules.finding import Edit, Finding
from linter.runner import batch as runner
from linter.site.workspace import Workspace

from .conftest import CORPUS, SEED, article_records, organization_records

_BREAK = re.compile(r"\r\n|\r|\n")


def corpus_config() -> Config:
    return Config(
        schemas=[SchemaMapping(("**/_data/organizations/**",), "organization")],
        base_dir=str(CORPUS),
        now=datetime(2026, 11, 26, tzinfo=UTC),
    )


def engine_check(path: str, config: Config) -> Callable[[str], list[Finding]]:
    """The check ``fmlint check`` gives the fixer: the file's site and image sizes included."""
    disk = Workspace()
    site = disk.site_for(path, config)
    sizer = disk.image_sizer(site, [])
    return lambda text: engine.check_text(text, path, config, site=site, image_sizer=sizer,
                                          schemas=disk.schemas).findings


# -- an independent account of what a fix run did ------------------------------------------


@dataclass
class Traced:
    """A fix run, with every text the fixer checked and which text each finding came from."""

    outcome: fixer.FixOutcome
    texts: list[str]
    found_in: dict[int, int] = field(default_factory=dict)  # id(finding) -> index in texts
    kept: list[list[Finding]] = field(default_factory=list)  # keeps those ids alive


def traced_fix(text: str, check: Callable[[str], list[Finding]], unsafe: bool = True
               ) -> Traced:
    traced = Traced(fixer.FixOutcome(text), [])

    def recording(candidate: str) -> list[Finding]:
        findings = check(candidate)
        for finding in findings:
            traced.found_in[id(finding)] = len(traced.texts)
        traced.texts.append(candidate)
        traced.kept.append(findings)
        return findings

    traced.outcome = fixer.fix_text(text, recording, unsafe=unsafe)
    return traced


def to_offset(text: str, line: int, column: int) -> int:
    """Character offset of a 1-based line and column (CRLF, CR and LF end lines)."""
    starts = [0, *(m.end() for m in _BREAK.finditer(text))]
    assert 1 <= line <= len(starts), (line, len(starts))
    offset = starts[line - 1] + column - 1
    assert offset <= len(text)
    return offset


def splice(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (independently of the fixer's own code)."""
    spans = sorted((to_offset(text, e.line, e.column), to_offset(text, e.end_line, e.end_column),
                    e.content) for e in edits)
    for (_, end, _c), (start, _e, _c2) in itertools.pairwise(spans):
        assert end <= start, "edits overlap"
    for start, end, content in reversed(spans):
        assert start <= end
        text = text[:start] + content + text[end:]
    return text


def passes(traced: Traced) -> list[tuple[int, list[Finding]]]:
    """The applied findings grouped by the text (index) their edits are relative to."""
    groups: dict[int, list[Finding]] = {}
    for finding in traced.outcome.applied:
        groups.setdefault(traced.found_in[id(finding)], []).append(finding)
    return sorted(groups.items())


def replay_problems(original: str, traced: Traced) -> list[str]:
    """Where replaying the applied edits does not give the fixer's texts, pass by pass."""
    problems = []
    outcome = traced.outcome
    if not outcome.applied:
        return [] if outcome.text == original else ["text changed with no fix applied"]
    if traced.texts[0] != original:
        problems.append("the first check did not see the original text")
    for index, group in passes(traced):
        replayed = splice(traced.texts[index], [e for f in group for e in f.fix.edits])
        if index + 1 >= len(traced.texts) or replayed != traced.texts[index + 1]:
            problems.append(f"pass {index + 1}: replaying "
                            f"{[f.code for f in group]} does not give the next text")
    if outcome.text != traced.texts[-1]:
        problems.append("the fixed text is not the last text checked")
    return problems


def front_matter(text: str) -> Any:
    front = source.split(text)
    return yaml.load(text[front.start:front.end], Loader=yaml.CSafeLoader)


def flatten(value: Any, pointer: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    """JSON Pointer -> value for every scalar, and a marker for every mapping and list."""
    out = {} if out is None else out
    if isinstance(value, dict):
        out[pointer] = ("mapping", len(value))
        for key, child in value.items():
            token = str(key).replace("~", "~0").replace("/", "~1")
            flatten(child, f"{pointer}/{token}", out)
    elif isinstance(value, list):
        out[pointer] = ("list", len(value))
        for i, child in enumerate(value):
            flatten(child, f"{pointer}/{i}", out)
    else:
        out[pointer] = (type(value).__name__, value)
    return out


def targeted_pointers(traced: Traced) -> set[str]:
    """Each applied finding's pointer, and every scalar or key its edits overwrite."""
    targets: set[str] = set()
    for index, group in passes(traced):
        text = traced.texts[index]
        front = source.split(text)
        doc = yamldoc.parse(text[front.start:front.end], front.start)
        spans = []
        for pointer, span in doc.spans.items():
            if span.style not in ("map", "seq"):
                spans.append((span.start, span.end, pointer))
            if span.key_start is not None:
                spans.append((span.key_start, span.key_end or span.key_start, pointer))
        for finding in group:
            targets.add(finding.pointer or "")
            for edit in finding.fix.edits:
                a = to_offset(text, edit.line, edit.column)
                b = to_offset(text, edit.end_line, edit.end_column)
                targets.update(p for s, e, p in spans if (a < e and s < b) or s <= a == b <= e)
    return targets


def untargeted_changes(before: Any, after: Any, targets: set[str]) -> list[str]:
    old, new = flatten(before), flatten(after)

    def targeted(pointer: str) -> bool:
        return any(pointer == t or (t and pointer.startswith(t + "/")) for t in targets)

    return sorted(p for p in set(old) | set(new)
                  if old.get(p) != new.get(p) and not targeted(p))


# -- the corpus, fixed once ----------------------------------------------------------------


@dataclass
class Fixed:
    path: Path
    original: str
    traced: Traced
    again: fixer.FixOutcome | None  # a second run over the fixed text


@pytest.fixture(scope="module")
def fixed_corpus() -> list[Fixed]:
    config = corpus_config()
    out = []
    for path in [*article_records(), *organization_records()]:
        text, _bom = source.decode(path.read_bytes())
        check = engine_check(str(path), config)
        traced = traced_fix(text, check)
        again = None
        if traced.outcome.text != text:
            again = fixer.fix_text(traced.outcome.text, check, unsafe=True)
        out.append(Fixed(path, text, traced, again))
    return out


def test_every_record_was_fixed_and_fixes_happened(fixed_corpus: list[Fixed]) -> None:
    assert len(fixed_corpus) >= 1400
    changed = [f for f in fixed_corpus if f.traced.outcome.text != f.original]
    assert len(changed) >= 600
    codes = {x.code for f in changed for x in f.traced.outcome.applied}
    assert {"FM101", "FM102", "FM105", "FM403"} <= codes
    seed = next(f for f in fixed_corpus if f.path == SEED)
    assert [x.code for x in seed.traced.outcome.applied] == ["FM101"]


def test_fixed_records_parse(fixed_corpus: list[Fixed]) -> None:
    broken = []
    for item in fixed_corpus:
        try:
            front_matter(item.traced.outcome.text)
        except (source.SplitError, yaml.YAMLError) as err:
            broken.append(f"{item.path.name}: {err}")
    assert broken == []


def test_only_targeted_values_change(fixed_corpus: list[Fixed]) -> None:
    changed = []
    for item in fixed_corpus:
        if item.traced.outcome.text == item.original:
            continue
        for pointer in item.traced.outcome.applied:
            assert pointer.pointer, f"{item.path.name}: a fix of the whole record"
        moved = untargeted_changes(front_matter(item.original),
                                   front_matter(item.traced.outcome.text),
                                   targeted_pointers(item.traced))
        if moved:
            changed.append(f"{item.path.name}: {moved}")
    assert changed == []


def test_bytes_outside_the_edits_are_identical(fixed_corpus: list[Fixed]) -> None:
    problems = [f"{item.path.name}: {p}" for item in fixed_corpus
                for p in replay_problems(item.original, item.traced)]
    assert problems == []


def test_no_fix_is_rejected_or_runs_out_of_passes(fixed_corpus: list[Fixed]) -> None:
    noisy = [f"{item.path.name}: rejected {[(x.code, x.pointer) for x in r]}"
             for item in fixed_corpus if (r := item.traced.outcome.rejected)]
    noisy += [f"{item.path.name}: hit the pass limit" for item in fixed_corpus
              if item.traced.outcome.hit_limit]
    assert noisy == []


def test_second_fix_run_changes_nothing(fixed_corpus: list[Fixed]) -> None:
    unstable = [f"{item.path.name}: {[x.code for x in item.again.applied]}"
                for item in fixed_corpus
                if item.again is not None and item.again.text != item.traced.outcome.text]
    assert unstable == []


# -- the account itself can fail ------------------------------------------------------------


def test_replay_catches_a_byte_moved_outside_an_edit() -> None:
    """A fixer that also touched another byte would be caught by the replay."""
    text = SEED.read_text("utf-8")
    traced = traced_fix(text, engine_check(str(SEED), corpus_config()))
    assert replay_problems(text, traced) == []
    traced.outcome.text = traced.outcome.text.replace("Croydon", "Croydom", 1)
    assert replay_problems(text, traced)


def test_value_comparison_catches_an_untargeted_change() -> None:
    text = SEED.read_text("utf-8")
    traced = traced_fix(text, engine_check(str(SEED), corpus_config()))
    targets = targeted_pointers(traced)
    assert targets == {"/related/1/excerpt"}
    before = front_matter(text)
    after = front_matter(traced.outcome.text)
    assert untargeted_changes(before, after, targets) == []
    after["related"][0]["quality"] = "39"
    assert untargeted_changes(before, after, targets) == ["/related/0/quality"]


# -- a fix run killed at any moment ---------------------------------------------------------

KILL_FILES = 300


def _originals() -> list[Path]:
    return sorted((CORPUS / "_news").glob("*.md"))[:KILL_FILES]


def _fix_run(folder: Path, jobs: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "linter", "check", "--isolated", "--no-cache", "--fix",
         "--no-progress", "-j", str(jobs), str(folder)],
        cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, start_new_session=True)


def _state(folder: Path, original: dict[str, bytes], fixed: dict[str, bytes]
           ) -> tuple[int, list[str], list[str]]:
    """(files already fixed, files in neither state, temporary files left)."""
    done, torn = 0, []
    for name, data in original.items():
        now = (folder / name).read_bytes()
        if now == fixed[name] and now != data:
            done += 1
        elif now != data:
            torn.append(name)
    leftovers = sorted(p.name for p in folder.iterdir() if p.name.startswith(".fmlint-"))
    return done, torn, leftovers


def test_killed_fix_run_leaves_every_file_whole(tmp_path: Path) -> None:
    folder = tmp_path / "_news"
    folder.mkdir()
    original = {p.name: p.read_bytes() for p in _originals()}
    fixed = {}
    for name, data in original.items():
        outcome = runner.check_data(data, str(folder / name), Config(), runner.Mode(fix=True))
        fixed[name] = data if outcome.fixed_text is None else outcome.fixed_text.encode()
    changing = sum(fixed[n] != original[n] for n in original)
    assert changing >= 80

    def reset() -> None:
        for leftover in folder.glob(".fmlint-*"):
            leftover.unlink()
        for name, data in original.items():
            (folder / name).write_bytes(data)

    reset()
    started = time.perf_counter()
    child = _fix_run(folder, jobs=2)
    assert child.wait(timeout=120) == 1
    full = time.perf_counter() - started
    assert _state(folder, original, fixed) == (changing, [], [])

    rng = random.Random()
    seen = []
    for fraction, jobs in ((0.2, 1), (0.4, 2), (0.6, 1), (0.8, 2)):
        reset()
        delay = full * rng.uniform(fraction - 0.1, fraction + 0.1)
        child = _fix_run(folder, jobs)
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        done, torn, leftovers = _state(folder, original, fixed)
        seen.append((round(delay, 2), jobs, done, len(leftovers)))
        assert torn == [], f"killed after {delay:.2f} s: files in neither state: {torn[:5]}"
    # What the kills caught (files already fixed; temporary files a kill left behind).
    print("kills (delay s, jobs, files fixed, temporary files left):", seen)
