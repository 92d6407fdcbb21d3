from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Finding, Layer, Severity, Skipped
from stackward.scan.result import ScanResult
from stackward.store import FindingStatus, SqliteStore, StoreError, open_store
from stackward.store.migrations import LATEST_VERSION

SCOPE = "/stack"


def _finding(asset_id: str, rule: str = "SW-T-001") -> Finding:
    return Finding(
        rule_id=rule,
        asset_id=asset_id,
        layer=Layer.CORE_AI,
        severity=Severity.HIGH,
        title="t",
        evidence=Evidence(location=asset_id),
        remediation="r",
        refs=(),
        risk_score=7.0,
    )


def _result(
    asset_ids: list[str],
    findings: list[Finding],
    *,
    skipped: list[Skipped] | None = None,
    scope: str = SCOPE,
    suppressed: list[Finding] | None = None,
) -> ScanResult:
    graph = InventoryGraph()
    for asset_id in asset_ids:
        graph.add_asset(
            Asset(
                id=asset_id,
                kind=AssetKind.MODEL_ARTIFACT,
                layer=Layer.CORE_AI,
                name=asset_id,
                source="t",
            )
        )
    now = dt.datetime.now(dt.UTC)
    return ScanResult(
        scope=scope,
        started_at=now,
        finished_at=now,
        graph=graph,
        findings=findings,
        attack_paths=[],
        skipped=skipped or [],
        suppressed=suppressed or [],
    )


def test_lifecycle_first_seen_last_seen_and_resolved(store_path: Path) -> None:
    store = open_store(store_path)
    first = store.record_scan(_result(["m1", "m2"], [_finding("m1"), _finding("m2")]))
    assert (first.new_count, first.resolved_count) == (2, 0)

    second = store.record_scan(_result(["m1", "m2"], [_finding("m1")]))
    assert (second.new_count, second.resolved_count) == (0, 1)
    by_asset = {f.asset_id: f for f in store.findings()}
    assert by_asset["m2"].status is FindingStatus.RESOLVED
    assert by_asset["m2"].resolved_at is not None
    assert by_asset["m1"].status is FindingStatus.OPEN
    assert by_asset["m1"].first_seen < by_asset["m1"].last_seen

    third = store.record_scan(_result(["m1", "m2"], [_finding("m1"), _finding("m2")]))
    assert third.resolved_count == 0
    assert {f.status for f in store.findings()} == {FindingStatus.OPEN}
    assert [s.id for s in store.scans()] == [third.id, second.id, first.id]
    store.close()


def test_findings_in_other_scopes_are_not_resolved(store_path: Path) -> None:
    store = open_store(store_path)
    store.record_scan(_result(["m1"], [_finding("m1")], scope="/a"))
    store.record_scan(_result(["x"], [], scope="/b"))
    assert store.findings(FindingStatus.OPEN, scope="/a")
    store.close()


def test_partial_scan_does_not_resolve_findings_on_unseen_assets(store_path: Path) -> None:
    store = open_store(store_path)
    store.record_scan(_result(["m1"], [_finding("m1")]))
    record = store.record_scan(_result([], [], skipped=[Skipped("m1", "unreadable")]))
    assert record.partial and record.resolved_count == 0
    assert store.findings(FindingStatus.OPEN)
    store.close()


def test_suppressed_findings_are_stored_as_suppressed(store_path: Path) -> None:
    store = open_store(store_path)
    store.record_scan(_result(["m1"], [], suppressed=[_finding("m1")]))
    assert [f.status for f in store.findings()] == [FindingStatus.SUPPRESSED]
    store.close()


def test_schema_is_versioned_and_migrations_are_idempotent(store_path: Path) -> None:
    SqliteStore(store_path).close()
    store = SqliteStore(store_path)
    assert store.schema_version() == LATEST_VERSION
    store.close()
    with sqlite3.connect(store_path) as db:
        rows = db.execute("SELECT version FROM schema_version").fetchall()
    assert rows == [(v,) for v in range(1, LATEST_VERSION + 1)]


def test_newer_schema_is_refused_with_a_clear_error(store_path: Path) -> None:
    SqliteStore(store_path).close()
    with sqlite3.connect(store_path) as db:
        db.execute("INSERT INTO schema_version VALUES (999)")
    with pytest.raises(StoreError, match="newer than this stackward"):
        SqliteStore(store_path)


def test_unopenable_path_raises_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open store"):
        SqliteStore(blocker / "sub" / "store.db")
