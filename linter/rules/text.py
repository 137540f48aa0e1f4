"""Text rules: every string the schema marks ``contentMediaType: text/plain``."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..checks.characters import (
    find_control_characters,
    find_html_entities,
    find_non_nfc,
    find_replacement_characters,
    find_whitespace_problems,
)
from ..checks.mojibake import find_mojibake
from ..checks.problem import Problem
from ..checks.text import unremarkable
from ..checks.yamlnumbers import yaml11_trap, yaml12_number
from .context import Context
from .finding import Finding
from .registry import rule

GROUP = "text"
# Every YAML 1.1 trap starts with one of these (booleans y/n/on/off, numbers, signs).
_TRAP_START = frozenset("yYnNoO0123456789+-.")
TEXT = "text/plain"
_TEXTS = ("texts", TEXT)


def _texts(ctx: Context) -> list[tuple[str, str]]:
    """(pointer, text) of every plain-text string of the record in which a text check may
    find something (found once per record: most text has nothing to find)."""
    memo = ctx.notes.memo
    found = memo.get(_TEXTS)
    if found is None:
        found = memo[_TEXTS] = [
            (pointer, value) for pointer in ctx.notes.with_media(TEXT)
            if isinstance(value := ctx.value(pointer), str)
            and not unremarkable(value)]
    return found


def _report(ctx: Context, find: Callable[[str], list[Problem]]
            ) -> Iterator[Finding]:
    for pointer, text in _texts(ctx):
        span = ctx.spans.get(pointer)
        tail = ""
        if span is not None and span.style in ("|", ">", '"""', "'''"):
            # A block scalar's final line break belongs to the YAML style, not to the text
            # (so does a TOML multi-line string's, before its closing quotes).
            body = text.rstrip("\n")
            text, tail = body, text[len(body):]
        for problem in find(text):
            fix = None
            if problem.replacement is not None and problem.replacement != text:
                fix = ctx.replace(pointer, problem.replacement + tail, _fix_message(problem),
                                  safe=problem.safe)
            yield ctx.report(pointer, f"{ctx.where(pointer)}: {problem.message}", fix=fix,
                             sub=(problem.start, problem.end))


def _fix_message(problem: Problem) -> str:
    return {
        "mojibake": "repair the mis-decoded text",
        "html-entity": "decode the character references",
        "control-character": "remove the invisible characters",
        "whitespace": "trim and collapse the spaces",
        "unicode-normalization": "normalise to NFC",
    }.get(problem.kind, "repair the text")


@rule("FM101", "mojibake", severity="warning", fix="sometimes", group=GROUP,
      summary="Mis-decoded text (mojibake), such as 'Metâ€™s' for 'Met’s'.")
def mojibake(ctx: Context) -> Iterator[Finding]:
    """
    Text that went through the wrong decoding somewhere (UTF-8 bytes read as Windows-1252 by
    a scraper): `Metâ€™s` for `Met’s`, `Ã©` for `é`. Readers see the garbage as it is.
    Detection and repair use ftfy, restricted to undoing the wrong decoding: quotes,
    ligatures, widths and everything else in the text are left exactly as they were, so
    correct text (accents, curly quotes, emoji, other scripts) is never "repaired".

    The message shows the bad snippet, the repaired one, and how it went wrong.

    Fix: safe when the repair is a clean re-decoding (encode as the wrong codec, decode as
    UTF-8); unsafe when ftfy had to guess bytes that were lost.
    """
    return _report(ctx, find_mojibake)


@rule("FM102", "html-entity", severity="warning", fix="safe", group=GROUP,
      summary="HTML character references in plain text (&#8217;, &amp;, &nbsp;).")
def html_entity(ctx: Context) -> Iterator[Finding]:
    """
    Plain-text fields are shown as they are: a scraper's `We&#8217;ve` or `&amp;quot;` shows
    its ampersands to readers (or is escaped again by the template). Only well-formed
    references are reported (`&name;`, `&#8217;`, `&#x2019;`): `AT&T` and `Q&A` are fine.

    Fix: safe — decodes one level per pass, so a double escape (`&amp;quot;`) converges to
    `"` in two passes of `--fix`. `&nbsp;` (`&#160;`, `&#xA0;`) becomes a plain space: it
    only keeps HTML from breaking a line there, and plain text has no such breaks (as
    U+00A0 it would be an invisible difference that searches and comparisons trip over).
    """
    return _report(ctx, find_html_entities)


@rule("FM103", "replacement-character", severity="error", group=GROUP,
      summary="U+FFFD in text: a character was lost.")
def replacement_character(ctx: Context) -> Iterator[Finding]:
    """
    U+FFFD REPLACEMENT CHARACTER (shown as `�`) is what a decoder writes for bytes it could
    not read: the original character is gone. No fix: look the text up at its source.
    """
    return _report(ctx, find_replacement_characters)


@rule("FM104", "control-character", severity="warning", fix="sometimes", group=GROUP,
      summary="Control, zero-width or bidirectional-override characters in text.")
def control_character(ctx: Context) -> Iterator[Finding]:
    """
    Invisible characters: C0/C1 controls, zero-width spaces, a stray byte-order mark, and
    bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can make a
    title display differently from what it contains ("Trojan Source"). Zero-width joiners
    inside emoji sequences and joiners that scripts such as Persian or Devanagari need are
    not reported.

    A Windows line break (CR LF) inside a text is a line break like any other and is not
    reported; a carriage return on its own is (most programs do not take it for a line
    break, and a terminal returns to the start of the line on it).

    Fix: safe for controls, zero-width spaces and BOMs (a lone carriage return becomes a
    line feed); unsafe for bidirectional characters (removing one can change how the text
    reads).
    """
    return _report(ctx, lambda text: find_control_characters(text, crlf=False))


@rule("FM105", "whitespace", severity="info", fix="safe", group=GROUP,
      summary="Leading or trailing whitespace, or runs of spaces, in text.")
def whitespace(ctx: Context) -> Iterator[Finding]:
    """
    Spaces at the ends of a value, or two or more in a row inside it, usually come from
    copying and pasting; they make the same title compare unequal and show as gaps.

    Fix: safe — trims the ends and collapses runs to one space.
    """
    return _report(ctx, find_whitespace_problems)


@rule("FM106", "unicode-normalization", severity="warning", fix="safe", group=GROUP,
      summary="Text that is not in Unicode NFC.")
def unicode_normalization(ctx: Context) -> Iterator[Finding]:
    """
    The same visible text can be stored in different ways (`é` as one character or as `e`
    plus a combining accent). Text not in NFC compares unequal to what it looks like, so
    search, sorting and duplicate checks miss it.

    Fix: safe — normalises to NFC.
    """
    return _report(ctx, find_non_nfc)


@rule("FM107", "yaml-boolean", severity="warning", fix="safe", group=GROUP,
      replaces=("FM010",),
      summary="A plain yes/no/on/off, or a number form, that YAML 1.1 and 1.2 read differently.")
def yaml_boolean(ctx: Context) -> Iterator[Finding]:
    """
    PyYAML and Jekyll read YAML 1.1, where plain `yes`, `no`, `on`, `off`, `y`, `n` (any case)
    are booleans, `012` is octal, `1_000` is a thousand and `1:20` is 80; YAML 1.2 tools
    (and many editors) read them as strings or other numbers. The same record then means
    different things to different readers.

    The schema says which was meant. Where it expects a boolean, the fix writes `true` or
    `false`; where it expects a string, the fix quotes the value. Both are safe: they write
    down what the schema says the value is. Where it expects a number, a number form that
    the two versions read differently (`quality: 012`, 10 or 12) is reported without a fix:
    only the author knows which number was meant.
    """
    for pointer, span in ctx.spans.items():
        if span.style is not None or not span.raw or span.raw[0] not in _TRAP_START:
            continue
        trap = yaml11_trap(span.raw, plain=True)
        if trap is None:
            continue
        expected = ctx.notes.types.get(pointer, frozenset())
        value = ctx.value(pointer)
        if trap == "boolean" and "boolean" in expected and isinstance(value, bool):
            written = "true" if value else "false"
            yield ctx.report(pointer, f"{ctx.where(pointer)}: '{span.raw}' is a boolean only "
                             f"in YAML 1.1; write {written}",
                             fix=ctx.replace(pointer, value, f"write {written}", safe=True))
        elif "string" in expected and not isinstance(value, str):
            yield ctx.report(pointer, f"{ctx.where(pointer)}: '{span.raw}' is read as "
                             f"{_reading(trap, value)} by YAML 1.1 but the schema expects a "
                             "string; quote it",
                             fix=ctx.replace(pointer, span.raw, f'write "{span.raw}"', safe=True,
                                             style='"'))
        elif expected & {"integer", "number"} and isinstance(value, int | float) and not (
                isinstance(value, bool)):
            other = yaml12_number(span.raw)
            later = "a string" if other is None else f"the number {other}"
            yield ctx.report(pointer, f"{ctx.where(pointer)}: '{span.raw}' is the number "
                             f"{value} in YAML 1.1 (PyYAML, Jekyll) but {later} in YAML 1.2; "
                             f"write the number you mean {_PLAINLY.get(trap, 'in decimal')}")


_PLAINLY = {
    "octal": "without a leading zero",
    "underscore-number": "without underscores",
    "sexagesimal": "as one number, without colons",
}


def _reading(trap: str, value: object) -> str:
    if trap == "boolean":
        return f"the boolean {str(value).lower()}"
    return f"the number {value}"
