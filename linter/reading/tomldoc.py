"""Read TOML front matter (Hugo, Zola: between ``+++`` lines) and TOML data files into a plain
record that remembers where every key and value sits, and write a value back as TOML.

The standard library's ``tomllib`` is the authority on what the text means (and on syntax
errors); a scanner of its own then walks the text ``tomllib`` accepted to find where each key
and value is written. TOML dates and times stay the text they were written as, as YAML
timestamps do, so that the timestamp rules judge them as written.
"""

from __future__ import annotations

import math
import re
import tomllib
from datetime import date, datetime, time
from typing import Any

from . import pointer as json_pointer
from .source import LineIndex
from .yamldoc import MAX_BYTES, MAX_DEPTH, Document, Span, YamlProblem

STR = "tag:yaml.org,2002:str"
DATETIME = "toml:datetime"
BARE = "toml"  # the style of a value written bare: a number, a boolean, a date or a time
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"

_SKIP = re.compile(r"(?:[ \t\r\n]+|#[^\r\n]*)*")  # blanks, line breaks and comments
_SPACES = re.compile(r"[ \t]*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = re.compile(r'"(?:[^"\\\r\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\r\n]*'")
_ML_BASIC = re.compile(r'"""(?:[^"\\]|\\.|""?(?!"))*"{3,5}', re.DOTALL)
_ML_LITERAL = re.compile(r"'''(?:[^']|''?(?!'))*'{3,5}")
_SCALAR = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?"
    r"|[^\s,\]}#]+")
_ERROR_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$|\s*\(at end of document\)$")
_ESCAPE = re.compile(
    r'[\\"\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff'
    r"\ufff9-\ufffb]")
_NAMED = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
          "\r": "\\r"}


class _TooDeep(Exception):
    """Arrays and tables nest more than ``MAX_DEPTH`` deep."""


def parse(text: str, start: int, end: int) -> Document:
    """The TOML at ``text[start:end]`` (positions count in the whole ``text``)."""
    toml = text[start:end]
    if len(toml) > MAX_BYTES:
        return _problem("limits", f"the front matter is {len(toml) / 1048576:.1f} MB; fmlint "
                        f"reads front matter of at most {MAX_BYTES // 1048576} MB", start)
    try:
        record = tomllib.loads(toml)
    except tomllib.TOMLDecodeError as err:
        return _syntax_error(str(err), toml, start)
    except RecursionError:
        return _too_deep(start)
    scanner = _Scanner(text, end, record)
    try:
        scanner.document(start)
    except _TooDeep:
        return _too_deep(start)
    except (IndexError, AttributeError, KeyError, TypeError):  # pragma: no cover - a gap in
        pass  # the scanner: the positions found so far are kept, the record is tomllib's
    scanner.spans[""] = Span(start, end, style="map", tag=_MAP)
    return Document(record, scanner.spans)


def _problem(kind: str, message: str, at: int) -> Document:
    return Document(None, problems=[YamlProblem(kind, message, at, at)])


def _too_deep(at: int) -> Document:
    return _problem("limits", f"the front matter nests arrays or tables more than {MAX_DEPTH} "
                    "deep; fmlint stopped reading it", at)


def _syntax_error(message: str, toml: str, start: int) -> Document:
    """A finding for ``tomllib``'s error, at the place it names."""
    where = _ERROR_AT.search(message)
    offset = len(toml)
    if where is not None:
        if where.group(1):
            offset = LineIndex(toml).offset(int(where.group(1)), int(where.group(2)))
        message = message[:where.start()]
    message = message[:1].lower() + message[1:]
    return _problem("syntax", f"TOML syntax error: {message}", start + offset)


class _Scanner:
    """Walks TOML that ``tomllib`` accepted, recording where each key and value is written,
    and replacing each date or time in the record with its text."""

    def __init__(self, text: str, end: int, record: dict[str, Any]) -> None:
        self.text = text
        self.end = end
        self.record = record
        self.spans: dict[str, Span] = {}
        self.arrays: dict[str, int] = {}  # arrays of tables -> how many tables so far

    def skip(self, i: int) -> int:
        """Past the blanks, line breaks and comments at ``i``."""
        found = _SKIP.match(self.text, i, self.end)
        assert found is not None  # (it matches no character too)
        return found.end()

    def spaces(self, i: int) -> int:
        """Past the spaces and tabs at ``i``."""
        found = _SPACES.match(self.text, i)
        assert found is not None  # (it matches no character too)
        return found.end()

    def document(self, i: int) -> None:
        table, container = "", self.record
        while (i := self.skip(i)) < self.end:
            if self.text[i] == "[":
                i, table = self.header(i)
                container = json_pointer.resolve(self.record, table)
            else:
                i = self.key_value(i, table, container, 0)

    def header(self, i: int) -> tuple[int, str]:
        """A ``[table]`` or ``[[array.of.tables]]`` line: its end and its table's pointer."""
        array = self.text.startswith("[[", i)
        parts, after = self.key(i + (2 if array else 1))
        after = self.spaces(after) + (2 if array else 1)
        pointer = ""
        for name, _s, _e in parts[:-1]:
            pointer += "/" + json_pointer.escape(name)
            if pointer in self.arrays:
                pointer += f"/{self.arrays[pointer] - 1}"
        name, key_start, key_end = parts[-1]
        pointer += "/" + json_pointer.escape(name)
        if array:
            count = self.arrays.get(pointer, 0)
            self.arrays[pointer] = count + 1
            self.spans.setdefault(pointer, Span(i, after, key_start, key_end, "seq", _SEQ))
            pointer += f"/{count}"
        self.spans.setdefault(pointer, Span(i, after, key_start, key_end, "map", _MAP))
        return after, pointer

    def key(self, i: int) -> tuple[list[tuple[str, int, int]], int]:
        """A dotted key: each part's name, start and end; and where the key ends."""
        parts = []
        text = self.text
        while True:
            i = self.spaces(i)
            quote = text[i]
            pattern = _BASIC if quote == '"' else _LITERAL if quote == "'" else _BARE_KEY
            match = pattern.match(text, i)
            assert match is not None  # (tomllib has read the document)
            if quote == '"':
                name = tomllib.loads(f"k = {match.group()}")["k"]
            elif quote == "'":
                name = match.group()[1:-1]
            else:
                name = match.group()
            parts.append((name, i, match.end()))
            i = self.spaces(match.end())
            if text[i] != ".":
                return parts, i
            i += 1

    def key_value(self, i: int, table: str, container: dict[str, Any], depth: int) -> int:
        """``key = value`` in ``table`` (whose record is ``container``): where it ends."""
        parts, i = self.key(i)
        pointer = table
        for name, start, end in parts[:-1]:
            pointer += "/" + json_pointer.escape(name)
            self.spans.setdefault(pointer, Span(start, end, start, end, "map", _MAP))
            container = container[name]
        name, key_start, key_end = parts[-1]
        pointer += "/" + json_pointer.escape(name)
        i = self.spaces(i + 1)  # (after '=')
        i, container[name] = self.value(i, pointer, (key_start, key_end), container[name], depth)
        return i

    def value(self, i: int, pointer: str, key: tuple[int, int] | None, value: Any,
              depth: int) -> tuple[int, Any]:
        """Where the value at ``text[i]`` ends, and its record value (a date or time: its
        text)."""
        if depth > MAX_DEPTH:
            raise _TooDeep
        text = self.text
        key_start, key_end = key or (None, None)
        first = text[i]
        if first == "[":
            end = self.array(i, pointer, value, depth)
            self.spans[pointer] = Span(i, end, key_start, key_end, "seq", _SEQ)
            return end, value
        if first == "{":
            end = self.inline_table(i, pointer, value, depth)
            self.spans[pointer] = Span(i, end, key_start, key_end, "map", _MAP)
            return end, value
        if text.startswith('"""', i):
            match, style = _ML_BASIC.match(text, i), '"""'
        elif text.startswith("'''", i):
            match, style = _ML_LITERAL.match(text, i), "'''"
        elif first == '"':
            match, style = _BASIC.match(text, i), '"'
        elif first == "'":
            match, style = _LITERAL.match(text, i), "'"
        else:
            match, style = _SCALAR.match(text, i), BARE
        assert match is not None
        end = match.end()
        if style != BARE:
            self.spans[pointer] = Span(i, end, key_start, key_end, style, STR, value)
            return end, value
        raw = match.group()
        if isinstance(value, datetime | date | time):
            self.spans[pointer] = Span(i, end, key_start, key_end, BARE, DATETIME, raw)
            return end, raw
        kind = "toml:boolean" if isinstance(value, bool) else "toml:number"
        self.spans[pointer] = Span(i, end, key_start, key_end, BARE, kind, raw)
        return end, value

    def array(self, i: int, pointer: str, items: list[Any], depth: int) -> int:
        """An array's items; where it ends."""
        count = 0
        i = self.skip(i + 1)
        while self.text[i] != "]":
            i, items[count] = self.value(i, f"{pointer}/{count}", None, items[count], depth + 1)
            count += 1
            i = self.skip(i)
            if self.text[i] == ",":
                i = self.skip(i + 1)
        return i + 1

    def inline_table(self, i: int, pointer: str, table: dict[str, Any], depth: int) -> int:
        """An inline table's keys and values; where it ends."""
        i = self.skip(i + 1)
        while self.text[i] != "}":
            i = self.skip(self.key_value(i, pointer, table, depth + 1))
            if self.text[i] == ",":
                i = self.skip(i + 1)
        return i + 1


# -- writing a value back -----------------------------------------------------------------


def render(value: Any, style: str | None, tag: str = STR, source: str | None = None) -> str:
    """TOML source for ``value``, in the string kind the old value was written in (``style``:
    '"', "'", '\"\"\"', "'''", or ``BARE``) where that kind can hold it, else a basic string;
    ``source`` is the old value's source (a multi-line string keeps a line break after its
    opening quotes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    text = "" if value is None else str(value)
    if style == BARE and tag == DATETIME and _is_datetime(text):
        return text
    if style == "'":
        return literal(text) or basic(text)
    if style in ('"""', "'''"):
        lead = source[3:] if source else ""
        newline = "\r\n" if lead.startswith("\r\n") else "\n" if lead.startswith("\n") else ""
        if style == "'''" and (written := _multiline_literal(text, newline)) is not None:
            return written
        return _multiline_basic(text, newline)
    return basic(text)


def _number(value: int | float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def _is_datetime(text: str) -> bool:
    """Whether ``text`` written bare is a TOML date, time or date-time."""
    try:
        return isinstance(tomllib.loads(f"v = {text}")["v"], datetime | date | time)
    except tomllib.TOMLDecodeError:
        return False


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or f"\\u{ord(char):04x}"


def basic(text: str) -> str:
    """``text`` as a TOML basic string; control and invisible characters are escaped."""
    return '"' + _ESCAPE.sub(_escape, text) + '"'


def literal(text: str) -> str | None:
    """``text`` as a TOML literal string, or None when a literal string cannot hold it."""
    if "'" in text or _ESCAPE.search(text.replace("\\", "").replace('"', "").replace("\t", "")):
        return None
    return f"'{text}'"


def _multiline_basic(text: str, newline: str) -> str:
    body = _ESCAPE.sub(lambda m: "\n" if m.group() == "\n" else _escape(m), text)
    if newline == "\r\n":
        body = body.replace("\n", "\r\n")
    return f'"""{newline}{body}"""'


def _multiline_literal(text: str, newline: str) -> str | None:
    plain = text.replace("\\", "").replace('"', "").replace("\t", "").replace("\n", "")
    if "'''" in text or text.endswith("'") or _ESCAPE.search(plain):
        return None
    body = text.replace("\n", "\r\n") if newline == "\r\n" else text
    return f"'''{newline}{body}'''"
