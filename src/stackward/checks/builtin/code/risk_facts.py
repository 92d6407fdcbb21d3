"""Reads the ``code_risks`` the code analysis recorded on a source file or notebook asset."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackward.model import Asset, AssetKind, Evidence
from stackward.model.redact import redact_text

CODE_KINDS = frozenset({AssetKind.SOURCE_FILE, AssetKind.NOTEBOOK})


def code_risks(asset: Asset, kind: str) -> Iterator[Mapping[str, Any]]:
    risks = asset.prop("code_risks", ())
    for risk in risks if isinstance(risks, list | tuple) else ():
        if isinstance(risk, Mapping) and risk.get("kind") == kind:
            yield risk


def risk_evidence(asset: Asset, risk: Mapping[str, Any]) -> Evidence:
    line = risk.get("line") if isinstance(risk.get("line"), int) else None
    cell = risk.get("cell")
    return Evidence(
        location=str(asset.prop("path", asset.source)),
        snippet=redact_text(str(risk.get("snippet", ""))),
        line=line,
        key=f"{risk.get('kind')}:{cell if isinstance(cell, int) else '-'}:{line}",
    )


def place(risk: Mapping[str, Any]) -> str:
    cell = risk.get("cell")
    line = risk.get("line")
    return f"cell {cell}, line {line}" if isinstance(cell, int) else f"line {line}"
