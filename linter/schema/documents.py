"""Schema documents from their bytes: JSON, or YAML for a ``.yaml``/``.yml`` name."""

from __future__ import annotations

import json
from typing import Any

from .validation import SchemaError, modest

MAX_VALUES = 1_000_000  # values of a YAML schema once its aliases are expanded


def parse(data: bytes, name: str) -> Any:
    """A schema document from JSON, or YAML for a ``.yaml``/``.yml`` name."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SchemaError(f"{name}: the schema is not UTF-8 (byte {err.start})") from None
    if name.lower().endswith((".yaml", ".yml")):
        return parse_yaml(text, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise SchemaError(
            f"{name}:{err.lineno}:{err.colno}: the schema is not valid JSON: {err.msg}"
        ) from None
    except RecursionError:
        raise SchemaError(f"{name}: the schema is nested too deeply") from None


def parse_yaml(text: str, name: str) -> Any:
    """A YAML schema (PyYAML's safe loader), as JSON values: timestamps become strings."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        document = yaml.load(text, Loader=loader)  # (a safe loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise SchemaError(f"{name}{where}: the schema is not valid YAML: "
                          f"{err.problem or err.context}") from None
    except (yaml.YAMLError, RecursionError) as err:
        raise SchemaError(f"{name}: the schema is not valid YAML: {err}") from None
    if not modest(document, MAX_VALUES):
        raise SchemaError(f"{name}: the schema holds more than {MAX_VALUES:,} values once "
                          "its aliases are expanded")
    try:
        return json.loads(json.dumps(document, default=str))
    except (TypeError, ValueError, RecursionError) as err:
        raise SchemaError(f"{name}: the schema is not JSON data: {err}") from None


