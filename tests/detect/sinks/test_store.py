"""The store sink and the ``alerts`` table: create, update, idempotent replay, filters."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from stackward.detect.grouping import AlertGrouper
from stackward.detect.ocsf import finding_uid
from stackward.detect.sinks.store import StoreAlertSink
from stackward.model import Severity
from stackward.store import open_store
from stackward.store.alerts import AlertStore
from stackward.store.migrations import LATEST_VERSION
from tests.detect.alert_builders import T0, enrichment, make_alert, schema_errors


def test_migration_adds_the_alerts_table(store_path: Path) -> None:
    open_store(store_path).close()
    db = sqlite3.connect(store_path)
    columns = {row[1] for row in db.execute("PRAGMA table_info(alerts)")}
    version = db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
    db.close()
    assert {"uid", "rule_id", "count", "first_seen", "last_seen", "ocsf"} <= columns
    assert version == LATEST_VERSION >= 3


def test_create_then_update_is_one_row_with_the_count_raised(store_path: Path) -> None:
    grouper = AlertGrouper(300)
    sink = StoreAlertSink(store_path)
    delivered = []
    for i in range(4):
        delivered += grouper.process(make_alert(at=i * 30, line=i + 1))
    delivered += grouper.flush(None)
    for alert in delivered:
        sink.emit(alert, enrichment())
    (stored,) = sink.store.alerts()
    create, update = delivered
    assert stored.uid == create.uid == finding_uid(update)
    assert (stored.count, stored.first_seen, stored.last_seen) == (
        4,
        T0,
        T0 + dt.timedelta(seconds=90),
    )
    assert stored.ocsf["activity_id"] == 2
    assert schema_errors(stored.ocsf) == []
    assert sink.holds(create.uid) and sink.holds(update.uid)
    assert not sink.holds("0" * 32)
    sink.close()


def test_replaying_deliveries_changes_nothing(store_path: Path) -> None:
    grouper = AlertGrouper(300)
    delivered = grouper.process(make_alert(at=0, line=1))
    delivered += grouper.process(make_alert(at=5, line=2))
    delivered += grouper.flush(None)
    sink = StoreAlertSink(store_path)
    for alert in [*delivered, *delivered, delivered[0]]:
        sink.emit(alert, enrichment())
    (stored,) = sink.store.alerts()
    assert stored.count == 2
    assert stored.ocsf["activity_id"] == 2  # the older create did not overwrite the update
    sink.close()


@pytest.fixture
def filled(store_path: Path) -> AlertStore:
    store = AlertStore(store_path)
    store.record(make_alert(rule_id="SW-DET-001", at=0, line=1, severity=Severity.LOW))
    store.record(make_alert(rule_id="SW-DET-002", at=3600, line=2, severity=Severity.CRITICAL))
    store.record(make_alert(rule_id="SW-DET-001", at=7200, line=3, severity=Severity.HIGH))
    return store


@pytest.mark.parametrize(
    ("query", "rules"),
    [
        pytest.param({}, ["SW-DET-001", "SW-DET-002", "SW-DET-001"], id="all-newest-first"),
        pytest.param({"rule": "SW-DET-001"}, ["SW-DET-001", "SW-DET-001"], id="rule"),
        pytest.param({"rule": "SW-DET-404"}, [], id="unknown-rule"),
        pytest.param({"min_severity": Severity.HIGH}, ["SW-DET-001", "SW-DET-002"], id="high+"),
        pytest.param(
            {"since": T0 + dt.timedelta(minutes=30)}, ["SW-DET-001", "SW-DET-002"], id="since"
        ),
        pytest.param({"since": T0 + dt.timedelta(days=1)}, [], id="since-future"),
        pytest.param({"limit": 1}, ["SW-DET-001"], id="limit"),
    ],
)
def test_filters(filled: AlertStore, query: dict[str, object], rules: list[str]) -> None:
    assert [a.rule_id for a in filled.alerts(**query)] == rules  # type: ignore[arg-type]


def test_delivered_answers_which_uids_the_store_holds(store_path: Path) -> None:
    kept, never = make_alert(at=0, line=1), make_alert(at=9, line=9, rule_id="SW-DET-002")
    sink = StoreAlertSink(store_path)
    sink.emit(kept, enrichment())
    assert set(sink.delivered([kept.uid, never.uid])) == {kept.uid}
    sink.close()
