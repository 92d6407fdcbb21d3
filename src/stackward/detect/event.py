"""The normalised event: one log record, its time, where it came from, and its fields.

Fields keep the record's own structure and names (``userIdentity.arn`` stays reachable as
that dotted path), so Sigma rules written for the native log format match without a field
mapping that loses nesting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

ANNOTATION_PREFIX = "stackward."
NO_ANNOTATIONS: Mapping[str, Any] = MappingProxyType({})

MISSING: Any = object()
"""Returned by :meth:`Event.get` when a path is absent (distinct from a JSON ``null``)."""


class LogSource(NamedTuple):
    """Sigma's ``logsource``: what kind of log an event is. Empty parts mean "any"."""

    product: str = ""
    service: str = ""
    category: str = ""

    def covers(self, other: LogSource) -> bool:
        """Whether a rule written for ``self`` applies to events of ``other``."""
        return all(
            not mine or mine == theirs
            for mine, theirs in (
                (self.product, other.product),
                (self.service, other.service),
                (self.category, other.category),
            )
        )


class Position(NamedTuple):
    """Where a record sits in its source, for checkpoints and evidence. (A named tuple, as
    are records and events: one of each is made per log line, and a tuple is built several
    times faster than a frozen dataclass.)

    ``source`` is the source's stable id (a resolved file path, ``syslog-udp:127.0.0.1:5514``,
    ``s3://bucket/prefix``); ``offset`` is what resumes reading *after* this record: the byte
    offset following it in a file, or a receiver's sequence number. ``line`` is the 1-based line
    (or record) number for people; ``index`` tells apart several events from one record (the
    ``Records`` of one CloudTrail file).
    """

    source: str
    offset: int
    line: int = 0
    index: int = 0  # type: ignore[assignment]  # a field, shadowing tuple.index

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else f"{self.source}@{self.offset}"
        return f"{where}#{self.index}" if self.index else where


class LazyAnnotations(Mapping[str, Any]):
    """Annotations computed from an event's fields on first use. Most events of a busy log
    match no rule and reach no detector that reads them, so a parser of such a log (CloudTrail,
    Kubernetes audit) defers the work; reading any key computes them all once."""

    __slots__ = ("_compute", "_fields", "_values")

    def __init__(
        self, compute: Callable[[Mapping[str, Any]], dict[str, Any]], fields: Mapping[str, Any]
    ) -> None:
        self._compute = compute
        self._fields = fields
        self._values: dict[str, Any] | None = None

    def _resolved(self) -> dict[str, Any]:
        values = self._values
        if values is None:
            values = self._values = self._compute(self._fields)
        return values

    def __getitem__(self, key: str) -> Any:
        return self._resolved()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._resolved().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._resolved())

    def __len__(self) -> int:
        return len(self._resolved())

    def __repr__(self) -> str:
        return repr(self._resolved())


class Event(NamedTuple):
    """One normalised log event.

    ``time`` is the event's own time (UTC, aware), never the time it was read: windows and
    sequences are computed on it, so a replay gives the same alerts as the live run.
    ``format`` is the parser's name (``cloudtrail``, ``k8s_audit``, ``litellm``, ...).
    ``fields`` is the parsed record (nested mappings and lists, JSON types only).
    """

    time: dt.datetime
    logsource: LogSource
    format: str
    fields: Mapping[str, Any]
    position: Position
    annotations: Mapping[str, Any] = NO_ANNOTATIONS
    """Values a parser derives for detectors, under stable names shared across formats
    (see :data:`ANNOTATIONS`); never consulted by Sigma rules unless they name them."""

    def get(self, path: str) -> Any:
        """The value at a dotted ``path``, or :data:`MISSING`.

        A key that itself contains dots (``"eventData.a.b"`` written flat) is found too: at each
        level the longest key that matches a prefix of the remaining path wins. A path under
        ``stackward.`` reads the annotations (``stackward.api_key``), so one rule can cover
        every gateway format.
        """
        if path.startswith(ANNOTATION_PREFIX):
            return self.annotations.get(path[len(ANNOTATION_PREFIX) :], MISSING)
        return lookup(self.fields, path)


ANNOTATIONS = {
    "actor": "who did it: principal ARN, user name, service account, API key id (redacted)",
    "api_key": "the API key or virtual key id a gateway request used (redacted form)",
    "source_ip": "the client address",
    "action": "the operation (eventName, verb, HTTP method + route)",
    "target": "the resource acted on (model id, bucket/key, namespace/name)",
    "model": "the model a request named",
    "prompt": "the prompt text (user and system turns joined), for content detectors",
    "system_prompt": "the system turn alone, when the log keeps it",
    "response": "the model's answer text, for leakage detectors",
    "input_tokens": "prompt tokens (int)",
    "output_tokens": "completion tokens (int)",
    "status": "HTTP status or error code",
    "logprobs": "whether the request asked for logprobs / top_logprobs (bool)",
    "logit_bias": "whether the request set logit_bias (bool)",
    "prompt_truncated": "the prompt annotation was cut to its size bound (bool)",
    "response_truncated": "the response annotation was cut to its size bound (bool)",
}
"""The annotation names parsers may set. Content and rate detectors read only these."""


def lookup(fields: Mapping[str, Any], path: str) -> Any:
    """Dotted-path lookup over nested mappings; see :meth:`Event.get`."""
    node: Any = fields
    rest = path
    while True:
        if not isinstance(node, Mapping):
            return MISSING
        if rest in node:
            return node[rest]
        parts = rest.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            key = ".".join(parts[:cut])
            if key in node:
                node = node[key]
                rest = ".".join(parts[cut:])
                break
        else:
            return MISSING
