"""OCSF Detection Findings as JSON Lines, appended and fsynced alert by alert."""

from __future__ import annotations

import json
import os
from collections.abc import Collection
from pathlib import Path

from stackward.detect.alert import Alert, Enrichment
from stackward.detect.interfaces import SinkError
from stackward.detect.ocsf import to_ocsf

READ_CHUNK = 1 << 20
MAX_LINE = 16 << 20
"""A line longer than this is not one we wrote; it is skipped when uids are read back."""


class JsonlAlertSink:
    """Appends one OCSF object per line to ``path``.

    Each alert is written, flushed and fsynced before :meth:`emit` returns (``sync=False``
    leaves the fsync to :meth:`flush`, for callers that deliver small batches). A line torn by
    a crash (no final newline) was never delivered: it is cut off when the file is reopened,
    so the next line starts clean. :meth:`delivered_uids` reads back the uids written after a
    byte offset, which lets the pipeline skip alerts a crash left delivered but not journalled.
    """

    name = "jsonl"

    def __init__(self, path: Path | str, sync: bool = True) -> None:
        self.path = Path(path)
        self.sync = sync
        self.written = 0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("ab")
            self._cut_torn_line()
        except OSError as exc:
            raise SinkError(f"{self.path}: cannot open alert file: {exc}") from None

    def _cut_torn_line(self) -> None:
        size = self._file.seek(0, os.SEEK_END)
        if size == 0:
            return
        with self.path.open("rb") as reader:
            start = max(0, size - READ_CHUNK)
            end = size
            while True:
                reader.seek(start)
                chunk = reader.read(end - start)
                cut = chunk.rfind(b"\n")
                if cut >= 0:
                    keep = start + cut + 1
                    break
                if start == 0:
                    keep = 0
                    break
                end = start
                start = max(0, start - READ_CHUNK)
        if keep < size:
            self._file.truncate(keep)
            self._file.seek(keep)

    def emit(self, alert: Alert, enrichment: Enrichment) -> None:
        line = json.dumps(to_ocsf(alert, enrichment), separators=(",", ":"), sort_keys=False)
        try:
            self._file.write(line.encode("utf-8") + b"\n")
            self.written += 1
            if self.sync:
                self.flush()
        except OSError as exc:
            raise SinkError(f"{self.path}: cannot write alert {alert.uid}: {exc}") from None

    def flush(self) -> None:
        """Make every written line durable (flush and fsync)."""
        self._file.flush()
        os.fsync(self._file.fileno())

    def size(self) -> int:
        """The byte offset where the next line will start."""
        self._file.flush()
        return self._file.tell()

    def delivered_uids(self, after: int = 0) -> set[str]:
        """Delivery uids (``metadata.uid``) of the complete lines after byte offset ``after``."""
        self._file.flush()
        uids: set[str] = set()
        with self.path.open("rb") as reader:
            reader.seek(max(0, after))
            while True:
                line = reader.readline(MAX_LINE)
                if not line.endswith(b"\n"):
                    break
                try:
                    uid = json.loads(line)["metadata"]["uid"]
                except (ValueError, KeyError, TypeError):
                    continue
                if isinstance(uid, str):
                    uids.add(uid)
        return uids

    def delivered(self, uids: Collection[str]) -> Collection[str]:
        """Which of ``uids`` the file already holds (read back once, at a restart that owes
        alerts), so an alert written just before a crash is not written again."""
        return set(uids) & self.delivered_uids(0) if uids else set()

    def close(self) -> None:
        if not self._file.closed:
            self.flush()
            self._file.close()
