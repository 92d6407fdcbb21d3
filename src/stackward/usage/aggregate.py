"""Per (scope, principal, target) use counts, kept in day buckets so old days can be dropped.

Memory grows with the number of distinct principal/target pairs and the days of the window,
never with the number of events: each event updates one bucket, and buckets older than the
window (counted back from the newest event seen so far) are dropped as reading goes on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from stackward.usage.events import AccessEvent

PairKey = tuple[str, str, str]
"""(scope, principal, target): scope is the store or cluster the log belongs to."""
MAX_PAIRS = 1_000_000
PRUNE_EVERY = 100_000


@dataclass(slots=True)
class Use:
    """Counts and first/last time of one pair (or one day of it)."""

    reads: int = 0
    writes: int = 0
    admins: int = 0
    first: AccessEvent | None = None
    last: dt.datetime | None = None

    def add(self, event: AccessEvent) -> None:
        if event.action == "read":
            self.reads += 1
        elif event.action == "write":
            self.writes += 1
        else:
            self.admins += 1
        if self.first is None or event.time < self.first.time:
            self.first = event
        if self.last is None or event.time > self.last:
            self.last = event.time

    def merge(self, other: Use) -> None:
        self.reads += other.reads
        self.writes += other.writes
        self.admins += other.admins
        if other.first is not None and (self.first is None or other.first.time < self.first.time):
            self.first = other.first
        if other.last is not None and (self.last is None or other.last > self.last):
            self.last = other.last


@dataclass(slots=True)
class UsageAggregate:
    window_days: int
    pairs: dict[PairKey, dict[dt.date, Use]] = field(default_factory=dict)
    newest: dt.datetime | None = None
    dropped_pairs: int = 0
    _since_prune: int = 0

    def add(self, scope: str, event: AccessEvent) -> None:
        if self.newest is None or event.time > self.newest:
            self.newest = event.time
        if event.time < self.newest - dt.timedelta(days=self.window_days):
            return
        key = (scope, event.principal, event.target)
        days = self.pairs.get(key)
        if days is None:
            if len(self.pairs) >= MAX_PAIRS:
                self.dropped_pairs += 1
                return
            days = self.pairs[key] = {}
        days.setdefault(event.time.date(), Use()).add(event)
        self._since_prune += 1
        if self._since_prune >= PRUNE_EVERY:
            self.prune()

    @property
    def window_start(self) -> dt.datetime | None:
        if self.newest is None:
            return None
        return self.newest - dt.timedelta(days=self.window_days)

    def prune(self) -> None:
        """Drop whole days that fell out of the window."""
        self._since_prune = 0
        start = self.window_start
        if start is None:
            return
        for key in list(self.pairs):
            days = self.pairs[key]
            for day in [d for d in days if d < start.date()]:
                del days[day]
            if not days:
                del self.pairs[key]

    def totals(self) -> dict[PairKey, Use]:
        """One :class:`Use` per pair over the window (events before its start left out)."""
        self.prune()
        start = self.window_start
        totals: dict[PairKey, Use] = {}
        for key, days in self.pairs.items():
            total = Use()
            for use in days.values():
                if start is not None and use.last is not None and use.last < start:
                    continue
                total.merge(use)
            if total.first is not None:
                totals[key] = total
        return totals
