"""The fix feature as people use it: ``fmlint check --fix`` and friends on real files."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from linter.runner import batch as runner
from linter.site import files

from .conftest import SEED

MOJIBAKE = "Metâ€™s".encode()
REPAIRED = "Met’s".encode()
SEED_BYTES = SEED.read_bytes()
CHECK = ["check", "--isolated", "--no-cache"]


def fixed_seed(data: bytes = SEED_BYTES) -> bytes:
    assert data.count(MOJIBAKE) == 1
    return data.replace(MOJIBAKE, REPAIRED)


def write(tmp_path: Path, data: bytes, name: str = "article.md") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_fix_changes_exactly_the_one_excerpt(tmp_path: Path, cli) -> None:
    path = write(tmp_path, SEED_BYTES)
    run = cli([*CHECK, "--fix", str(path)])
    assert run.code == 0, run.out
    assert path.read_bytes() == fixed_seed()
    assert "Fixed 1 problem" in run.out


def test_diff_prints_and_writes_nothing(tmp_path: Path, cli) -> None:
    path = write(tmp_path, SEED_BYTES)
    run = cli([*CHECK, "--diff", str(path)])
    assert run.code == 1
    assert path.read_bytes() == SEED_BYTES
    lines = run.out.splitlines()
    assert lines[0] == f"--- a/{path}"
    assert lines[1] == f"+++ b/{path}"
    assert lines[2].startswith("@@ ")
    removed = [line for line in lines if line.startswith("-") and not line.startswith("---")]
    added = [line for line in lines if line.startswith("+") and not line.startswith("+++")]
    assert len(removed) == len(added) == 1
    assert removed[0][1:].encode() == fixed_seed().splitlines()[48].replace(REPAIRED, MOJIBAKE)
    assert added[0][1:].encode() == fixed_seed().splitlines()[48]
    assert "Would fix 1 problem in 1 file." in run.err


def test_diff_exits_zero_when_nothing_changes(tmp_path: Path, cli) -> None:
    path = write(tmp_path, fixed_seed())
    run = cli([*CHECK, "--diff", str(path)])
    assert (run.code, run.out) == (0, "")
    assert path.read_bytes() == fixed_seed()


def test_fix_only_fixes_and_reports_nothing_else(tmp_path: Path, cli) -> None:
    path = write(tmp_path, SEED_BYTES.replace(b"provider:\n  name: BBC\n",
                                              b"provider:\n  name: BBC\n  extra: 1\n"))
    run = cli([*CHECK, "--fix-only", str(path)])
    assert run.code == 0
    assert run.out == "Fixed 1 problem.\n"
    assert REPAIRED in path.read_bytes()
    assert b"extra: 1" in path.read_bytes()  # an unknown key: reported by check, not fixed
    assert cli([*CHECK, str(path)]).code == 1


def test_stdin_fix_writes_the_fixed_text_to_stdout(cli) -> None:
    run = cli([*CHECK, "--fix", "--stdin-filename", "article.md", "-"], stdin=SEED_BYTES)
    assert run.out.encode() == fixed_seed()
    assert "Fixed 1 problem" in run.err


@pytest.mark.parametrize("variant", ["crlf", "bom", "comments", "no-final-newline"])
def test_fix_keeps_the_files_own_bytes(variant: str, tmp_path: Path, cli) -> None:
    data = {
        "crlf": SEED_BYTES.replace(b"\n", b"\r\n"),
        "bom": b"\xef\xbb\xbf" + SEED_BYTES,
        "comments": SEED_BYTES.replace(b"type: article\n", b"# the kind of record\n"
                                       b"type: article  # always article here\n", 1)
        .replace(b"related:\n", b"related:  # stories like this one\n"),
        "no-final-newline": SEED_BYTES.rstrip(b"\n"),
    }[variant]
    path = write(tmp_path, data)
    run = cli([*CHECK, "--fix", str(path)])
    assert run.code == 0, run.out
    assert path.read_bytes() == fixed_seed(data)


@pytest.mark.parametrize("written,expected", [
    ('excerpt: "As part of the Metâ€™s work"', 'excerpt: "As part of the Met’s work"'),
    ("excerpt: 'As part of the Metâ€™s work'", "excerpt: 'As part of the Met’s work'"),
    ("excerpt: As part of the Metâ€™s work", "excerpt: As part of the Met’s work"),
    # Blocks stay blocks, with their header, indentation and (folded) width.
    ("excerpt: >-\n      As part of the\n      Metâ€™s work",
     "excerpt: >-\n      As part of the\n      Met’s work"),
    ("excerpt: |\n      As part of the\n      Metâ€™s work\n",
     "excerpt: |\n      As part of the\n      Met’s work\n"),
    ("excerpt: > # wrapped\n      As part of the Metâ€™s\n      work, and more\n\n      words\n\n",
     "excerpt: > # wrapped\n      As part of the Met’s\n      work, and more\n\n      words\n\n"),
    ("excerpt: |+\n      As part of the\n\n      Metâ€™s work\n\n",
     "excerpt: |+\n      As part of the\n\n      Met’s work\n\n"),
    ("excerpt: !!str >-\n      As part of the\n      Metâ€™s work",
     "excerpt: !!str >-\n      As part of the\n      Met’s work"),
    # An explicit indentation counts from the parent's: that block becomes quoted text
    # (whose leading spaces the whitespace fix trims).
    ("excerpt: >2-\n        As part of the Metâ€™s work",
     'excerpt: "As part of the Met’s work"'),
])
def test_fix_keeps_the_quoting_style(written: str, expected: str, tmp_path: Path,
                                     cli) -> None:
    old = ('    excerpt: "As part of the Metâ€™s ongoing work to reduce serious violence in the '
           'Croydon area officers made five arrests using LFR."')
    text = SEED_BYTES.decode()
    assert old in text
    path = write(tmp_path, text.replace(old, "    " + written).encode())
    run = cli([*CHECK, "--fix", str(path)])
    assert run.code == 0, run.out
    assert path.read_bytes() == text.replace(old, "    " + expected).encode()


def test_double_escaped_entities_converge_in_one_run(tmp_path: Path, cli) -> None:
    data = SEED_BYTES.replace(MOJIBAKE, REPAIRED).replace(
        b'title: "Five arrests in Croydon', b'title: "Five &amp;quot;arrests&amp;quot; in Croydon')
    path = write(tmp_path, data)
    assert cli([*CHECK, str(path)]).code == 1
    first = cli([*CHECK, "--fix", str(path)])
    assert first.code == 0, first.out
    assert b'title: "Five \\"arrests\\" in Croydon' in path.read_bytes()
    after = path.read_bytes()
    second = cli([*CHECK, "--fix", str(path)])
    assert second.code == 0
    assert "Fixed" not in second.out
    assert path.read_bytes() == after


def test_second_fix_changes_nothing(tmp_path: Path, cli) -> None:
    path = write(tmp_path, SEED_BYTES)
    cli([*CHECK, "--fix", str(path)])
    stat_before = path.stat()
    run = cli([*CHECK, "--fix", str(path)])
    assert run.code == 0
    assert path.read_bytes() == fixed_seed()
    assert path.stat().st_ino == stat_before.st_ino  # not even rewritten


def test_unsafe_fix_needs_unsafe_fixes(tmp_path: Path, cli) -> None:
    data = fixed_seed().replace(b'webUrl: "https://www.bbc.com/news/uk-england-london-68062080"',
                                b'webUrl: "http://www.bbc.com/news/uk-england-london-68062080"')
    path = write(tmp_path, data)
    safe = cli([*CHECK, "--fix", str(path)])
    assert safe.code == 1
    assert " FM202 " in safe.out
    assert path.read_bytes() == data
    unsafe = cli([*CHECK, "--fix", "--unsafe-fixes", str(path)])
    assert unsafe.code == 0, unsafe.out
    assert path.read_bytes() == fixed_seed()


# -- what --fix must not write --------------------------------------------------------------


def test_read_only_file_is_reported_and_untouched(tmp_path: Path, cli) -> None:
    path = write(tmp_path, SEED_BYTES)
    path.chmod(0o444)
    assert os.geteuid() != 0 or os.access(path, os.W_OK)  # root could write it: bits decide
    run = cli([*CHECK, "--fix", str(path)])
    assert run.code == 1
    assert " FM017 " in run.out and "read-only" in run.out
    assert " FM101 " in run.out  # still reported, as it is still there
    assert path.read_bytes() == SEED_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_fix_keeps_the_file_mode(tmp_path: Path, cli) -> None:
    path = write(tmp_path, SEED_BYTES)
    path.chmod(0o640)
    assert cli([*CHECK, "--fix", str(path)]).code == 0
    assert path.read_bytes() == fixed_seed()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_symlink_outside_the_tree_is_not_written_through(tmp_path: Path, cli) -> None:
    outside = write(tmp_path / "outside", SEED_BYTES, "real.md")
    tree = tmp_path / "tree"
    tree.mkdir()
    link = tree / "link.md"
    link.symlink_to(outside)
    run = cli([*CHECK, "--fix", str(tree)])
    assert run.code == 1
    assert " FM017 " in run.out and "symbolic link" in run.out
    assert outside.read_bytes() == SEED_BYTES
    assert link.is_symlink()


def test_symlink_inside_the_tree_is_written_through(tmp_path: Path, cli) -> None:
    tree = tmp_path / "tree"
    real = write(tree / "real", SEED_BYTES, "real.md")
    link = tree / "link.md"
    link.symlink_to(real)
    run = cli([*CHECK, "--fix", "--ignore", "FM207", str(tree)])  # both names: one story
    assert run.code == 0, run.out
    assert real.read_bytes() == fixed_seed()
    assert link.is_symlink() and link.resolve() == real.resolve()


def test_file_changed_during_the_check_is_not_overwritten(tmp_path: Path, cli,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    path = write(tmp_path, SEED_BYTES)
    edited = SEED_BYTES.replace(b"quality: 89", b"quality: 90")
    checked = runner.check_data

    def check_while_someone_edits(data: bytes, *args, **kwargs):
        outcome = checked(data, *args, **kwargs)
        path.write_bytes(edited)  # another program saves the file meanwhile
        return outcome

    monkeypatch.setattr(runner, "check_data", check_while_someone_edits)
    run = cli([*CHECK, "--fix", str(path)])
    assert run.code == 1
    assert " FM017 " in run.out and "changed on disk" in run.out
    assert path.read_bytes() == edited


def test_write_atomic_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = write(tmp_path, SEED_BYTES)
    files.write_atomic(str(path), fixed_seed(), SEED_BYTES, [str(tmp_path)])
    assert path.read_bytes() == fixed_seed()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.md"]
    with pytest.raises(files.WriteRefused):
        files.write_atomic(str(path), SEED_BYTES, SEED_BYTES, [str(tmp_path)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.md"]


# -- fixes that disagree: the more specific repair wins, by rule -----------------------------


def _title_file(tmp_path: Path, title: str) -> Path:
    """A record (of the article schema, which says its title is text) with ``title``."""
    return write(tmp_path, f'---\n$schema: article\ntitle: "{title}"\n---\n'.encode())


def test_whitespace_trimming_waits_for_the_encoding_repair(tmp_path: Path, cli) -> None:
    """U+0085 at the end is a mis-decoded '…' (FM101, an unsafe repair) and trailing
    whitespace (FM105, safe): plain --fix must not trim the character the repair needs."""
    path = _title_file(tmp_path, "Wait for it\\x85")
    run = cli([*CHECK, "--select", "FM1", "--fix", str(path)])
    assert path.read_bytes() == b'---\n$schema: article\ntitle: "Wait for it\\x85"\n---\n'
    assert "FM101" in run.out and "FM105" in run.out
    assert "[*]" not in run.out  # the trimming is not offered while the repair is pending
    run = cli([*CHECK, "--select", "FM1", "--fix", "--unsafe-fixes", str(path)])
    assert path.read_text("utf-8") == '---\n$schema: article\ntitle: "Wait for it…"\n---\n'



def test_encoding_repair_comes_before_removing_control_characters(tmp_path: Path, cli) -> None:
    """The control characters start first, but 'Â\\x81' is mis-decoded text: removing the
    controls first would leave a stray 'Â'."""
    path = _title_file(tmp_path, "a\\x1a b \\u00c2\\x81")
    run = cli([*CHECK, "--select", "FM1", "--fix", "--unsafe-fixes", str(path)])
    assert run.code == 0, run.out
    assert path.read_text("utf-8") == '---\n$schema: article\ntitle: "a b"\n---\n'


def test_a_silenced_repair_does_not_hold_back_the_others(tmp_path: Path, cli) -> None:
    silenced = '---\n$schema: article\ntitle: "Wait for it\\x85"  # fmlint: ignore[FM101]\n---\n'
    path = write(tmp_path, silenced.encode())
    cli([*CHECK, "--select", "FM1", "--fix", str(path)])
    assert path.read_text("utf-8") == silenced.replace("\\x85", "")


def test_the_order_of_fixes_is_written_down() -> None:
    from linter.engine import lint as engine

    assert engine.FIX_PRECEDENCE[0] == "FM101" and engine.FIX_PRECEDENCE[-1] == "FM105"


# -- many fixes at once --------------------------------------------------------------------


def _many_fixes(count: int) -> bytes:
    """The seed record with ``count`` topics that each hold an HTML entity."""
    head, tail = SEED_BYTES.split(b"topics:\n", 1)
    tail = tail.split(b"\n", 2)[2]  # (without the seed's own two topics)
    topics = b"".join(b'  - "Topic &amp; %d"\n' % i for i in range(count))
    return head + b"topics:\n" + topics + tail


def test_thousands_of_fixes_are_applied_in_linear_time(tmp_path: Path, cli) -> None:
    """8,000 fixes in one record: applying and verifying them used to compare every edit with
    every value (minutes); now seconds. The result is what the edits give one by one."""
    data = _many_fixes(8000)
    path = write(tmp_path, data, "_posts/2024-01-22-many.md")
    started = time.perf_counter()
    run = cli([*CHECK, "--diff", str(path)])
    assert run.code == 1 and run.out.count("\n+  - ") == 8000
    run = cli([*CHECK, "--fix", str(path)])
    assert time.perf_counter() - started < 60  # (it took over 200 s)
    assert run.code == 0, run.out[-2000:]
    assert path.read_bytes() == fixed_seed(data).replace(b"&amp;", b"&")


def test_applying_edits_at_once_is_applying_them_one_by_one() -> None:
    from linter.fixer import apply as fixer
    from linter.rules.finding import Edit

    text = _many_fixes(3000).decode()
    first = text.splitlines().index("topics:") + 2  # (the lines of the topics)
    lines = range(first, first + 2990)
    edits = [Edit(n, 1, n, 3, f"<{n}>") for n in lines[::2]]
    edits += [Edit(n, 5, n, 5, "+") for n in lines[1::3]]  # insertions
    edits += [Edit(n, 4, n + 1, 1, "") for n in lines[2::6]]  # across a line break
    one_by_one = text
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        one_by_one = fixer.apply_edits(one_by_one, [edit])
    assert fixer.apply_edits(text, edits) == one_by_one != text


# -- a fix touches only what it says ---------------------------------------------------------

_BLOCKS = (
    "---\ntitle: Tom and Jerry\nexcerpt: |\n  Tom &amp; Jerry  chase\n  each other\n"
    "related:\n  - title: >-\n      Cat &amp; mouse, a long  line that is folded\n"
    "      at its old width\n\n      and a second paragraph\n    type: article\n---\nBody\n"
)
_BLOCKS_FIXED = (
    "---\ntitle: Tom and Jerry\nexcerpt: |\n  Tom & Jerry chase\n  each other\n"
    "related:\n  - title: >-\n      Cat & mouse, a long line that is folded at\n"
    "      its old width\n\n      and a second paragraph\n    type: article\n---\nBody\n"
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_fixed_block_keeps_its_style_and_line_endings(tmp_path: Path, cli,
                                                        newline: str) -> None:
    """A CRLF file's `|` and `>` blocks came back double-quoted, and a later whitespace pass
    dropped the value's final line break."""
    path = write(tmp_path, _BLOCKS.replace("\n", newline).encode(), "_posts/2024-01-22-a.md")
    run = cli([*CHECK, "--select", "FM102,FM105", "--fix", str(path)])
    assert run.code == 0, run.out
    assert path.read_bytes() == _BLOCKS_FIXED.replace("\n", newline).encode()


def test_a_fix_keeps_anchors_and_tags(tmp_path: Path, cli) -> None:
    before = ('---\ntitle: &t !custom "Q&amp;A"\nexcerpt: !!str Tom &amp; Jerry\ntopics:\n'
              "  - &a Cat &amp; mouse\n  - !!str\n    Q&amp;A\n  - &b |\n    Q&amp;A\n---\n")
    path = write(tmp_path, before.encode())
    run = cli([*CHECK, "--select", "FM102", "--fix", str(path)])
    assert run.code == 0, run.out
    assert path.read_text("utf-8") == before.replace("&amp;", "&")


def test_trimming_spaces_keeps_the_indentation_inside_a_literal_block(tmp_path: Path,
                                                                       cli) -> None:
    before = ("---\nexcerpt: |\n  Run it:\n\n      fmlint  check\n        --fix\n"
              "  then  commit.\n---\n")
    path = write(tmp_path, before.encode())
    run = cli([*CHECK, "--select", "FM105", "--fix", str(path)])
    assert run.code == 0, run.out
    assert path.read_text("utf-8") == before.replace("fmlint  check", "fmlint check").replace(
        "then  commit", "then commit")


def test_a_rejected_fix_among_thousands_is_found_quickly() -> None:
    """Fixes that fail verification together are judged in halves, not one parse each."""
    from linter.engine import lint as engine
    from linter.engine.config import Config
    from linter.fixer import apply as fixer
    from linter.rules.finding import Edit, Finding, Fix

    text = _many_fixes(4000).decode()
    line = text.splitlines().index("type: article") + 1
    config = Config()

    def check(candidate: str) -> list[Finding]:
        findings = engine.check_text(candidate, "_posts/2024-01-22-many.md", config).findings
        if "extra: 1" in candidate or "type: article" not in candidate:
            return findings
        # A fix that says it mends the type but adds a key of its own: it must be dropped.
        sneaky = Fix("safe", "add a key", (Edit(line, 14, line, 14, "\nextra: 1"),))
        return [*findings, Finding(None, line, 7, line, 14, "FM102", "html-entity", "warning",
                                   "sneaky", "/type", sneaky)]

    started = time.perf_counter()
    outcome = fixer.fix_text(text, check)
    assert time.perf_counter() - started < 60  # (one parse per fix took minutes)
    assert [f.message for f in outcome.rejected] == ["sneaky"]
    assert outcome.text == fixed_seed(text.encode()).replace(b"&amp;", b"&").decode()
