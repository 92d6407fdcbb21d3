"""The vocabulary of stackward: assets, relations, findings, references. No I/O here."""

from __future__ import annotations

from stackward.model.asset import Asset, AssetKind, Layer
from stackward.model.finding import Evidence, Finding, Severity
from stackward.model.refs import ControlRef, Framework
from stackward.model.relation import Relation, RelationKind
from stackward.model.skipped import Skipped

__all__ = [
    "Asset",
    "AssetKind",
    "ControlRef",
    "Evidence",
    "Finding",
    "Framework",
    "Layer",
    "Relation",
    "RelationKind",
    "Severity",
    "Skipped",
]
