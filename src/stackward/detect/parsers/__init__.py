"""Log parsers: one module per format, each a :class:`~stackward.detect.interfaces.Parser`.

:data:`PARSERS` maps a format name (as in ``detect.sources[].format``) to its parser, in
the order :func:`parser_for` sniffs them; the ``json`` fallback comes last. Each parser keeps
the record's own field names and nesting, takes the event time from the record, and sets
the annotations of :data:`stackward.detect.event.ANNOTATIONS` its format carries.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from stackward.detect.event import Event
from stackward.detect.interfaces import ParseError, Parser, RawRecord
from stackward.detect.parsers.bedrock_invocation import BedrockInvocationParser
from stackward.detect.parsers.cloudtrail import CloudTrailParser
from stackward.detect.parsers.json import JsonParser
from stackward.detect.parsers.jupyter_access import JupyterAccessParser
from stackward.detect.parsers.k8s_audit import K8sAuditParser
from stackward.detect.parsers.litellm import LiteLLMParser
from stackward.detect.parsers.mlflow_access import MlflowAccessParser
from stackward.detect.parsers.openai_gateway import OpenAIGatewayParser
from stackward.detect.parsers.ray_access import RayAccessParser
from stackward.detect.parsers.s3_access import S3AccessParser

AUTO = "auto"
FALLBACK = "json"

PARSERS: dict[str, Parser] = {
    parser.name: parser
    for parser in (
        CloudTrailParser(),
        BedrockInvocationParser(),
        K8sAuditParser(),
        LiteLLMParser(),
        OpenAIGatewayParser(),
        S3AccessParser(),
        MlflowAccessParser(),
        JupyterAccessParser(),
        RayAccessParser(),
        JsonParser(),
    )
}

__all__ = [
    "AUTO",
    "PARSERS",
    "BedrockInvocationParser",
    "CloudTrailParser",
    "JsonParser",
    "JupyterAccessParser",
    "K8sAuditParser",
    "LiteLLMParser",
    "MlflowAccessParser",
    "OpenAIGatewayParser",
    "RayAccessParser",
    "S3AccessParser",
    "parse_record",
    "parser_for",
]


def parser_for(record: RawRecord) -> Parser | None:
    """The parser named by ``record.format``, or (``auto``) the first whose ``sniff``
    accepts the record; None when the name is unknown or nothing recognises the record."""
    if record.format != AUTO:
        return PARSERS.get(record.format)
    for parser in PARSERS.values():
        if parser.sniff(record):
            return parser
    return None


def parse_record(record: RawRecord) -> Iterator[Event]:
    """The events of ``record``; ParseError when no parser fits or the record is bad.

    Sniffing looks for key names, and a record can carry another format's key names in
    content its sender controls (request metadata, tags). So when the first parser that
    recognises a record cannot read it (a ParseError before its first event), the next
    parser that recognises it is tried, and so on; such content cannot make a record
    unreadable. The ``json`` fallback is tried only when no specific format recognised the
    record. The error reported is the first parser's.
    """
    if record.format != AUTO:
        parser = PARSERS.get(record.format)
        if parser is None:
            raise ParseError(f"unknown log format {record.format!r}")
        return parser.parse(record)
    first_error: ParseError | None = None
    for parser in PARSERS.values():
        if parser.name == FALLBACK and first_error is not None:
            break
        if not parser.sniff(record):
            continue
        try:
            events = parser.parse(record)
            head = next(events, None)
        except ParseError as exc:
            first_error = first_error or exc
            continue
        return iter(()) if head is None else chain((head,), events)
    if first_error is not None:
        raise first_error
    raise ParseError("no parser recognises this record (set the source's format)")
