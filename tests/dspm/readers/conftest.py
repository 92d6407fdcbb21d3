"""Helpers for reader tests: read in-memory bytes as one named item."""

from __future__ import annotations

from typing import Any

from stackward.artifacts.source import BytesSource
from stackward.dspm.readers.content import read_content
from stackward.dspm.records import ItemContent, Location, ReadLimits


def read_bytes(data: bytes, name: str, **limits: Any) -> list[ItemContent]:
    """All contents of ``data`` read as item ``name``; fails if any reader raised."""
    return read_content(BytesSource(data, name), Location("mem", name), ReadLimits(**limits))


def read_one(data: bytes, name: str, **limits: Any) -> ItemContent:
    contents = read_bytes(data, name, **limits)
    assert len(contents) == 1, [c.location.item for c in contents]
    return contents[0]


def field_values(content: ItemContent) -> dict[str, list[str]]:
    return {sample.location.field or "": sample.values for sample in content.fields}
