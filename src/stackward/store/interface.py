"""The store contract. SQLite implements it today; a PostgreSQL backend implements the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from stackward.model import Severity
from stackward.scan.result import ScanResult


class StoreError(RuntimeError):
    """The store cannot be opened, migrated or written."""


class FindingStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    SUPPRESSED = "suppressed"


@dataclass(frozen=True, slots=True)
class ScanRecord:
    id: int
    started_at: dt.datetime
    finished_at: dt.datetime
    scope: str
    partial: bool
    asset_count: int
    relation_count: int
    finding_count: int
    skipped_count: int
    new_count: int = 0
    resolved_count: int = 0


@dataclass(frozen=True, slots=True)
class StoredFinding:
    fingerprint: str
    rule_id: str
    asset_id: str
    severity: Severity
    title: str
    status: FindingStatus
    first_seen: dt.datetime
    last_seen: dt.datetime
    resolved_at: dt.datetime | None
    risk_score: float


class Store(Protocol):
    def record_scan(self, result: ScanResult, accept_model_changes: bool = False) -> ScanRecord:
        """Write one scan and update every finding's lifecycle in its scope.

        Model artifacts seen for the first time get a SHA-256 baseline. A changed hash moves
        the baseline only when a verified signature covers the new content or when
        ``accept_model_changes`` says the change was reviewed; otherwise the old baseline
        stays and the change keeps being reported as possible tampering.
        """
        ...

    def artifact_baselines(self, scope: str) -> dict[str, str]:
        """Baseline SHA-256 of every model artifact recorded in ``scope``, by asset id."""
        ...

    def scans(self, limit: int = 50) -> Sequence[ScanRecord]: ...

    def findings(
        self, status: FindingStatus | None = None, scope: str | None = None
    ) -> Sequence[StoredFinding]: ...

    def close(self) -> None: ...
