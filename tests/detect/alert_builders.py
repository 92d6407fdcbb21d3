"""Synthetic alerts for the alert-delivery tests, and OCSF schema validation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from stackward.detect.alert import Alert, Enrichment, EventRef, RelatedAsset, alert_uid
from stackward.detect.event import Position
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.model import ControlRef, Severity
from tests.report.test_ocsf import schema_errors

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
SOURCE = "/var/log/gateway/requests.jsonl"
EXTRACTION_REFS: tuple[ControlRef, ...] = (
    atlas("AML.T0024.002"),
    owasp_llm("LLM10"),
    nist("MEASURE 2.7"),
)

__all__ = ["T0", "enrichment", "event_ref", "make_alert", "schema_errors"]


def event_ref(line: int, at: float = 0.0, excerpt: Mapping[str, Any] | None = None) -> EventRef:
    return EventRef(
        position=Position(SOURCE, offset=line * 200, line=line),
        time=T0 + dt.timedelta(seconds=at),
        excerpt=dict(excerpt or {"action": "chat.completions", "model": "gpt-4o-mini"}),
    )


def make_alert(
    rule_id: str = "SW-DET-201",
    group: str = "sk-a…wxyz",
    at: float = 0.0,
    line: int = 1,
    count: int = 1,
    severity: Severity = Severity.HIGH,
    refs: tuple[ControlRef, ...] = EXTRACTION_REFS,
    **overrides: Any,
) -> Alert:
    """An alert from one event at ``T0 + at`` seconds, line ``line`` of the gateway log."""
    ref = event_ref(line, at)
    fields: dict[str, Any] = {
        "uid": alert_uid(rule_id, group, ref.position, ref.position),
        "rule_id": rule_id,
        "title": "Model extraction pattern from one API key",
        "description": "Many high-entropy queries with logprobs from one key.",
        "severity": severity,
        "detector": "extraction",
        "time": ref.time,
        "first_seen": ref.time,
        "refs": refs,
        "events": (ref,),
        "count": count,
        "group": group,
        "actor": "arn:aws:sts::111122223333:assumed-role/chat-api/session-1",
        "target": "churn-scoring",
        "source_ip": "203.0.113.9",
        "evidence": {"queries": 120, "logprobs_share": 0.97},
    }
    fields.update(overrides)
    return Alert(**fields)


def enrichment() -> Enrichment:
    return Enrichment(
        assets=(
            RelatedAsset(
                id="tf:aws_sagemaker_endpoint.churn",
                kind="ai.model_endpoint",
                name="churn-scoring",
                layer="core_ai",
                owner="ml-platform",
                role="target",
            ),
            RelatedAsset(
                id="tf:aws_sagemaker_model.churn", kind="ai.model_artifact", name="churn-xgb"
            ),
        ),
        owners=("ml-platform",),
        attack_paths=("path-aff0237b8636",),
        max_path_risk=9.0,
    )
