"""Hostile and broken records give a ParseError naming the parser and the problem, never
another exception type, and a bad record in a file never hides the good ones."""

from __future__ import annotations

import gzip
import json
import random
import zlib

import pytest

from stackward.detect.event import Position
from stackward.detect.interfaces import ParseError, RawRecord
from stackward.detect.parsers import PARSERS
from stackward.detect.parsers.decoding import gunzip
from tests.detect.parsers.records import LOGS

TEN_MB = 10 * 1024 * 1024
CLOUDTRAIL_LINE = (LOGS / "cloudtrail/events.jsonl").read_text().splitlines()[0]
RECORDS_FILE = (LOGS / "cloudtrail/delivered_file.json").read_bytes()
GZIP_FILE = (LOGS / "cloudtrail/delivered_file.json.gz").read_bytes()
BEDROCK_GZIP = (LOGS / "bedrock_invocation/s3_delivery.json.gz").read_bytes()
GUNICORN = '127.0.0.1 - - [26/Nov/2026:15:43:17 +0000] "GET /health HTTP/1.1" 200 2 "-" "ua"'
JSON_FORMATS = [
    "cloudtrail",
    "bedrock_invocation",
    "k8s_audit",
    "litellm",
    "openai_gateway",
    "json",
]
ACCESS_FORMATS = ["s3_access", "mlflow_access", "jupyter_access", "ray_access"]


def bomb() -> bytes:
    """64 MiB of zeros in about 64 KiB: far past the inflation ratio cap."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    return b"".join([*(compressor.compress(block) for _ in range(64)), compressor.flush()])


def cloudtrail_with(**changes: object) -> str:
    record = json.loads(CLOUDTRAIL_LINE)
    record.update(changes)
    return json.dumps(record)


BAD: list[object] = [
    *(
        pytest.param(
            name,
            '{"eventVersion": "1.09", "eventSource": ',
            "not JSON",
            id=f"{name}-truncated-json",
        )
        for name in JSON_FORMATS
    ),
    *(
        pytest.param(name, "[1, 2]", "expected a JSON object", id=f"{name}-array")
        for name in JSON_FORMATS
    ),
    *(
        pytest.param(
            name, '{"a": "' + "x" * TEN_MB + '"}', "longer than 8 MiB", id=f"{name}-10mb-line"
        )
        for name in JSON_FORMATS
    ),
    *(
        pytest.param(name, "x" * TEN_MB, "longer than 8 MiB", id=f"{name}-10mb-line")
        for name in ACCESS_FORMATS
    ),
    *(
        pytest.param(name, b'{"k": "\xff\xfe"}', "not JSON", id=f"{name}-not-utf8")
        for name in JSON_FORMATS
    ),
    *(
        pytest.param(name, GZIP_FILE[:-40], "gzip data is truncated", id=f"{name}-truncated-gzip")
        for name in JSON_FORMATS
    ),
    *(
        pytest.param(
            name,
            b"\x1f\x8b\x08\x00" + bytes(6) + b"\xff\xff\xff\xff",
            "gzip data is corrupt",
            id=f"{name}-corrupt-gzip",
        )
        for name in JSON_FORMATS
    ),
    *(
        pytest.param(name, "[" * 200_000, "not JSON", id=f"{name}-deep-nesting")
        for name in JSON_FORMATS
    ),
    pytest.param("cloudtrail", bomb(), "gzip bomb", id="cloudtrail-gzip-bomb"),
    pytest.param("bedrock_invocation", bomb(), "gzip bomb", id="bedrock-gzip-bomb"),
    pytest.param(
        "cloudtrail",
        cloudtrail_with(eventTime=5),
        "eventTime: expected an ISO-8601 time string, got int",
        id="cloudtrail-time-int",
    ),
    pytest.param(
        "cloudtrail",
        cloudtrail_with(eventTime="yesterday"),
        "eventTime: not an ISO-8601 time",
        id="cloudtrail-time-text",
    ),
    pytest.param(
        "cloudtrail", cloudtrail_with(eventTime=None), "got null", id="cloudtrail-time-null"
    ),
    pytest.param(
        "cloudtrail",
        '{"Records": "all"}',
        "Records is not an array",
        id="cloudtrail-records-string",
    ),
    pytest.param(
        "cloudtrail",
        '{"detail-type": "AWS API Call via CloudTrail", "detail": 3}',
        "detail is not an object",
        id="cloudtrail-detail-int",
    ),
    pytest.param(
        "cloudtrail", '{"eventVersion": "1.09"}', "no eventName", id="cloudtrail-no-event-name"
    ),
    pytest.param(
        "bedrock_invocation",
        '{"schemaType": "ModelInvocationLog", "timestamp": []}',
        "timestamp: expected",
        id="bedrock-time-list",
    ),
    pytest.param(
        "bedrock_invocation",
        '{"schemaType": "Other", "timestamp": "2026-11-26T00:00:00Z"}',
        "schemaType",
        id="bedrock-other-schema",
    ),
    pytest.param(
        "k8s_audit",
        '{"auditID": "a", "verb": "get", "requestReceivedTimestamp": 5}',
        "expected an ISO-8601",
        id="k8s-time-int",
    ),
    pytest.param("k8s_audit", '{"auditID": "a", "verb": "get"}', "got null", id="k8s-no-time"),
    pytest.param(
        "k8s_audit",
        '{"kind": "EventList", "items": {}}',
        "items is not an array",
        id="k8s-items-object",
    ),
    pytest.param(
        "litellm",
        '{"call_type": "completion", "startTime": true}',
        "got a boolean",
        id="litellm-time-bool",
    ),
    pytest.param(
        "litellm",
        '{"call_type": "completion", "startTime": "soon"}',
        "not an ISO-8601",
        id="litellm-time-text",
    ),
    pytest.param(
        "litellm",
        '{"call_type": "completion", "startTime": 1e300}',
        "out of range",
        id="litellm-time-huge",
    ),
    pytest.param(
        "litellm", '{"model": "m", "startTime": 1}', "no call_type", id="litellm-no-call-type"
    ),
    pytest.param(
        "openai_gateway",
        '{"timestamp": 1, "request": 5}',
        "no request body",
        id="openai-request-int",
    ),
    pytest.param(
        "openai_gateway", '{"request": {"model": "m"}}', "no time field", id="openai-no-time"
    ),
    pytest.param(
        "openai_gateway",
        '{"ts": 1, "request": "hello"}',
        "no request body",
        id="openai-request-plain-string",
    ),
    pytest.param(
        "openai_gateway",
        '{"ts": 1, "request": "{\\"a\\": "}',
        "not JSON",
        id="openai-request-truncated-string",
    ),
    pytest.param("json", '{"message": "no time here"}', "no time field", id="json-no-time"),
    pytest.param(
        "s3_access", "owner bucket [bad] 1.2.3.4", "not an S3 server access log line", id="s3-short"
    ),
    pytest.param(
        "s3_access",
        'o b [06/Feb/2019:00:00:38 +0000] 1.2.3.4 r id REST.GET.OBJECT k "GET / HTTP/1.1" abc - 1 1 1 1 "-" "ua"',
        "http_status: not a number",
        id="s3-status-text",
    ),
    pytest.param(
        "s3_access",
        'o b [06/Foo/2019:00:00:38 +0000] 1.2.3.4 r id REST.GET.OBJECT k "GET / HTTP/1.1" 200 - 1 1 1 1 "-" "ua"',
        "not a Common Log Format time",
        id="s3-bad-month",
    ),
    pytest.param(
        "mlflow_access",
        GUNICORN.replace("Nov/2026", "Nov/20x6"),
        "not a Common Log Format time",
        id="gunicorn-bad-time",
    ),
    pytest.param(
        "mlflow_access",
        b'127.0.0.1 - - [26/Nov/2026:15:43:17 +0000] "GET /\xff HTTP/1.1" 200 2 "-" "-"',
        "not UTF-8",
        id="gunicorn-not-utf8",
    ),
    pytest.param(
        "mlflow_access",
        'INFO:     127.0.0.1:5000 - "GET / HTTP/1.1" 200 OK',
        "without a time",
        id="uvicorn-no-time",
    ),
    pytest.param(
        "mlflow_access", "just some text", "not a gunicorn or uvicorn", id="mlflow-foreign"
    ),
    pytest.param(
        "jupyter_access",
        "[I 2026-99-99 10:00:00.000 ServerApp] 200 GET / (@1.2.3.4) 1.00ms",
        "not a time",
        id="jupyter-bad-date",
    ),
    pytest.param("jupyter_access", "{}", "not a Jupyter Server log line", id="jupyter-foreign"),
    pytest.param("jupyter_access", "[I 2026", "without the closing bracket", id="jupyter-cut"),
    pytest.param(
        "ray_access",
        "2026-11-26 15:43:19,335\tINFO web_log.py:229 -- 127.0.0.1 [26/Nov/2026:15:43:19 +0000] 'GET / HTTP/1.1' 2000 1 bytes 1 us '-' '-'",
        "unknown format",
        id="ray-bad-status",
    ),
    pytest.param(
        "ray_access",
        '127.0.0.1 [26/Nov/2026:25:43:19 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
        "not a Common Log Format time",
        id="aiohttp-bad-hour",
    ),
    pytest.param("ray_access", "plain text", "not a Ray dashboard", id="ray-foreign"),
]


@pytest.mark.parametrize(("name", "data", "problem"), BAD)
def test_bad_record_is_a_parse_error(name: str, data: str | bytes, problem: str) -> None:
    record = RawRecord(data, Position("bad-input", 0, 7), format=name)
    with pytest.raises(ParseError) as caught:
        list(PARSERS[name].parse(record))
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert problem in message
    assert len(message) < 400  # names the problem, never quotes the record


def test_bad_record_in_a_delivered_file_does_not_hide_the_good_ones() -> None:
    document = json.loads(RECORDS_FILE)
    document["Records"].insert(1, {"eventName": "GetObject", "eventTime": 5})
    document["Records"].insert(3, "not a record")
    record = RawRecord(json.dumps(document), Position("file", 0, 1))
    events = []
    with pytest.raises(
        ParseError, match=r"2 of 6 records not usable: #1: eventTime.*; #3: not a JSON"
    ):
        for event in PARSERS["cloudtrail"].parse(record):
            events.append(event)
    assert [event.position.index for event in events] == [0, 2, 4, 5]


def test_bad_line_in_a_bedrock_delivery_does_not_hide_the_good_ones() -> None:
    lines = gzip.decompress(BEDROCK_GZIP).splitlines()
    data = gzip.compress(b"\n".join([lines[0], b"{broken", lines[1]]))
    events = []
    with pytest.raises(ParseError, match="1 line"):
        for event in PARSERS["bedrock_invocation"].parse(RawRecord(data, Position("s3", 0))):
            events.append(event)
    assert len(events) == 2


def test_inflation_is_capped_in_size() -> None:
    with pytest.raises(ParseError, match="inflates past"):
        gunzip(gzip.compress(random.Random(7).randbytes(3 * 1024 * 1024)), limit=2 * 1024 * 1024)


def test_concatenated_gzip_members_are_all_read() -> None:
    data = gzip.compress(b'{"Records": [') + gzip.compress(b"]}")
    assert gunzip(data) == b'{"Records": []}'


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"userIdentity": "root"}, id="identity-string"),
        pytest.param({"requestParameters": [1, 2]}, id="parameters-list"),
        pytest.param({"resources": {"ARN": 5}}, id="resources-object"),
        pytest.param({"sourceIPAddress": 7, "errorCode": 403}, id="ip-and-error-numbers"),
        pytest.param({"eventName": 12}, id="event-name-number"),
    ],
)
def test_wrong_types_outside_the_time_keep_the_event(changes: dict[str, object]) -> None:
    """Fields are kept as logged; an annotation whose source has the wrong type is left out."""
    record = RawRecord(cloudtrail_with(**changes), Position("t", 0, 1))
    (event,) = PARSERS["cloudtrail"].parse(record)
    for key, value in changes.items():
        assert event.fields[key] == value
    assert all(isinstance(value, str) for value in event.annotations.values())
