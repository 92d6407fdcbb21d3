"""What every source shares: a bounded log of the problems it met while reading.

A source never raises for one bad input (an oversized line, an unreadable file, a malformed
syslog frame): it counts it here, quotes the first few, and reads on. The pipeline adds these
to its summary, so nothing is dropped silently.
"""

from __future__ import annotations

import ssl
import threading
from collections import Counter
from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from stackward.detect.interfaces import SourceError
from stackward.tls import ReceiverTls, TlsSetupError, server_context

EXAMPLES = 5
"""Problems quoted per kind; the rest are counted."""


class ProblemLog:
    """Problems by kind (``line too long``, ``unreadable file``...): counts and examples."""

    def __init__(self, examples: int = EXAMPLES) -> None:
        self.examples = examples
        self.counts: Counter[str] = Counter()
        self.quoted: list[str] = []
        self._lock = threading.Lock()

    def add(self, kind: str, where: str, detail: str = "") -> None:
        """Count one problem of ``kind`` at ``where`` (a file and line, a peer address)."""
        with self._lock:
            self.counts[kind] += 1
            if self.counts[kind] <= self.examples:
                text = f"{where}: {kind}" + (f" ({detail})" if detail else "")
                self.quoted.append(text[:500])

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        """The quoted examples, then one line per kind with more than were quoted."""
        with self._lock:
            more = [
                f"{count - self.examples} more: {kind}"
                for kind, count in self.counts.items()
                if count > self.examples
            ]
            return [*self.quoted, *more]


def decode(data: bytes) -> str:
    """Log bytes as text: UTF-8, invalid bytes replaced (a line is never refused for them)."""
    return data.decode("utf-8", errors="replace")


@runtime_checkable
class ResumableSource(Protocol):
    """A source that resumes several record streams at once (a glob of files, the objects of
    a prefix: one offset each). The pipeline hands it every checkpointed offset before
    ``read``."""

    def resume(self, offsets: Mapping[str, int]) -> None: ...


@runtime_checkable
class CommittingSource(Protocol):
    """A source told when a checkpoint holds its offsets (a receiver's spool then deletes
    what was processed)."""

    def committed(self, offsets: Mapping[str, int]) -> None: ...


def receiver_context(source_id: str, settings: ReceiverTls | None) -> ssl.SSLContext | None:
    """A network receiver's TLS server context (None without TLS); :class:`SourceError`
    naming the source and the file that cannot be read."""
    if settings is None:
        return None
    try:
        return server_context(settings)
    except TlsSetupError as exc:
        raise SourceError(f"{source_id}: {exc}") from None
