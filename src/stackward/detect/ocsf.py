"""Alerts as OCSF 1.8.0 Detection Findings (class 2004), the form every sink delivers.

One alert is one finding. Its first delivery is activity Create; when the grouping step merges
later alerts of the same rule and group into it, an Update follows with the same
``finding_info.uid`` and a higher ``count`` (see :mod:`stackward.detect.grouping`).
``metadata.uid`` is the uid of the delivery itself (the alert's own ``uid``), so a receiver
can de-duplicate deliveries while correlating create and update by the finding uid.

Only attributes of the base class are used, no profiles, so every object validates against
the plain class schema (``additionalProperties: false``). What OCSF has no slot for (the
attack paths an alert's assets lie on, the highest path risk, OWASP and NIST references,
detector measurements) goes under ``unmapped.stackward``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

from stackward import __version__
from stackward.detect.alert import Alert, Enrichment, EventRef, RelatedAsset
from stackward.model import Framework
from stackward.model.redact import redact_text
from stackward.report.ocsf import (
    ANALYTIC_RULE,
    CATEGORY_FINDINGS,
    DETECTION_FINDING,
    OCSF_VERSION,
    SEVERITY_ID,
    SEVERITY_NAME,
    STATUS_NEW,
    attacks,
)
from stackward.report.references import framework_tag

Activity = Literal["create", "update"]
ACTIVITY_ID: dict[Activity, int] = {"create": 1, "update": 2}

MAX_EXCERPT_TEXT = 256
"""Longest excerpt value kept in evidence; longer text is cut (and secrets masked)."""
MAX_EXCERPT_DEPTH = 4


def finding_uid(alert: Alert) -> str:
    """The uid of the finding an alert creates or updates."""
    return alert.update_of or alert.uid


def activity_of(alert: Alert) -> Activity:
    """``update`` for an alert the grouping step merged into an earlier one, else ``create``."""
    return "update" if finding_uid(alert) != alert.uid else "create"


def correlation_uid(alert: Alert) -> str:
    """Rule and group: what a SIEM correlates successive findings of one actor on."""
    return f"{alert.rule_id}:{alert.group}" if alert.group else alert.rule_id


def millis(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def redact_excerpt(value: Any, depth: int = 0) -> Any:
    """A JSON-safe, bounded copy of an excerpt with secrets masked and long text cut."""
    if isinstance(value, str):
        return redact_text(value, MAX_EXCERPT_TEXT)
    if value is None or isinstance(value, bool | int | float):
        return value
    if depth >= MAX_EXCERPT_DEPTH:
        return "…"
    if isinstance(value, Mapping):
        return {str(k): redact_excerpt(v, depth + 1) for k, v in list(value.items())[:50]}
    if isinstance(value, list | tuple):
        return [redact_excerpt(v, depth + 1) for v in list(value)[:50]]
    return redact_text(str(value), MAX_EXCERPT_TEXT)


def to_ocsf(
    alert: Alert, enrichment: Enrichment | None = None, activity: Activity | None = None
) -> dict[str, Any]:
    """The OCSF Detection Finding for ``alert``; ``activity`` defaults to what the alert is."""
    enrichment = enrichment or Enrichment()
    activity = activity or activity_of(alert)
    activity_id = ACTIVITY_ID[activity]
    severity_id = SEVERITY_ID[alert.severity]
    out: dict[str, Any] = {
        "activity_id": activity_id,
        "activity_name": activity.capitalize(),
        "category_uid": CATEGORY_FINDINGS,
        "category_name": "Findings",
        "class_uid": DETECTION_FINDING,
        "class_name": "Detection Finding",
        "type_uid": DETECTION_FINDING * 100 + activity_id,
        "type_name": f"Detection Finding: {activity.capitalize()}",
        "severity_id": severity_id,
        "severity": SEVERITY_NAME[severity_id],
        "status_id": STATUS_NEW,
        "status": "New",
        "is_alert": True,
        "time": millis(alert.time),
        "start_time": millis(alert.first_seen),
        "end_time": millis(alert.time),
        "count": alert.count,
        "message": _message(alert),
        "metadata": _metadata(alert),
        "finding_info": _finding_info(alert, activity),
        "evidences": _evidences(alert),
        "unmapped": {"stackward": _unmapped(alert, enrichment)},
    }
    resources = [_resource(asset) for asset in enrichment.assets]
    if resources:
        out["resources"] = resources
    return out


def _message(alert: Alert) -> str:
    parts = [alert.title]
    if alert.actor:
        parts.append(f"by {alert.actor}")
    if alert.target:
        parts.append(f"on {alert.target}")
    return redact_text(" ".join(parts), 512)


def _metadata(alert: Alert) -> dict[str, Any]:
    return {
        "version": OCSF_VERSION,
        "product": {"name": "stackward", "vendor_name": "stackward", "version": __version__},
        "uid": alert.uid,
        "correlation_uid": correlation_uid(alert),
        "event_code": alert.rule_id,
        "log_name": "detection",
    }


def _finding_info(alert: Alert, activity: Activity) -> dict[str, Any]:
    info: dict[str, Any] = {
        "uid": finding_uid(alert),
        "title": alert.title,
        "desc": alert.description or alert.title,
        "types": ["Detection", alert.detector],
        "analytic": {
            "uid": alert.rule_id,
            "name": alert.title,
            "type_id": ANALYTIC_RULE,
            "type": "Rule",
            "category": alert.detector,
        },
        "created_time": millis(alert.first_seen),
        "first_seen_time": millis(alert.first_seen),
        "last_seen_time": millis(alert.time),
        "related_events_count": alert.count,
    }
    if activity == "update":
        info["modified_time"] = millis(alert.time)
    found = attacks(alert.refs)
    if found:
        info["attacks"] = found
    sources = list(dict.fromkeys(ref.position.source for ref in alert.events))
    if sources:
        info["data_sources"] = sources
    if alert.events:
        info["related_events"] = [_related_event(ref) for ref in alert.events]
    if alert.tags:
        info["tags"] = [{"name": "tag", "value": tag} for tag in alert.tags]
    return info


def _related_event(ref: EventRef) -> dict[str, Any]:
    return {"uid": str(ref.position), "type": "Log Event", "created_time": millis(ref.time)}


def _evidences(alert: Alert) -> list[dict[str, Any]]:
    """One evidence per event behind the alert (position, time, redacted excerpt), each with
    the actor and source address; one without events when the detector kept none."""
    common: dict[str, Any] = {}
    if alert.actor:
        common["actor"] = {"user": {"name": redact_text(alert.actor, 256)}}
    if alert.source_ip:
        common["src_endpoint"] = {"ip": alert.source_ip}
    out: list[dict[str, Any]] = []
    for ref in alert.events:
        data: dict[str, Any] = {
            "source": ref.position.source,
            "offset": ref.position.offset,
            "time": millis(ref.time),
        }
        if ref.position.line:
            data["line"] = ref.position.line
        if ref.position.index:
            data["index"] = ref.position.index
        if ref.excerpt:
            data["excerpt"] = redact_excerpt(ref.excerpt)
        out.append({**common, "uid": str(ref.position), "name": str(ref.position), "data": data})
    if not out and (common or alert.target):
        out.append({**common, "name": alert.target or alert.rule_id})
    return out


def _resource(asset: RelatedAsset) -> dict[str, Any]:
    out: dict[str, Any] = {"uid": asset.id, "name": asset.name, "type": asset.kind}
    if asset.owner:
        out["owner"] = {"name": asset.owner}
    if asset.role:
        out["role"] = asset.role
    if asset.layer:
        out["tags"] = [{"name": "layer", "value": asset.layer}]
    return out


def _unmapped(alert: Alert, enrichment: Enrichment) -> dict[str, Any]:
    references = [framework_tag(ref) for ref in alert.refs if ref.framework is not Framework.ATLAS]
    out: dict[str, Any] = {
        "detector": alert.detector,
        "group": alert.group,
        "references": references,
        "owasp_llm": [r.id for r in alert.refs if r.framework is Framework.OWASP_LLM],
        "nist_ai_rmf": [r.id for r in alert.refs if r.framework is Framework.NIST_AI_RMF],
        "atlas": [r.id for r in alert.refs if r.framework is Framework.ATLAS],
        "attack_paths": list(enrichment.attack_paths),
        "max_path_risk": enrichment.max_path_risk,
        "on_attack_path": enrichment.on_attack_path,
        "owners": list(enrichment.owners),
    }
    if alert.target:
        out["target"] = redact_text(alert.target, 512)
    if alert.evidence:
        out["evidence"] = redact_excerpt(alert.evidence)
    return out
