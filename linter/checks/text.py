"""Checks on plain-text values (titles, excerpts, names) and YAML 1.1 typing traps.

Each ``find_*`` function takes one string and returns the problems it finds, at most one
per function: its ``replacement`` is the whole string with every occurrence fixed, and its
``start``/``end`` point at the first occurrence. Messages quote a short snippet of the
text, with invisible characters written as escapes such as ``\\u200b``.

How the checks divide the work:

- C1 control characters that Windows-1252 gives a meaning to (U+0080–U+009F except
  U+0081, U+008D, U+008F, U+0090, U+009D) are mojibake, repaired by `find_mojibake`;
  `find_control_characters` reports only the other five, which carry nothing.
- ``&nbsp;`` (and ``&#160;``, ``&#xA0;``) decodes to a plain space: the reference only keeps
  HTML from breaking a line there, which plain text never does, and U+00A0 would be an
  invisible difference. A single U+00A0 written as such is not a whitespace problem (it is
  sometimes meant); at an edge or in a run it is.
- A carriage return is a control character: ``\\r\\n`` and a lone ``\\r`` become ``\\n``.
  Tab and line feed are allowed; runs of line feeds are paragraph breaks, not reported.
"""

from __future__ import annotations

import math
import re
import sys
import types
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

from .problem import Problem

SNIPPET_WIDTH = 40
"""The most characters of context a message quotes around a problem."""


TextProblem = Problem
"""One kind of problem in a string, with the fix for all of its occurrences."""


# --- snippets -----------------------------------------------------------------------------


def _visible(text: str) -> str:
    """`text` with control, format and unusual space characters written as escapes."""
    if text.isprintable():
        return text  # (most snippets)
    out: list[str] = []
    for ch in text:
        if ch == " " or ch.isprintable():
            out.append(ch)
        elif ch in "\n\t\r":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}[ch])
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out)


def _window(text: str, start: int, end: int, width: int = SNIPPET_WIDTH) -> tuple[int, int]:
    """Bounds of at most `width` characters around ``text[start:end]``, cut between words."""
    if end - start >= width:
        return start, start + width
    room = width - (end - start)
    before = min(start, room // 2)
    after = min(len(text) - end, room - before)
    before = min(start, room - after)
    lo, hi = start - before, end + after
    if lo > 0:
        space = text.find(" ", lo, start)
        if space != -1:
            lo = space + 1
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        if space != -1:
            hi = space
    return lo, hi


def _quote(text: str, lo: int, hi: int) -> str:
    """``text[lo:hi]`` in curly quotes, with an ellipsis on each side that was cut."""
    head = "…" if lo > 0 else ""
    tail = "…" if hi < len(text) else ""
    return f"“{head}{_visible(text[lo:hi])}{tail}”"


_Change = tuple[int, int, str]
"""Replace ``text[start:end]`` by the string."""

_KEPT_CHANGES = 128
"""How many of the first changes `_apply` keeps: enough for the text around the first one
(a snippet has at most `SNIPPET_WIDTH` characters), however many there are in all."""
_JOIN_EVERY = 4096
_MAX_ALIGNED_TOKENS = 2000
"""Texts with more words than this that a repair splits or joins are compared as one span:
aligning their words costs time that grows with the square of their number."""


def _apply(text: str, edits: Iterable[_Change]) -> tuple[str, int, list[_Change]]:
    """`text` with sorted, non-overlapping edits made; how many there were; the first few.

    The edits may come one at a time and the pieces are joined a few thousand at a time, so
    memory stays a small multiple of the text however many edits there are.
    """
    chunks: list[str] = []
    pieces: list[str] = []
    first: list[_Change] = []
    count = pos = 0
    for edit in edits:
        start, end, content = edit
        if count < _KEPT_CHANGES:
            first.append(edit)
        count += 1
        pieces += (text[pos:start], content)
        pos = end
        if len(pieces) >= _JOIN_EVERY:
            chunks.append("".join(pieces))
            pieces.clear()
    pieces.append(text[pos:])
    chunks.append("".join(pieces))
    return "".join(chunks), count, first


def _tally(edits: Iterable[_Change]) -> tuple[int, list[_Change]]:
    """How many edits there are, and the first few, without keeping the rest."""
    first: list[_Change] = []
    count = 0
    for edit in edits:
        if count < _KEPT_CHANGES:
            first.append(edit)
        count += 1
    return count, first


def _rewritten(text: str, lo: int, hi: int, edits: Sequence[_Change]) -> str:
    """What ``text[lo:hi]`` becomes: the edits within it made, and one that reaches across
    either end made whole. `edits` must hold every edit that touches the span."""
    out: list[str] = []
    pos = lo
    for start, end, content in edits:
        if start >= hi:
            break
        if end < lo or (end == lo and start < end):
            continue
        if start > pos:
            out.append(text[pos:start])
        out.append(content)
        pos = max(pos, end)
    if pos < hi:
        out.append(text[pos:hi])
    return "".join(out)


def _trimmed(old: str, new: str, i1: int, i2: int, j1: int, j2: int) -> list[_Change]:
    """The edit that turns old ``[i1, i2)`` into new ``[j1, j2)``, less what they share at
    either end; none if they are the same."""
    head = 0
    while i1 + head < i2 and j1 + head < j2 and old[i1 + head] == new[j1 + head]:
        head += 1
    tail = 0
    while (
        i2 - tail > i1 + head and j2 - tail > j1 + head and old[i2 - tail - 1] == new[j2 - tail - 1]
    ):
        tail += 1
    if (i1 + head, j1 + head) == (i2 - tail, j2 - tail):
        return []
    return [(i1 + head, i2 - tail, new[j1 + head:j2 - tail])]


_TOKEN_RE = re.compile(r"\s+|\S+")


def _token_count(text: str) -> int:
    return sum(1 for _ in _TOKEN_RE.finditer(text))


def _offsets(tokens: list[str]) -> list[int]:
    """Where each token starts, and the total length last."""
    out = [0]
    for token in tokens:
        out.append(out[-1] + len(token))
    return out


def _differences(old: str, new: str) -> Iterator[_Change]:
    """The edits that turn `old` into `new`, found word by word, one at a time."""
    if _token_count(old) == _token_count(new):
        for a, b in zip(_TOKEN_RE.finditer(old), _TOKEN_RE.finditer(new), strict=True):
            if a.group() != b.group():
                yield from _trimmed(old, new, a.start(), a.end(), b.start(), b.end())
        return
    old_tokens, new_tokens = _TOKEN_RE.findall(old), _TOKEN_RE.findall(new)
    if max(len(old_tokens), len(new_tokens)) > _MAX_ALIGNED_TOKENS:
        yield from _trimmed(old, new, 0, len(old), 0, len(new))
        return
    import difflib  # (only a repair that adds or drops words needs it)

    old_at, new_at = _offsets(old_tokens), _offsets(new_tokens)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for tag, t1, t2, u1, u2 in matcher.get_opcodes():
        if tag != "equal":
            yield from _trimmed(old, new, old_at[t1], old_at[t2], new_at[u1], new_at[u2])


def _before_after(text: str, start: int, end: int, edits: Sequence[_Change]) -> tuple[str, str]:
    """Quoted snippets of `text` around ``[start, end)`` and of what the edits make of it."""
    lo, hi = _window(text, start, end)
    head = "…" if lo > 0 else ""
    tail = "…" if hi < len(text) else ""
    return _quote(text, lo, hi), f"“{head}{_visible(_rewritten(text, lo, hi, edits))}{tail}”"


def _char_name(ch: str) -> str:
    """``U+200B ZERO WIDTH SPACE``."""
    name = unicodedata.name(ch, "")
    if not name and unicodedata.category(ch) == "Cc":
        name = _CONTROL_NAMES.get(ch, "control character")
    return f"U+{ord(ch):04X} {name}".rstrip()


_CONTROL_NAMES = {
    "\x00": "NULL",
    "\t": "CHARACTER TABULATION",
    "\n": "LINE FEED",
    "\x08": "BACKSPACE",
    "\x0b": "LINE TABULATION",
    "\x0c": "FORM FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
}


def _places(count: int) -> str:
    return "" if count == 1 else f" ({count} places in all)"


# --- mojibake -----------------------------------------------------------------------------

_SURROGATE_RE = re.compile("[\ud800-\udfff]")

_CODEC_NAMES = {
    "latin-1": "Latin-1",
    "sloppy-windows-1250": "Windows-1250",
    "sloppy-windows-1251": "Windows-1251",
    "sloppy-windows-1252": "Windows-1252",
    "sloppy-windows-1253": "Windows-1253",
    "sloppy-windows-1254": "Windows-1254",
    "sloppy-windows-1257": "Windows-1257",
    "windows-1252": "Windows-1252",
    "iso-8859-2": "ISO 8859-2",
    "macroman": "Mac OS Roman",
    "cp437": "code page 437",
    "utf-8": "UTF-8",
    "utf-8-variants": "UTF-8",
}

_TRANSCODE_NOTES = {
    "restore_byte_a0": "no-break spaces had become spaces",
    "replace_lossy_sequences": "some characters were lost and become U+FFFD",
}

_APPLY_NOTES = {
    "decode_inconsistent_utf8": "parts of the text are UTF-8 read as Windows-1252",
    "fix_c1_controls": "C1 control characters stand for Windows-1252 characters",
    "fix_surrogates": "UTF-16 surrogate pairs were never joined",
}


def _describe_plan(plan: Sequence[tuple[str, str]]) -> tuple[str, bool]:
    """How ftfy says the text went wrong, in words, and whether undoing it is exact.

    Exact means only re-decoding: encoding with a single-byte codec, then decoding as
    UTF-8, possibly more than once (and joining surrogate pairs). Anything else is one
    of ftfy's heuristics.
    """
    phrases: list[str] = []
    exact = True
    encoded: str | None = None
    notes: list[str] = []
    for action, parameter in plan:
        if action == "encode":
            encoded, notes = parameter, []
        elif action == "transcode" and encoded is not None:
            notes.append(_TRANSCODE_NOTES.get(parameter, parameter.replace("_", " ")))
            exact = False
        elif action == "decode" and encoded is not None:
            wanted = _CODEC_NAMES.get(parameter, parameter)
            read_as = _CODEC_NAMES.get(encoded, encoded)
            phrase = f"{wanted} read as {read_as}"
            if notes:
                phrase += f" ({'; '.join(notes)})"
            phrases.append(phrase)
            if parameter not in ("utf-8", "utf-8-variants"):
                exact = False
            encoded, notes = None, []
        else:
            phrases.append(_APPLY_NOTES.get(parameter, parameter.replace("_", " ")))
            if parameter != "fix_surrogates":
                exact = False
    # The plan undoes the last mistake first; tell them in the order they happened.
    return ", then ".join(reversed(phrases)) or "mis-decoded text", exact


# Text in which no text check can find anything: printable ASCII (no mojibake, no lost or
# invisible character, always NFC) without "&" (no character reference), single spaces
# between words and none at the ends. Most text is like this; the checks skip it.
_UNREMARKABLE_RE = re.compile(r"[!-%'-~]+(?: [!-%'-~]+)*")


def unremarkable(text: str) -> bool:
    """Whether none of the ``find_*`` checks here can report anything in ``text``."""
    return _UNREMARKABLE_RE.fullmatch(text) is not None


def import_ftfy() -> types.ModuleType:
    """ftfy, imported without its ``formatting`` module, which is loaded on first use.

    ``import ftfy`` loads ``ftfy.formatting`` (text widths on a terminal, and with it
    wcwidth's tables: a third of ftfy's import time), which fmlint never calls: a one-file
    run does not pay for it. A stand-in takes its place and loads it when anything asks.
    It buys about 20 ms of CPU (ftfy imported in 22 ms instead of 42), some 7% of a one-file
    check of text that is not ASCII.
    """
    if "ftfy" not in sys.modules and "ftfy.formatting" not in sys.modules:
        sys.modules["ftfy.formatting"] = _formatting_stand_in()
    import ftfy

    return ftfy


def _formatting_stand_in() -> types.ModuleType:
    stand_in = types.ModuleType("ftfy.formatting", "Loads ftfy.formatting on first use.")

    def real() -> types.ModuleType:
        if sys.modules.get("ftfy.formatting") is stand_in:
            del sys.modules["ftfy.formatting"]
        import ftfy.formatting

        return ftfy.formatting

    def display_ljust(*args: object, **kwargs: object) -> str:  # (what ftfy imports of it)
        return real().display_ljust(*args, **kwargs)

    def attribute(name: str) -> object:
        if name.startswith("__"):  # (what the import system asks of any module)
            raise AttributeError(name)
        return getattr(real(), name)

    stand_in.display_ljust = display_ljust  # type: ignore[attr-defined]
    stand_in.__getattr__ = attribute  # type: ignore[method-assign]
    return stand_in


def find_mojibake(text: str) -> list[TextProblem]:
    """Text decoded with the wrong encoding, such as ``Metâ€™s`` for ``Met’s``.

    Only ftfy's encoding repair runs: quotes stay curly, ligatures, widths, line breaks,
    HTML escapes and normalization are left alone. The fix is safe when it is an exact
    re-decode, unsafe when ftfy had to guess.
    """
    if text.isascii():
        return []
    ftfy = import_ftfy()
    if not ftfy.badness.is_bad(text) and not _SURROGATE_RE.search(text):
        return []
    TextFixerConfig, fix_and_explain = ftfy.TextFixerConfig, ftfy.fix_and_explain

    config = TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization=None,
    )
    fixed, plan = fix_and_explain(text, config)
    if fixed == text:
        return []
    how, exact = _describe_plan(plan or [])
    count, first = _tally(_differences(text, fixed))
    start, end, _ = first[0]
    end = max(end, start + 1)
    bad, good = _before_after(text, start, end, first)
    message = f"mojibake {bad} should read {good}: {how}{_places(count)}"
    return [TextProblem("mojibake", message, start, end, fixed, exact)]


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


def _reference_edits(text: str) -> Iterator[_Change]:
    """Edits that decode each well-formed reference one level."""
    for match in _REFERENCE_RE.finditer(text):
        decoded = _decode_reference(match.group())
        if decoded is not None:
            yield match.start(), match.end(), decoded[0]


def _all_exact(text: str) -> bool:
    """Whether every reference decodes to the printable character it names."""
    decoded = (_decode_reference(match.group()) for match in _REFERENCE_RE.finditer(text))
    return all(found is None or found[1] for found in decoded)


def find_html_entities(text: str) -> list[TextProblem]:
    """HTML character references in plain text: ``&#8217;``, ``&amp;``, ``&nbsp;``.

    Only well-formed references are decoded (``&name;`` with a name HTML defines,
    ``&#N;``, ``&#xH;``), so a bare ``&`` as in ``AT&T`` or ``Q&A`` is left alone. The fix
    decodes one level only: ``&amp;quot;`` becomes ``&quot;``, and the next fix ``"``.
    ``&nbsp;`` decodes to a plain space: plain text has no line breaks to prevent.
    """
    if "&" not in text:
        return []
    fixed, count, first = _apply(text, _reference_edits(text))
    if not count:
        return []
    exact = _all_exact(text)
    start, end, _ = first[0]
    bad, good = _before_after(text, start, end, first)
    what = "an HTML character reference" if count == 1 else f"{count} HTML character references"
    message = f"{what} in plain text: {bad} should read {good}"
    if (_decode_reference_exactly(text[start:end]) or ("",))[0] == _NO_BREAK_SPACE:
        message += (" (a no-break space only keeps HTML from breaking a line there; plain text"
                    " has no such breaks, so it is a space)")
    elif not exact:
        message += " (a reference to a character that is not printable text)"
    if next(_reference_edits(fixed), None) is not None:
        message += "; the text is escaped more than once, so fix it again after this"
    return [TextProblem("html-entity", message, start, end, fixed, exact)]


# --- replacement character -------------------------------------------------------------------


def find_replacement_characters(text: str) -> list[TextProblem]:
    """U+FFFD REPLACEMENT CHARACTER: a character was lost in decoding. There is no fix."""
    start = text.find("\ufffd")
    if start == -1:
        return []
    count = text.count("\ufffd")
    lo, hi = _window(text, start, start + 1)
    message = (
        f"U+FFFD REPLACEMENT CHARACTER in {_quote(text, lo, hi)}: the character that stood "
        f"there was lost when the text was decoded; retype it from the original"
        f"{_places(count)}"
    )
    return [TextProblem("replacement-character", message, start, start + 1, None, False)]


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

    def edits(self, text: str, bad: Iterable[int]) -> Iterator[_Change]:
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


def find_control_characters(text: str, *, crlf: bool = True) -> list[TextProblem]:
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
    fixed, count, _ = _apply(text, removals.edits(text, _misplaced(text, crlf)))
    names = [_char_name(ch) for ch in removals.chars]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    lo, hi = _window(text, first, first + 1)
    if text[first] == "\r":
        what = "line breaks become \\n"
    elif text[first] in _BIDI:
        what = "removing it can change how the text displays"
    elif _ANSI_ESCAPE_RE.match(text, first):
        what = "remove the terminal escape sequence"
    else:
        what = "remove it"
    message = (
        f"{shown} at character {first + 1} in {_quote(text, lo, hi)}: {what}{_places(count)}"
    )
    safe = removals.safe
    return [TextProblem("control-character", message, first, first + 1, fixed, safe)]


# --- whitespace -------------------------------------------------------------------------

_RUN_RE = re.compile("[\t \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]{2,}")


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
        one, many = _SPACE_NAMES.get(ch, (_char_name(ch), f"× {_char_name(ch)}"))
        parts.append(one if count == 1 else f"{count} {many}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _one_space(run: str) -> str:
    """What a run of spaces becomes: a space, or one of its kind if it has no space."""
    return " " if " " in run or "\t" in run else run[0]


def _inner_runs(text: str, lead: int, inner_end: int) -> Iterator[re.Match[str]]:
    """Runs of spaces between the ends, but for a line's indentation after a line feed."""
    return (m for m in _RUN_RE.finditer(text, lead, inner_end) if text[m.start() - 1] != "\n")


def _whitespace_edits(text: str, lead: int, inner_end: int) -> Iterator[_Change]:
    """Strip both ends, make each run inside one space."""
    if lead:
        yield 0, lead, ""
    for match in _inner_runs(text, lead, inner_end):
        yield match.start(), match.end(), _one_space(match.group())
    if inner_end < len(text):
        yield inner_end, len(text), ""


def find_whitespace_problems(text: str) -> list[TextProblem]:
    """Whitespace at either end, and runs of two or more spaces within a line.

    Line feeds inside the text are left alone, and so is the indentation of the lines after
    them (a ``|`` block's indented code). The safe fix strips both ends and makes each run
    one space (one no-break or ideographic space if the run is all of those).
    """
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip()) if lead < len(text) else 0
    inner_end = len(text) - trail
    first_run = next(_inner_runs(text, lead, inner_end), None)
    if not (lead or trail or first_run):
        return []
    fixed, count, first = _apply(text, _whitespace_edits(text, lead, inner_end))
    if lead:
        start, end = 0, lead
        what = f"whitespace at the start ({_describe_space(text[:lead])})"
    elif first_run:
        start, end = first_run.span()
        run = first_run.group()
        if len(set(run)) == 1:
            what = f"{_describe_space(run)} in a row"
        else:
            what = f"a run of whitespace ({_describe_space(run)})"
    else:
        start, end = inner_end, len(text)
        what = f"whitespace at the end ({_describe_space(text[start:])})"
    bad, good = _before_after(text, start, end, first)
    message = f"{what}: {bad} should be {good}{_places(count)}"
    return [TextProblem("whitespace", message, start, end, fixed, True)]


# --- Unicode normalization -------------------------------------------------------------------


_CJK_COMPATIBILITY_RE = re.compile("[\uf900-\ufaff\U0002f800-\U0002fa1f]")


def _code_points(text: str, limit: int = 4) -> str:
    points = [_char_name(ch) for ch in text[:limit]]
    return " + ".join(points) + (" + …" if len(text) > limit else "")


def _nfc_edits(text: str) -> Iterator[_Change]:
    """The edits that normalise `text`, word by word: normalization never reaches across
    whitespace."""
    for match in _TOKEN_RE.finditer(text):
        word = match.group()
        normal = unicodedata.normalize("NFC", word)
        if normal != word:
            for i1, i2, content in _trimmed(word, normal, 0, len(word), 0, len(normal)):
                yield match.start() + i1, match.start() + i2, content


def find_non_nfc(text: str) -> list[TextProblem]:
    """Text that is not in Unicode Normalization Form C; the fix is its NFC form.

    NFC only composes canonically equivalent sequences, so the text looks the same, with
    one exception: it replaces CJK compatibility ideographs with their unified
    counterparts, which some fonts draw differently. That fix is unsafe.
    """
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return []
    fixed, _, first = _apply(text, _nfc_edits(text))
    start, end, _ = first[0]
    while start > 0 and unicodedata.combining(text[start]):
        start -= 1
    end = max(end, start + 1)
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    compatibility = any(unicodedata.decomposition(match.group())
                        for match in _CJK_COMPATIBILITY_RE.finditer(text))
    bad, good = _before_after(text, start, end, first)
    message = (
        f"not in Unicode NFC form: {bad} has {_code_points(text[start:end])} where NFC has "
        f"{_code_points(_rewritten(text, start, end, first))} ({good})"
    )
    if compatibility:
        message += "; NFC also replaces CJK compatibility ideographs, which may change glyphs"
    return [TextProblem("unicode-normalization", message, start, end, fixed, not compatibility)]


# --- YAML 1.1 typing traps ---------------------------------------------------------------

_YAML11_BOOLEANS = frozenset(
    {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO"}
    | {"on", "On", "ON", "off", "Off", "OFF"}
)
# What PyYAML's YAML 1.1 resolver reads as numbers (yaml.resolver.Resolver).
_INT_11 = re.compile(
    r"""[-+]?0b[0-1_]+
    |[-+]?0[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+""",
    re.VERBOSE,
)
_FLOAT_11 = re.compile(
    r"""[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN)""",
    re.VERBOSE,
)
# What the YAML 1.2 core schema reads as numbers.
_INT_12 = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_12 = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)


def _sexagesimal(text: str) -> float:
    sign = -1 if text.startswith("-") else 1
    value = 0.0
    for part in text.lstrip("+-").split(":"):
        value = value * 60 + float(part)
    return sign * value


def _number_11(raw: str) -> float | None:
    """The number PyYAML reads from a plain scalar, or None for a string."""
    try:
        return _parse_number_11(raw)
    except ValueError:  # "0x_" matches PyYAML's pattern but has no digits
        return None


def _parse_number_11(raw: str) -> float | None:
    text = raw.replace("_", "")
    if _INT_11.fullmatch(raw):
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        if digits.startswith(("0b", "0x")):
            return sign * int(digits, 0)
        if ":" in digits:
            return int(_sexagesimal(text))
        if digits != "0" and digits.startswith("0"):
            return sign * int(digits, 8)
        return sign * int(digits)
    if _FLOAT_11.fullmatch(raw):
        if ":" in text:
            return _sexagesimal(text)
        return float(text.lower().replace(".inf", "inf").replace(".nan", "nan"))
    return None


def _number_12(raw: str) -> float | None:
    """The number the YAML 1.2 core schema reads from a plain scalar, or None."""
    if _INT_12.fullmatch(raw):
        if raw.startswith(("0o", "0x")):
            return int(raw, 0)
        return int(raw)
    if _FLOAT_12.fullmatch(raw):
        return float(raw.lower().replace(".inf", "inf").replace(".nan", "nan"))
    return None


def yaml12_number(raw: str) -> float | None:
    """The number a YAML 1.2 reader takes a plain scalar for, or None when it is no number."""
    return _number_12(raw)


def _same(a: float | None, b: float | None) -> bool:
    """Whether two readings give the same value of the same type."""
    if a is None or b is None:
        return a is b
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def yaml11_trap(raw: str, plain: bool) -> str | None:
    """How a plain scalar reads differently under YAML 1.1 and YAML 1.2, if it does.

    ``"boolean"`` for yes/no/on/off/y/n in the YAML 1.1 spellings (true and false mean
    the same in both), ``"octal"`` for ``012``, ``08`` or ``0o12``, ``"binary"`` for
    ``0b101``, ``"hex"`` for a signed ``-0x1A``, ``"underscore-number"`` for ``1_000``,
    ``"sexagesimal"`` for ``1:20`` and ``"float-like"`` for numbers only YAML 1.2 reads as
    floats (``1e3``, ``+.5``). Dates (a YAML 1.1 type that front matter relies on), nulls
    and anything quoted are not traps.
    """
    if not plain or (raw.isdigit() and raw.isascii() and (raw[0] != "0" or raw == "0")):
        return None  # (a plain decimal number reads the same in both: the common case)
    if raw in _YAML11_BOOLEANS:
        return "boolean"
    old, new = _number_11(raw), _number_12(raw)
    if _same(old, new):
        return None
    if ":" in raw:
        return "sexagesimal"
    if "_" in raw:
        return "underscore-number"
    digits = raw.lstrip("+-")
    if digits.startswith("0b"):
        return "binary"
    if digits.startswith("0x"):
        return "hex"
    if digits.startswith("0") and len(digits) > 1 and digits[1] not in ".eExX":
        return "octal"
    return "float-like"
