"""Mojibake: text decoded with the wrong encoding (``Metâ€™s`` for ``Met’s``), repaired by
ftfy's encoding repair alone."""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Sequence

from ..reading.source import LONE_SURROGATE
from .problem import Problem
from .snippets import before_after, differences, places_note, tally

# Where mis-decoded text can be: two non-ASCII characters in a row (UTF-8 read one byte per
# character: a lead byte and its continuation bytes), or one that ftfy repairs on its own: a
# Latin-1 character (a C1 control, 'Ã' before a space that was a no-break space) or a lone
# surrogate.
_MAY_BE_MOJIBAKE_RE = re.compile("[^\x00-\x7f]{2}|[\x80-\xff\ud800-\udfff]")

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
        padded: str = real().display_ljust(*args, **kwargs)
        return padded

    def attribute(name: str) -> object:
        if name.startswith("__"):  # (what the import system asks of any module)
            raise AttributeError(name)
        return getattr(real(), name)

    vars(stand_in).update(display_ljust=display_ljust, __getattr__=attribute)
    return stand_in


def find_mojibake(text: str) -> list[Problem]:
    """Text decoded with the wrong encoding, such as ``Metâ€™s`` for ``Met’s``.

    Only ftfy's encoding repair runs: quotes stay curly, ligatures, widths, line breaks,
    HTML escapes and normalization are left alone. The fix is safe when it is an exact
    re-decode, unsafe when ftfy had to guess.
    """
    if text.isascii() or not _MAY_BE_MOJIBAKE_RE.search(text):
        return []
    ftfy = import_ftfy()
    if not ftfy.badness.is_bad(text) and not LONE_SURROGATE.search(text):
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
    count, first = tally(differences(text, fixed))
    start, end, _ = first[0]
    end = max(end, start + 1)
    bad, good = before_after(text, start, end, first)
    message = f"mojibake {bad} should read {good}: {how}{places_note(count)}"
    return [Problem("mojibake", message, start, end, fixed, exact)]
