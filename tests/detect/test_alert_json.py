"""Alerts as JSON and back: every field survives, an update keeps the finding it updates, and
odd evidence values become text instead of losing the alert."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from stackward.detect.alert_json import alert_from_json, alert_to_json
from tests.detect.alert_builders import make_alert

CASES = [
    pytest.param(make_alert(), id="create"),
    pytest.param(dataclasses.replace(make_alert(), update_of="f" * 32, count=7), id="update"),
    pytest.param(make_alert(group="", actor="user/alice", tags=("a", "b")), id="ungrouped"),
]


@pytest.mark.parametrize("alert", CASES)
def test_round_trip_through_json_text(alert: object) -> None:
    assert alert_from_json(json.loads(json.dumps(alert_to_json(alert)))) == alert  # type: ignore[arg-type]


def test_evidence_that_json_cannot_hold_becomes_text() -> None:
    moment = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
    alert = dataclasses.replace(make_alert(), evidence={"at": moment, "keys": ("a",), "x": object})
    back = alert_from_json(json.loads(json.dumps(alert_to_json(alert))))
    assert back.evidence["at"] == moment.isoformat()
    assert back.evidence["keys"] == ["a"]
    assert back.evidence["x"] == str(object)
