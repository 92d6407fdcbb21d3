"""Small in-process stand-ins for the stages built elsewhere, for the pipeline's tests.

A JSON Lines parser, a stateful detector counting events per key in event-time windows, and
a file sink that appends one line per alert (fsynced) and can say which uids it holds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from stackward.detect.alert import Alert, Enrichment, EventRef, alert_uid
from stackward.detect.event import Event, LogSource, Position
from stackward.detect.interfaces import ParseError, RawRecord
from stackward.model import Severity

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def parse_json_line(record: RawRecord) -> Iterator[Event]:
    """``{"t": seconds since EPOCH, "key": ...}`` lines; anything else is a ParseError."""
    try:
        fields = json.loads(record.data)
        moment = EPOCH + dt.timedelta(seconds=float(fields["t"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise ParseError(f"not a test event: {type(exc).__name__}") from None
    yield Event(moment, LogSource("test"), "test", fields, record.position)


class WindowCountDetector:
    """Counts events per ``key`` in tumbling windows of ``window`` seconds of event time.

    ``process`` alerts when a key reaches ``burst`` events in a window; ``flush`` alerts once
    per closed window for keys with at least ``summary`` events. All state is in plain dicts,
    carried by ``snapshot``/``restore``.
    """

    def __init__(
        self, name: str = "window-count", window: int = 60, burst: int = 5, summary: int = 3
    ) -> None:
        self.name = name
        self.window = window
        self.burst = burst
        self.summary = summary
        self.windows: dict[str, dict[str, Any]] = {}

    def process(self, event: Event) -> Iterable[Alert]:
        key = str(event.fields.get("key", ""))
        start = int((event.time - EPOCH).total_seconds()) // self.window * self.window
        slot = f"{start}|{key}"
        state = self.windows.setdefault(slot, {"count": 0, "first": None, "last": None})
        state["count"] += 1
        where = [event.position.source, event.position.offset, event.position.line]
        state["first"] = state["first"] or where
        state["last"] = where
        if state["count"] == self.burst:
            yield self._alert("TEST-BURST", key, state, start)

    def flush(self, now: dt.datetime | None) -> Iterable[Alert]:
        alerts = []
        for slot in list(self.windows):
            start, key = slot.split("|", 1)
            end = EPOCH + dt.timedelta(seconds=int(start) + self.window)
            if now is None or end <= now:
                state = self.windows.pop(slot)
                if state["count"] >= self.summary:
                    alerts.append(self._alert("TEST-WINDOW", key, state, int(start)))
        return alerts

    def snapshot(self) -> Mapping[str, Any]:
        return {"windows": self.windows}

    def restore(self, state: Mapping[str, Any]) -> None:
        self.windows = {k: dict(v) for k, v in state["windows"].items()}

    def _alert(self, rule: str, key: str, state: Mapping[str, Any], start: int) -> Alert:
        first = Position(str(state["first"][0]), int(state["first"][1]), int(state["first"][2]))
        last = Position(str(state["last"][0]), int(state["last"][1]), int(state["last"][2]))
        moment = EPOCH + dt.timedelta(seconds=start)
        return Alert(
            uid=alert_uid(rule, key, first, last),
            rule_id=rule,
            title=f"{rule} for {key}",
            description="test alert",
            severity=Severity.MEDIUM,
            detector=self.name,
            time=moment,
            first_seen=moment,
            refs=(),
            events=(EventRef(first, moment), EventRef(last, moment)),
            count=int(state["count"]),
            group=key,
            evidence={"count": int(state["count"])},
        )


class FileSink:
    """Appends ``uid rule_id`` per alert to a file, fsynced; reads it back for ``delivered``."""

    def __init__(self, path: Path, name: str = "file") -> None:
        self.name = name
        self.path = path

    def emit(self, alert: Alert, enrichment: Enrichment) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{alert.uid} {alert.rule_id}\n".encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def delivered(self, uids: Collection[str]) -> Collection[str]:
        return set(uids) & set(self.lines_uids(self.path))

    def close(self) -> None:
        return None

    @staticmethod
    def lines_uids(path: Path) -> list[str]:
        if not path.exists():
            return []
        return [line.split(" ", 1)[0] for line in path.read_text().splitlines() if line]


def write_events(path: Path, count: int, keys: int = 7, seed: int = 1) -> None:
    """``count`` test events, one per second of event time, keys cycling pseudo-randomly."""
    import random

    chooser = random.Random(seed)
    with path.open("w") as out:
        for number in range(count):
            key = f"k{chooser.randrange(keys)}"
            out.write(json.dumps({"t": number, "key": key}) + "\n")
