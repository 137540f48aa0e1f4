"""Pickling for the dataclasses that parallel workers send back: by their fields, in order.

A slotted dataclass pickles through ``dataclasses.fields`` for every object, on both sides;
the outcomes of a large run cross between processes by the thousand.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")


def by_fields(cls: type[T]) -> type[T]:
    """Pickle instances of the dataclass ``cls`` as a call of ``cls`` with its fields."""
    fields = dataclasses.fields(cls)
    if any(not field.init or field.kw_only for field in fields):
        raise TypeError(f"{cls.__name__} has a field its constructor does not take in order")
    names = [field.name for field in fields]
    get = attrgetter(*names) if len(names) > 1 else (
        lambda obj: tuple(getattr(obj, name) for name in names))

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        return cls, get(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]  # (what this decorator is for)
    return cls
