"""The protocols between detection stages. Each stage is a small unit behind one of these.

Flow: a :class:`Source` yields :class:`RawRecord` values; a :class:`Parser` turns each into
zero or more :class:`~stackward.detect.event.Event` values; every :class:`Detector` sees every
event and returns :class:`~stackward.detect.alert.Alert` values; the pipeline enriches alerts
from the inventory and hands them to every :class:`Sink`.

Errors: a parser raises :class:`ParseError` for a record it cannot use (the pipeline counts it
and reports source, line and problem; the stream goes on). Sources report problems the same
way through :class:`SourceError`, never a traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple, Protocol

from stackward.detect.alert import Alert, Enrichment
from stackward.detect.event import Event, LogSource, Position


class ParseError(ValueError):
    """A record a parser cannot use; the message names the problem (not the whole record)."""


class SourceError(RuntimeError):
    """A source cannot be read (missing file, refused bind, bad credentials); names which."""


class RawRecord(NamedTuple):
    """One record as a source read it: a line of a file, a syslog message, an HTTP body, an
    object from a bucket. ``data`` is text (decoded with replacement) or bytes for binary
    objects (gzip CloudTrail files); ``format`` is the format the source was configured with
    (``auto`` to let the parsers sniff); ``received`` is when stackward read it."""

    data: str | bytes
    position: Position
    format: str = "auto"
    received: dt.datetime | None = None
    meta: Mapping[str, Any] | None = None
    """Transport details (syslog facility, severity, app-name and host; HTTP path)."""


POSITION_ONLY = "stackward.position_only"
"""``RawRecord.meta`` key of a record that carries no data, only a position for the
checkpoint (an S3 object read to its end). The pipeline records its offset and nothing else."""


def position_only(position: Position) -> RawRecord:
    """A record that moves the checkpoint and is neither parsed nor counted."""
    return RawRecord("", position, meta={POSITION_ONLY: True})


class Source(Protocol):
    """A place records come from. ``read`` yields records from ``start`` (the checkpointed
    offset, 0 for the beginning) and, when ``follow`` is true, keeps waiting for more until
    ``stop`` is called. Receivers (syslog, HTTP) always follow."""

    id: str

    def read(self, start: int = 0, follow: bool = False) -> Iterator[RawRecord]: ...

    def stop(self) -> None: ...


class Parser(Protocol):
    """Turns raw records of one log format into events."""

    name: str
    logsource: LogSource

    def sniff(self, record: RawRecord) -> bool:
        """Whether ``record`` looks like this format (cheap; used when ``format`` is auto)."""
        ...

    def parse(self, record: RawRecord) -> Iterator[Event]: ...


class Detector(Protocol):
    """Sees every event in time order per source; stateful detectors keep bounded state.

    ``flush`` closes windows that ended before ``now`` (event time) and at the end of a batch
    run (``now`` is None); ``snapshot``/``restore`` carry state across a checkpoint so that a
    restart continues exactly where the last checkpoint left off.
    """

    name: str

    def process(self, event: Event) -> Iterable[Alert]: ...

    def flush(self, now: dt.datetime | None) -> Iterable[Alert]: ...

    def snapshot(self) -> Mapping[str, Any]: ...

    def restore(self, state: Mapping[str, Any]) -> None: ...


class Sink(Protocol):
    """Delivers alerts. ``emit`` is called once per alert uid; a sink that fails raises
    :class:`SinkError` after its own retries and the pipeline records the alert as undelivered."""

    name: str

    def emit(self, alert: Alert, enrichment: Enrichment) -> None: ...

    def close(self) -> None: ...


class SinkError(RuntimeError):
    """A sink could not deliver an alert after its retries."""
