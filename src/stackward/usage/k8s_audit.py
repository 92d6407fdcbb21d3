"""Kubernetes audit logs (JSON Lines of ``audit.k8s.io/v1`` Event) into events.

Only ``ResponseComplete`` events with a status below 400 count: a request the API server
denied, or one still in flight, is no use. Reading secrets (get/list/watch) is a read of
that secret (a namespace-wide list reads every secret of the namespace); changing them is a
write; ``create pods/exec`` (and attach) is a way into the pod and is recorded as a write.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from stackward.collectors.kubernetes.ids import object_id
from stackward.usage.events import (
    AccessEvent,
    Action,
    LogReport,
    json_lines,
    parse_timestamp,
)

_SECRET_VERBS: dict[str, Action] = {
    "get": "read",
    "list": "read",
    "watch": "read",
    "create": "write",
    "update": "write",
    "patch": "write",
    "delete": "write",
    "deletecollection": "write",
}
_POD_ENTRY = frozenset({"exec", "attach", "portforward"})


def read_k8s_audit(path: Path, problems: LogReport, cluster: str = "") -> Iterator[AccessEvent]:
    for number, entry in json_lines(path, problems, "a JSON audit event"):
        if not isinstance(entry, Mapping) or entry.get("kind") != "Event":
            problems.add(number, "not an audit.k8s.io Event")
            continue
        seen = parse_timestamp(str(entry.get("stageTimestamp") or ""))
        if seen is not None:
            problems.saw(seen)
        event = _event(entry, str(path), number, cluster, problems)
        if event is not None:
            yield event


def _event(
    entry: Mapping[str, Any], log: str, number: int, cluster: str, problems: LogReport
) -> AccessEvent | None:
    if entry.get("stage") != "ResponseComplete":
        return None
    status = entry.get("responseStatus")
    code = status.get("code") if isinstance(status, Mapping) else None
    if not isinstance(code, int) or code >= 400:
        return None
    ref = entry.get("objectRef")
    user = entry.get("user")
    if not isinstance(ref, Mapping) or not isinstance(user, Mapping):
        return None
    verb, resource = str(entry.get("verb", "")), str(ref.get("resource", ""))
    subresource = str(ref.get("subresource") or "")
    namespace, name = str(ref.get("namespace") or ""), str(ref.get("name") or "")
    action: Action | None = None
    if resource == "secrets" and not subresource:
        action = _SECRET_VERBS.get(verb)
        target = object_id("secret", name, namespace, cluster) if name else ""
        if not name and namespace and action == "read":
            target = object_id("secret", "", namespace, cluster)  # every secret of it
    elif resource == "pods" and subresource in _POD_ENTRY and verb in ("create", "get"):
        action = "write"
        target = object_id("pod", name, namespace, cluster)
    if action is None or not target:
        return None
    time = parse_timestamp(
        str(entry.get("stageTimestamp") or entry.get("requestReceivedTimestamp"))
    )
    principal = str(user.get("username") or "")
    if time is None or not principal:
        problems.add(number, "audit event without a timestamp or user")
        return None
    operation = f"{verb} {resource}/{subresource}" if subresource else f"{verb} {resource}"
    return AccessEvent(time, principal, action, target, operation, log, number)
