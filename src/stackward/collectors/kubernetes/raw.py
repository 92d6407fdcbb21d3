"""Typed, forgiving accessors over untrusted raw Kubernetes objects.

Manifests and API responses are JSON-shaped but nothing guarantees the shape: a field that
should be a mapping may be a string in a hand-written file. These accessors return an empty
value of the expected type instead of raising, so one odd field never loses an object.
"""

from __future__ import annotations

from typing import Any

RawObject = dict[str, Any]


def as_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return ""


def as_str_map(value: object) -> dict[str, str]:
    """Labels, annotations and selectors: string keys to string values."""
    mapping = as_dict(value)
    if all(type(k) is str and type(v) is str for k, v in mapping.items()):
        return dict(mapping)
    return {
        str(k): str(v).lower() if isinstance(v, bool) else as_str(v) for k, v in mapping.items()
    }


def as_str_list(value: object) -> list[str]:
    return [as_str(v) for v in as_list(value) if isinstance(v, str | int | float)]


def dig(obj: object, *path: str) -> Any:
    """``obj[path[0]][path[1]]...`` or None when any step is missing or not a mapping."""
    current: Any = obj
    for key in path:
        if not isinstance(current, dict):
            return None
        current = current.get(key)
    return current


def metadata(obj: RawObject) -> dict[str, Any]:
    return as_dict(obj.get("metadata"))


def name_of(obj: RawObject) -> str:
    return as_str(metadata(obj).get("name"))


def namespace_of(obj: RawObject, default: str = "default") -> str:
    return as_str(metadata(obj).get("namespace")) or default


def labels_of(obj: RawObject) -> dict[str, str]:
    return as_str_map(metadata(obj).get("labels"))


def annotations_of(obj: RawObject) -> dict[str, str]:
    return as_str_map(metadata(obj).get("annotations"))
