"""The checkpoint file and the journal's compaction, on their own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stackward.detect.alert import Alert, EventRef
from stackward.detect.alert_json import alert_from_json, alert_to_json
from stackward.detect.checkpoint import Checkpoint, CheckpointError, CheckpointStore
from stackward.detect.event import Position
from stackward.detect.journal import AlertJournal
from stackward.frameworks import atlas
from stackward.model import Severity

MOMENT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def test_checkpoint_round_trip_and_no_temporary_file_left(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path)
    saved = Checkpoint(
        offsets={"/var/log/a.log:inode=7": 120, "stdin": 9},
        detectors={"sigma": {"windows": {"k": [1, 2]}}},
        grouper={"open": []},
        watermark=MOMENT,
        journal={"generation": 3, "bytes": 400},
        sequence=12,
    )
    store.save(saved)
    assert store.load() == saved
    assert [p.name for p in tmp_path.iterdir()] == ["checkpoint.json"]
    assert store.load(start_over=True) == Checkpoint()
    assert not (tmp_path / "checkpoint.json").exists()


def test_a_snapshot_that_is_not_json_is_an_error_naming_the_file(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path)
    with pytest.raises(CheckpointError, match=r"checkpoint\.json: a stage's snapshot"):
        store.save(Checkpoint(detectors={"bad": {"value": object()}}))


def _alert(uid: str) -> Alert:
    where = Position("/var/log/gw.log:inode=3", 900, 12, 1)
    return Alert(
        uid=uid,
        rule_id="SW-DET-201",
        title="Model extraction",
        description="many queries",
        severity=Severity.HIGH,
        detector="extraction",
        time=MOMENT,
        first_seen=MOMENT - dt.timedelta(minutes=5),
        refs=(atlas("AML.T0024.002"),),
        events=(EventRef(where, MOMENT, {"model": "gpt", "n": 3}),),
        count=51,
        group="sk-a…1234",
        actor="alice",
        target="gpt",
        source_ip="203.0.113.9",
        evidence={"p_value": 0.001, "when": MOMENT, "keys": ("a", "b")},
        tags=("extraction",),
    )


def test_alert_survives_the_journal_encoding() -> None:
    alert = _alert("u1")
    again = alert_from_json(alert_to_json(alert))
    assert again.refs == alert.refs and again.events == alert.events
    assert again.evidence == {"p_value": 0.001, "when": MOMENT.isoformat(), "keys": ["a", "b"]}
    assert (again.uid, again.severity, again.count, again.group) == (
        "u1",
        Severity.HIGH,
        51,
        "sk-a…1234",
    )


def test_compaction_keeps_owed_alerts_whole_and_recent_delivered_uids(tmp_path: Path) -> None:
    journal = AlertJournal(tmp_path, ["jsonl", "store"], remembered=2, compact_after=1)
    for uid in ("old", "mid", "new", "owed"):
        journal.record(_alert(uid))
    for uid in ("old", "mid", "new"):
        journal.sent(uid, "jsonl")
        journal.sent(uid, "store")
    journal.sent("owed", "jsonl")
    assert journal.compact()
    journal.close()
    again = AlertJournal(tmp_path, ["jsonl", "store"], remembered=2)
    assert again.generation == 1
    assert [(a.uid, sinks) for a, sinks in again.owed()] == [("owed", ("store",))]
    assert alert_to_json(again.owed()[0][0]) == alert_to_json(_alert("owed"))
    assert [again.seen(u) for u in ("old", "mid", "new")] == [False, True, True]
    lines = (tmp_path / "alerts.journal.jsonl").read_text().splitlines()
    assert len(lines) == 4, "header, two remembered uids, one owed alert"


def test_compaction_waits_for_enough_entries(tmp_path: Path) -> None:
    journal = AlertJournal(tmp_path, ["jsonl"], compact_after=3)
    journal.record(_alert("a"))
    assert not journal.compact()
    journal.sent("a", "jsonl")
    journal.record(_alert("b"))
    assert journal.compact() and journal.generation == 1
