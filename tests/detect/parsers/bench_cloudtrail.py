"""CloudTrail JSON Lines parse throughput: ``python -m tests.detect.parsers.bench_cloudtrail``.

Writes a synthetic file of N single-event lines (varied principals, buckets, keys, models
and times, realistic record size) to a temporary directory, reads it back as RawRecords
and times ``CloudTrailParser.parse`` alone (reading lines is not counted), next to a bare
``orjson.loads`` of the same lines for scale. Not a test: run
by hand; prints events per second.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import orjson

from stackward.detect.event import Position
from stackward.detect.interfaces import RawRecord
from stackward.detect.parsers.cloudtrail import CloudTrailParser

LINES = 200_000


def synthetic_record(number: int) -> dict[str, object]:
    role = f"role-{number % 37}"
    second = number % 86400
    stamp = f"2026-11-26T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z"
    s3 = number % 3 != 0
    return {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": f"AROAEXAMPLE{number % 37:06d}:session-{number % 11}",
            "arn": f"arn:aws:sts::111122223333:assumed-role/{role}/session-{number % 11}",
            "accountId": "111122223333",
            "accessKeyId": f"ASIAEXAMPLE{number % 101:09d}",
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "arn": f"arn:aws:iam::111122223333:role/{role}",
                    "userName": role,
                },
                "attributes": {"creationDate": "2026-11-26T00:00:00Z", "mfaAuthenticated": "false"},
            },
        },
        "eventTime": stamp,
        "eventSource": "s3.amazonaws.com" if s3 else "bedrock.amazonaws.com",
        "eventName": "GetObject" if s3 else "InvokeModel",
        "awsRegion": "eu-west-1",
        "sourceIPAddress": f"198.51.100.{number % 250}",
        "userAgent": "[aws-sdk-python/1.35.0]",
        "requestParameters": (
            {"bucketName": f"bucket-{number % 13}", "key": f"data/part-{number}.parquet"}
            if s3
            else {"modelId": "anthropic.claude-3-haiku-20240307-v1:0"}
        ),
        "responseElements": None,
        "requestID": f"REQ{number:012d}",
        "eventID": f"00000000-0000-4000-8000-{number:012d}",
        "readOnly": True,
        "eventType": "AwsApiCall",
        "managementEvent": not s3,
        "recipientAccountId": "111122223333",
        "eventCategory": "Data" if s3 else "Management",
    }


def main(lines: int = LINES) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "cloudtrail.jsonl"
        with path.open("wb") as out:
            for number in range(lines):
                out.write(orjson.dumps(synthetic_record(number)) + b"\n")
        source = str(path)
        records = [
            RawRecord(line, Position(source, 0, number))
            for number, line in enumerate(path.read_text().splitlines(), start=1)
        ]
    size = sum(len(record.data) for record in records)
    started = time.perf_counter()
    for record in records:
        orjson.loads(record.data)
    baseline = time.perf_counter() - started
    parser = CloudTrailParser()
    started = time.perf_counter()
    count = sum(1 for record in records for _ in parser.parse(record))
    elapsed = time.perf_counter() - started
    print(f"{count} events ({size / count:.0f} chars each) in {elapsed:.2f} s")
    print(f"{count / elapsed:,.0f} events/s (CloudTrailParser.parse, JSON Lines)")
    print(f"orjson.loads alone on the same lines: {len(records) / baseline:,.0f} lines/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else LINES)
