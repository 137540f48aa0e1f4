"""YAML 1.1 typing traps: plain scalars that YAML 1.1 (PyYAML) and YAML 1.2 read as
different types or numbers (``no`` as false, ``010`` as 8, ``1:30`` as 90)."""

from __future__ import annotations

import math
import re

# --- YAML 1.1 typing traps ---------------------------------------------------------------

_YAML11_BOOLEANS = frozenset(
    {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO"}
    | {"on", "On", "ON", "off", "Off", "OFF"}
)
# What PyYAML's YAML 1.1 resolver reads as numbers (yaml.resolver.Resolver).
_INT_11 = re.compile(
    r"""[-+]?0b[0-1_]+
    |[-+]?0[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+""",
    re.VERBOSE,
)
_FLOAT_11 = re.compile(
    r"""[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN)""",
    re.VERBOSE,
)
# What the YAML 1.2 core schema reads as numbers.
_INT_12 = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_12 = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)


def _sexagesimal(text: str) -> float:
    sign = -1 if text.startswith("-") else 1
    value = 0.0
    for part in text.lstrip("+-").split(":"):
        value = value * 60 + float(part)
    return sign * value


def _number_11(raw: str) -> float | None:
    """The number PyYAML reads from a plain scalar, or None for a string."""
    try:
        return _parse_number_11(raw)
    except ValueError:  # "0x_" matches PyYAML's pattern but has no digits
        return None


def _parse_number_11(raw: str) -> float | None:
    text = raw.replace("_", "")
    if _INT_11.fullmatch(raw):
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        if digits.startswith(("0b", "0x")):
            return sign * int(digits, 0)
        if ":" in digits:
            return int(_sexagesimal(text))
        if digits != "0" and digits.startswith("0"):
            return sign * int(digits, 8)
        return sign * int(digits)
    if _FLOAT_11.fullmatch(raw):
        if ":" in text:
            return _sexagesimal(text)
        return float(text.lower().replace(".inf", "inf").replace(".nan", "nan"))
    return None


def _number_12(raw: str) -> float | None:
    """The number the YAML 1.2 core schema reads from a plain scalar, or None."""
    if _INT_12.fullmatch(raw):
        if raw.startswith(("0o", "0x")):
            return int(raw, 0)
        return int(raw)
    if _FLOAT_12.fullmatch(raw):
        return float(raw.lower().replace(".inf", "inf").replace(".nan", "nan"))
    return None


def yaml12_number(raw: str) -> float | None:
    """The number a YAML 1.2 reader takes a plain scalar for, or None when it is no number."""
    return _number_12(raw)


def _same(a: float | None, b: float | None) -> bool:
    """Whether two readings give the same value of the same type."""
    if a is None or b is None:
        return a is b
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def yaml11_trap(raw: str, plain: bool) -> str | None:
    """How a plain scalar reads differently under YAML 1.1 and YAML 1.2, if it does.

    ``"boolean"`` for yes/no/on/off/y/n in the YAML 1.1 spellings (true and false mean
    the same in both), ``"octal"`` for ``012``, ``08`` or ``0o12``, ``"binary"`` for
    ``0b101``, ``"hex"`` for a signed ``-0x1A``, ``"underscore-number"`` for ``1_000``,
    ``"sexagesimal"`` for ``1:20`` and ``"float-like"`` for numbers only YAML 1.2 reads as
    floats (``1e3``, ``+.5``). Dates (a YAML 1.1 type that front matter relies on), nulls
    and anything quoted are not traps.
    """
    if not plain or (raw.isdigit() and raw.isascii() and (raw[0] != "0" or raw == "0")):
        return None  # (a plain decimal number reads the same in both: the common case)
    if "-" in raw[1:] and "e-" not in raw.lower():
        return None  # (a date: a '-' past the sign only follows an exponent's 'e' in numbers)
    if raw in _YAML11_BOOLEANS:
        return "boolean"
    old, new = _number_11(raw), _number_12(raw)
    if _same(old, new):
        return None
    if ":" in raw:
        return "sexagesimal"
    if "_" in raw:
        return "underscore-number"
    digits = raw.lstrip("+-")
    if digits.startswith("0b"):
        return "binary"
    if digits.startswith("0x"):
        return "hex"
    if digits.startswith("0") and len(digits) > 1 and digits[1] not in ".eExX":
        return "octal"
    return "float-like"
