"""Correlation rules: each type, windows on event time, group-by, re-arm, bounds, restart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stackward.detect.alert import Alert
from stackward.detect.event import Event
from stackward.detect.sigma import RuleSet, SigmaDetector
from tests.detect.sigma.helpers import event, load_text, rule_text

A_ID = "7a000000-0000-4000-8000-00000000000a"
B_ID = "7a000000-0000-4000-8000-00000000000b"
BASE = (
    rule_text(
        "sel:\n  eventName: InvokeModel\ncondition: sel",
        rule_id=A_ID,
        stackward_id="SW-DET-950",
        name="invoke",
    )
    + "---\n"
    + rule_text(
        "sel:\n  eventName: CreateAccessKey\ncondition: sel",
        rule_id=B_ID,
        stackward_id="SW-DET-951",
    )
)


def correlation(kind: str, body: str, generate: bool = False, extra: str = "") -> str:
    return (
        "---\ntitle: correlated\nid: 7a000000-0000-4000-8000-0000000000cc\nstackward_id: SW-DET-960\n"
        f"level: high\ntags: [atlas.t0040]\n{extra}correlation:\n  type: {kind}\n"
        f"  generate: {str(generate).lower()}\n" + body
    )


def rules(tmp_path: Path, kind: str, body: str, **kwargs: Any) -> RuleSet:
    rule_set = load_text(tmp_path, BASE + correlation(kind, body, **kwargs))
    assert rule_set.problems == []
    return rule_set


def invoke(user: str, seconds: float, line: int, **fields: Any) -> Event:
    return event({"eventName": "InvokeModel", "user": user, **fields}, seconds=seconds, line=line)


def key(user: str, seconds: float, line: int) -> Event:
    return event({"eventName": "CreateAccessKey", "user": user}, seconds=seconds, line=line)


def run(detector: SigmaDetector, events: list[Event]) -> list[Alert]:
    return [alert for e in events for alert in detector.process(e)]


COUNT = "  rules: [invoke]\n  group-by: [user]\n  timespan: 5m\n  condition: {gte: 3}\n"


def test_event_count_fires_once_per_window_and_rearms(tmp_path: Path) -> None:
    detector = SigmaDetector(rules(tmp_path, "event_count", COUNT))
    stream = [invoke("bob", s, n) for n, s in enumerate((0, 10, 20, 30, 40), start=1)]
    stream += [invoke("alice", 15, 90), invoke("alice", 25, 91)]
    first = run(detector, stream)
    assert [(a.rule_id, a.group, a.count) for a in first] == [("SW-DET-960", "bob", 3)]
    alert = first[0]
    assert alert.first_seen == stream[0].time and alert.time == stream[2].time
    assert [r.position for r in alert.events] == [e.position for e in stream[:3]]
    assert alert.evidence["correlation"] == "event_count" and alert.evidence["value"] == 3
    assert [r.id for r in alert.refs] == ["AML.T0040"]
    # the window drains (nothing within 5 minutes), then a new burst fires again
    again = run(detector, [invoke("bob", 1000 + s, 10 + s) for s in range(3)])
    assert [(a.group, a.count) for a in again] == [("bob", 3)]


def test_event_count_window_expiry(tmp_path: Path) -> None:
    detector = SigmaDetector(rules(tmp_path, "event_count", COUNT))
    spaced = [invoke("bob", s, n) for n, s in enumerate((0, 200, 400, 600), start=1)]
    assert run(detector, spaced) == []
    assert detector.stats()["correlation_groups"] == {"SW-DET-960": 1}


def test_group_by_missing_field_is_not_grouped(tmp_path: Path) -> None:
    detector = SigmaDetector(rules(tmp_path, "event_count", COUNT))
    anonymous = [event({"eventName": "InvokeModel"}, seconds=s, line=s + 1) for s in range(5)]
    assert run(detector, anonymous) == []


def test_value_count(tmp_path: Path) -> None:
    body = "  rules: [invoke]\n  group-by: [user]\n  timespan: 1h\n  condition: {gte: 3, field: bucket}\n"
    detector = SigmaDetector(rules(tmp_path, "value_count", body))
    same = [invoke("bob", s, s + 1, bucket="b1") for s in range(5)]
    assert run(detector, same) == []
    spread = [invoke("bob", 10 + s, 20 + s, bucket=f"b{s}") for s in range(2, 4)]
    (alert,) = run(detector, spread)
    assert alert.evidence["value"] == 3 and alert.group == "bob"


def test_temporal_any_order(tmp_path: Path) -> None:
    body = f"  rules: [{A_ID}, {B_ID}]\n  group-by: [user]\n  timespan: 10m\n"
    detector = SigmaDetector(rules(tmp_path, "temporal", body))
    assert len(run(detector, [key("bob", 0, 1), invoke("bob", 60, 2)])) == 1
    assert run(detector, [invoke("alice", 0, 3), key("alice", 1200, 4)]) == []
    assert run(detector, [invoke("carol", 0, 5), invoke("carol", 5, 6)]) == []


@pytest.mark.parametrize(
    ("order", "fires"),
    [(("invoke", "key"), True), (("key", "invoke"), False)],
    ids=["in-order", "reversed"],
)
def test_temporal_ordered(tmp_path: Path, order: tuple[str, str], fires: bool) -> None:
    body = f"  rules: [{A_ID}, {B_ID}]\n  group-by: [user]\n  timespan: 10m\n"
    detector = SigmaDetector(rules(tmp_path, "temporal_ordered", body))
    make = {"invoke": invoke, "key": key}
    stream = [make[name]("bob", n * 30, n + 1) for n, name in enumerate(order)]
    assert len(run(detector, stream)) == (1 if fires else 0)


@pytest.mark.parametrize("generate", [False, True])
def test_generate_decides_whether_base_rules_alert(tmp_path: Path, generate: bool) -> None:
    detector = SigmaDetector(rules(tmp_path, "event_count", COUNT, generate=generate))
    alerts = run(detector, [invoke("bob", 0, 1)])
    assert [a.rule_id for a in alerts] == (["SW-DET-950"] if generate else [])
    assert len(run(detector, [key("bob", 1, 2)])) == 1  # an unreferenced rule always alerts


def test_aliases_group_different_fields(tmp_path: Path) -> None:
    body = (
        f"  rules: [{A_ID}, {B_ID}]\n  group-by: [who]\n  timespan: 10m\n"
        f"  aliases:\n    who:\n      {A_ID}: user\n      {B_ID}: target.name\n"
    )
    detector = SigmaDetector(rules(tmp_path, "temporal", body))
    created = event({"eventName": "CreateAccessKey", "target": {"name": "bob"}}, seconds=5, line=2)
    (alert,) = run(detector, [invoke("bob", 0, 1), created])
    assert alert.group == "bob"


def test_group_cap_evicts_least_recent(tmp_path: Path) -> None:
    detector = SigmaDetector(rules(tmp_path, "event_count", COUNT), max_groups=2)
    run(detector, [invoke("u1", 0, 1), invoke("u1", 1, 2), invoke("u2", 2, 3), invoke("u3", 3, 4)])
    stats = detector.stats()
    assert stats["evicted_groups"] == {"SW-DET-960": 1}
    assert stats["correlation_groups"] == {"SW-DET-960": 2}
    # u1 was evicted: its two earlier events are forgotten, so one more does not reach 3
    assert run(detector, [invoke("u1", 4, 5)]) == []


def test_window_event_cap(tmp_path: Path) -> None:
    detector = SigmaDetector(rules(tmp_path, "event_count", COUNT), max_window_events=5)
    alerts = run(detector, [invoke("bob", s, s + 1) for s in range(20)])
    assert len(alerts) == 1
    assert detector.stats()["window_overflow"] == {"SW-DET-960": 15}


def test_late_events_outside_the_window_are_counted_not_used(tmp_path: Path) -> None:
    detector = SigmaDetector(rules(tmp_path, "event_count", COUNT))
    stream = [invoke("bob", 1000, 1), invoke("bob", 10, 2), invoke("bob", 20, 3)]
    assert run(detector, stream) == []
    assert detector.stats()["late_events"] == {"SW-DET-960": 2}


def test_flush_rearms_and_frees_drained_groups(tmp_path: Path) -> None:
    detector = SigmaDetector(rules(tmp_path, "event_count", COUNT))
    run(detector, [invoke("bob", s, s + 1) for s in range(3)])
    assert list(detector.flush(event({}, seconds=10_000).time)) == []
    assert detector.stats()["correlation_groups"] == {"SW-DET-960": 0}


def _stream() -> list[Event]:
    stream: list[Event] = []
    for n in range(60):
        user = ("bob", "alice", "carol")[n % 3]
        stream.append(invoke(user, n * 20, n + 1) if n % 7 else key(user, n * 20, n + 1))
    return stream


@pytest.mark.parametrize("cut", [1, 17, 30, 59])
@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("event_count", COUNT),
        ("temporal", f"  rules: [{A_ID}, {B_ID}]\n  group-by: [user]\n  timespan: 5m\n"),
        ("temporal_ordered", f"  rules: [{A_ID}, {B_ID}]\n  group-by: [user]\n  timespan: 5m\n"),
    ],
)
def test_snapshot_restore_mid_window(tmp_path: Path, kind: str, body: str, cut: int) -> None:
    rule_set = rules(tmp_path, kind, body)
    stream = _stream()
    whole = run(SigmaDetector(rule_set), stream)
    assert whole, "the stream must make the rule fire for the comparison to mean anything"
    before = SigmaDetector(rule_set)
    head = run(before, stream[:cut])
    state = json.loads(json.dumps(before.snapshot()))
    after = SigmaDetector(rule_set)
    after.restore(state)
    tail = run(after, stream[cut:])
    assert head + tail == whole


UNSUPPORTED = [
    (
        "value-sum",
        "value_sum",
        "  rules: [invoke]\n  timespan: 5m\n  condition: {gte: 3, field: x}\n",
        "value_sum",
    ),
    (
        "unknown-rule",
        "event_count",
        "  rules: [nosuch]\n  timespan: 5m\n  condition: {gte: 3}\n",
        "nosuch",
    ),
    (
        "ordered-partial",
        "temporal_ordered",
        f"  rules: [{A_ID}, {B_ID}]\n  timespan: 5m\n  condition: {{gte: 1}}\n",
        "temporal_ordered",
    ),
]


@pytest.mark.parametrize(
    ("kind", "body", "reason"), [c[1:] for c in UNSUPPORTED], ids=[c[0] for c in UNSUPPORTED]
)
def test_unsupported_correlations_are_problems(
    tmp_path: Path, kind: str, body: str, reason: str
) -> None:
    rule_set = load_text(tmp_path, BASE + correlation(kind, body))
    assert rule_set.correlations == []
    assert len(rule_set.rules) == 2
    assert len(rule_set.problems) == 1 and reason in rule_set.problems[0]
