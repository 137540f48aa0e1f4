"""Characters that do not belong in plain text: HTML character references, the
replacement character, control and invisible characters, runs of spaces, and text that
is not in Unicode normalization form C."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from .problem import Problem
from .snippets import (
    TOKEN_RE,
    Change,
    apply_changes,
    before_after,
    char_name,
    places_note,
    quote,
    rewritten,
    trimmed,
    window,
)

# --- HTML character references --------------------------------------------------------------

_NO_BREAK_SPACE = "\u00a0"
_REFERENCE_RE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _decode_reference(ref: str) -> tuple[str, bool] | None:
    """What one well-formed reference stands for and whether it is a real character.

    ``None`` for a name HTML does not define, which is then left as it is. A no-break space
    becomes a plain space (see the module's notes).
    """
    decoded = _decode_reference_exactly(ref)
    if decoded is not None and decoded[0] == _NO_BREAK_SPACE:
        return " ", True
    return decoded


def _decode_reference_exactly(ref: str) -> tuple[str, bool] | None:
    """What `ref` stands for in HTML and whether it is a real character."""
    if ref[1] != "#":
        import html.entities

        if ref[1:] not in html.entities.html5:
            return None
        return html.entities.html5[ref[1:]], True
    number = int(ref[3:-1], 16) if ref[2] in "xX" else int(ref[2:-1])
    import html

    decoded = html.unescape(ref)
    exact = number <= 0x10FFFF and decoded == chr(number) and decoded.isprintable()
    return decoded, exact or decoded in ("\t", "\n")


def _reference_edits(text: str) -> Iterator[Change]:
    """Edits that decode each well-formed reference one level."""
    for match in _REFERENCE_RE.finditer(text):
        decoded = _decode_reference(match.group())
        if decoded is not None:
            yield match.start(), match.end(), decoded[0]


def _all_exact(text: str) -> bool:
    """Whether every reference decodes to the printable character it names."""
    decoded = (_decode_reference(match.group()) for match in _REFERENCE_RE.finditer(text))
    return all(found is None or found[1] for found in decoded)


def find_html_entities(text: str) -> list[Problem]:
    """HTML character references in plain text: ``&#8217;``, ``&amp;``, ``&nbsp;``.

    Only well-formed references are decoded (``&name;`` with a name HTML defines,
    ``&#N;``, ``&#xH;``), so a bare ``&`` as in ``AT&T`` or ``Q&A`` is left alone. The fix
    decodes one level only: ``&amp;quot;`` becomes ``&quot;``, and the next fix ``"``.
    ``&nbsp;`` decodes to a plain space: plain text has no line breaks to prevent.
    """
    if "&" not in text:
        return []
    fixed, count, first = apply_changes(text, _reference_edits(text))
    if not count:
        return []
    exact = _all_exact(text)
    start, end, _ = first[0]
    bad, good = before_after(text, start, end, first)
    what = "an HTML character reference" if count == 1 else f"{count} HTML character references"
    message = f"{what} in plain text: {bad} should read {good}"
    if (_decode_reference_exactly(text[start:end]) or ("",))[0] == _NO_BREAK_SPACE:
        message += (" (a no-break space only keeps HTML from breaking a line there; plain text"
                    " has no such breaks, so it is a space)")
    elif not exact:
        message += " (a reference to a character that is not printable text)"
    if next(_reference_edits(fixed), None) is not None:
        message += "; the text is escaped more than once, so fix it again after this"
    return [Problem("html-entity", message, start, end, fixed, exact)]


# --- replacement character -------------------------------------------------------------------


def find_replacement_characters(text: str) -> list[Problem]:
    """U+FFFD REPLACEMENT CHARACTER: a character was lost in decoding. There is no fix."""
    start = text.find("\ufffd")
    if start == -1:
        return []
    count = text.count("\ufffd")
    lo, hi = window(text, start, start + 1)
    message = (
        f"U+FFFD REPLACEMENT CHARACTER in {quote(text, lo, hi)}: the character that stood "
        f"there was lost when the text was decoded; retype it from the original"
        f"{places_note(count)}"
    )
    return [Problem("replacement-character", message, start, start + 1, None, False)]


# --- control and invisible characters ----------------------------------------------------

_C1_WITHOUT_MEANING = "\x81\x8d\x8f\x90\x9d"
_SUSPECT_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x81\x8d\x8f\x90\x9d\u00ad\u061c\u200b-\u200f"
    "\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
_ANSI_ESCAPE_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_OVERRIDES = "\u202d\u202e"
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE_CATEGORIES = ("Cc", "Cf", "Zs", "Zl", "Zp")


# Where every right-to-left character (bidirectional class R or AL) is, but U+200F (in _BIDI).
_RTL_BLOCKS_RE = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff\U0001e800-\U0001efff]")


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch := match.group()) in ("R", "AL") and ch not in _BIDI
               for match in _RTL_BLOCKS_RE.finditer(text))


def _joins(neighbour: str) -> bool:
    """Whether a joiner or non-joiner next to this character can be doing its job."""
    return not neighbour.isspace() and unicodedata.category(neighbour) not in (
        _INVISIBLE_CATEGORIES
    )


def _non_latin_letter(ch: str) -> bool:
    """Whether `ch` is a letter or mark of a script other than Latin."""
    return (
        bool(ch)
        and unicodedata.category(ch)[0] in "LM"
        and ord(ch) >= 0x0370
        and not "\u1e00" <= ch <= "\u1eff"
    )


def _is_problem(text: str, index: int, rtl: bool) -> bool:
    """Whether the suspect character at `index` is out of place here."""
    ch = text[index]
    prev = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if ch in "\u200c\u200d":
        # ZWNJ and ZWJ shape Arabic and Indic letters (after a virama even at the end of a
        # word: Malayalam chillu) and build emoji sequences.
        if prev and unicodedata.category(prev) in ("Mn", "Mc"):
            return False
        return not (prev and after and _joins(prev) and _joins(after))
    if ch == "\u200b":
        # Khmer, Thai, Lao, Myanmar and others mark word boundaries with it.
        return not (_non_latin_letter(prev) and _non_latin_letter(after))
    if ch == "\u00ad":
        # A soft hyphen between letters marks where a word may break.
        return not (prev.isalpha() and after.isalpha())
    if ch in _BIDI and ch not in _OVERRIDES:
        # Marks, embeddings and isolates order mixed right-to-left text.
        return not rtl
    return True


def _removal(ch: str) -> tuple[str, bool]:
    """What replaces a misplaced character, and whether that is safe."""
    if ch in _BIDI:
        return "", False
    if ch in _C1_WITHOUT_MEANING:
        return "", False
    if ch.isspace():
        return " ", True
    return "", True


def _misplaced(text: str, crlf: bool) -> Iterator[int]:
    """Where the control and invisible characters out of place in `text` are, in order."""
    rtl: bool | None = None
    for match in _SUSPECT_RE.finditer(text):
        if rtl is None:
            rtl = _has_rtl(text)
        if not crlf and text.startswith("\r\n", match.start()):
            continue
        if _is_problem(text, match.start(), rtl):
            yield match.start()


class _Removals:
    """The edits that remove misplaced characters; which characters they were and whether
    every removal was safe, known once the edits are consumed."""

    def __init__(self) -> None:
        self.chars: dict[str, None] = {}
        self.safe = True

    def edits(self, text: str, bad: Iterable[int]) -> Iterator[Change]:
        last = 0
        for index in bad:
            if index < last:
                continue
            ch = text[index]
            self.chars.setdefault(ch)  # (a few dozen characters can be suspects)
            last = index + 1
            if ch == "\r":
                content = "\n"
                if text.startswith("\n", last):
                    last += 1
            elif ch == "\x1b" and (escape := _ANSI_ESCAPE_RE.match(text, index)):
                content, last = "", escape.end()
            else:
                content, ok = _removal(ch)
                self.safe = self.safe and ok
            yield index, last, content


def find_control_characters(text: str, *, crlf: bool = True) -> list[Problem]:
    """Control and invisible characters that do not belong in plain text.

    With ``crlf=False`` a carriage return just before a line feed (a Windows line break)
    is taken for part of the line break and not reported; a lone one still is.

    Reported: C0 controls but tab and line feed, DEL, the C1 controls Windows-1252 leaves
    undefined, U+2060 WORD JOINER, U+FEFF BOM, bidirectional overrides, and, when the text
    has no right-to-left letters, bidirectional marks, embeddings and isolates.
    Characters with legitimate uses are reported only out of place: U+200B ZERO WIDTH SPACE
    unless between letters of a non-Latin script (Khmer and Thai separate words with it),
    ZWNJ and ZWJ unless after a combining mark (a virama) or between two visible
    characters (Persian, Indic, emoji sequences), U+00AD SOFT HYPHEN unless between
    letters.
    Removal is safe except for bidirectional controls, which change how text displays.
    """
    first = next(_misplaced(text, crlf), None)
    if first is None:
        return []
    removals = _Removals()
    fixed, count, _ = apply_changes(text, removals.edits(text, _misplaced(text, crlf)))
    names = [char_name(ch) for ch in removals.chars]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    lo, hi = window(text, first, first + 1)
    if text[first] == "\r":
        what = "line breaks become \\n"
    elif text[first] in _BIDI:
        what = "removing it can change how the text displays"
    elif _ANSI_ESCAPE_RE.match(text, first):
        what = "remove the terminal escape sequence"
    else:
        what = "remove it"
    message = (
        f"{shown} at character {first + 1} in {quote(text, lo, hi)}: {what}{places_note(count)}"
    )
    safe = removals.safe
    return [Problem("control-character", message, first, first + 1, fixed, safe)]


# --- whitespace -------------------------------------------------------------------------

_SPACE = "[\t \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
# Two or more spaces ("{2,}" written out: a pattern that starts with a character set is
# searched for much faster).
_RUN_RE = re.compile(f"{_SPACE}{_SPACE}+")


_SPACE_NAMES = {
    " ": ("a space", "spaces"),
    "\n": ("a line break", "line breaks"),
    "\t": ("a tab", "tabs"),
    "\u00a0": ("a no-break space", "no-break spaces"),
}


def _describe_space(chars: str) -> str:
    """``2 spaces``, ``a no-break space and a space``."""
    parts: list[str] = []
    for match in re.finditer(r"(.)\1*", chars, re.DOTALL):
        ch, count = match.group(1), len(match.group())
        one, many = _SPACE_NAMES.get(ch, (char_name(ch), f"× {char_name(ch)}"))
        parts.append(one if count == 1 else f"{count} {many}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _one_space(run: str) -> str:
    """What a run of spaces becomes: a space, or one of its kind if it has no space."""
    return " " if " " in run or "\t" in run else run[0]


def _inner_runs(text: str, lead: int, inner_end: int) -> Iterator[re.Match[str]]:
    """Runs of spaces between the ends, but for a line's indentation after a line feed."""
    return (m for m in _RUN_RE.finditer(text, lead, inner_end) if text[m.start() - 1] != "\n")


def _whitespace_edits(text: str, lead: int, inner_end: int) -> Iterator[Change]:
    """Strip both ends, make each run inside one space."""
    if lead:
        yield 0, lead, ""
    for match in _inner_runs(text, lead, inner_end):
        yield match.start(), match.end(), _one_space(match.group())
    if inner_end < len(text):
        yield inner_end, len(text), ""


def find_whitespace_problems(text: str) -> list[Problem]:
    """Whitespace at either end, and runs of two or more spaces within a line.

    Line feeds inside the text are left alone, and so is the indentation of the lines after
    them (a ``|`` block's indented code). The safe fix strips both ends and makes each run
    one space (one no-break or ideographic space if the run is all of those).
    """
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip()) if lead < len(text) else 0
    inner_end = len(text) - trail
    fixed, count, first = apply_changes(text, _whitespace_edits(text, lead, inner_end))
    if not count:
        return []
    start, end, _ = first[0]
    if lead:
        what = f"whitespace at the start ({_describe_space(text[:lead])})"
    elif start < inner_end:  # a run inside
        run = text[start:end]
        if len(set(run)) == 1:
            what = f"{_describe_space(run)} in a row"
        else:
            what = f"a run of whitespace ({_describe_space(run)})"
    else:
        what = f"whitespace at the end ({_describe_space(text[start:])})"
    bad, good = before_after(text, start, end, first)
    message = f"{what}: {bad} should be {good}{places_note(count)}"
    return [Problem("whitespace", message, start, end, fixed, True)]


# --- Unicode normalization -------------------------------------------------------------------


_CJK_COMPATIBILITY_RE = re.compile("[\uf900-\ufaff\U0002f800-\U0002fa1f]")


def _code_points(text: str, limit: int = 4) -> str:
    points = [char_name(ch) for ch in text[:limit]]
    return " + ".join(points) + (" + …" if len(text) > limit else "")


def _nfc_edits(text: str) -> Iterator[Change]:
    """The edits that normalise `text`, word by word: normalization never reaches across
    whitespace."""
    for match in TOKEN_RE.finditer(text):
        word = match.group()
        normal = unicodedata.normalize("NFC", word)
        if normal != word:
            for i1, i2, content in trimmed(word, normal, 0, len(word), 0, len(normal)):
                yield match.start() + i1, match.start() + i2, content


def find_non_nfc(text: str) -> list[Problem]:
    """Text that is not in Unicode Normalization Form C; the fix is its NFC form.

    NFC only composes canonically equivalent sequences, so the text looks the same, with
    one exception: it replaces CJK compatibility ideographs with their unified
    counterparts, which some fonts draw differently. That fix is unsafe.
    """
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return []
    fixed, _, first = apply_changes(text, _nfc_edits(text))
    start, end, _ = first[0]
    while start > 0 and unicodedata.combining(text[start]):
        start -= 1
    end = max(end, start + 1)
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    compatibility = any(unicodedata.decomposition(match.group())
                        for match in _CJK_COMPATIBILITY_RE.finditer(text))
    bad, good = before_after(text, start, end, first)
    message = (
        f"not in Unicode NFC form: {bad} has {_code_points(text[start:end])} where NFC has "
        f"{_code_points(rewritten(text, start, end, first))} ({good})"
    )
    if compatibility:
        message += "; NFC also replaces CJK compatibility ideographs, which may change glyphs"
    return [Problem("unicode-normalization", message, start, end, fixed, not compatibility)]
