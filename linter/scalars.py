"""Writing a new value back as YAML source, in the style the old one was written in."""

from __future__ import annotations

import re

import yaml

_STR_TAG = "tag:yaml.org,2002:str"
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


def is_plain_string(text: str, tag: str = _STR_TAG) -> bool:
    """Whether ``text`` written without quotes reads back as the same text with ``tag``."""
    if not text or text != text.strip() or text[0] in _PLAIN_FIRST_BAD:
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    if _NEEDS_ESCAPE.search(text.replace("\\", "").replace('"', "")):
        return False
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == tag


def render(value: str | int | float | bool | None, style: str | None, tag: str = _STR_TAG
           ) -> str:
    """YAML source for ``value``, keeping ``style`` (None plain, '"', "'") where it can.

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
    if style is None and is_plain_string(value, tag if tag != "tag:yaml.org,2002:bool" else
                                         _STR_TAG):
        return value
    return double_quoted(value)
