"""A record's text: decoding, the front matter's place in it, and line/column arithmetic."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import NamedTuple, overload

BOM = "\ufeff"
_OPEN = re.compile(r"---[ \t]*(?:\r\n|\r|\n|$)")
# A closing line, with the line feed before it (a pattern that starts with a plain character
# is found by a quick scan; '^' in MULTILINE mode is tried at every position).
_CLOSE = re.compile(r"\n(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|$)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LF = re.compile(r"\n")  # (the only line break of most text: found faster)
# A lone surrogate: text from a buffer or a JSON escape may hold one, decoded UTF-8 never.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# TOML front matter (Hugo, Zola) between '+++' lines; JSON front matter (Hugo): an object
# that opens the file, with a key or its closing brace next.
_TOML_OPEN = re.compile(r"\+\+\+[ \t]*(?:\r\n|\r|\n|$)")
_TOML_CLOSE = re.compile(r"\n\+\+\+[ \t]*(?:\r\n|\r|\n|$)")
_JSON_OPEN = re.compile(r"\{\s*[\"}]")
_JSON_TOKEN = re.compile(r'"(?:[^"\\\r\n]|\\.)*"?|[{}\[\]]')  # a string, or a bracket


class DecodeError(Exception):
    """The bytes are not text fmlint can read; carries the place of the first bad byte."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _utf16_without_bom(data: bytes) -> str | None:
    """The byte order ("little-endian", "big-endian") the first bytes read as in UTF-16.

    Text of ASCII characters in UTF-16 has a zero byte at every other place; None otherwise.
    """
    sample = data[:512]
    half = len(sample) // 2
    if half < 2 or b"\x00" not in sample:  # (no zero byte: the common case)
        return None
    for endian, zeros, chars in (("little-endian", sample[1::2], sample[0::2]),
                                 ("big-endian", sample[0::2], sample[1::2])):
        if (zeros[:half].count(0) >= half * 0.9 and chars[:half].count(0) <= half * 0.1
                and chars[0] not in b"\r\n"):
            return endian
    return None


def decode(data: bytes) -> tuple[str, bool]:
    """Decode UTF-8 bytes; return the text without a BOM and whether a BOM was there."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DecodeError(
            "the file is UTF-16 (it starts with a UTF-16 byte-order mark); "
            "front matter must be UTF-8",
            1,
            1,
        )
    endian = _utf16_without_bom(data)
    if endian:
        raise DecodeError(
            f"the file looks like UTF-16 ({endian}, without a byte-order mark: every other "
            "byte is zero); front matter must be UTF-8",
            1,
            1,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        prefix = data[: err.start].decode("utf-8", "replace").removeprefix(BOM)
        line, column = LineIndex(prefix).position(len(prefix))
        bad = data[err.start : err.start + 1].hex()
        raise DecodeError(
            f"byte 0x{bad} is not valid UTF-8 (the file may be in another encoding, "
            "such as Windows-1252); re-save it as UTF-8",
            line,
            column,
        ) from None
    if text.startswith(BOM):
        return text[1:], True
    return text, False


class LineIndex:
    """Convert between character offsets and 1-based (line, column) in one text.

    Line breaks are CRLF, CR and LF, as editors and the Language Server Protocol count them.
    Line starts are found lazily, only as far into the text as a question needs, so a
    position near the top of a huge file costs no more than in a small one.
    """

    __slots__ = ("_breaks", "_complete", "_count", "_crlf", "_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0]
        self._crlf = "\r" in text
        self._breaks = (_LINE_BREAK if self._crlf else _LF).finditer(text)  # (read as needed)
        self._complete = False
        self._count: int | None = None

    def _scan(self, *, offset: int | None = None, lines: int | None = None) -> None:
        """Record line starts until one lies past ``offset`` or there are ``lines`` of them."""
        starts = self._starts
        while not self._complete and (offset is None or starts[-1] <= offset) and (
                lines is None or len(starts) < lines):
            found = next(self._breaks, None)
            if found is None:
                self._complete = True
            else:
                starts.append(found.end())

    @property
    def starts(self) -> list[int]:
        """Every line's starting offset (scans the whole text)."""
        self._scan()
        return self._starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset.

        An offset past the end counts as the end; one between the CR and LF of a line break
        counts as the break's start, so a column never lies beyond its line's end.
        """
        text = self.text
        if offset > len(text):  # (comparisons: cheaper than max and min)
            offset = len(text)
        elif offset < 0:
            offset = 0
        if self._crlf and 0 < offset < len(text) and text[offset] == "\n" and (
            text[offset - 1] == "\r"
        ):
            offset -= 1
        self._scan(offset=offset)
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def offset(self, line: int, column: int) -> int:
        """Character offset of a 1-based (line, column); clamps to the text."""
        if line < 1:
            return 0
        self._scan(lines=line)
        if line > len(self._starts):
            return len(self.text)
        return min(self._starts[line - 1] + column - 1, len(self.text))

    def line_text(self, line: int) -> str:
        """The text of a 1-based line without its line break."""
        self._scan(lines=line + 1)
        start = self._starts[line - 1]
        end = self._starts[line] if line < len(self._starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    @property
    def line_count(self) -> int:
        if self._complete:
            return len(self._starts)
        if self._count is None:
            text = self.text
            breaks = text.count("\n")
            if self._crlf:
                breaks += text.count("\r") - text.count("\r\n")
            self._count = breaks + 1
        return self._count


class Lines(Sequence[str]):
    """A text's lines without their line breaks, split only as far as they are read."""

    __slots__ = ("_index",)

    def __init__(self, text: str | LineIndex) -> None:
        self._index = text if isinstance(text, LineIndex) else LineIndex(text)

    def __len__(self) -> int:
        return self._index.line_count

    @overload
    def __getitem__(self, item: int) -> str: ...

    @overload
    def __getitem__(self, item: slice) -> list[str]: ...

    def __getitem__(self, item: int | slice) -> str | list[str]:
        count = len(self)
        if isinstance(item, slice):
            return [self._index.line_text(n + 1) for n in range(*item.indices(count))]
        number = item + count if item < 0 else item
        if not 0 <= number < count:
            raise IndexError("line index out of range")
        return self._index.line_text(number + 1)


class FrontMatter(NamedTuple):
    """Where the front matter sits: ``text[start:end]`` is the YAML (or TOML) between the
    delimiter lines, or the JSON object; ``format`` is "yaml", "toml" or "json"."""

    start: int
    end: int
    format: str = "yaml"


class SplitError(Exception):
    """The text has no front matter, or it never closes."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def split(text: str) -> FrontMatter:
    """Locate the front matter: a first line ``---``, closed by the next ``---`` or ``...``;
    a first line ``+++`` (TOML), closed by the next ``+++``; or a JSON object opening the
    file (its end is found by ``json_end``)."""
    if text.startswith("+"):
        return _split_toml(text)
    if text.startswith("{") and _JSON_OPEN.match(text):
        return FrontMatter(0, json_end(text), "json")
    opening = _OPEN.match(text)
    if opening is None:
        raise SplitError(
            "missing",
            "no front matter: the first line must be '---', followed by YAML and a closing '---' "
            "(or '+++' around TOML)",
        )
    closing = _CLOSE.search(text, opening.end() - 1)  # from the opening line's line feed
    if closing is None:
        if "\r" in text and "\n" not in text:
            raise SplitError(
                "unterminated",
                "the front matter never closes where Jekyll and most tools look: this file "
                "ends its lines with CR alone (old Mac style); save it with LF line endings",
            )
        raise SplitError(
            "unterminated",
            "the front matter opened on line 1 never closes: add a line '---' after it",
        )
    return FrontMatter(opening.end(), closing.start() + 1)


def _split_toml(text: str) -> FrontMatter:
    """TOML front matter: a first line ``+++``, closed by the next ``+++`` line."""
    opening = _TOML_OPEN.match(text)
    if opening is None:
        raise SplitError(
            "missing",
            "no front matter: the first line must be '---' or '+++' on its own",
        )
    closing = _TOML_CLOSE.search(text, opening.end() - 1)
    if closing is None:
        raise SplitError(
            "unterminated",
            "the TOML front matter opened on line 1 never closes: add a line '+++' after it",
        )
    return FrontMatter(opening.end(), closing.start() + 1, "toml")


def json_end(text: str) -> int:
    """Where the JSON object that opens ``text`` ends: just after its closing brace, found by
    counting brackets outside strings (the whole text when it never closes: reading it then
    reports where it breaks)."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "{[":
            depth += 1
        elif token in "}]":
            depth -= 1
            if depth == 0:
                return match.end()
    return len(text)
