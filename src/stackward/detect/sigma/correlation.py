"""Sliding-window state for Sigma correlation rules, on event time.

One :class:`CorrelationWindows` per correlation rule keeps, per group-by value, the matching
events of the last ``timespan`` seconds (a deque trimmed as time moves on) and whether the
group is armed. Re-arm rule: a group fires once when its window first satisfies the condition,
then stays quiet while it keeps satisfying it, and is re-armed as soon as an update (a new event
or the window sliding past old ones) leaves the condition unsatisfied. So a burst of 500 calls
against a "more than 100 in 10 minutes" rule gives one alert, and a second burst after the
window has drained gives another.

Bounds: at most ``max_groups`` groups per rule (the least recently updated group is evicted
and counted) and at most ``max_window_events`` events per group window (the oldest are dropped
and counted; counts above it saturate). Memory depends on these caps, not on the stream length.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, OrderedDict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stackward.detect.event import Position
from stackward.detect.sigma.rules import CorrelationSpec

DEFAULT_MAX_GROUPS = 10_000
DEFAULT_MAX_WINDOW_EVENTS = 10_000


@dataclass(frozen=True, slots=True)
class WindowEntry:
    """One matching event held in a window: enough to build the alert after a restart."""

    time: float
    iso: str
    rule: str
    value: str | None
    position: Position
    excerpt: Mapping[str, str]
    who: tuple[str, str, str]
    """actor, target, source_ip annotations of the event."""

    def to_json(self) -> list[Any]:
        p = self.position
        return [
            self.time,
            self.iso,
            self.rule,
            self.value,
            [p.source, p.offset, p.line, p.index],
            dict(self.excerpt),
            list(self.who),
        ]

    @classmethod
    def from_json(cls, data: list[Any]) -> WindowEntry:
        time, iso, rule, value, pos, excerpt, who = data
        return cls(
            time=float(time),
            iso=str(iso),
            rule=str(rule),
            value=None if value is None else str(value),
            position=Position(str(pos[0]), int(pos[1]), int(pos[2]), int(pos[3])),
            excerpt={str(k): str(v) for k, v in excerpt.items()},
            who=(str(who[0]), str(who[1]), str(who[2])),
        )

    @property
    def datetime(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.iso)


@dataclass(slots=True)
class GroupWindow:
    entries: deque[WindowEntry] = field(default_factory=deque)
    tally: Counter[str] = field(default_factory=Counter)
    """Distinct values (value_count) or rules (temporal) in the window, with multiplicity."""
    armed: bool = True
    latest: float = float("-inf")


@dataclass(slots=True)
class Firing:
    """A correlation whose condition has just become true for ``group``."""

    spec: CorrelationSpec
    group: str
    entries: tuple[WindowEntry, ...]
    amount: float


class CorrelationWindows:
    """The windows of one correlation rule."""

    def __init__(
        self,
        spec: CorrelationSpec,
        max_groups: int = DEFAULT_MAX_GROUPS,
        max_window_events: int = DEFAULT_MAX_WINDOW_EVENTS,
    ) -> None:
        self.spec = spec
        self.max_groups = max_groups
        self.max_window_events = max_window_events
        self.groups: OrderedDict[str, GroupWindow] = OrderedDict()
        self.evicted = 0
        self.late = 0
        self.overflow = 0

    def add(self, group: str, entry: WindowEntry) -> Firing | None:
        """Put a matching event into its group's window; a firing when the condition first holds."""
        window = self.groups.get(group)
        if window is None:
            window = GroupWindow()
            self.groups[group] = window
            if len(self.groups) > self.max_groups:
                self.groups.popitem(last=False)
                self.evicted += 1
        else:
            self.groups.move_to_end(group)
        now = max(window.latest, entry.time)
        if entry.time < now - self.spec.timespan:
            self.late += 1
            return None
        window.latest = now
        self._insert(window, entry)
        self._trim(window, now)
        return self._evaluate(group, window)

    def flush(self, now: float | None) -> None:
        """Slide every window to ``now`` (or drop them all at the end of a batch)."""
        for group in list(self.groups):
            window = self.groups[group]
            if now is None:
                del self.groups[group]
                continue
            self._trim(window, now)
            if not window.entries:
                del self.groups[group]
            elif not self._holds(window):
                window.armed = True

    def _insert(self, window: GroupWindow, entry: WindowEntry) -> None:
        entries = window.entries
        if entries and entry.time < entries[-1].time:  # late but inside the window: keep order
            index = len(entries)
            while index > 0 and entries[index - 1].time > entry.time:
                index -= 1
            entries.insert(index, entry)
        else:
            entries.append(entry)
        key = self._tally_key(entry)
        if key is not None:
            window.tally[key] += 1
        while len(entries) > self.max_window_events:
            self._forget(window, entries.popleft())
            self.overflow += 1

    def _trim(self, window: GroupWindow, now: float) -> None:
        horizon = now - self.spec.timespan
        entries = window.entries
        while entries and entries[0].time < horizon:
            self._forget(window, entries.popleft())

    def _forget(self, window: GroupWindow, entry: WindowEntry) -> None:
        key = self._tally_key(entry)
        if key is not None:
            window.tally[key] -= 1
            if window.tally[key] <= 0:
                del window.tally[key]

    def _tally_key(self, entry: WindowEntry) -> str | None:
        if self.spec.kind == "value_count":
            return entry.value
        if self.spec.kind in ("temporal", "temporal_ordered"):
            return entry.rule
        return None

    def amount(self, window: GroupWindow) -> float:
        kind = self.spec.kind
        if kind == "event_count":
            return float(len(window.entries))
        if kind == "temporal_ordered":
            return float(self._ordered_steps(window))
        return float(len(window.tally))

    def _ordered_steps(self, window: GroupWindow) -> int:
        """How many of the rules occur in order (the longest prefix found as a subsequence)."""
        rules = self.spec.rules
        step = 0
        for entry in window.entries:
            if step < len(rules) and entry.rule == rules[step]:
                step += 1
        return step

    def _holds(self, window: GroupWindow) -> bool:
        return bool(window.entries) and self.spec.holds(self.amount(window))

    def _evaluate(self, group: str, window: GroupWindow) -> Firing | None:
        if not self._holds(window):
            window.armed = True
            return None
        if not window.armed:
            return None
        window.armed = False
        return Firing(self.spec, group, tuple(window.entries), self.amount(window))

    def snapshot(self) -> dict[str, Any]:
        return {
            "groups": [
                [group, window.armed, window.latest, [e.to_json() for e in window.entries]]
                for group, window in self.groups.items()
            ],
            "evicted": self.evicted,
            "late": self.late,
            "overflow": self.overflow,
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        self.groups.clear()
        for group, armed, latest, entries in state.get("groups", []):
            window = GroupWindow(armed=bool(armed), latest=float(latest))
            for data in entries:
                entry = WindowEntry.from_json(data)
                window.entries.append(entry)
                key = self._tally_key(entry)
                if key is not None:
                    window.tally[key] += 1
            self.groups[str(group)] = window
        self.evicted = int(state.get("evicted", 0))
        self.late = int(state.get("late", 0))
        self.overflow = int(state.get("overflow", 0))
