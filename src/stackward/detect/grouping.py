"""De-duplication of alerts: one finding per rule and group per window, updated with a count.

A noisy rule (the same key probing a model a thousand times) must not flood the SIEM with a
thousand findings, nor hide that it went on. So the first alert of a ``(rule_id, group)`` (the
actor when the rule does not group: :func:`dedup_key`) goes
out at once (a Create); further alerts of that key within ``dedup_seconds`` of the first are
merged into it (count, last seen, a bounded list of event references); when the window closes
(an alert or a flush past its end, in event time) one Update goes out if anything was merged.

The Update is an :class:`~stackward.detect.alert.Alert` with its own deterministic ``uid``
(the delivery's uid, what journals and sinks de-duplicate on) and ``update_of`` naming the
finding it updates, so sinks keep the Create's finding uid. Windows use event time only, so a replay gives the same Creates and Updates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from stackward.detect.alert import MAX_EVENT_REFS, Alert, EventRef
from stackward.detect.alert_json import (
    alert_from_json,
    alert_to_json,
    event_ref_from_json,
    event_ref_to_json,
)

DEFAULT_MAX_GROUPS = 10_000
SNAPSHOT_VERSION = 1


@dataclass(slots=True)
class _Group:
    """An open window: the alert that opened it and what was merged since."""

    created: Alert
    window_end: dt.datetime
    seq: int = 0
    merged: int = 0
    count: int = 0
    last: Alert | None = None
    head: list[EventRef] = field(default_factory=list)
    tail: list[EventRef] = field(default_factory=list)

    def add_events(self, refs: Iterable[EventRef]) -> None:
        """Keep the first and the latest references, at most :data:`MAX_EVENT_REFS`."""
        half = MAX_EVENT_REFS // 2
        for ref in refs:
            if len(self.head) < half:
                self.head.append(ref)
            else:
                self.tail.append(ref)
                if len(self.tail) > MAX_EVENT_REFS - half:
                    del self.tail[0]


class AlertGrouper:
    """Merges alerts of one rule and group within ``dedup_seconds`` of event time.

    ``process`` returns the alerts to deliver now (Updates of windows the alert's time closed,
    oldest first, then the alert itself when it opens a window). At most ``max_groups``
    windows are open; beyond that the oldest is closed early. ``dedup_seconds == 0`` passes
    every alert through unchanged.
    """

    name = "grouper"

    def __init__(self, dedup_seconds: float, max_groups: int = DEFAULT_MAX_GROUPS) -> None:
        self.window = dt.timedelta(seconds=dedup_seconds)
        self.max_groups = max(1, max_groups)
        self._groups: dict[tuple[str, str], _Group] = {}
        self._ends: list[tuple[dt.datetime, int, tuple[str, str]]] = []
        """Heap of (window end, sequence, key); entries of closed windows are skipped."""
        self._seq = 0
        self.closed_early = 0
        """Windows closed before their end because ``max_groups`` were open."""

    def __len__(self) -> int:
        return len(self._groups)

    def process(self, alert: Alert) -> list[Alert]:
        if not self.window:
            return [alert]
        out = self.flush(alert.time)
        key = dedup_key(alert)
        group = self._groups.get(key)
        if group is not None:
            group.merged += 1
            group.count += alert.count
            group.last = alert
            group.add_events(alert.events)
            return out
        while len(self._groups) >= self.max_groups:
            oldest = next(iter(self._groups))
            self.closed_early += 1
            out.extend(self._close(oldest))
        opened = _Group(created=alert, window_end=alert.time + self.window, count=alert.count)
        opened.add_events(alert.events)
        self._open(key, opened)
        out.append(alert)
        return out

    def _open(self, key: tuple[str, str], group: _Group) -> None:
        self._seq += 1
        group.seq = self._seq
        self._groups[key] = group
        heapq.heappush(self._ends, (group.window_end, group.seq, key))
        if len(self._ends) > 2 * len(self._groups) + 1024:  # drop entries of closed windows
            self._ends = [(g.window_end, g.seq, k) for k, g in self._groups.items()]
            heapq.heapify(self._ends)

    def flush(self, now: dt.datetime | None) -> list[Alert]:
        """Close windows that ended before ``now`` (all of them when ``now`` is None)."""
        if now is None:
            due = sorted(
                self._groups, key=lambda k: (self._groups[k].window_end, self._groups[k].seq)
            )
            self._ends.clear()
        else:
            due = []
            while self._ends and self._ends[0][0] < now:
                _, seq, key = heapq.heappop(self._ends)
                group = self._groups.get(key)
                if group is not None and group.seq == seq:
                    due.append(key)
        out: list[Alert] = []
        for key in due:
            out.extend(self._close(key))
        return out

    def _close(self, key: tuple[str, str]) -> list[Alert]:
        group = self._groups.pop(key)
        if not group.merged or group.last is None:
            return []
        return [_update(group, group.last)]

    # -- checkpoint -----------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "version": SNAPSHOT_VERSION,
            "closed_early": self.closed_early,
            "groups": [
                {
                    "created": alert_to_json(g.created),
                    "window_end": g.window_end.isoformat(),
                    "merged": g.merged,
                    "count": g.count,
                    "last": alert_to_json(g.last) if g.last is not None else None,
                    "head": [event_ref_to_json(r) for r in g.head],
                    "tail": [event_ref_to_json(r) for r in g.tail],
                }
                for g in self._groups.values()
            ],
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        """Replace the open windows with those of a :meth:`snapshot`."""
        if state.get("version") != SNAPSHOT_VERSION:
            raise ValueError(f"alert grouping snapshot version {state.get('version')!r}")
        self._groups = {}
        self._ends = []
        self._seq = 0
        self.closed_early = int(state.get("closed_early", 0))
        for raw in state.get("groups", [])[: self.max_groups]:
            created = alert_from_json(raw["created"])
            group = _Group(
                created=created,
                window_end=dt.datetime.fromisoformat(raw["window_end"]),
                merged=int(raw["merged"]),
                count=int(raw["count"]),
                last=alert_from_json(raw["last"]) if raw.get("last") else None,
                head=[event_ref_from_json(r) for r in raw["head"]],
                tail=[event_ref_from_json(r) for r in raw["tail"]],
            )
            self._open(dedup_key(created), group)


def dedup_key(alert: Alert) -> tuple[str, str]:
    """What alerts are merged on: the rule and its group value, or, for a rule that does not
    group, who did it (actor, else client address, else target), so that one actor's alerts
    never absorb another's."""
    return alert.rule_id, alert.group or alert.actor or alert.source_ip or alert.target


def _update(group: _Group, last: Alert) -> Alert:
    created = group.created
    finding = created.uid
    uid_text = "\x1f".join((finding, "update", str(group.count), last.uid))
    return dataclasses.replace(
        created,
        uid=hashlib.sha256(uid_text.encode("utf-8", "surrogatepass")).hexdigest()[:32],
        time=max(last.time, created.time),
        first_seen=min(created.first_seen, last.first_seen),
        severity=max(created.severity, last.severity),
        count=group.count,
        events=(*group.head, *group.tail),
        actor=last.actor or created.actor,
        target=last.target or created.target,
        source_ip=last.source_ip or created.source_ip,
        evidence=last.evidence or created.evidence,
        update_of=finding,
    )
