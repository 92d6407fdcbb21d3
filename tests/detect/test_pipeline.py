"""The pipeline: counting, flushing, restarting, owed and failed deliveries, bad state files.

Sibling stages are the small stand-ins of ``pipeline_doubles``; sources are the real file
source (and an in-memory one where a stream is the point)."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from stackward.detect.alert import Alert, Enrichment
from stackward.detect.checkpoint import CheckpointError
from stackward.detect.event import Position
from stackward.detect.interfaces import RawRecord, SinkError
from stackward.detect.journal import AlertJournal, JournalError
from stackward.detect.pipeline import Pipeline
from stackward.detect.sources.file import FileLogSource
from tests.detect.pipeline_doubles import (
    FileSink,
    WindowCountDetector,
    parse_json_line,
    write_events,
)
from tests.detect.sources.follow import until


def _lines(path: Path, events: list[tuple[float, str]]) -> Path:
    path.write_text("".join(json.dumps({"t": t, "key": k}) + "\n" for t, k in events))
    return path


def _pipeline(
    tmp_path: Path, *sources: Any, sinks: list[Any] | None = None, **options: Any
) -> Pipeline:
    return Pipeline(
        sources=list(sources),
        parse=parse_json_line,
        detectors=[WindowCountDetector()],
        sinks=sinks if sinks is not None else [FileSink(tmp_path / "out.txt")],
        state_dir=tmp_path / "state",
        **options,
    )


def _file(path: Path) -> FileLogSource:
    return FileLogSource(str(path), poll_seconds=0.02)


def test_batch_run_counts_records_events_alerts_and_flushes_at_the_end(tmp_path: Path) -> None:
    log = _lines(tmp_path / "a.log", [(s, "k1") for s in range(5)] + [(70, "k2")] * 3)
    summary = _pipeline(tmp_path, _file(log)).run()
    assert (summary.records, summary.events) == (8, 8)
    # k1: a burst (5 in a window) and a window summary; k2: a summary only at flush(None)
    assert summary.alerts_by_rule == {"TEST-BURST": 1, "TEST-WINDOW": 2}
    assert summary.checkpoints == 1 and summary.undelivered == 0
    assert len(FileSink.lines_uids(tmp_path / "out.txt")) == 3


def test_parse_problems_are_counted_per_source_with_examples_and_never_fatal(
    tmp_path: Path,
) -> None:
    log = tmp_path / "a.log"
    log.write_text('{"t": 1, "key": "a"}\nnot json\n{"key": "no time"}\n{"t": 2, "key": "a"}\n')
    summary = _pipeline(tmp_path, _file(log)).run()
    assert (summary.records, summary.events, summary.parse_problems) == (4, 2, 2)
    assert summary.problem_examples[0].endswith(":2: not a test event: JSONDecodeError")
    assert str(log.resolve()) in summary.problem_examples[0]


def test_a_second_run_resumes_at_the_end_and_repeats_nothing(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    write_events(log, 400)
    first = _pipeline(tmp_path, _file(log)).run()
    second = _pipeline(tmp_path, _file(log)).run()
    assert first.alerts > 10
    assert (second.records, second.alerts, second.repeated_alerts) == (0, 0, 0)


def test_replaying_from_scratch_state_recognises_every_alert_by_uid(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    write_events(log, 400)
    first = _pipeline(tmp_path, _file(log)).run()
    (tmp_path / "state" / "checkpoint.json").unlink()
    replay = _pipeline(tmp_path, _file(log)).run()
    assert replay.records == 400 and replay.alerts == 0
    assert replay.repeated_alerts == first.alerts
    uids = FileSink.lines_uids(tmp_path / "out.txt")
    assert len(uids) == len(set(uids)) == first.alerts


def test_out_of_order_events_within_the_allowed_lateness_still_count(tmp_path: Path) -> None:
    events = [(0, "k"), (1, "k"), (2, "k"), (130, "x"), (3, "k"), (4, "k")]
    strict = _pipeline(tmp_path / "strict", _file(_lines(tmp_path / "a.log", events))).run()
    lenient = _pipeline(
        tmp_path / "lenient",
        _file(tmp_path / "a.log"),
        allowed_lateness=dt.timedelta(minutes=5),
    ).run()
    assert "TEST-BURST" not in strict.alerts_by_rule
    assert lenient.alerts_by_rule.get("TEST-BURST") == 1


def _alert(uid: str) -> Alert:
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    from stackward.model import Severity

    return Alert(uid, "TEST-OWED", "owed", "", Severity.LOW, "test", moment, moment, (), ())


class _FailingSink(FileSink):
    def emit(self, alert: Alert, enrichment: Enrichment) -> None:
        raise SinkError("collector refused the connection")


class _LedgerSink(FileSink):
    """Holds uids it was given at construction (a store keyed by uid)."""

    def __init__(self, path: Path, held: Collection[str]) -> None:
        super().__init__(path)
        self.held = set(held)

    def delivered(self, uids: Collection[str]) -> Collection[str]:
        return self.held & set(uids)


def test_alerts_journalled_but_not_delivered_are_delivered_on_restart(tmp_path: Path) -> None:
    journal = AlertJournal(tmp_path / "state", ["file"])
    journal.record(_alert("owed-1"))
    journal.record(_alert("done-1"))
    journal.sent("done-1", "file")
    journal.close()
    summary = _pipeline(tmp_path).run()
    assert summary.redelivered == 1 and summary.undelivered == 0
    assert FileSink.lines_uids(tmp_path / "out.txt") == ["owed-1"]


def test_a_sink_that_holds_the_alert_is_not_sent_it_again(tmp_path: Path) -> None:
    journal = AlertJournal(tmp_path / "state", ["file"])
    journal.record(_alert("in-doubt"))
    journal.close()
    sink = _LedgerSink(tmp_path / "out.txt", held={"in-doubt"})
    summary = _pipeline(tmp_path, sinks=[sink]).run()
    assert summary.redelivered == 0 and summary.undelivered == 0
    assert FileSink.lines_uids(tmp_path / "out.txt") == []


def test_failed_delivery_is_counted_and_retried_by_the_next_run(tmp_path: Path) -> None:
    log = _lines(tmp_path / "a.log", [(s, "k") for s in range(5)])
    failing = _pipeline(tmp_path, _file(log), sinks=[_FailingSink(tmp_path / "never")]).run()
    assert failing.undelivered == 2 and failing.alerts == 2
    assert any("collector refused" in p for p in failing.source_problems)
    retry = _pipeline(tmp_path, _file(log)).run()
    assert retry.redelivered == 2 and retry.undelivered == 0
    assert len(FileSink.lines_uids(tmp_path / "out.txt")) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "corrupt checkpoint"),
        (b'{"version": 99, "offsets": {}, "detectors": {}}', "version 99"),
        (b'{"version": 1, "offsets": [], "detectors": {}}', "must be objects"),
    ],
    ids=["not-json", "other-version", "wrong-shape"],
)
def test_unusable_checkpoint_is_an_error_naming_the_file_unless_starting_over(
    tmp_path: Path, content: bytes, message: str
) -> None:
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "checkpoint.json").write_bytes(content)
    log = _lines(tmp_path / "a.log", [(1, "k")])
    with pytest.raises(CheckpointError, match=message) as error:
        _pipeline(tmp_path, _file(log))
    assert "checkpoint.json" in str(error.value) and "--start-over" in str(error.value)
    summary = _pipeline(tmp_path, _file(log), start_over=True).run()
    assert summary.records == 1


def test_torn_last_journal_line_is_dropped_but_a_corrupt_middle_line_is_an_error(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state"
    journal = AlertJournal(state, ["file"])
    journal.record(_alert("a"))
    journal.close()
    path = state / "alerts.journal.jsonl"
    path.write_bytes(path.read_bytes() + b'{"t": "sent", "ui')
    assert AlertJournal(state, ["file"]).seen("a")
    assert path.read_bytes().endswith(b"\n")
    path.write_bytes(b"garbage\n" + path.read_bytes())
    with pytest.raises(JournalError, match=r"alerts\.journal\.jsonl:1"):
        AlertJournal(state, ["file"])


class _KeepLargest:
    """A grouper stand-in: passes alerts on, remembering how many it saw (state to carry)."""

    name = "grouper"

    def __init__(self) -> None:
        self.seen = 0

    def process(self, alert: Alert) -> Iterable[Alert]:
        self.seen += 1
        return (alert,)

    def flush(self, now: dt.datetime | None) -> Iterable[Alert]:
        return ()

    def snapshot(self) -> Mapping[str, Any]:
        return {"seen": self.seen}

    def restore(self, state: Mapping[str, Any]) -> None:
        self.seen = int(state["seen"])


def test_grouper_state_is_checkpointed_and_restored(tmp_path: Path) -> None:
    log = _lines(tmp_path / "a.log", [(s, "k") for s in range(5)])
    grouper = _KeepLargest()
    _pipeline(tmp_path, _file(log), grouper=grouper).run()
    again = _KeepLargest()
    _pipeline(tmp_path, _file(log), grouper=again).run()
    assert grouper.seen == 2 and again.seen == 2


def test_following_run_stops_on_request_and_keeps_open_windows(tmp_path: Path) -> None:
    log = _lines(tmp_path / "a.log", [(1, "k"), (2, "k"), (3, "k")])
    pipeline = _pipeline(tmp_path, _file(log))
    import threading

    result: list[Any] = []
    runner = threading.Thread(target=lambda: result.append(pipeline.run(follow=True)))
    runner.start()
    until(lambda: pipeline.summary.events == 3, 10, "three events")
    with log.open("a") as out:
        out.write(json.dumps({"t": 4, "key": "k"}) + "\n")
    until(lambda: pipeline.summary.events == 4, 10, "the appended event")
    pipeline.stop()
    runner.join(timeout=10)
    assert result and "TEST-WINDOW" not in result[0].alerts_by_rule
    state = json.loads((tmp_path / "state" / "checkpoint.json").read_text())
    assert state["detectors"]["window-count"]["windows"]["0|k"]["count"] == 4


class _Endless:
    """A fast in-memory source of ``count`` records over ``keys`` keys."""

    id = "memory"

    def __init__(self, count: int, keys: int = 1000) -> None:
        self.count = count
        self.keys = keys

    def read(self, start: int = 0, follow: bool = False) -> Iterator[RawRecord]:
        for number in range(start, self.count):
            data = f'{{"t": {number // 50}, "key": "k{number % self.keys}"}}'
            yield RawRecord(data, Position(self.id, number + 1, number + 1))

    def stop(self) -> None:
        return None


def _rss_bytes() -> int:
    statm = Path("/proc/self/statm")
    if not statm.exists():
        pytest.skip("resident memory is read from /proc (Linux)")
    return int(statm.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_memory_stays_bounded_under_load(tmp_path: Path) -> None:
    """150k records through a stateful detector: windows are closed by the watermark and the
    queue is bounded, so resident memory grows by little (measured: ~5 MiB for 1M records)."""
    pipeline = _pipeline(
        tmp_path, _Endless(150_000, keys=20_000), max_queue=1000, checkpoint_every_events=50_000
    )
    before = _rss_bytes()
    summary = pipeline.run()
    grown = (_rss_bytes() - before) / 2**20
    assert summary.events == 150_000 and summary.checkpoints == 4
    assert grown < 15, f"RSS grew by {grown:.0f} MiB (without watermark flushes: ~28 MiB)"


class _BrokenOnKey(WindowCountDetector):
    """Raises on events of one key and when its windows are flushed at the end."""

    def __init__(self, bad_key: str) -> None:
        super().__init__(name="broken")
        self.bad_key = bad_key

    def process(self, event: Any) -> list[Alert]:
        if event.fields.get("key") == self.bad_key:
            raise KeyError("boom")
        return list(super().process(event))

    def flush(self, now: dt.datetime | None) -> list[Alert]:
        if now is None:
            raise RuntimeError("cannot flush")
        return list(super().flush(now))


def test_a_failing_detector_is_reported_and_neither_ends_the_run_nor_starves_the_others(
    tmp_path: Path,
) -> None:
    log = _lines(tmp_path / "a.log", [(s, "k1" if s % 2 else "bad") for s in range(8)])
    pipeline = _pipeline(tmp_path, _file(log))
    pipeline.detectors = [_BrokenOnKey("bad"), WindowCountDetector()]
    summary = pipeline.run()
    assert (summary.records, summary.events) == (8, 8)
    # 4 events of the bad key, then the final flush
    assert summary.detector_failures == 5
    assert summary.detector_failure_examples[0].startswith("broken at ")
    assert str(log.resolve()) in summary.detector_failure_examples[0]
    assert "KeyError: 'boom'" in summary.detector_failure_examples[0]
    assert summary.detector_failure_examples[-1].startswith("broken at window flush")
    assert len(summary.detector_failure_examples) == 5
    # the healthy detector saw every event: both keys' windows are reported at the end
    assert summary.alerts_by_rule.get("TEST-WINDOW") == 2
