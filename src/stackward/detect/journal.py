"""The alert journal: every alert is written here (fsynced) before any sink sees it.

Why: after a ``kill -9`` the pipeline restores its last checkpoint and re-reads the sources
from there, so the detectors produce again the alerts of the records after that checkpoint.
Their uids are deterministic (:func:`~stackward.detect.alert.alert_uid`), so the journal
recognises them and they are not delivered twice; and an alert that was journalled but not
yet delivered to some sink when the process died is delivered on restart.

Format: JSON Lines, append-only. The first line is a header ``{"t": "head", "generation": n}``;
then ``{"t": "alert", "uid": ..., "alert": {...}}`` when an alert is accepted, and
``{"t": "sent", "uid": ..., "sink": ...}`` once a sink took it. A torn last line (the process
died mid-write) is ignored and cut off before the next append. :meth:`AlertJournal.compact`
rewrites the file at a checkpoint (temp file, fsync, rename, fsync directory) keeping the
alerts still owed to a sink whole and the uids of the most recent delivered ones, so the file
stays bounded while a long stream runs.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from stackward.detect.alert import Alert
from stackward.detect.alert_json import alert_from_json, alert_to_json

JOURNAL_NAME = "alerts.journal.jsonl"
REMEMBERED_UIDS = 100_000
"""Delivered uids kept across compactions, to recognise alerts a replay produces again."""
COMPACT_AFTER = 10_000
"""Entries appended before a checkpoint rewrites the journal."""


class JournalError(RuntimeError):
    """The journal cannot be read or written; names the file and the problem."""


class AlertJournal:
    """Alerts accepted, and which sinks have taken each; see the module docstring."""

    def __init__(
        self,
        state_dir: Path,
        sinks: Sequence[str],
        remembered: int = REMEMBERED_UIDS,
        compact_after: int = COMPACT_AFTER,
    ) -> None:
        self.path = state_dir / JOURNAL_NAME
        self.sinks = tuple(sinks)
        self.remembered = remembered
        self.generation = 0
        self._pending: OrderedDict[str, tuple[Alert, set[str]]] = OrderedDict()
        """uid → (alert, sinks that still have to take it)."""
        self._done: OrderedDict[str, None] = OrderedDict()
        """uids every sink has taken (insertion order, oldest first)."""
        self._fd: int | None = None
        self._appended = 0
        self.compact_after = compact_after
        state_dir.mkdir(parents=True, exist_ok=True)
        self._load()

    # -- reading ---------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self._rewrite()
            return
        except OSError as exc:
            raise JournalError(f"{self.path}: cannot read the alert journal: {exc}") from None
        complete = raw[: raw.rfind(b"\n") + 1]
        for number, line in enumerate(complete.splitlines(), start=1):
            try:
                self._replay(orjson.loads(line))
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise JournalError(
                    f"{self.path}:{number}: corrupt alert journal entry ({exc}); move the file "
                    "away to start over (alerts may then be delivered again)"
                ) from None
        if len(complete) != len(raw):
            with self.path.open("r+b") as handle:
                handle.truncate(len(complete))
                os.fsync(handle.fileno())

    def _replay(self, entry: Mapping[str, Any]) -> None:
        kind = entry["t"]
        if kind == "head":
            self.generation = int(entry["generation"])
        elif kind == "alert":
            uid = str(entry["uid"])
            if uid not in self._done and uid not in self._pending:
                owed = set(entry.get("owed", self.sinks)) & set(self.sinks)
                self._settle(uid, alert_from_json(entry["alert"]), owed)
        elif kind == "done":
            self._remember(str(entry["uid"]))
        elif kind == "sent":
            uid = str(entry["uid"])
            if uid in self._pending:
                alert, owed = self._pending[uid]
                owed.discard(str(entry["sink"]))
                self._settle(uid, alert, owed)
        else:
            raise ValueError(f"unknown entry type {kind!r}")

    # -- questions -------------------------------------------------------------------------

    def seen(self, uid: str) -> bool:
        """Whether an alert with this uid was journalled before (delivered or owed)."""
        return uid in self._pending or uid in self._done

    def owed(self) -> list[tuple[Alert, tuple[str, ...]]]:
        """Alerts journalled but not yet taken by every sink, oldest first, with the sinks
        that still have to take each."""
        return [(alert, tuple(sorted(sinks))) for alert, sinks in self._pending.values()]

    @property
    def position(self) -> dict[str, int]:
        """Where the journal stands, for the checkpoint: generation and size in bytes."""
        try:
            size = self.path.stat().st_size
        except OSError:
            size = 0
        return {"generation": self.generation, "bytes": size}

    # -- writing ---------------------------------------------------------------------------

    def record(self, alert: Alert) -> bool:
        """Journal a new alert (fsynced before returning); False when its uid is known."""
        if self.seen(alert.uid):
            return False
        self._append({"t": "alert", "uid": alert.uid, "alert": alert_to_json(alert)}, sync=True)
        self._settle(alert.uid, alert, set(self.sinks))
        return True

    def sent(self, uid: str, sink: str, sync: bool = False) -> None:
        """Mark that ``sink`` took the alert ``uid``. Written at once (so it survives the
        process being killed) but fsynced only by :meth:`sync` at the next checkpoint: a
        machine crash before then may deliver that alert again, never lose it."""
        pending = self._pending.get(uid)
        if pending is None or sink not in pending[1]:
            return
        self._append({"t": "sent", "uid": uid, "sink": sink}, sync=sync)
        pending[1].discard(sink)
        self._settle(uid, *pending)

    def sync(self) -> None:
        """Flush every entry to the disk (before a checkpoint refers to the journal)."""
        if self._fd is not None:
            os.fsync(self._fd)

    def compact(self, force: bool = False) -> bool:
        """Rewrite the journal with what a restart still needs (a new generation), once
        ``compact_after`` entries were appended since the last rewrite or when ``force``."""
        if not force and self._appended < self.compact_after:
            return False
        self.generation += 1
        self._rewrite()
        return True

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _settle(self, uid: str, alert: Alert, owed: set[str]) -> None:
        if owed:
            self._pending[uid] = (alert, owed)
        else:
            self._pending.pop(uid, None)
            self._remember(uid)

    def _remember(self, uid: str) -> None:
        self._done[uid] = None
        self._done.move_to_end(uid)
        while len(self._done) > self.remembered:
            self._done.popitem(last=False)

    def _append(self, entry: Mapping[str, Any], sync: bool) -> None:
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            except OSError as exc:
                raise JournalError(f"{self.path}: cannot open the alert journal: {exc}") from None
        try:
            os.write(self._fd, orjson.dumps(entry) + b"\n")
            self._appended += 1
            if sync:
                os.fsync(self._fd)
        except OSError as exc:
            raise JournalError(f"{self.path}: cannot write the alert journal: {exc}") from None

    def _rewrite(self) -> None:
        self.close()
        lines = [orjson.dumps({"t": "head", "generation": self.generation})]
        lines.extend(orjson.dumps({"t": "done", "uid": uid}) for uid in self._done)
        for uid, (alert, owed) in self._pending.items():
            entry = {"t": "alert", "uid": uid, "owed": sorted(owed), "alert": alert_to_json(alert)}
            lines.append(orjson.dumps(entry))
        write_atomically(self.path, b"\n".join(lines) + b"\n")
        self._appended = 0


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file, whole:
    write a temporary file beside it, fsync, rename over, fsync the directory."""
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    temporary.replace(path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
