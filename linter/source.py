"""A record's text: decoding, the front matter's place in it, and line/column arithmetic."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

BOM = "\ufeff"
_OPEN = re.compile(r"---[ \t]*(?:\r\n|\r|\n|$)")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|$)", re.MULTILINE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class DecodeError(Exception):
    """The bytes are not text fmlint can read; carries the place of the first bad byte."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def decode(data: bytes) -> tuple[str, bool]:
    """Decode UTF-8 bytes; return the text without a BOM and whether a BOM was there."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DecodeError(
            "the file is UTF-16 (it starts with a UTF-16 byte-order mark); "
            "front matter must be UTF-8",
            1,
            1,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        prefix = data[: err.start].decode("utf-8", "replace")
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
    """

    __slots__ = ("starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        if "\r" in text:
            starts.extend(m.end() for m in _LINE_BREAK.finditer(text))
        else:
            pos = text.find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = text.find("\n", pos + 1)
        self.starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def offset(self, line: int, column: int) -> int:
        """Character offset of a 1-based (line, column); clamps to the text."""
        if line < 1:
            return 0
        if line > len(self.starts):
            return len(self.text)
        return min(self.starts[line - 1] + column - 1, len(self.text))

    def line_text(self, line: int) -> str:
        """The text of a 1-based line without its line break."""
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    @property
    def line_count(self) -> int:
        return len(self.starts)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """Where the YAML sits: ``text[start:end]`` is the YAML between the delimiter lines."""

    start: int
    end: int
    close_line_start: int


class SplitError(Exception):
    """The text has no front matter, or it never closes."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def split(text: str) -> FrontMatter:
    """Locate the front matter: a first line ``---``, closed by the next ``---`` or ``...``."""
    opening = _OPEN.match(text)
    if opening is None:
        raise SplitError(
            "missing",
            "no front matter: the first line must be '---', followed by YAML and a closing '---'",
        )
    closing = _CLOSE.search(text, opening.end())
    if closing is None:
        raise SplitError(
            "unterminated",
            "the front matter opened on line 1 never closes: add a line '---' after it",
        )
    return FrontMatter(opening.end(), closing.start(), closing.start())
