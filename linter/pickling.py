"""Pickling for the dataclasses that parallel workers send back: by their fields, in order.

A slotted dataclass pickles through ``dataclasses.fields`` for every object, on both sides;
the outcomes of a large run cross between processes by the thousand.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")


def by_fields(cls: type[T]) -> type[T]:
    """Pickle instances of the dataclass ``cls`` as a call of ``cls`` with its fields."""
    fields = attrgetter(*(field.name for field in dataclasses.fields(cls)))  # type: ignore[arg-type]

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        return cls, fields(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment, method-assign]
    return cls
