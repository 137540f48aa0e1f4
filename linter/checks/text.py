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


def unremarkable(text: str) -> bool:
    """Whether none of the ``find_*`` checks here can report anything in ``text``.

    Such text is printable ASCII (no mojibake, no lost or invisible character, always NFC)
    without "&" (no character reference), with single spaces between words and none at the
    ends. Most text is like this; the checks skip it.
    """
    return (text.isascii() and text.isprintable() and "&" not in text and "  " not in text
            and text != "" and not text.startswith(" ") and not text.endswith(" "))
