"""Readers for JSON of untrusted shape: a plan is input, so no type is assumed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def values_at(values: Any, path: list[str]) -> list[Any]:
    """Values at ``path`` below ``values``, flattening the lists blocks are encoded as."""
    if not path:
        return values if isinstance(values, list) else [values]
    if isinstance(values, list):
        return [v for item in values for v in values_at(item, path)]
    if isinstance(values, Mapping):
        return values_at(values.get(path[0]), path[1:])
    return []


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty list: shapes are never trusted."""
    return value if isinstance(value, list) else []


def first_block(value: Any) -> Mapping[str, Any]:
    """The first element of a nested block value (Terraform encodes blocks as lists)."""
    if isinstance(value, list) and value and isinstance(value[0], Mapping):
        return value[0]
    return value if isinstance(value, Mapping) else {}
