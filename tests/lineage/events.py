"""Synthetic OpenLineage events for the lineage tests."""

from __future__ import annotations

import uuid
from typing import Any

PRODUCER = "https://example.org/etl/v1"
RUN_SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"


def dataset(namespace: str, name: str, fields: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {"namespace": namespace, "name": name}
    if fields:
        out["facets"] = {"schema": {"fields": [{"name": f, "type": "string"} for f in fields]}}
    return out


def run_event(
    job: str,
    inputs: list[dict[str, Any]],
    outputs: list[dict[str, Any]],
    event_type: str = "COMPLETE",
    time: str = "2026-11-20T10:00:00Z",
    namespace: str = "etl",
    run_id: str | None = None,
) -> dict[str, Any]:
    return {
        "eventType": event_type,
        "eventTime": time,
        "producer": PRODUCER,
        "schemaURL": RUN_SCHEMA,
        "run": {"runId": run_id or str(uuid.uuid4())},
        "job": {"namespace": namespace, "name": job},
        "inputs": inputs,
        "outputs": outputs,
    }
