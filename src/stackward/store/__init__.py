"""Scan history: assets, relations and findings with first-seen / last-seen / resolved."""

from __future__ import annotations

from stackward.store.interface import FindingStatus, ScanRecord, Store, StoredFinding, StoreError
from stackward.store.sqlite import SqliteStore, open_store

__all__ = [
    "FindingStatus",
    "ScanRecord",
    "SqliteStore",
    "Store",
    "StoreError",
    "StoredFinding",
    "open_store",
]
