"""ExtractionDetector end to end: a planted attack and its locked-down twin, windows, the key
cap, re-arming, snapshot/restore and what an alert may show."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest

from stackward.detect.alert import Alert
from stackward.detect.config import ExtractionSettings
from stackward.detect.event import Event, LogSource
from stackward.detect.extraction import RULE_ID, ExtractionDetector, group_of, redact_key
from stackward.model import Severity
from tests.detect.extraction.streams import event, natural, perturbations, stream, sweep

SETTINGS = ExtractionSettings(window_minutes=60, min_queries=50)
ATTACKER = "sk-a…9999"
USER = "sk-u…0001"


def run(events: Iterable[Event], detector: ExtractionDetector | None = None) -> list[Alert]:
    detector = detector or ExtractionDetector(SETTINGS)
    return [alert for item in events for alert in detector.process(item)]


def attack(key: str = ATTACKER, start: float = 0.0, count: int = 120) -> list[Event]:
    """Perturbation probing at 3 queries a minute with logprobs: an extraction run."""
    return stream(key, perturbations(count), per_minute=3, start=start, logprobs=True)


def test_planted_attack_alerts_once_with_evidence_and_references() -> None:
    events = attack()
    alerts = run(events)
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.rule_id == RULE_ID == "SW-DET-201"
    assert alert.severity is Severity.HIGH
    assert {ref.id for ref in alert.refs} == {"AML.T0024.002", "LLM10"}
    assert alert.group == f"api_key:{ATTACKER}"
    assert alert.count >= SETTINGS.min_queries
    assert "distribution" in alert.evidence["signals_held"]
    signals = alert.evidence["signals"]
    assert signals["distribution"]["value"] < signals["distribution"]["threshold"]
    assert signals["probabilities"]["held"] is True
    shown = json.dumps(alert.evidence) + alert.description
    excerpts = json.dumps([ref.excerpt for ref in alert.events])
    assert "prompt" not in excerpts
    for item in events:
        assert item.annotations["prompt"] not in shown + excerpts


def test_snapshot_keeps_no_prompt_text() -> None:
    detector = ExtractionDetector(SETTINGS)
    events = stream(USER, [f"Please translate zanzibarquokka {i} now" for i in range(60)], 1)
    run(events, detector)
    saved = json.dumps(detector.snapshot())
    for word in ("translate", "zanzibarquokka", "please"):
        assert word not in saved


def test_locked_down_twin_is_silent() -> None:
    twin = stream(USER, natural(120), per_minute=1)
    detector = ExtractionDetector(SETTINGS)
    assert run(twin, detector) == []
    judgement = detector.judgement(f"api_key:{USER}")
    assert judgement is not None and judgement.held == ()


def test_same_events_give_the_same_alerts() -> None:
    events = attack()
    assert run(events) == run(events)


@pytest.mark.parametrize(
    ("events", "why"),
    [
        (
            [
                event(ATTACKER, i / 3, "p", logsource=LogSource("aws", "cloudtrail", ""))
                for i in range(80)
            ],
            "not_llm",
        ),
        ([event(None, i / 3, "p") for i in range(80)], "without_key"),  # type: ignore[arg-type]
    ],
    ids=["cloudtrail-event", "no-key-actor-or-ip"],
)
def test_events_it_cannot_use_are_counted_not_judged(events: list[Event], why: str) -> None:
    detector = ExtractionDetector(SETTINGS)
    assert run(events, detector) == []
    assert detector.stats()[why] == len(events)
    assert detector.stats()["keys"] == 0


def test_disabled_detector_does_nothing() -> None:
    detector = ExtractionDetector(ExtractionSettings(enabled=False))
    assert run(attack(), detector) == []
    assert detector.stats()["events"] == 0


@pytest.mark.parametrize(
    ("annotations", "group"),
    [
        ({"api_key": "sk-a…wxyz"}, "api_key:sk-a…wxyz"),
        ({"api_key": "key-1", "actor": "alice"}, f"api_key:{redact_key('key-1')}"),
        (
            {"actor": "arn:aws:iam::1:role/x", "source_ip": "10.0.0.1"},
            "actor:arn:aws:iam::1:role/x",
        ),
        ({"source_ip": "10.0.0.1"}, "source_ip:10.0.0.1"),
        ({}, None),
    ],
    ids=["redacted-key", "raw-short-key", "actor", "ip", "nothing"],
)
def test_group_falls_back_from_key_to_actor_to_ip(
    annotations: dict[str, str], group: str | None
) -> None:
    item = event(None, 0, "hello", **annotations)  # type: ignore[arg-type]
    assert group_of(item) == group


def test_raw_keys_are_never_shown_whole() -> None:
    raw = "sk-live-0123456789abcdefSECRET"
    shown = redact_key(raw)
    assert raw not in shown and "SECRET" not in shown
    assert redact_key(raw) != redact_key(raw[:-1] + "X")
    alerts = run(attack(key=raw))
    assert alerts and raw not in json.dumps(alerts[0].evidence) + alerts[0].group


def test_window_expiry_keeps_a_slow_key_unjudged() -> None:
    slow = stream(USER, perturbations(100), per_minute=0.7, logprobs=True)
    detector = ExtractionDetector(SETTINGS)
    assert run(slow, detector) == []
    assert detector.judgement(f"api_key:{USER}") is None  # never 50 queries within an hour
    fast = stream(USER, perturbations(100), per_minute=3, logprobs=True)
    assert len(run(fast)) == 1


def test_flush_forgets_keys_whose_window_ended() -> None:
    detector = ExtractionDetector(SETTINGS)
    events = attack()
    run(events, detector)
    assert detector.stats()["keys"] == 1
    list(detector.flush(events[-1].time))
    assert detector.stats()["keys"] == 1
    list(detector.flush(None))
    assert detector.stats()["keys"] == 1
    later = events[-1].time.replace(hour=events[-1].time.hour + 2)
    assert list(detector.flush(later)) == []
    assert detector.stats()["keys"] == 0


def test_key_cap_evicts_the_least_recently_seen_and_counts_it() -> None:
    detector = ExtractionDetector(ExtractionSettings(window_minutes=60, min_queries=50, max_keys=2))
    run(attack(key="sk-1…0001", count=49), detector)
    run(stream("sk-2…0002", natural(5), per_minute=1, start=20), detector)
    run(stream("sk-3…0003", natural(5), per_minute=1, start=21), detector)
    assert detector.stats()["evicted_keys"] == 1
    assert detector.stats()["keys"] == 2
    # the evicted key starts again from nothing: one more query is not enough to judge it
    assert run([event("sk-1…0001", 22, "more")], detector) == []
    assert detector.judgement("api_key:sk-1…0001") is None


def test_one_alert_while_the_attack_goes_on_and_another_after_it_stopped() -> None:
    first = attack(count=240)  # 80 minutes of probing
    quiet_then_again = attack(start=240, count=120)  # after more than a window of silence
    alerts = run(first + quiet_then_again)
    assert len(alerts) == 2
    assert alerts[0].uid != alerts[1].uid
    assert alerts[1].first_seen >= quiet_then_again[0].time


def _mixed() -> list[Event]:
    events = [
        *attack(),
        *stream(USER, natural(150), per_minute=2),
        *stream("sk-s…0003", sweep(300), per_minute=6, logit_bias=True),
        *stream("sk-p…0004", perturbations(150, seed=11), per_minute=2.5, start=5),
    ]
    return sorted(events, key=lambda item: (item.time, item.position.offset))


@pytest.mark.parametrize("cut", [0.2, 0.5, 0.8], ids=["early", "middle", "late"])
def test_restart_from_a_snapshot_gives_the_same_alerts(cut: float) -> None:
    events = _mixed()
    uninterrupted = run(events)
    assert len(uninterrupted) >= 3
    split = int(len(events) * cut)
    before = ExtractionDetector(SETTINGS)
    alerts = run(events[:split], before)
    saved = json.loads(json.dumps(before.snapshot()))
    after = ExtractionDetector(SETTINGS)
    after.restore(saved)
    alerts += run(events[split:], after)
    assert alerts == uninterrupted
    assert after.stats() == _stats_of(events)


def _stats_of(events: list[Event]) -> dict[str, int]:
    detector = ExtractionDetector(SETTINGS)
    run(events, detector)
    return detector.stats()


@pytest.mark.parametrize(
    "state",
    [{"version": 99, "keys": [], "stats": {}}, {"version": 1, "keys": [["k", {"queries": 3}]]}],
    ids=["unknown-version", "malformed-key"],
)
def test_restore_rejects_a_bad_snapshot_and_keeps_its_state(state: dict[str, object]) -> None:
    detector = ExtractionDetector(SETTINGS)
    run(attack(count=10), detector)
    before = detector.snapshot()
    with pytest.raises(ValueError, match="extraction snapshot"):
        detector.restore(state)
    assert detector.snapshot() == before


def test_prompts_without_text_still_count_for_rate_and_probabilities() -> None:
    events = [event(ATTACKER, i / 6, None, logprobs=True, logit_bias=True) for i in range(300)]
    detector = ExtractionDetector(SETTINGS)
    alerts = run(events, detector)
    judgement = detector.judgement(f"api_key:{ATTACKER}")
    assert judgement is not None
    assert set(judgement.held) == {"rate", "probabilities"}
    assert alerts == []
