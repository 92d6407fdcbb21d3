"""One alert for one event, as the content detectors report it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from stackward.detect.alert import Alert, EventRef, alert_uid
from stackward.detect.event import Event
from stackward.model import ControlRef, Severity

GROUP_ANNOTATIONS = ("api_key", "actor", "source_ip")
"""The first of these an event carries is the alert's group: who sent the prompt."""


def annotation_text(event: Event, name: str) -> str:
    value = event.annotations.get(name)
    return value if isinstance(value, str) else ""


def unique_refs(refs: Iterable[ControlRef]) -> tuple[ControlRef, ...]:
    return tuple(dict.fromkeys(refs))


def event_alert(
    event: Event,
    *,
    rule_id: str,
    title: str,
    description: str,
    severity: Severity,
    detector: str,
    refs: tuple[ControlRef, ...],
    evidence: Mapping[str, Any],
) -> Alert:
    """An alert on a single event; its uid depends only on the rule, the group and the
    event's position, so replaying the same log gives the same uid."""
    group = next((v for v in (annotation_text(event, n) for n in GROUP_ANNOTATIONS) if v), "")
    target = annotation_text(event, "model") or annotation_text(event, "target")
    excerpt = {
        k: v for k, v in (("model", target), ("action", annotation_text(event, "action"))) if v
    }
    return Alert(
        uid=alert_uid(rule_id, group, event.position, event.position),
        rule_id=rule_id,
        title=title,
        description=description,
        severity=severity,
        detector=detector,
        time=event.time,
        first_seen=event.time,
        refs=refs,
        events=(EventRef(event.position, event.time, excerpt),),
        group=group,
        actor=annotation_text(event, "actor"),
        target=target,
        source_ip=annotation_text(event, "source_ip"),
        evidence=dict(evidence),
    )
