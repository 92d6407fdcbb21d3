"""Alert grouping: create at once, merge within the window, one update when it closes."""

from __future__ import annotations

import json

import pytest

from stackward.detect.alert import MAX_EVENT_REFS, Alert
from stackward.detect.alert_json import alert_from_json, alert_to_json
from stackward.detect.grouping import AlertGrouper
from stackward.detect.ocsf import activity_of, finding_uid
from stackward.model import Severity
from tests.detect.alert_builders import make_alert


def _run(grouper: AlertGrouper, alerts: list[Alert]) -> list[Alert]:
    out: list[Alert] = []
    for alert in alerts:
        out.extend(grouper.process(alert))
    out.extend(grouper.flush(None))
    return out


def _summary(out: list[Alert]) -> list[tuple[str, str, int]]:
    return [(activity_of(a), a.group, a.count) for a in out]


CASES = [
    pytest.param(
        [make_alert(at=0, line=1), make_alert(at=60, line=2), make_alert(at=120, line=3)],
        [("create", "sk-a…wxyz", 1), ("update", "sk-a…wxyz", 3)],
        id="three-in-window-one-create-one-update",
    ),
    pytest.param(
        [make_alert(at=0, line=1)],
        [("create", "sk-a…wxyz", 1)],
        id="lone-alert-no-update",
    ),
    pytest.param(
        [make_alert(at=0, line=1, group="k1"), make_alert(at=5, line=2, group="k2")],
        [("create", "k1", 1), ("create", "k2", 1)],
        id="different-groups-never-merge",
    ),
    pytest.param(
        [
            make_alert(at=0, line=1, group="", actor="user/alice"),
            make_alert(at=5, line=2, group="", actor="user/bob"),
            make_alert(at=9, line=3, group="", actor="user/alice"),
        ],
        [("create", "", 1), ("create", "", 1), ("update", "", 2)],
        id="ungrouped-rule-merges-per-actor-only",
    ),
    pytest.param(
        [make_alert(at=0, line=1), make_alert(at=5, line=2, rule_id="SW-DET-202")],
        [("create", "sk-a…wxyz", 1), ("create", "sk-a…wxyz", 1)],
        id="different-rules-never-merge",
    ),
    pytest.param(
        [make_alert(at=0, line=1), make_alert(at=300, line=2)],
        [("create", "sk-a…wxyz", 1), ("update", "sk-a…wxyz", 2)],
        id="window-end-is-inside",
    ),
    pytest.param(
        [make_alert(at=0, line=1), make_alert(at=301, line=2)],
        [("create", "sk-a…wxyz", 1), ("create", "sk-a…wxyz", 1)],
        id="past-the-window-opens-a-new-finding",
    ),
    pytest.param(
        [make_alert(at=0, line=1), make_alert(at=10, line=2), make_alert(at=400, line=3)],
        [("create", "sk-a…wxyz", 1), ("update", "sk-a…wxyz", 2), ("create", "sk-a…wxyz", 1)],
        id="update-goes-out-before-the-next-create",
    ),
    pytest.param(
        [make_alert(at=0, line=1, count=5), make_alert(at=10, line=2, count=7)],
        [("create", "sk-a…wxyz", 5), ("update", "sk-a…wxyz", 12)],
        id="counts-add-up",
    ),
]


@pytest.mark.parametrize(("alerts", "expected"), CASES)
def test_grouping(alerts: list[Alert], expected: list[tuple[str, str, int]]) -> None:
    assert _summary(_run(AlertGrouper(300), alerts)) == expected


def test_create_passes_at_once_unchanged() -> None:
    alert = make_alert()
    assert AlertGrouper(300).process(alert) == [alert]


def test_update_refers_to_the_create() -> None:
    first = make_alert(at=0, line=1, severity=Severity.MEDIUM)
    last = make_alert(at=90, line=2, severity=Severity.CRITICAL, actor="other")
    create, update = _run(AlertGrouper(300), [first, last])
    assert create is first
    assert finding_uid(update) == first.uid != update.uid
    assert (update.first_seen, update.time) == (first.time, last.time)
    assert update.severity is Severity.CRITICAL
    assert update.actor == "other"
    assert [r.position.line for r in update.events] == [1, 2]


def test_time_flush_closes_only_ended_windows() -> None:
    grouper = AlertGrouper(300)
    grouper.process(make_alert(at=0, line=1, group="early"))
    grouper.process(make_alert(at=10, line=2, group="early"))
    grouper.process(make_alert(at=200, line=3, group="late"))
    grouper.process(make_alert(at=210, line=4, group="late"))
    closed = grouper.flush(make_alert(at=350).time)
    assert [(a.group, a.count) for a in closed] == [("early", 2)]
    assert len(grouper) == 1


def test_out_of_order_windows_close_by_their_end() -> None:
    grouper = AlertGrouper(300)
    grouper.process(make_alert(at=100, line=1, group="late"))
    grouper.process(make_alert(at=110, line=2, group="late"))
    grouper.process(make_alert(at=0, line=3, group="early"))
    grouper.process(make_alert(at=5, line=4, group="early"))
    closed = grouper.flush(make_alert(at=350).time)
    assert [a.group for a in closed] == ["early"]
    assert [a.group for a in grouper.flush(None)] == ["late"]


def test_zero_window_passes_everything_through() -> None:
    alerts = [make_alert(at=0, line=1), make_alert(at=1, line=2)]
    assert _run(AlertGrouper(0), alerts) == alerts


def test_open_groups_are_capped_oldest_closed_first() -> None:
    grouper = AlertGrouper(300, max_groups=2)
    out = _run(
        grouper,
        [
            make_alert(at=0, line=1, group="a"),
            make_alert(at=1, line=2, group="a"),
            make_alert(at=2, line=3, group="b"),
            make_alert(at=3, line=4, group="c"),
        ],
    )
    assert _summary(out) == [
        ("create", "a", 1),
        ("create", "b", 1),
        ("update", "a", 2),
        ("create", "c", 1),
    ]
    assert grouper.closed_early == 1


def test_event_refs_are_bounded_first_and_latest_kept() -> None:
    alerts = [make_alert(at=i, line=i + 1) for i in range(100)]
    _, update = _run(AlertGrouper(300), alerts)
    lines = [r.position.line for r in update.events]
    assert len(lines) == MAX_EVENT_REFS
    assert lines[:3] == [1, 2, 3]
    assert lines[-1] == 100
    assert update.count == 100


def test_deterministic_across_runs() -> None:
    alerts = [make_alert(at=i * 50, line=i, group=f"k{i % 3}") for i in range(30)]
    first = [a.uid for a in _run(AlertGrouper(120), alerts)]
    second = [a.uid for a in _run(AlertGrouper(120), alerts)]
    assert first == second
    assert len(set(first)) == len(first)


def test_snapshot_restore_continues_exactly() -> None:
    alerts = [make_alert(at=i * 40, line=i, group=f"k{i % 4}") for i in range(40)]
    straight = _run(AlertGrouper(200), alerts)

    before = AlertGrouper(200)
    out: list[Alert] = []
    for alert in alerts[:17]:
        out.extend(before.process(alert))
    state = json.loads(json.dumps(before.snapshot()))
    after = AlertGrouper(200)
    after.restore(state)
    out.extend(_run(after, alerts[17:]))
    assert [a.uid for a in out] == [a.uid for a in straight]
    assert out == straight


def test_restore_refuses_an_unknown_snapshot_version() -> None:
    with pytest.raises(ValueError, match="version"):
        AlertGrouper(300).restore({"version": 99, "groups": []})


def test_alert_json_round_trip() -> None:
    alert = make_alert(tags=("x",))
    assert alert_from_json(json.loads(json.dumps(alert_to_json(alert)))) == alert
