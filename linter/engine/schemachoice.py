"""Which schema checks a record: the one it declares (``$schema``), the one the
configuration maps to its path, or else the built-in that recognises it (``x-fmlint-match``);
and each schema's annotation walker, shared by its records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..rules.registry import load_all
from ..schema import validation, valuenotes
from ..schema.annotate import Annotations, Walker
from ..schema.shipped import Builtins, SchemaSource, builtin
from .config import Config

_walkers: dict[str, Walker] = {}
_matchers: dict[str, Callable[[Any], bool]] = {}  # built-in schema -> recognises a record
NO_SCHEMA = "any"  # the built-in schema of records no schema describes
_MAX_WALKERS = 16
BUILTINS = Builtins()


def walker(schema: validation.Schema) -> Walker:
    """The annotation walker of ``schema`` (one per schema text, shared by its records)."""
    found = _walkers.get(schema.digest)
    if found is None:
        if len(_walkers) >= _MAX_WALKERS:  # (a long-running editor session sees schemas change)
            _walkers.clear()
        found = _walkers[schema.digest] = Walker(schema.document, schema.resources,
                                                 schema.base_uri)
    return found


def prepare(config: Config, schemas: SchemaSource | None = None) -> None:
    """Load what checking needs (rules, the default schema, its validators, the text rules'
    library) up front: before forking workers, so that they share it instead of each
    loading it. ``schemas``: where schemas come from (without it, the built-in ones)."""
    load_all()
    from ..checks.mojibake import import_ftfy

    import_ftfy()  # (the text rules import it on first use)

    try:
        walker((schemas or BUILTINS).named(config.schema_for(None), config))
    except validation.SchemaError:
        pass  # reported for each file


def annotate(record: dict[str, Any], path: str | None, config: Config,
             schemas: SchemaSource | None = None) -> Annotations:
    """What the schema that applies to ``record`` says of each of its values (the record's
    own ``$schema``, else the configured one); raises ``validation.SchemaError``."""
    schema, _described = schema_of(record, path, config, schemas=schemas)
    return valuenotes.complete(walker(schema).annotate(record), lambda _pointer: None)


def schema_of(record: Any, path: str | None, config: Config, site_root: str | None = None,
              schemas: SchemaSource | None = None) -> tuple[validation.Schema, bool]:
    """The record's own ``$schema`` (taken out of the record: ``SchemaSource.declared``),
    else the configured schema, else a built-in one that recognises the record, else the
    built-in ``any``; and whether a schema described the record (False: ``any``).
    ``schemas``: where schemas come from (without it, the built-in ones). Raises
    ``validation.SchemaError``."""
    schemas = schemas or BUILTINS
    own = schemas.declared(record, path, config, site_root)
    if own is not None:
        return own, True
    reference, chosen = config.schema_choice(path)
    described = chosen or _recognised(reference, record)
    return schemas.named(reference if described else NO_SCHEMA, config), described


def _recognised(reference: str, record: Any) -> bool:
    """Whether a built-in schema picked by default recognises ``record`` as one of its kind
    (its ``x-fmlint-match``, a JSON Schema of what such records look like)."""
    matcher = _matchers.get(reference)
    if matcher is None:
        try:
            pattern = builtin(reference).document.get("x-fmlint-match")
        except validation.SchemaError:
            return True  # (the schema's own problem is reported where it is loaded)
        if isinstance(pattern, dict):
            matcher = _matchers[reference] = _matcher(pattern)
        else:
            matcher = _matchers[reference] = _anything
    return matcher(record)


def _matcher(pattern: dict[str, Any]) -> Callable[[Any], bool]:
    """Whether a record matches ``pattern``: by the compiled validator, or by jsonschema for
    values it cannot take (date objects, in its older releases)."""
    import jsonschema_rs

    fast = jsonschema_rs.validator_for(pattern)

    def matches(record: Any) -> bool:
        try:
            return bool(fast.is_valid(record))
        except Exception:
            from jsonschema import validators

            return bool(validators.validator_for(pattern)(pattern).is_valid(record))

    return matches


def _anything(_record: Any) -> bool:
    return True
