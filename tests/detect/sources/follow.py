"""Run a source's ``read`` in a thread and collect what it yields, for follow-mode tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from stackward.detect.interfaces import RawRecord, Source


class Collector:
    """Reads ``source`` (following) in a background thread until :meth:`close`."""

    def __init__(self, source: Source, start: int = 0) -> None:
        self.source = source
        self.records: list[RawRecord] = []
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(start,), daemon=True)
        self._thread.start()

    def _run(self, start: int) -> None:
        try:
            for record in self.source.read(start, follow=True):
                self.records.append(record)
        except BaseException as exc:  # reported by close()
            self.error = exc

    @property
    def texts(self) -> list[Any]:
        return [record.data for record in self.records]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Any]:
        """The texts once at least ``count`` records arrived (fails after ``timeout``)."""
        until(lambda: len(self.records) >= count, timeout, f"{count} records")
        return self.texts

    def close(self) -> None:
        self.source.stop()
        self._thread.join(timeout=10)
        assert not self._thread.is_alive(), "the source did not stop"
        if self.error is not None:
            raise self.error


def until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
