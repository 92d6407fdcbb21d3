"""Reads the unsafe model-loading calls a collector recorded on a code or notebook asset."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackward.model import Asset, Evidence
from stackward.model.redact import redact_text


def unsafe_loads(asset: Asset, kind: str) -> Iterator[Mapping[str, Any]]:
    loads = asset.prop("unsafe_loads", ())
    for load in loads if isinstance(loads, list | tuple) else ():
        if isinstance(load, Mapping) and load.get("kind") == kind:
            yield load


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
