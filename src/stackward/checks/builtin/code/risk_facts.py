"""Reads the ``code_risks`` the code analysis recorded on a source file or notebook asset.

The records have the shape of the unsafe-load records, so their evidence and place are built
by the same functions (:mod:`stackward.checks.builtin.files.unsafe_load_facts`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackward.checks.builtin.files.unsafe_load_facts import load_evidence as risk_evidence
from stackward.checks.builtin.files.unsafe_load_facts import place, recorded
from stackward.model import Asset, AssetKind

CODE_KINDS = frozenset({AssetKind.SOURCE_FILE, AssetKind.NOTEBOOK})
__all__ = ["CODE_KINDS", "code_risks", "place", "risk_evidence"]


def code_risks(asset: Asset, kind: str) -> Iterator[Mapping[str, Any]]:
    return recorded(asset, "code_risks", kind)
