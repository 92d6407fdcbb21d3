"""Reads the code facts a collector recorded on a source file or notebook asset.

Unsafe model loads (``unsafe_loads``) and code risks (``code_risks``) are both lists of
``{kind, line, cell, snippet, ...}`` records; checks pick the records of one kind and turn each
into evidence the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackward.model import Asset, Evidence
from stackward.model.redact import redact_text


def recorded(asset: Asset, prop: str, kind: str) -> Iterator[Mapping[str, Any]]:
    """The records of ``kind`` in the list property ``prop``; malformed entries are passed over."""
    records = asset.prop(prop, ())
    for record in records if isinstance(records, list | tuple) else ():
        if isinstance(record, Mapping) and record.get("kind") == kind:
            yield record


def unsafe_loads(asset: Asset, kind: str) -> Iterator[Mapping[str, Any]]:
    return recorded(asset, "unsafe_loads", kind)


def load_evidence(asset: Asset, load: Mapping[str, Any]) -> Evidence:
    line = load.get("line") if isinstance(load.get("line"), int) else None
    cell = load.get("cell")
    return Evidence(
        location=str(asset.prop("path", asset.source)),
        snippet=redact_text(str(load.get("snippet", ""))),
        line=line,
        key=f"{load.get('kind')}:{cell if isinstance(cell, int) else '-'}:{line}",
    )


def place(load: Mapping[str, Any]) -> str:
    cell = load.get("cell")
    line = load.get("line")
    return f"cell {cell}, line {line}" if isinstance(cell, int) else f"line {line}"
