"""Log objects under an S3 prefix (CloudTrail delivery, S3 access logs, Bedrock invocation
logs), listed every ``poll_seconds`` when followed and read once each, oldest first.

Read-only: ``ListObjectsV2`` and ``GetObject``, nothing else. Each object is its own record
stream: ``Position.source`` is ``s3://bucket/key`` and ``Position.offset`` the number of its
records (lines) done. When an object has been read to its end the source yields a
position-only record with offset :data:`FINISHED`, so the checkpoint says which objects are
done, whatever their keys (CloudTrail's regions and days interleave in key order).

Every listing covers the whole prefix and objects are read in (LastModified, key) order. So
that neither the listing's work nor the checkpoint grows with the bucket's history, the source
keeps a *floor*: objects last modified before it are taken as read. After each pass over a
listing the floor moves to the newest LastModified seen minus ``late_seconds`` (default one
hour: CloudTrail delivers within minutes; a multipart upload's LastModified is when it began).
The floor is checkpointed too, as a position-only record of ``s3-floor://bucket/prefix``
whose offset is the floor in epoch seconds. An object that first appears more than
``late_seconds`` after objects newer than it is not read; nothing else is skipped.

Gzip objects are decompressed as a stream, with a cap on the decompressed size. One line is
one record (a CloudTrail file is one JSON line: one record holding its ``Records``); a line
longer than ``max_record_bytes`` is counted as a problem and skipped. An object that cannot be
read is reported and counted as done.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import zlib
from collections.abc import Iterator, Mapping
from typing import Any

from stackward.detect.event import Position
from stackward.detect.interfaces import RawRecord, SourceError, position_only
from stackward.detect.sources.base import ProblemLog, decode

MAX_RECORD_BYTES = 64 * 2**20
MAX_OBJECT_BYTES = 4 * 2**30
"""Decompressed bytes read from one object at most; the rest is reported, not read."""
CHUNK_BYTES = 1 * 2**20
LATE_SECONDS = 3600.0
FINISHED = -1
"""The checkpointed offset of an object read to its end."""
_URL = re.compile(r"^s3://(?P<bucket>[^/]+)/?(?P<prefix>.*)$")


class S3LogSource:
    """Implements :class:`~stackward.detect.interfaces.Source` over one bucket prefix."""

    def __init__(
        self,
        url: str,
        client: Any,
        format: str = "auto",
        poll_seconds: float = 60.0,
        max_record_bytes: int = MAX_RECORD_BYTES,
        max_object_bytes: int = MAX_OBJECT_BYTES,
        late_seconds: float = LATE_SECONDS,
    ) -> None:
        match = _URL.match(url)
        if match is None:
            raise ValueError(f"not an s3:// URL: {url!r}")
        self.bucket = match["bucket"]
        self.prefix = match["prefix"]
        self.id = url
        self.client = client
        self.format = format
        self.poll_seconds = poll_seconds
        self.max_record_bytes = max_record_bytes
        self.max_object_bytes = max_object_bytes
        self.late_seconds = late_seconds
        self.problems = ProblemLog()
        self.floor_id = f"s3-floor://{self.bucket}/{self.prefix}"
        self._floor: float | None = None
        """Epoch seconds; objects last modified before it are taken as read."""
        self._finished: dict[str, float] = {}
        """Keys read to their end, with their LastModified (dropped once below the floor)."""
        self._partial: dict[str, int] = {}
        """Keys a checkpoint left part-read, with their lines done."""
        self._stopped = threading.Event()

    def object_id(self, key: str) -> str:
        """The ``Position.source`` of one object."""
        return f"s3://{self.bucket}/{key}"

    def resume(self, offsets: Mapping[str, int]) -> None:
        """Take the checkpointed floor and per-object offsets of this prefix."""
        mine = f"s3://{self.bucket}/"
        for where, offset in offsets.items():
            if where == self.floor_id:
                self._floor = float(offset)
            elif where.startswith(mine) and where[len(mine) :].startswith(self.prefix):
                key = where[len(mine) :]
                if offset == FINISHED:
                    self._finished[key] = float("inf")
                else:
                    self._partial[key] = int(offset)

    def stop(self) -> None:
        self._stopped.set()

    def read(self, start: int = 0, follow: bool = False) -> Iterator[RawRecord]:
        """Records of every object not yet read; with ``follow``, poll for more."""
        while not self._stopped.is_set():
            listed = self._list()
            for key, modified in listed:
                if self._stopped.is_set():
                    return
                if key in self._finished:
                    self._finished[key] = modified  # a checkpoint's keys come without it
                    continue
                if self._floor is not None and modified < self._floor:
                    continue
                yield from self._read_object(key, self._partial.pop(key, 0))
                if self._stopped.is_set():
                    return  # part-read: the checkpoint has its lines done
                self._finished[key] = modified
                yield position_only(Position(self.object_id(key), FINISHED, 0))
            if listed:
                floor = max(modified for _, modified in listed) - self.late_seconds
                if self._floor is None or floor > self._floor:
                    self._floor = floor
                    self._finished = {k: m for k, m in self._finished.items() if m >= floor}
                    yield position_only(Position(self.floor_id, int(floor), 0))
            if not follow:
                return
            self._stopped.wait(self.poll_seconds)

    def _list(self) -> list[tuple[str, float]]:
        """Every key under the prefix with its LastModified (epoch seconds), oldest first
        (ListObjectsV2, paginated)."""
        listed: list[tuple[str, float]] = []
        request: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.prefix}
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(**request):
                for item in page.get("Contents", ()):
                    listed.append((str(item["Key"]), _epoch(item.get("LastModified"))))
        except Exception as exc:  # botocore raises many types; each is a SourceError here
            raise SourceError(f"{self.id}: cannot list objects: {_reason(exc)}") from None
        listed.sort(key=lambda pair: (pair[1], pair[0]))
        return listed

    def _read_object(self, key: str, done: int) -> Iterator[RawRecord]:
        where = self.object_id(key)
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except Exception as exc:  # as above: reported, the next object is read
            self.problems.add("unreadable object", where, _reason(exc))
            return
        number = 0
        try:
            for number, line in enumerate(self._lines(body, where), start=1):
                if self._stopped.is_set():
                    return
                if number <= done or line is None:
                    continue
                text = line.rstrip(b"\r")
                if text.strip():
                    yield RawRecord(decode(text), Position(where, number, number), self.format)
        except (OSError, zlib.error) as exc:
            self.problems.add("unreadable object", f"{where}:{number}", str(exc)[:200])
        finally:
            body.close()

    def _lines(self, body: Any, where: str) -> Iterator[bytes | None]:
        """Lines of an object body, gunzipped when it is gzip; ``None`` for an oversized one."""
        pending = bytearray()
        total = 0
        skipping = False
        for data in _decompressed(body, where, self.problems):
            total += len(data)
            if total > self.max_object_bytes:
                self.problems.add("object larger than the cap, rest not read", where)
                return
            pending += data
            if b"\n" not in data:
                if len(pending) > self.max_record_bytes:
                    pending.clear()
                    skipping = True
                continue
            lines = bytes(pending).split(b"\n")
            pending = bytearray(lines.pop())
            for line in lines:
                if skipping or len(line) > self.max_record_bytes:
                    skipping = False
                    self.problems.add("record longer than the cap skipped", where)
                    yield None
                else:
                    yield line
            if len(pending) > self.max_record_bytes:
                pending.clear()
                skipping = True
        if pending and not skipping:
            yield bytes(pending)


def _decompressed(body: Any, where: str, problems: ProblemLog) -> Iterator[bytes]:
    """The body's bytes, gunzipped (every member) when it starts as gzip, in pieces of at
    most ``CHUNK_BYTES`` so that a small bomb never expands all at once."""
    inflater: Any = None
    first = True
    while True:
        chunk = body.read(CHUNK_BYTES)
        if first:
            first = False
            if chunk[:2] == b"\x1f\x8b":
                inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        if not chunk:
            if inflater is not None and not inflater.eof:
                problems.add("truncated gzip object", where)
            return
        if inflater is None:
            yield chunk
            continue
        while chunk:
            if inflater.eof:
                inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            data = inflater.decompress(chunk, CHUNK_BYTES)
            if data:
                yield data
            chunk = inflater.unconsumed_tail or (inflater.unused_data if inflater.eof else b"")


def _epoch(modified: Any) -> float:
    """LastModified as epoch seconds (boto3 gives an aware datetime; 0 when missing, so
    such an object is read once and never taken as below the floor before it is)."""
    if isinstance(modified, dt.datetime):
        aware = modified if modified.tzinfo else modified.replace(tzinfo=dt.UTC)
        return aware.timestamp()
    return 0.0


def _reason(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        error = response.get("Error", {})
        return f"{error.get('Code', type(exc).__name__)}: {error.get('Message', '')}"[:200]
    return f"{type(exc).__name__}: {exc}"[:200]
