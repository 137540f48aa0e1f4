"""What a tag makes of a YAML scalar, as PyYAML's safe loader reads it: the tag a scalar
written without one resolves to, and the value a tag gives it (or why it gives none, in plain
words)."""

from __future__ import annotations

import re
from typing import Any

import yaml

if yaml.__with_libyaml__:
    LOADER: type[yaml.CSafeLoader | yaml.SafeLoader] = yaml.CSafeLoader
    """The safe loader, libyaml's when installed."""
else:  # pragma: no cover - libyaml missing
    LOADER = yaml.SafeLoader

STR = "tag:yaml.org,2002:str"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
MERGE = "tag:yaml.org,2002:merge"
_KNOWN_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:binary",
    "tag:yaml.org,2002:value",
    "tag:yaml.org,2002:merge",
}
KNOWN_COLLECTION_TAGS = {
    MAP,
    SEQ,
    "tag:yaml.org,2002:omap",
    "tag:yaml.org,2002:pairs",
    "tag:yaml.org,2002:set",
}
_CONSTRUCT = {
    "tag:yaml.org,2002:int": yaml.constructor.SafeConstructor.construct_yaml_int,
    "tag:yaml.org,2002:float": yaml.constructor.SafeConstructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": yaml.constructor.SafeConstructor.construct_yaml_bool,
}
_SCALAR_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_BOOLS: dict[str, bool] = yaml.constructor.SafeConstructor.bool_values
_TAG_TYPES = {
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
}

# Implicit tag resolvers of plain scalars, by first character (with those for any character).
_Resolver = tuple[str, re.Pattern[str]]  # (tag, pattern)
_ANY_FIRST: tuple[_Resolver, ...] = tuple(LOADER.yaml_implicit_resolvers.get(None, []))
_RESOLVERS: dict[str, tuple[_Resolver, ...]] = {first: tuple(found) + _ANY_FIRST
              for first, found in LOADER.yaml_implicit_resolvers.items() if first is not None}


def scalar_tag(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag of a scalar written without one, as the safe loader resolves it."""
    if implicit[0]:
        if _plain_decimal(value):
            return _INT  # (what the resolvers say, sooner)
        for tag, pattern in _RESOLVERS.get(value[:1], _ANY_FIRST):
            if pattern.match(value):
                return tag
    return STR


def _plain_decimal(value: str) -> bool:
    """Whether a scalar is a plain decimal number (a width, a year): ASCII digits, no leading
    zero (YAML 1.1 reads ``012`` as octal)."""
    return value.isdigit() and value.isascii() and (value[0] != "0" or len(value) == 1)


def node_tag(event: Any) -> str:
    """The tag of the node that starts at the parser's ``event``: its own, or the one it
    resolves to."""
    tag: str | None = event.tag
    if tag is not None and tag != "!":
        return tag
    if type(event) is yaml.ScalarEvent:
        return scalar_tag(event.value, event.implicit)
    return SEQ if type(event) is yaml.SequenceStartEvent else MAP


def typed_scalar(tag: str, value: str) -> tuple[Any, str | None]:
    """The value of a scalar written as ``value`` with ``tag``, and what is wrong with the tag
    (None: nothing). A tag fmlint does not know, or a value its tag cannot take, keeps the
    text."""
    if tag == _INT and len(value) < 19 and _plain_decimal(value):
        return int(value), None
    if tag == _BOOL and value.lower() in _BOOLS:  # (what the constructor says, sooner)
        return _BOOLS[value.lower()], None
    if tag in _CONSTRUCT:
        try:
            return _CONSTRUCT[tag](_SCALAR_CONSTRUCTOR, yaml.ScalarNode(tag, value)), None
        except (ValueError, KeyError, IndexError, yaml.YAMLError):
            # A value its tag cannot take ("!!bool x", "!!int" empty): PyYAML refuses it.
            return value, (f"the tag '{_short_tag(tag)}' asks for {_TAG_TYPES[tag]}, but "
                           f"{_shown(value)} is not one; PyYAML refuses this value (remove the "
                           "tag, or correct the value)")
    if tag == "tag:yaml.org,2002:null":
        return None, None
    if tag not in _KNOWN_SCALAR_TAGS:
        return value, unknown_tag(tag)
    return value, None


def unknown_tag(tag: str) -> str:
    """What is wrong with a tag fmlint does not know."""
    return (f"the tag '{tag}' asks for a special type; fmlint reads front matter as plain "
            "data and ignores it (remove the tag)")


def _short_tag(tag: str) -> str:
    """A tag as it is usually written: ``!!int`` for ``tag:yaml.org,2002:int``."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") \
        else tag


def _shown(value: str) -> str:
    """A scalar's text for a message: quoted, shortened, or 'an empty value'."""
    if not value:
        return "an empty value"
    return repr(value if len(value) <= 40 else value[:39] + "…")


