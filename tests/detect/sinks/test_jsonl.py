"""The JSON Lines sink: one valid OCSF object per line, torn lines cut, uids read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stackward.detect.interfaces import SinkError
from stackward.detect.sinks.jsonl import JsonlAlertSink
from tests.detect.alert_builders import enrichment, make_alert, schema_errors


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_one_valid_line_per_alert(tmp_path: Path) -> None:
    path = tmp_path / "out" / "alerts.jsonl"
    sink = JsonlAlertSink(path)
    alerts = [make_alert(line=i, at=i) for i in range(1, 4)]
    for alert in alerts:
        sink.emit(alert, enrichment())
    # durable before close: another reader sees every line already
    events = _lines(path)
    sink.close()
    assert [e["metadata"]["uid"] for e in events] == [a.uid for a in alerts]  # type: ignore[index]
    assert all(schema_errors(e) == [] for e in events)


def test_appends_to_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    first = JsonlAlertSink(path)
    first.emit(make_alert(line=1), enrichment())
    first.close()
    second = JsonlAlertSink(path)
    second.emit(make_alert(line=2), enrichment())
    second.close()
    assert len(_lines(path)) == 2


@pytest.mark.parametrize(
    ("existing", "kept"),
    [
        pytest.param(b"", b"", id="empty"),
        pytest.param(b'{"a":1}\n', b'{"a":1}\n', id="complete-line-kept"),
        pytest.param(b'{"a":1}\n{"metadata":{"ui', b'{"a":1}\n', id="torn-line-cut"),
        pytest.param(b'{"metadata":{"ui', b"", id="only-a-torn-line"),
    ],
)
def test_torn_last_line_is_cut_on_open(tmp_path: Path, existing: bytes, kept: bytes) -> None:
    path = tmp_path / "alerts.jsonl"
    path.write_bytes(existing)
    sink = JsonlAlertSink(path)
    assert sink.size() == len(kept)
    alert = make_alert()
    sink.emit(alert, enrichment())
    sink.close()
    data = path.read_bytes()
    assert data.startswith(kept)
    assert json.loads(data[len(kept) :])["metadata"]["uid"] == alert.uid


def test_delivered_uids_after_an_offset(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    sink = JsonlAlertSink(path)
    before = make_alert(line=1)
    sink.emit(before, enrichment())
    offset = sink.size()
    after = [make_alert(line=2), make_alert(line=3)]
    for alert in after:
        sink.emit(alert, enrichment())
    with path.open("ab") as raw:  # garbage and a torn tail a crash could leave
        raw.write(b"not json\n" + b'{"metadata":{"uid":"torn')
    assert sink.delivered_uids(offset) == {a.uid for a in after}
    assert sink.delivered_uids(0) == {before.uid} | {a.uid for a in after}
    sink.close()


def test_unwritable_path_is_a_sink_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(SinkError, match="cannot open alert file"):
        JsonlAlertSink(blocker / "alerts.jsonl")


def test_batch_mode_syncs_on_flush(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    sink = JsonlAlertSink(path, sync=False)
    sink.emit(make_alert(), enrichment())
    sink.flush()
    assert len(_lines(path)) == 1
    sink.close()


def test_delivered_answers_which_uids_the_file_holds_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    written, never = make_alert(line=1, at=1), make_alert(line=2, at=2)
    first = JsonlAlertSink(path)
    first.emit(written, enrichment())
    first.close()
    reopened = JsonlAlertSink(path)
    assert set(reopened.delivered([written.uid, never.uid])) == {written.uid}
    assert set(reopened.delivered([])) == set()
    reopened.close()
