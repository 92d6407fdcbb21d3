"""Turns the redacted secret hits a collector recorded into violations.

Shared by the notebook and file secret checks so that every secret finding names its
detector, line (and notebook cell) the same way. The snippets were redacted by the
collector; they are redacted again here as a second guard.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackward.checks.base import Violation
from stackward.model import Asset, Evidence
from stackward.model.redact import redact_text


def secret_hits(asset: Asset, where: str | None = None) -> Iterator[Mapping[str, Any]]:
    """The hits recorded on ``asset``; with ``where``, only those seen there (code, output)."""
    hits = asset.prop("secrets", ())
    for hit in hits if isinstance(hits, list | tuple) else ():
        if isinstance(hit, Mapping) and (where is None or hit.get("where") == where):
            yield hit


def secret_violation(asset: Asset, hit: Mapping[str, Any]) -> Violation:
    detector = str(hit.get("detector", "secret"))
    line = hit.get("line") if isinstance(hit.get("line"), int) else None
    cell = hit.get("cell")
    place = f"cell {cell}, line {line}" if isinstance(cell, int) else f"line {line}"
    return Violation(
        Evidence(
            location=str(asset.prop("path", asset.source)),
            snippet=redact_text(str(hit.get("snippet", ""))),
            line=line,
            key=f"{detector}:{cell if isinstance(cell, int) else '-'}:{line}",
        ),
        detail=f"{detector.replace('_', ' ')} at {place}",
    )
