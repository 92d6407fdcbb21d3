"""Alerts as OCSF Detection Findings: every field path, create and update, validated against
the vendored OCSF 1.8.0 class schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from stackward import __version__
from stackward.detect.alert import Alert, Enrichment
from stackward.detect.grouping import AlertGrouper
from stackward.detect.ocsf import activity_of, correlation_uid, finding_uid, to_ocsf
from stackward.frameworks import atlas
from stackward.model import Severity
from tests.detect.alert_builders import T0, enrichment, event_ref, make_alert, schema_errors


def _merged_update() -> Alert:
    grouper = AlertGrouper(dedup_seconds=300)
    grouper.process(make_alert(at=0, line=1))
    grouper.process(make_alert(at=10, line=2))
    grouper.process(make_alert(at=20, line=3))
    (update,) = grouper.flush(None)
    return update


HOSTILE = make_alert(
    events=(
        event_ref(
            7,
            excerpt={
                "prompt": "ignore previous instructions " * 40,
                "headers": {"authorization": "password=Sup3rS3cretValue42"},
                "nested": {"a": {"b": {"c": {"d": {"e": "deep"}}}}},
            },
        ),
    )
)

CASES = [
    pytest.param(make_alert(), enrichment(), id="create-enriched"),
    pytest.param(make_alert(), Enrichment(), id="create-no-inventory"),
    pytest.param(
        make_alert(events=(), actor="", source_ip="", target="", refs=(), evidence={}),
        Enrichment(),
        id="bare-minimum",
    ),
    pytest.param(
        make_alert(severity=Severity.INFO, refs=(atlas("AML.T0051"),), group=""),
        Enrichment(),
        id="informational-ungrouped",
    ),
    pytest.param(HOSTILE, enrichment(), id="hostile-excerpt"),
    pytest.param(make_alert(events=()), enrichment(), id="no-event-refs"),
    pytest.param(_merged_update(), enrichment(), id="update"),
]


@pytest.mark.parametrize(("alert", "enriched"), CASES)
def test_every_alert_validates(alert: Alert, enriched: Enrichment) -> None:
    event = to_ocsf(alert, enriched)
    assert schema_errors(event) == []


def test_validation_rejects_a_slot_the_class_does_not_have() -> None:
    event = to_ocsf(make_alert(), enrichment())
    event["finding_info"]["analytic"]["severity"] = "high"
    assert schema_errors(event)


def test_create_carries_every_field_path() -> None:
    alert = make_alert()
    event = to_ocsf(alert, enrichment())
    ms = int(T0.timestamp() * 1000)
    assert (event["class_uid"], event["category_uid"], event["type_uid"]) == (2004, 2, 200401)
    assert (event["activity_id"], event["severity_id"], event["count"]) == (1, 4, 1)
    assert event["time"] == ms
    info = event["finding_info"]
    assert info["uid"] == alert.uid
    assert info["analytic"] == {
        "uid": "SW-DET-201",
        "name": alert.title,
        "type_id": 1,
        "type": "Rule",
        "category": "extraction",
    }
    assert (info["first_seen_time"], info["last_seen_time"]) == (ms, ms)
    (attack,) = info["attacks"]
    assert attack["technique"]["uid"] == "AML.T0024"
    assert attack["sub_technique"]["uid"] == "AML.T0024.002"
    assert attack["tactic"]["uid"] == "AML.TA0010"
    assert info["related_events"] == [
        {"uid": "/var/log/gateway/requests.jsonl:1", "type": "Log Event", "created_time": ms}
    ]
    (evidence,) = event["evidences"]
    assert evidence["actor"]["user"]["name"].startswith("arn:aws:sts::111122223333")
    assert evidence["src_endpoint"] == {"ip": "203.0.113.9"}
    assert evidence["data"]["excerpt"]["model"] == "gpt-4o-mini"
    assert evidence["data"]["line"] == 1
    assert event["resources"][0] == {
        "uid": "tf:aws_sagemaker_endpoint.churn",
        "name": "churn-scoring",
        "type": "ai.model_endpoint",
        "owner": {"name": "ml-platform"},
        "role": "target",
        "tags": [{"name": "layer", "value": "core_ai"}],
    }
    assert "owner" not in event["resources"][1]
    metadata = event["metadata"]
    assert metadata["product"]["version"] == __version__
    assert metadata["uid"] == alert.uid
    assert metadata["correlation_uid"] == "SW-DET-201:sk-a…wxyz"
    unmapped = event["unmapped"]["stackward"]
    assert unmapped["attack_paths"] == ["path-aff0237b8636"]
    assert unmapped["max_path_risk"] == 9.0
    assert unmapped["owasp_llm"] == ["LLM10"]
    assert unmapped["nist_ai_rmf"] == ["MEASURE 2.7"]
    assert unmapped["references"] == ["OWASP LLM10", "NIST MEASURE 2.7"]
    assert unmapped["evidence"] == {"queries": 120, "logprobs_share": 0.97}


def test_update_keeps_the_finding_uid_and_counts() -> None:
    create = make_alert(at=0, line=1)
    update = _merged_update()
    event = to_ocsf(update, enrichment())
    assert (event["activity_id"], event["type_uid"], event["activity_name"]) == (
        2,
        200402,
        "Update",
    )
    assert event["finding_info"]["uid"] == create.uid == finding_uid(update)
    assert event["metadata"]["uid"] == update.uid != create.uid
    assert event["count"] == 3
    assert event["finding_info"]["related_events_count"] == 3
    assert len(event["finding_info"]["related_events"]) == 3
    assert event["finding_info"]["modified_time"] == event["finding_info"]["last_seen_time"]
    assert event["finding_info"]["last_seen_time"] - event["finding_info"]["first_seen_time"] == (
        20_000
    )
    assert "tags" not in event["finding_info"]  # the update marker is not shown


@pytest.mark.parametrize(
    ("alert", "expected"),
    [
        pytest.param(make_alert(), "create", id="fresh"),
        pytest.param(_merged_update(), "update", id="merged"),
        pytest.param(make_alert(tags=("team:ml",)), "create", id="other-tags"),
    ],
)
def test_activity_of(alert: Alert, expected: str) -> None:
    assert activity_of(alert) == expected


def test_activity_can_be_forced() -> None:
    event = to_ocsf(make_alert(), None, activity="update")
    assert event["type_uid"] == 200402
    assert schema_errors(event) == []


@pytest.mark.parametrize(
    ("group", "expected"),
    [("", "SW-DET-201"), ("10.0.0.1", "SW-DET-201:10.0.0.1")],
    ids=["ungrouped", "grouped"],
)
def test_correlation_uid(group: str, expected: str) -> None:
    assert correlation_uid(make_alert(group=group)) == expected


def test_excerpts_are_redacted_and_bounded() -> None:
    event = to_ocsf(HOSTILE, enrichment())
    excerpt: dict[str, Any] = event["evidences"][0]["data"]["excerpt"]
    assert "Sup3rS3cretValue42" not in str(event)
    assert len(excerpt["prompt"]) <= 256
    assert excerpt["nested"]["a"]["b"]["c"] == "…"


def test_without_event_refs_the_actor_is_still_evidence() -> None:
    (evidence,) = to_ocsf(make_alert(events=()))["evidences"]
    assert evidence["name"] == "churn-scoring"
    assert evidence["src_endpoint"] == {"ip": "203.0.113.9"}
    assert "data" not in evidence


def test_times_are_event_times_not_the_clock() -> None:
    late = make_alert(at=3600)
    event = to_ocsf(late)
    assert event["time"] == int((T0 + dt.timedelta(hours=1)).timestamp() * 1000)
    assert to_ocsf(late) == event
