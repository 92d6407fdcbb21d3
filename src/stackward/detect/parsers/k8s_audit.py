"""Kubernetes audit events (``audit.k8s.io/v1`` Event), one JSON object per line as the log
backend writes them, or an ``EventList`` (one event per item, ``Position.index`` = the
item's index, as the webhook backend posts them).

Every stage is an event (RequestReceived, ResponseStarted, ResponseComplete, Panic): rules
filter on ``stage`` themselves. Fields are the event as is (``verb``, ``user.username``,
``objectRef.resource``, ``objectRef.subresource``, ``sourceIPs``, ``responseStatus.code``).
The time is ``requestReceivedTimestamp`` (the same for every stage of one request), else
``stageTimestamp``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackward.detect.event import Event, LazyAnnotations, LogSource
from stackward.detect.interfaces import ParseError, RawRecord
from stackward.detect.parsers.decoding import (
    MAX_INFLATED_BYTES,
    MAX_LINE_BYTES,
    json_object,
    sniff_head,
)
from stackward.detect.parsers.guard import guarded
from stackward.detect.parsers.timestamps import iso_time


class K8sAuditParser:
    name = "k8s_audit"
    logsource = LogSource("kubernetes", "audit", "")

    def sniff(self, record: RawRecord) -> bool:
        head = sniff_head(record)
        return '"audit.k8s.io/' in head and ('"auditID":' in head or '"EventList"' in head)

    def parse(self, record: RawRecord) -> Iterator[Event]:
        return guarded(self.name, self._events(record))

    def _events(self, record: RawRecord) -> Iterator[Event]:
        is_list = '"EventList"' in sniff_head(record)[:512]
        document = json_object(record, MAX_INFLATED_BYTES if is_list else MAX_LINE_BYTES)
        if document.get("kind") != "EventList":
            yield self.event(document, record.position)
            return
        items = document.get("items")
        if not isinstance(items, list):
            raise ParseError("EventList items is not an array")
        bad: list[str] = []
        for index, item in enumerate(items):
            try:
                if not isinstance(item, dict):
                    raise ParseError("not a JSON object")
                yield self.event(item, record.position._replace(index=index))
            except ParseError as exc:
                bad.append(f"#{index}: {exc}")
        if bad:
            raise ParseError(f"{len(bad)} of {len(items)} items not usable: {'; '.join(bad[:5])}")

    def event(self, fields: dict[str, Any], position: Any) -> Event:
        if "auditID" not in fields and "verb" not in fields:
            raise ParseError("not a Kubernetes audit event (no auditID or verb)")
        stamp = fields.get("requestReceivedTimestamp")
        if stamp is None:
            stamp = fields.get("stageTimestamp")
        time = iso_time(stamp, "requestReceivedTimestamp/stageTimestamp")
        return Event(
            time, self.logsource, self.name, fields, position, LazyAnnotations(_annotations, fields)
        )


def _annotations(fields: Mapping[str, Any]) -> dict[str, Any]:
    notes: dict[str, Any] = {}
    user = fields.get("user")
    if isinstance(user, Mapping) and isinstance(user.get("username"), str):
        notes["actor"] = user["username"]
    if isinstance(fields.get("verb"), str):
        notes["action"] = fields["verb"]
    addresses = fields.get("sourceIPs")
    if isinstance(addresses, list) and addresses and isinstance(addresses[0], str):
        notes["source_ip"] = addresses[0]
    target = _target(fields.get("objectRef"))
    if target:
        notes["target"] = target
    status = fields.get("responseStatus")
    if isinstance(status, Mapping):
        code = status.get("code")
        if isinstance(code, int) and not isinstance(code, bool):
            notes["status"] = code
    return notes


def _target(ref: object) -> str:
    """``pods/exec ml/trainer-0``: resource[/subresource], then namespace/name when known."""
    if not isinstance(ref, Mapping):
        return ""
    parts = [ref.get(key) for key in ("resource", "subresource", "namespace", "name")]
    resource, subresource, namespace, name = (p if isinstance(p, str) else "" for p in parts)
    kind = f"{resource}/{subresource}" if subresource else resource
    where = "/".join(part for part in (namespace, name) if part)
    return " ".join(part for part in (kind, where) if part)
