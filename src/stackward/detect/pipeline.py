"""The detection pipeline: sources → parser → detectors → grouper → journal → sinks.

Each source is read by its own thread into one bounded queue (a full queue blocks the reader:
back-pressure up to the receivers, which push back on TCP, answer 503 over HTTP or count UDP
drops). One consumer thread parses, runs the detectors, journals and delivers, so the records
of one source are processed in the order the source gave them. When following, records of
several sources interleave as they arrive; a replay (``follow=False``) reads the sources one
after another in the given order, so every replay of the same logs gives the same alerts.

Exactly-once: alerts are journalled (fsync) before any sink sees them, and a checkpoint
(source offsets, every detector's and the grouper's snapshot, the event-time watermark and the
journal's position) is written atomically every ``checkpoint_every_events`` events or
``checkpoint_every_seconds`` (sources that keep a spool are then told, so they can drop what
it covers). After a crash the pipeline restores the checkpoint, delivers
the alerts the journal still owes a sink, and re-reads the sources from the checkpointed
offsets; alerts produced again have the same uid and are recognised by the journal. The one
window left is between a sink taking an alert and its delivery mark reaching the disk: a sink
that can say which uids it holds (:class:`DeliveryLedger`) closes it, any other sink may see
that alert twice (with the same uid).

Time: windows are closed by the event-time watermark, the latest event time seen minus
``allowed_lateness``; ``flush(watermark)`` runs each time the watermark crosses a multiple of
``flush_every`` of event time, so where flushes happen depends on the events alone, not on
when checkpoints or restarts happened. Several sources share one watermark: a source lagging
more than ``allowed_lateness`` behind the others may find its windows already closed.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from stackward.detect.alert import Alert, Enrichment
from stackward.detect.checkpoint import Checkpoint, CheckpointStore
from stackward.detect.event import Event
from stackward.detect.interfaces import (
    POSITION_ONLY,
    Detector,
    ParseError,
    RawRecord,
    Sink,
    SinkError,
    Source,
    SourceError,
)
from stackward.detect.journal import COMPACT_AFTER, AlertJournal
from stackward.detect.sources.base import CommittingSource, ProblemLog, ResumableSource

EXAMPLES = 5
"""Parse problems quoted per source; the rest are counted."""
MAX_OFFSETS = 10_000
"""Record sources whose offsets a checkpoint keeps (rotated files come and go)."""


@runtime_checkable
class DeliveryLedger(Protocol):
    """A sink that can tell which alert uids it already holds (a store keyed by uid, a file it
    can read back), so an alert in doubt after a crash is neither lost nor sent twice."""

    def delivered(self, uids: Collection[str]) -> Collection[str]: ...


class AlertStage(Protocol):
    """The grouper: merges alerts of one rule and group; the snapshot/restore shape of a
    :class:`~stackward.detect.interfaces.Detector`, over alerts instead of events."""

    name: str

    def process(self, alert: Alert) -> Iterable[Alert]: ...

    def flush(self, now: dt.datetime | None) -> Iterable[Alert]: ...

    def snapshot(self) -> Mapping[str, Any]: ...

    def restore(self, state: Mapping[str, Any]) -> None: ...


@dataclass(slots=True)
class DetectSummary:
    """What a run did. ``undelivered`` counts alerts some sink has still to take (retried on
    the next start); ``dropped`` records receivers refused or lost under load."""

    records: int = 0
    events: int = 0
    parse_problems: int = 0
    problem_examples: list[str] = field(default_factory=list)
    source_problems: list[str] = field(default_factory=list)
    detector_failures: int = 0
    """Events (or window flushes) a detector failed on; the others still saw them."""
    detector_failure_examples: list[str] = field(default_factory=list)
    alerts_by_rule: dict[str, int] = field(default_factory=dict)
    repeated_alerts: int = 0
    """Alerts recognised by uid as journalled before (a replay after a restart)."""
    redelivered: int = 0
    """Alerts owed to a sink by an earlier run and delivered at this start."""
    undelivered: int = 0
    dropped: int = 0
    checkpoints: int = 0

    @property
    def alerts(self) -> int:
        return sum(self.alerts_by_rule.values())


_END = object()


class Pipeline:
    """Runs detection over ``sources``; see the module docstring for the guarantees."""

    def __init__(
        self,
        sources: Sequence[Source],
        parse: Callable[[RawRecord], Iterator[Event]],
        detectors: Sequence[Detector],
        sinks: Sequence[Sink],
        state_dir: Path,
        grouper: AlertStage | None = None,
        checkpoint_every_events: int = 10_000,
        checkpoint_every_seconds: float = 5.0,
        max_queue: int = 10_000,
        allowed_lateness: dt.timedelta = dt.timedelta(0),
        flush_every: dt.timedelta = dt.timedelta(minutes=1),
        enrich: Callable[[Alert], Enrichment] | None = None,
        start_over: bool = False,
        compact_journal_after: int = COMPACT_AFTER,
    ) -> None:
        names = [d.name for d in detectors] + [s.name for s in sinks]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"detector and sink names must be unique: {', '.join(repeated)}")
        self.sources = list(sources)
        self.parse = parse
        self.detectors = list(detectors)
        self.sinks = list(sinks)
        self.grouper = grouper
        self.checkpoint_every_events = max(1, checkpoint_every_events)
        self.checkpoint_every_seconds = checkpoint_every_seconds
        self.allowed_lateness = allowed_lateness
        self.flush_every = flush_every
        self.enrich = enrich or (lambda _alert: Enrichment())
        self.summary = DetectSummary()
        self._queue: queue.Queue[tuple[int, object]] = queue.Queue(maxsize=max_queue)
        self._stopping = threading.Event()
        self._store = CheckpointStore(state_dir)
        self._checkpoint = self._store.load(start_over=start_over)
        self.journal = AlertJournal(
            state_dir, [sink.name for sink in self.sinks], compact_after=compact_journal_after
        )
        self._offsets: dict[str, int] = dict(self._checkpoint.offsets)
        self._watermark = self._checkpoint.watermark
        self._flushed_slot = self._slot(self._watermark)
        self._problems_by_source: Counter[str] = Counter()
        self._failures_by_detector: Counter[str] = Counter()
        self._problems = ProblemLog()
        """The pipeline's own problems (sources that stopped, sinks that failed), bounded."""
        self._since_checkpoint = 0
        self._last_checkpoint = time.monotonic()

    def stop(self) -> None:
        """End a following run: sources stop, what was read is processed, a checkpoint is
        written. Safe to call from a signal handler or another thread."""
        self._stopping.set()
        for source in self.sources:
            source.stop()

    def run(self, follow: bool = False) -> DetectSummary:
        """Read every source to its end (or until :meth:`stop` when ``follow``)."""
        self._restore()
        self._deliver_owed()
        resume_from = dict(self._checkpoint.offsets)
        readers = [
            threading.Thread(
                target=self._read, args=(n, s, resume_from, follow), daemon=True, name=s.id
            )
            for n, s in enumerate(self.sources)
        ]
        if follow:
            for reader in readers:
                reader.start()
            self._consume(len(readers))
        else:
            # A replay reads its sources one after another, in the configured order, so the
            # events reach the detectors in the same order on every run (and after a restart).
            for reader in readers:
                reader.start()
                self._consume(1)
                reader.join(timeout=5)
        for reader in readers:
            reader.join(timeout=5)
        if not self._stopping.is_set():
            self._flush(None)
        self._write_checkpoint(final=True)
        self._finish()
        return self.summary

    def _consume(self, live: int) -> None:
        """Process queued records until ``live`` sources have ended."""
        while live:
            try:
                number, item = self._queue.get(timeout=0.2)
            except queue.Empty:
                self._maybe_checkpoint()
                continue
            if item is _END:
                live -= 1
            elif isinstance(item, RawRecord):
                self._handle(item)
            else:
                self._problems.add("source stopped", self.sources[number].id, str(item))
            self._maybe_checkpoint()

    # -- reading ---------------------------------------------------------------------------

    def _read(
        self, number: int, source: Source, resume_from: Mapping[str, int], follow: bool
    ) -> None:
        try:
            if isinstance(source, ResumableSource):
                source.resume(resume_from)
                records = source.read(0, follow)
            else:
                records = source.read(resume_from.get(source.id, 0), follow)
            for record in records:
                if not self._put(number, record):
                    source.stop()
                    break
        except SourceError as exc:
            self._put(number, str(exc), force=True)
        except Exception as exc:  # a source's bug ends that source, reported, not the run
            self._put(number, f"stopped: {type(exc).__name__}: {exc}", force=True)
        finally:
            self._put(number, _END, force=True)

    def _put(self, number: int, item: object, force: bool = False) -> bool:
        while True:
            try:
                self._queue.put((number, item), timeout=0.2)
                return True
            except queue.Full:
                if self._stopping.is_set() and not force:
                    return False

    # -- processing ------------------------------------------------------------------------

    def _handle(self, record: RawRecord) -> None:
        if record.meta is not None and record.meta.get(POSITION_ONLY):
            self._offsets.pop(record.position.source, None)
            self._offsets[record.position.source] = record.position.offset
            return
        self.summary.records += 1
        try:
            events = list(self.parse(record))
        except ParseError as exc:
            self._parse_problem(record, str(exc))
            events = []
        except Exception as exc:  # a parser bug must not end the stream; it is reported
            self._parse_problem(record, f"parser failed: {type(exc).__name__}: {exc}")
            events = []
        for event in events:
            self.summary.events += 1
            self._since_checkpoint += 1
            for detector in self.detectors:
                self._accept(self._run(detector, partial(detector.process, event), event))
            self._advance(event.time)
        self._since_checkpoint += 1 if not events else 0
        where = record.position
        self._offsets.pop(where.source, None)  # most recently read last: pruned last
        self._offsets[where.source] = where.offset

    def _run(
        self, detector: Detector, step: Callable[[], Iterable[Alert]], event: Event | None
    ) -> list[Alert]:
        """One detector's alerts for one event or flush. A detector that raises is reported
        with the event's place and the run goes on: the other detectors saw the event, and
        this one sees the next."""
        try:
            return list(step())
        except Exception as exc:  # a detector bug must not end the stream; it is reported
            self.summary.detector_failures += 1
            self._failures_by_detector[detector.name] += 1
            if self._failures_by_detector[detector.name] <= EXAMPLES:
                where = str(event.position) if event is not None else "window flush"
                self.summary.detector_failure_examples.append(
                    f"{detector.name} at {where}: {type(exc).__name__}: {str(exc)[:300]}"
                )
            return []

    def _parse_problem(self, record: RawRecord, problem: str) -> None:
        self.summary.parse_problems += 1
        source = record.position.source
        self._problems_by_source[source] += 1
        if self._problems_by_source[source] <= EXAMPLES:
            self.summary.problem_examples.append(f"{record.position}: {problem[:300]}")

    def _advance(self, event_time: dt.datetime) -> None:
        if self._watermark is None or event_time > self._watermark:
            self._watermark = event_time
            slot = self._slot(event_time)
            if slot is not None and (self._flushed_slot is None or slot > self._flushed_slot):
                self._flushed_slot = slot
                self._flush(event_time - self.allowed_lateness)

    def _slot(self, moment: dt.datetime | None) -> int | None:
        if moment is None:
            return None
        step = self.flush_every.total_seconds()
        return int((moment - self.allowed_lateness).timestamp() // step) if step > 0 else None

    def _flush(self, now: dt.datetime | None) -> None:
        for detector in self.detectors:
            self._accept(self._run(detector, partial(detector.flush, now), None))
        if self.grouper is not None:
            self._deliver_all(self.grouper.flush(now))

    def _accept(self, alerts: Iterable[Alert]) -> None:
        for alert in alerts:
            if self.grouper is None:
                self._deliver_all((alert,))
            else:
                self._deliver_all(self.grouper.process(alert))

    def _deliver_all(self, alerts: Iterable[Alert]) -> None:
        for alert in alerts:
            if not self.journal.record(alert):
                self.summary.repeated_alerts += 1
                continue
            rules = self.summary.alerts_by_rule
            rules[alert.rule_id] = rules.get(alert.rule_id, 0) + 1
            self._deliver(alert, self.sinks)

    def _deliver(self, alert: Alert, sinks: Iterable[Sink]) -> None:
        enrichment = self.enrich(alert)
        for sink in sinks:
            try:
                sink.emit(alert, enrichment)
            except SinkError as exc:
                self._problems.add("alert not delivered", f"sink {sink.name}", str(exc))
                continue
            self.journal.sent(alert.uid, sink.name)

    # -- restart and checkpoints -----------------------------------------------------------

    def _restore(self) -> None:
        saved = self._checkpoint
        for detector in self.detectors:
            state = saved.detectors.get(detector.name)
            if state is not None:
                detector.restore(state)
        if self.grouper is not None and saved.grouper is not None:
            self.grouper.restore(saved.grouper)
        expected = saved.journal.get("generation", 0)
        if self.journal.generation < expected:
            self._problems.add(
                "alert journal older than the checkpoint; alerts may be delivered again",
                str(self.journal.path),
                f"generation {self.journal.generation} < {expected}",
            )

    def _deliver_owed(self) -> None:
        by_name = {sink.name: sink for sink in self.sinks}
        owed = self.journal.owed()
        if not owed:
            return
        held: dict[str, set[str]] = {}
        for name, sink in by_name.items():
            if isinstance(sink, DeliveryLedger):
                held[name] = set(sink.delivered([alert.uid for alert, _ in owed]))
        for alert, names in owed:
            todo = []
            for name in names:
                if alert.uid in held.get(name, ()):
                    self.journal.sent(alert.uid, name)
                elif name in by_name:
                    todo.append(by_name[name])
            if todo:
                self.summary.redelivered += 1
                self._deliver(alert, todo)

    def _maybe_checkpoint(self) -> None:
        due_events = self._since_checkpoint >= self.checkpoint_every_events
        elapsed = time.monotonic() - self._last_checkpoint
        if due_events or (self._since_checkpoint and elapsed >= self.checkpoint_every_seconds):
            self._write_checkpoint()

    def _write_checkpoint(self, final: bool = False) -> None:
        if not self.journal.compact(force=final):
            self.journal.sync()
        if len(self._offsets) > MAX_OFFSETS:
            for stale in list(self._offsets)[: len(self._offsets) - MAX_OFFSETS]:
                del self._offsets[stale]
        self._checkpoint = Checkpoint(
            offsets=dict(self._offsets),
            detectors={d.name: dict(d.snapshot()) for d in self.detectors},
            grouper=dict(self.grouper.snapshot()) if self.grouper is not None else None,
            watermark=self._watermark,
            journal=self.journal.position,
            sequence=self._checkpoint.sequence + 1,
        )
        self._store.save(self._checkpoint)
        for source in self.sources:
            if isinstance(source, CommittingSource):
                source.committed(self._checkpoint.offsets)
        self.summary.checkpoints += 1
        self._since_checkpoint = 0
        self._last_checkpoint = time.monotonic()

    def _finish(self) -> None:
        self.summary.undelivered = len(self.journal.owed())
        self.summary.source_problems.extend(self._problems.lines())
        for source in self.sources:
            problems = getattr(source, "problems", None)
            if isinstance(problems, ProblemLog):
                self.summary.source_problems.extend(problems.lines())
            self.summary.dropped += int(getattr(source, "dropped", 0))
        for sink in self.sinks:
            sink.close()
        self.journal.close()
