"""Alerts as JSON types and back: what the alert journal and the grouper's checkpoint keep.

``evidence`` and excerpts come back as JSON types (tuples as lists, datetimes as ISO text); any
other value is kept as its text, so one odd evidence value never loses an alert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from stackward.detect.alert import Alert, EventRef
from stackward.detect.event import Position
from stackward.model import ControlRef, Severity
from stackward.model.refs import Framework


def alert_to_json(alert: Alert) -> dict[str, Any]:
    """The alert as JSON types, enough to deliver it again after a restart (``evidence`` and
    excerpts come back as JSON types: tuples as lists, datetimes as ISO text)."""
    return {
        "uid": alert.uid,
        "rule_id": alert.rule_id,
        "title": alert.title,
        "description": alert.description,
        "severity": alert.severity.label,
        "detector": alert.detector,
        "time": alert.time.isoformat(),
        "first_seen": alert.first_seen.isoformat(),
        "refs": [[ref.framework.value, ref.id, ref.name] for ref in alert.refs],
        "events": [event_ref_to_json(ref) for ref in alert.events],
        "count": alert.count,
        "group": alert.group,
        "actor": alert.actor,
        "target": alert.target,
        "source_ip": alert.source_ip,
        "evidence": _jsonable(alert.evidence),
        "tags": list(alert.tags),
        "update_of": alert.update_of,
    }


def alert_from_json(data: Mapping[str, Any]) -> Alert:
    """The inverse of :func:`alert_to_json`."""
    return Alert(
        uid=str(data["uid"]),
        rule_id=str(data["rule_id"]),
        title=str(data["title"]),
        description=str(data["description"]),
        severity=Severity.parse(str(data["severity"])),
        detector=str(data["detector"]),
        time=dt.datetime.fromisoformat(data["time"]),
        first_seen=dt.datetime.fromisoformat(data["first_seen"]),
        refs=tuple(ControlRef(Framework(f), str(i), str(n)) for f, i, n in data["refs"]),
        events=tuple(event_ref_from_json(ref) for ref in data["events"]),
        count=int(data["count"]),
        group=str(data["group"]),
        actor=str(data["actor"]),
        target=str(data["target"]),
        source_ip=str(data["source_ip"]),
        evidence=dict(data["evidence"]),
        tags=tuple(str(tag) for tag in data["tags"]),
        update_of=str(data.get("update_of", "")),
    )


def event_ref_to_json(ref: EventRef) -> dict[str, Any]:
    where = ref.position
    return {
        "position": [where.source, where.offset, where.line, where.index],
        "time": ref.time.isoformat(),
        "excerpt": _jsonable(ref.excerpt),
    }


def event_ref_from_json(data: Mapping[str, Any]) -> EventRef:
    source, offset, line, index = data["position"]
    return EventRef(
        position=Position(str(source), int(offset), int(line), int(index)),
        time=dt.datetime.fromisoformat(data["time"]),
        excerpt=dict(data["excerpt"]),
    )


def _jsonable(value: Any) -> Any:
    """``value`` with mappings, sequences and datetimes turned into JSON types (others as
    their string form), so an evidence value orjson cannot write does not lose the alert."""
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
