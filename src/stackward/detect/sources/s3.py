"""Log objects under an S3 prefix (CloudTrail delivery, S3 access logs, Bedrock invocation
logs), listed every ``poll_seconds`` when followed and read once each, in key order.

Read-only: ``ListObjectsV2`` and ``GetObject``, nothing else. Each object is its own record
stream: ``Position.source`` is ``s3://bucket/key`` and ``Position.offset`` the number of its
records (lines) done, so a checkpoint holds the key in a form a restart can use. Objects are
read in key order; on restart reading resumes at the greatest key in the checkpoint (skipping
its records already done) and goes on with the keys after it. An object whose key sorts
before one already read is therefore not read: point one source at a prefix whose keys grow
with time (CloudTrail's ``AWSLogs/<account>/CloudTrail/<region>/`` does).

Gzip objects are decompressed as a stream, with a cap on the decompressed size. One line is
one record (a CloudTrail file is one JSON line: one record holding its ``Records``); a line
longer than ``max_record_bytes`` is counted as a problem and skipped.
"""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Iterator, Mapping
from typing import Any

from stackward.detect.event import Position
from stackward.detect.interfaces import RawRecord, SourceError
from stackward.detect.sources.base import ProblemLog, decode

MAX_RECORD_BYTES = 64 * 2**20
MAX_OBJECT_BYTES = 4 * 2**30
"""Decompressed bytes read from one object at most; the rest is reported, not read."""
CHUNK_BYTES = 1 * 2**20
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
        self.problems = ProblemLog()
        self._after: tuple[str, int] | None = None
        """The greatest key of the checkpoint and its records done."""
        self._stopped = threading.Event()

    def object_id(self, key: str) -> str:
        """The ``Position.source`` of one object."""
        return f"s3://{self.bucket}/{key}"

    def resume(self, offsets: Mapping[str, int]) -> None:
        """Take the checkpointed per-object offsets; reading resumes at the greatest key."""
        mine = f"s3://{self.bucket}/"
        keys = [k for k in offsets if k.startswith(mine) and k[len(mine) :].startswith(self.prefix)]
        if keys:
            last = max(keys)
            self._after = (last[len(mine) :], int(offsets[last]))

    def stop(self) -> None:
        self._stopped.set()

    def read(self, start: int = 0, follow: bool = False) -> Iterator[RawRecord]:
        """Records of every object after the resume point; with ``follow``, poll for more."""
        while not self._stopped.is_set():
            for key in self._keys():
                if self._stopped.is_set():
                    return
                done = self._after[1] if self._after and self._after[0] == key else 0
                yield from self._read_object(key, done)
                self._after = (key, -1)
            if not follow:
                return
            self._stopped.wait(self.poll_seconds)

    def _keys(self) -> list[str]:
        """Keys under the prefix from the resume point on (ListObjectsV2, paginated)."""
        keys: list[str] = []
        request: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.prefix}
        if self._after is not None:
            request["StartAfter"] = (
                self._after[0] if self._after[1] < 0 else _before(self._after[0])
            )
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(**request):
                keys.extend(str(item["Key"]) for item in page.get("Contents", ()))
        except Exception as exc:  # botocore raises many types; each is a SourceError here
            raise SourceError(f"{self.id}: cannot list objects: {_reason(exc)}") from None
        keys.sort()
        if self._after is not None:
            last = self._after[0]
            keys = [k for k in keys if k > last or (k == last and self._after[1] >= 0)]
        return keys

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


def _before(key: str) -> str:
    """A StartAfter value that still lists ``key`` itself."""
    return key[:-1] if key else key


def _reason(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        error = response.get("Error", {})
        return f"{error.get('Code', type(exc).__name__)}: {error.get('Message', '')}"[:200]
    return f"{type(exc).__name__}: {exc}"[:200]
