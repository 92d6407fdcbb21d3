"""Amazon S3 server access log lines (space-separated, the time in brackets, the request
line, referrer and user agent in quotes), as named fields.

Fields, in the documented order: ``bucket_owner``, ``bucket``, ``time`` (as logged),
``remote_ip``, ``requester``, ``request_id``, ``operation``, ``key``, ``request_uri``,
``http_status`` (int), ``error_code``, ``bytes_sent`` (int), ``object_size`` (int),
``total_time`` (int, ms), ``turn_around_time`` (int, ms), ``referrer``, ``user_agent``,
``version_id``, ``host_id``, ``signature_version``, ``cipher_suite``,
``authentication_type``, ``host_header``, ``tls_version``, ``access_point_arn``,
``acl_required``, ``source_region``; then the parsed request line: ``method``, ``path``,
``query``, ``protocol``. ``-`` becomes ``None``; fields S3 adds later are kept in
``extra_fields``. Older lines with fewer fields have ``None`` for the missing ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from stackward.detect.event import Event, LogSource
from stackward.detect.interfaces import ParseError, RawRecord
from stackward.detect.parsers.access_log import access_line, add_request, number, optional
from stackward.detect.parsers.decoding import sniff_head
from stackward.detect.parsers.guard import guarded
from stackward.detect.parsers.timestamps import clf_time

FIELDS = (
    "bucket_owner",
    "bucket",
    "time",
    "remote_ip",
    "requester",
    "request_id",
    "operation",
    "key",
    "request_uri",
    "http_status",
    "error_code",
    "bytes_sent",
    "object_size",
    "total_time",
    "turn_around_time",
    "referrer",
    "user_agent",
    "version_id",
    "host_id",
    "signature_version",
    "cipher_suite",
    "authentication_type",
    "host_header",
    "tls_version",
    "access_point_arn",
    "acl_required",
    "source_region",
)
_NUMBERS = ("http_status", "bytes_sent", "object_size", "total_time", "turn_around_time")
_MIN_FIELDS = 17
_TOKEN = re.compile(r'\[[^\]]*\]|"(?:[^"\\]|\\.)*"|\S+')
_OPERATION_PREFIXES = ("REST.", "WEBSITE.", "BATCH.", "SOAP.", "S3.")


class S3AccessParser:
    name = "s3_access"
    logsource = LogSource("aws", "s3", "")

    def sniff(self, record: RawRecord) -> bool:
        parts = sniff_head(record).split(" ", 8)
        return (
            len(parts) == 9
            and parts[2][:1] == "["
            and parts[3][-1:] == "]"
            and parts[7].startswith(_OPERATION_PREFIXES)
        )

    def parse(self, record: RawRecord) -> Iterator[Event]:
        return guarded(self.name, self._events(record))

    def _events(self, record: RawRecord) -> Iterator[Event]:
        tokens = _TOKEN.findall(access_line(record))
        if len(tokens) < _MIN_FIELDS or not tokens[2].startswith("["):
            raise ParseError("not an S3 server access log line")
        fields: dict[str, Any] = {}
        for name, token in zip(FIELDS, tokens, strict=False):
            fields[name] = optional(token[1:-1] if token[:1] in '["' else token)
        for name in FIELDS[len(tokens) :]:
            fields[name] = None
        if len(tokens) > len(FIELDS):
            fields["extra_fields"] = tokens[len(FIELDS) :]
        for name in _NUMBERS:
            fields[name] = number(fields[name], name)
        add_request(fields, fields["request_uri"] or "")
        fields.pop("request")
        time = clf_time(fields["time"] or "", "time")
        yield Event(time, self.logsource, self.name, fields, record.position, _notes(fields))


def _notes(fields: dict[str, Any]) -> dict[str, Any]:
    notes: dict[str, Any] = {"action": fields["operation"] or ""}
    if fields["requester"]:
        notes["actor"] = fields["requester"]
    if fields["remote_ip"]:
        notes["source_ip"] = fields["remote_ip"]
    if fields["bucket"]:
        key = fields["key"]
        notes["target"] = f"{fields['bucket']}/{key}" if key else fields["bucket"]
    status = fields["error_code"] or fields["http_status"]
    if status is not None:
        notes["status"] = status
    return notes
