"""Parse front matter YAML into a plain record that remembers where every key and value sits.

PyYAML parses (libyaml's C parser when installed); the record is built from the parser's
events (``yamlbuild``), so that timestamps stay strings, duplicate keys are seen, unknown tags
construct nothing (``yamltags``), and hostile input (alias bombs, deep nesting, huge documents)
is refused within fixed bounds. Here: the bounds checked before building, and YAML's own
errors in plain words.
"""

from __future__ import annotations

import re

import yaml

from .yamlbuild import MAX_DEPTH, MAX_NODES, Document, Span, TooDeep, YamlProblem, build
from .yamltags import LOADER

# The record and where its values are written are built in ``yamlbuild``, the tags of its
# scalars read in ``yamltags``: the rest of fmlint reads them from here.
__all__ = ["LOADER", "MAX_BYTES", "MAX_DEPTH", "Document", "Span", "YamlProblem", "block_header",
           "block_text_end", "parse"]

# What libyaml (0.2.6 and later, bundled with PyYAML 6.0.3 and later) says when nesting
# passes its own limit, which it may reach while looking ahead, before fmlint counts.
_PARSER_DEPTH = "exceeded maximum nesting depth"
MAX_BYTES = 2 * 1024 * 1024

# Line starts as YAML counts them (libyaml breaks lines at CR, NEL, LS and PS too).
_LINE_START = r"(?:\A|(?<=[\n\r\x85\u2028\u2029]))"
_STRUCTURE_PREFIX = re.compile(_LINE_START + r"[ \t\-?:]*")
_SHALLOW = 60  # block prefixes shorter than this need no closer look
_LONG_PREFIX = re.compile(rf"[\n\r\x85\u2028\u2029][ \t\-?:]{{{_SHALLOW}}}")
# (the same, for text whose only line break is LF: much faster)
_LONG_LF_PREFIX = re.compile(rf"\n[ \t\-?:]{{{_SHALLOW}}}")


# A block scalar's header after any tag or anchor: the indicator, chomping and indentation,
# then an optional comment and the line break.
_BLOCK_HEADER = re.compile(r"[|>]([-+0-9]*)[ \t]*(?:#[^\r\n]*)?(?:\r\n|\r|\n)")


def block_header(text: str, start: int, end: int) -> tuple[int, bool] | None:
    """For the ``|`` or ``>`` block scalar written at ``text[start:end]`` (from its tag or
    anchor, if it has one): where its first line after the header starts, and whether the
    header gives an explicit indentation (which counts from the parent's). None when the
    header is not followed by a line."""
    match = _BLOCK_HEADER.search(text, start, end)
    if match is None:
        return None
    return match.end(), any(c.isdigit() for c in match.group(1))


def block_text_end(text: str, start: int, end: int) -> int:
    """Where a block scalar written at ``text[start:end]`` ends without the line breaks
    after its last line."""
    return start + len(text[start:end].rstrip("\r\n"))


def _plain_problem(err: yaml.MarkedYAMLError) -> str:
    problem = err.problem or "invalid YAML"
    hints = {
        "mapping values are not allowed": "a ': ' inside an unquoted value starts a new mapping; "
        "put the value in quotes",
        "found character '\\t' that cannot start any token": "YAML does not allow tabs for "
        "indentation; use spaces",
        "could not find expected ':'": "a line is missing its ':' or is indented wrongly",
        "found undefined alias": "an alias (*name) refers to an anchor (&name) that is not defined",
        "found unexpected end of stream": "a quote or bracket opened here is never closed",
        "did not find expected key": "indentation is off: this line does not line up with the "
        "keys around it",
        "found duplicate anchor": "the same anchor name is defined twice",
    }
    for start, hint in hints.items():
        if problem.startswith(start):
            return f"YAML syntax error: {problem} ({hint})"
    text = f"YAML syntax error: {problem}"
    if err.context:
        text += f" ({err.context}"
        if err.context_mark is not None and err.problem_mark is not None and (
            err.context_mark.line != err.problem_mark.line
        ):
            text += f" that starts on line {err.context_mark.line + 1} of the front matter"
        text += ")"
    return text


def _depth_bound(text: str) -> int:
    """A cheap upper bound on nesting depth: block nesting needs indentation or indicators."""
    brackets = text.count("[") + text.count("{") if "[" in text or "{" in text else 0
    if brackets + _SHALLOW + 1 <= MAX_DEPTH:  # the common case: quick scans
        other_breaks = "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text
        long_prefix = _LONG_PREFIX if other_breaks else _LONG_LF_PREFIX
        if long_prefix.search("\n" + text) is None:
            return brackets + _SHALLOW + 1
    block = max((m.end() - m.start() for m in _STRUCTURE_PREFIX.finditer(text)), default=0)
    return block + 1 + brackets


def _node_bound(text: str) -> int:
    """A cheap upper bound on the number of nodes written in the text.

    Every node follows an indicator (``- ? : , [ {``), a line break or an alias mark, and
    one indicator leads to at most two nodes (``{a, b}`` holds keys with implicit nulls).
    """
    if 2 * len(text) + 2 <= MAX_NODES:  # (every mark is a character: short text is in bounds)
        return 2 * len(text) + 2
    marks = sum(text.count(c) for c in ",:-?[{*\n\r")
    return 2 * marks + 2


def _over_limits(text: str) -> str | None:
    """Stream the parser's events: which limit the text breaks ("depth", "nodes"), if any."""
    depth = nodes = 0
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            nodes += 1
            if depth > MAX_DEPTH:
                return "depth"
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            nodes += 1
        if nodes > MAX_NODES:
            return "nodes"
    return None


def parse(yaml_text: str, offset: int = 0) -> Document:
    """Parse the YAML between the delimiters; ``offset`` is where it starts in the file."""
    if len(yaml_text) > MAX_BYTES:
        return Document(
            None,
            problems=[
                YamlProblem(
                    "limits",
                    f"the front matter is {len(yaml_text) / 1048576:.1f} MB; fmlint reads "
                    f"front matter of at most {MAX_BYTES // 1048576} MB",
                    offset,
                    offset,
                )
            ],
        )
    try:
        broken = None
        if _depth_bound(yaml_text) > MAX_DEPTH or _node_bound(yaml_text) > MAX_NODES:
            broken = _over_limits(yaml_text)
        if broken is None:
            try:
                return build(yaml_text, offset)
            except TooDeep:
                broken = "depth"
        return _over(broken, offset)
    except yaml.MarkedYAMLError as err:
        if (err.problem or "").startswith(_PARSER_DEPTH):  # libyaml's own nesting limit
            return _over("depth", offset)
        mark = err.problem_mark or err.context_mark
        index = offset + (mark.index if mark is not None else 0)
        index = min(index, offset + len(yaml_text))
        return Document(None, problems=[YamlProblem("syntax", _plain_problem(err), index, index)])
    except yaml.YAMLError as err:  # e.g. ReaderError: a character YAML cannot hold
        position = getattr(err, "position", 0) or 0
        character = getattr(err, "character", None)
        if isinstance(character, int) and not (
            position < len(yaml_text) and ord(yaml_text[position]) == character
        ):  # libyaml counts this position in UTF-8 bytes, not characters
            position = len(yaml_text.encode("utf-8")[:position].decode("utf-8", "ignore"))
        detail = (
            f"the character {character!r} is not allowed in YAML"
            if character is not None
            else str(err)
        )
        index = offset + min(position, len(yaml_text))
        return Document(None, problems=[YamlProblem("syntax", f"YAML error: {detail}", index,
                                                    index)])


def _over(broken: str, offset: int) -> Document:
    """The document of front matter that breaks a limit ("depth" or "nodes")."""
    message = (
        f"the front matter nests lists or mappings more than {MAX_DEPTH} deep"
        if broken == "depth"
        else f"the front matter holds more than {MAX_NODES:,} values"
    )
    return Document(None, problems=[
        YamlProblem("limits", f"{message}; fmlint stopped reading it", offset, offset)])
