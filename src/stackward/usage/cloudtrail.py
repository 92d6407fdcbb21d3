"""AWS CloudTrail data events into events: S3 object access, SageMaker and Bedrock calls.

Reads a CloudTrail file (``{"Records": [...]}``, possibly gzipped, as delivered to S3) or
JSON Lines of single records (as exported by CloudTrail Lake or a log pipeline). A record
with an ``errorCode`` (AccessDenied, NoSuchKey) is no use of the data. The principal is the
IAM role behind an assumed-role session, else ``userIdentity.arn``, else its principalId.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from stackward.usage.events import (
    MAX_LINE_BYTES,
    AccessEvent,
    Action,
    LogReport,
    bounded_lines,
    open_text,
    parse_timestamp,
)

MAX_FILE_CHARS = 128 * 1024 * 1024
"""A ``{"Records": [...]}`` file is one JSON document; bigger than this it is not read."""
ANONYMOUS = "anonymous"
_S3: dict[str, Action] = {
    "GetObject": "read",
    "HeadObject": "read",
    "ListObjects": "read",
    "ListObjectsV2": "read",
    "SelectObjectContent": "read",
    "PutObject": "write",
    "CopyObject": "write",
    "DeleteObject": "write",
    "DeleteObjects": "write",
    "CompleteMultipartUpload": "write",
    "PutBucketPolicy": "admin",
    "PutBucketAcl": "admin",
    "PutObjectAcl": "admin",
}
_OTHER: dict[tuple[str, str], Action] = {
    ("sagemaker.amazonaws.com", "InvokeEndpoint"): "read",
    ("sagemaker.amazonaws.com", "InvokeEndpointAsync"): "read",
    ("bedrock.amazonaws.com", "InvokeModel"): "read",
    ("bedrock.amazonaws.com", "InvokeModelWithResponseStream"): "read",
}


def read_cloudtrail(
    path: Path, problems: LogReport, buckets: set[str] | None = None
) -> Iterator[AccessEvent]:
    """``buckets`` collects every bucket the log mentions, used or denied: what it covers."""
    with open_text(path) as stream:
        records = _records(stream, problems)
        for number, record in records:
            event = _event(record, str(path), number, problems, buckets)
            if event is not None:
                yield event


def _records(stream: Any, problems: LogReport) -> Iterator[tuple[int, Any]]:
    """JSON Lines of records are streamed; a ``{"Records": [...]}`` document is one JSON
    value and is read whole, up to :data:`MAX_FILE_CHARS` (CloudTrail writes one file per
    few minutes, so these stay small)."""
    first = stream.readline(MAX_LINE_BYTES)
    try:
        value = json.loads(first) if first.strip() else None
    except (json.JSONDecodeError, RecursionError):
        value = None
    if isinstance(value, Mapping) and "Records" not in value:
        stream.seek(0)
        yield from _line_records(stream, problems)
        return
    rest = stream.read(MAX_FILE_CHARS)
    if stream.read(1):
        problems.add(1, f"file larger than {MAX_FILE_CHARS} characters; not read")
        return
    text = first + rest
    if not text.strip():
        return
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        if "\n" not in text.strip():
            problems.add(1, f"not JSON (truncated or malformed): {str(exc)[:120]}")
            return
        for number, line in enumerate(text.splitlines(), start=1):  # JSON Lines, bad 1st line
            if line.strip():
                yield from _one_line(number, line, problems)
        return
    if isinstance(document, Mapping) and isinstance(document.get("Records"), list):
        yield from enumerate(document["Records"], start=1)
    else:
        problems.add(1, 'neither {"Records": [...]} nor JSON Lines of CloudTrail records')


def _line_records(stream: Any, problems: LogReport) -> Iterator[tuple[int, Any]]:
    for number, line in bounded_lines(stream, problems):
        if line.strip():
            yield from _one_line(number, line, problems)


def _one_line(number: int, line: str, problems: LogReport) -> Iterator[tuple[int, Any]]:
    try:
        yield number, json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        problems.add(number, "not a JSON record (truncated or malformed)")


def _event(
    record: Any, log: str, number: int, problems: LogReport, buckets: set[str] | None
) -> AccessEvent | None:
    if not isinstance(record, Mapping):
        problems.add(number, "record is not a JSON object")
        return None
    source, name = record.get("eventSource"), record.get("eventName")
    params = record.get("requestParameters")
    params = params if isinstance(params, Mapping) else {}
    seen = parse_timestamp(str(record.get("eventTime", "")))
    if seen is not None:
        problems.saw(seen)
    if source == "s3.amazonaws.com" and buckets is not None and params.get("bucketName"):
        buckets.add(f"s3://{params['bucketName']}")
    action = _S3.get(str(name)) if source == "s3.amazonaws.com" else None
    action = action or _OTHER.get((str(source), str(name)))
    if action is None or record.get("errorCode"):
        return None
    time = seen
    target = _target(str(source), params, record)
    principal = _principal(record.get("userIdentity"))
    if time is None or not target or not principal:
        problems.add(number, f"{name} record without time, target or principal")
        return None
    return AccessEvent(time, principal, action, target, str(name), log, number)


def _target(source: str, params: Mapping[str, Any], record: Mapping[str, Any]) -> str:
    if source == "s3.amazonaws.com":
        bucket = params.get("bucketName")
        if not bucket:
            return ""
        key = str(params.get("key") or params.get("prefix") or "").strip("/")
        return f"s3://{bucket}/{key}" if key else f"s3://{bucket}"
    for resource in record.get("resources") or ():
        if isinstance(resource, Mapping) and resource.get("ARN"):
            return str(resource["ARN"])
    region, account = record.get("awsRegion", ""), record.get("recipientAccountId", "")
    if source == "sagemaker.amazonaws.com" and params.get("endpointName"):
        return f"arn:aws:sagemaker:{region}:{account}:endpoint/{params['endpointName']}".lower()
    model = str(params.get("modelId") or "")
    if model.startswith("arn:"):
        return model
    return f"arn:aws:bedrock:{region}::foundation-model/{model}" if model else ""


def _principal(identity: object) -> str:
    if not isinstance(identity, Mapping):
        return ""
    if identity.get("type") == "AWSAccount" and identity.get("principalId") in (
        "ANONYMOUS_PRINCIPAL",
        "",
        None,
    ):
        return ANONYMOUS
    if identity.get("type") == "AssumedRole":
        issuer = (identity.get("sessionContext") or {}).get("sessionIssuer") or {}
        if isinstance(issuer, Mapping) and issuer.get("arn"):
            return str(issuer["arn"])
    return str(identity.get("arn") or identity.get("principalId") or "")
