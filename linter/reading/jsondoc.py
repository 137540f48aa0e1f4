"""Read JSON front matter (Hugo: an object opening the file), JSON data files and JSON Lines
into a plain record that remembers where every key and value sits, and write a value back
as JSON.

The standard library's ``json`` is the authority on syntax errors; a reader of its own then
builds the record from the text ``json`` accepted, recording each value's place and seeing
duplicate keys (which ``json`` silently resolves to the last).
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import pointer as json_pointer
from .source import LineIndex
from .yamldoc import MAX_BYTES, MAX_DEPTH, Document, Span, YamlProblem

STR = "tag:yaml.org,2002:str"
BARE = "json"  # the style of a number, true, false or null
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"

_BLANK = re.compile(r"[ \t\r\n]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_LITERAL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null"
                      r"|NaN|-?Infinity")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
# Beyond what ``json.dumps`` escapes: characters that are invisible or break lines in editors.
_INVISIBLE = re.compile(r"[\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
                        r"\u2060-\u206f\ufeff\ufff9-\ufffb]")


class _TooDeep(Exception):
    """Objects and arrays nest more than ``MAX_DEPTH`` deep."""


def parse(text: str, start: int, end: int) -> Document:
    """The JSON value at ``text[start:end]`` (positions count in the whole ``text``)."""
    found = _parse(text, start, end)
    if isinstance(found, YamlProblem):
        return Document(None, problems=[found])
    record, reader = found
    return Document(record, reader.spans, reader.problems)


def parse_lines(text: str) -> Document:
    """JSON Lines: one record per line (blank lines skipped); the record is the list of them,
    the first line's record at ``/0``."""
    records: list[Any] = []
    spans: dict[str, Span] = {"": Span(0, len(text), style="seq", tag=_SEQ)}
    problems: list[YamlProblem] = []
    for line in _LINE.finditer(text):
        start, end = line.start(), line.start() + len(line.group().rstrip("\r\n"))
        if not text[start:end].strip():
            continue
        found = _parse(text, start, end, f"/{len(records)}")
        if isinstance(found, YamlProblem):
            problems.append(found)
            records.append(None)
            continue
        record, reader = found
        records.append(record)
        spans.update(reader.spans)
        problems.extend(reader.problems)
    return Document(records, spans, problems)


def _parse(text: str, start: int, end: int, root: str = ""
           ) -> tuple[Any, _Reader] | YamlProblem:
    """The value at ``text[start:end]`` and the reader that found its places; or what is
    wrong with it."""
    source = text[start:end]
    if len(source) > MAX_BYTES:
        return YamlProblem("limits", f"the JSON is {len(source) / 1048576:.1f} MB; fmlint reads "
                           f"front matter of at most {MAX_BYTES // 1048576} MB", start, start)
    try:
        json.loads(source)
    except json.JSONDecodeError as err:
        at = start + err.pos
        message = err.msg.removesuffix(" at")  # ("Invalid control character at")
        return YamlProblem("syntax", f"JSON syntax error: {message[:1].lower()}{message[1:]}",
                           at, at)
    except RecursionError:
        return _too_deep(start)
    reader = _Reader(text, LineIndex(text))
    try:
        i = reader.blank(start)
        record = reader.value(i, root, None, 0)[1]
    except _TooDeep:
        return _too_deep(start)
    return record, reader


def _too_deep(at: int) -> YamlProblem:
    return YamlProblem("limits", f"the JSON nests objects or arrays more than {MAX_DEPTH} deep; "
                       "fmlint stopped reading it", at, at)


class _Reader:
    """Builds a value from JSON that ``json`` accepted, recording where each value sits."""

    def __init__(self, text: str, index: LineIndex) -> None:
        self.text = text
        self.index = index
        self.spans: dict[str, Span] = {}
        self.problems: list[YamlProblem] = []

    def blank(self, i: int) -> int:
        found = _BLANK.match(self.text, i)
        assert found is not None  # (it matches no character too)
        return found.end()

    def value(self, i: int, pointer: str, key: tuple[int, int] | None,
              depth: int) -> tuple[int, Any]:
        """Where the value at ``text[i]`` ends, and the value."""
        if depth > MAX_DEPTH:
            raise _TooDeep
        key_start, key_end = key or (None, None)
        first = self.text[i]
        if first == "{":
            end, mapping = self.object(i, pointer, depth)
            self.spans[pointer] = Span(i, end, key_start, key_end, "map", _MAP)
            return end, mapping
        if first == "[":
            end, items = self.array(i, pointer, depth)
            self.spans[pointer] = Span(i, end, key_start, key_end, "seq", _SEQ)
            return end, items
        match = (_STRING if first == '"' else _LITERAL).match(self.text, i)
        assert match is not None
        raw = match.group()
        value = _string(raw) if first == '"' else json.loads(raw)
        if first == '"':
            self.spans[pointer] = Span(i, match.end(), key_start, key_end, '"', STR, value)
        else:
            self.spans[pointer] = Span(i, match.end(), key_start, key_end, BARE, "json", raw)
        return match.end(), value

    def object(self, i: int, pointer: str, depth: int) -> tuple[int, dict[str, Any]]:
        value: dict[str, Any] = {}
        keys: dict[str, int] = {}
        i = self.blank(i + 1)
        while self.text[i] != "}":
            match = _STRING.match(self.text, i)
            assert match is not None
            name = _string(match.group())
            child = f"{pointer}/{json_pointer.escape(name)}"
            if name in keys:
                line = self.index.position(keys[name])[0]
                self.problems.append(YamlProblem(
                    "duplicate-key", f"duplicate key '{name}': the key already appears on line "
                    f"{line}; most JSON readers keep this later value, some the first",
                    i, match.end(), child))
            keys[name] = i
            colon = self.blank(match.end())
            i, value[name] = self.value(self.blank(colon + 1), child, (i, match.end()), depth + 1)
            i = self.blank(i)
            if self.text[i] == ",":
                i = self.blank(i + 1)
        return i + 1, value

    def array(self, i: int, pointer: str, depth: int) -> tuple[int, list[Any]]:
        items: list[Any] = []
        i = self.blank(i + 1)
        while self.text[i] != "]":
            i, item = self.value(i, f"{pointer}/{len(items)}", None, depth + 1)
            items.append(item)
            i = self.blank(i)
            if self.text[i] == ",":
                i = self.blank(i + 1)
        return i + 1, items


def _string(written: str) -> str:
    """The value of a JSON string as written (with its quotes)."""
    return written[1:-1] if "\\" not in written else json.loads(written)


def render(value: Any, style: str | None = None, tag: str = STR,
           source: str | None = None) -> str:
    """JSON source for ``value``; in a string, control and invisible characters are escaped
    (``style``, ``tag`` and ``source``: as for the other formats' writers, unused)."""
    written = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", written)
    return written
