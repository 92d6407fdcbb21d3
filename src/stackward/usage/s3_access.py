"""Amazon S3 server access logs into events.

The documented format: space-separated fields, the time in brackets, the request line,
referrer and user agent in quotes: bucket owner, bucket, [time], remote IP, requester,
request id, operation, key, "request-URI", HTTP status, error code, ... A requester of ``-``
is an anonymous request. Failed requests (status 400 and above) are no use of the data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from stackward.usage.events import AccessEvent, Action, LogReport, bounded_lines, open_text

ANONYMOUS = "*anonymous*"
_TOKEN = re.compile(r'\[[^\]]*\]|"(?:[^"\\]|\\.)*"|\S+')
_MIN_FIELDS = 10
_OPERATIONS: dict[str, Action] = {
    "REST.GET.OBJECT": "read",
    "REST.HEAD.OBJECT": "read",
    "REST.GET.BUCKET": "read",
    "REST.GET.OBJECT_TAGGING": "read",
    "REST.PUT.OBJECT": "write",
    "REST.POST.OBJECT": "write",
    "REST.POST.UPLOAD": "write",
    "REST.POST.UPLOADS": "write",
    "REST.PUT.PART": "write",
    "REST.COPY.OBJECT": "write",
    "REST.COPY.OBJECT_GET": "read",
    "REST.COPY.PART": "write",
    "REST.DELETE.OBJECT": "write",
    "REST.POST.MULTI_OBJECT_DELETE": "write",
    "REST.PUT.BUCKETPOLICY": "admin",
    "REST.PUT.ACL": "admin",
    "REST.PUT.OBJECT_ACL": "admin",
    "REST.PUT.BUCKET_ACL": "admin",
}


def read_s3_access(path: Path, problems: LogReport) -> Iterator[AccessEvent]:
    with open_text(path) as stream:
        for number, text in bounded_lines(stream, problems):
            if not text.strip():
                continue
            fields = _TOKEN.findall(text)
            if len(fields) < _MIN_FIELDS or not fields[2].startswith("["):
                problems.add(number, "not an S3 server access log line")
                continue
            time = _time(fields[2])
            if time is None:
                problems.add(number, f"time not read: {fields[2][:40]}")
                continue
            problems.saw(time)
            status = fields[9]
            if not status.isdigit():
                problems.add(number, f"HTTP status not read: {status[:20]!r}")
                continue
            action = _OPERATIONS.get(fields[6])
            if action is None or int(status) >= 400:
                continue
            yield AccessEvent(
                time=time,
                principal=ANONYMOUS if fields[4] == "-" else fields[4],
                action=action,
                target=_target(fields[1], fields[7], fields[8]),
                operation=fields[6],
                log=str(path),
                line=number,
            )


def _time(field: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.strptime(field.strip("[]"), "%d/%b/%Y:%H:%M:%S %z")
    except ValueError:
        return None
    return parsed.astimezone(dt.UTC)


def _target(bucket: str, key: str, request: str) -> str:
    """``s3://bucket/key``; a listing names the prefix it listed (``?prefix=``) or the bucket."""
    if key != "-":
        return f"s3://{bucket}/{unquote(key).strip('/')}".rstrip("/")
    parts = request.strip('"').split(" ")
    query = urlsplit(parts[1]).query if len(parts) > 1 else ""
    prefix = parse_qs(query).get("prefix", [""])[0].strip("/")
    return f"s3://{bucket}/{prefix}" if prefix else f"s3://{bucket}"


def bucket_of(target: str) -> str:
    """``s3://bucket/key`` -> ``s3://bucket``."""
    return "s3://" + target.removeprefix("s3://").split("/", 1)[0]
