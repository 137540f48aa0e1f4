"""Writing a new value back as YAML source, in the style the old one was written in."""

from __future__ import annotations

import re

import yaml

from .yamldoc import LOADER, block_header, block_text_end

STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_PLAIN_FIRST_BAD = set("-?:,[]{}#&*!|>'\"%@`")
_NEEDS_ESCAPE = re.compile(
    r'[\\"\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff'
    r"\ufff9-\ufffb\ud800-\udfff]"
)
_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def double_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar; invisible characters are escaped."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in _NAMED:
            return _NAMED[char]
        code = ord(char)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    return '"' + _NEEDS_ESCAPE.sub(escape, text) + '"'


def single_quoted(text: str) -> str | None:
    """``text`` as a single-quoted scalar, or None when that style cannot hold it."""
    if _NEEDS_ESCAPE.search(text.replace("\\", "").replace('"', "")):
        return None
    return "'" + text.replace("'", "''") + "'"


def is_plain_string(text: str, tag: str = STR_TAG) -> bool:
    """Whether ``text`` written without quotes reads back as the same text with ``tag``."""
    if not text or text != text.strip() or text[0] in _PLAIN_FIRST_BAD:
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    if _NEEDS_ESCAPE.search(text.replace("\\", "").replace('"', "")):
        return False
    resolved: str = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    return resolved == tag


def render(value: str | int | float | bool | None, style: str | None, tag: str = STR_TAG,
           source: str | None = None) -> str:
    """YAML source for ``value``, keeping ``style`` (None plain, '"', "'", '|', '>') where it
    can; ``source`` is the old value's source, which a block scalar is written like.

    A plain string stays plain only if it still reads back with the old ``tag`` (a plain
    timestamp stays a plain timestamp; a string that would read as a boolean gets quotes).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if style == "'":
        return single_quoted(value) or double_quoted(value)
    if style in ("|", ">") and source is not None:
        return block(value, source, folded=style == ">") or double_quoted(value)
    if style is None and is_plain_string(value, tag if tag != "tag:yaml.org,2002:bool" else
                                         STR_TAG):
        return value
    return double_quoted(value)


_FOLD_AT = re.compile(r"(?<=\S) (?=\S)")  # a single space between words: a folded line break


def block(value: str, source: str, *, folded: bool) -> str | None:
    """``value`` as a block scalar written like ``source``, the old one, with the same header
    line (tag or anchor, style, chomping, comment) and indentation, folded text wrapped at
    the old lines' width. It replaces ``source`` up to its last line break (what
    ``Context.range_of`` covers): the line breaks after it stay. Its lines end as the old
    ones do (CRLF or LF). None where the value cannot be written so: each rendering is read
    back, and only one that gives ``value`` again is used."""
    newline = "\r\n" if "\r\n" in source else "\n"
    source = source.replace("\r\n", "\n")
    header = block_header(source, 0, len(source))
    if header is None or header[1] or "\r" in source:
        return None  # (an explicit indentation counts from the parent's: kept as written)
    kept = source[:block_text_end(source, 0, len(source))]
    lines = [line for line in kept[header[0]:].split("\n") if line.strip()]
    if not lines:
        return None
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip(" "))]
    body = value.rstrip("\n")
    if folded:
        width = max(len(line) for line in lines) - len(indent)
        # A run of n line breaks is written as n blank lines; lines are cut at single
        # spaces between words, which fold back into spaces.
        body = "\n".join("\n".join(_wrapped(line, width)) for line in re.sub(
            r"\n+", lambda run: "\n" * (len(run.group()) + 1), body).split("\n"))
    rendered = source[:header[0]] + "\n".join(indent + line if line else ""
                                             for line in body.split("\n"))
    try:
        read = yaml.load("value: " + rendered + source[len(kept):], Loader=LOADER)
    except yaml.YAMLError:
        return None
    if not isinstance(read, dict) or read.get("value") != value:
        return None
    return rendered.replace("\n", newline)


def _wrapped(line: str, width: int) -> list[str]:
    """``line`` cut at single spaces between words into lines of at most ``width`` characters
    where it can be."""
    out = []
    while len(line) > width:
        cuts = [m.start() for m in _FOLD_AT.finditer(line, 1, width + 2) if m.start() <= width]
        cut = cuts[-1] if cuts else next((m.start() for m in _FOLD_AT.finditer(line)), None)
        if cut is None:  # (one long word)
            break
        out.append(line[:cut])
        line = line[cut + 1:]
    out.append(line)
    return out
