"""S3 server access logs, CloudTrail data events and Kubernetes audit logs: uses and
non-uses (denied, in-flight, other resources), malformed and truncated input, gzip."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from stackward.usage.cloudtrail import read_cloudtrail
from stackward.usage.events import MAX_LINE_BYTES, LogReport
from stackward.usage.k8s_audit import read_k8s_audit
from stackward.usage.s3_access import read_s3_access

Use = tuple[str, str, str, str]
OWNER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
ROLE_ARN = "arn:aws:iam::123456789012:role/trainer"


def _s3_line(op: str, key: str, status: str, requester: str = ROLE_ARN, uri: str = "") -> str:
    request = uri or f"GET /training/{key} HTTP/1.1"
    return (
        f"{OWNER} training [06/Feb/2026:00:00:38 +0000] 192.0.2.3 {requester} 3E57427F3EXAMPLE"
        f' {op} {key} "{request}" {status} - 113 - 7 - "-" "aws-cli/2" - hostid= SigV4'
        " ECDHE-RSA-AES128-GCM-SHA256 AuthHeader training.s3.amazonaws.com TLSv1.2 - -"
    )


@pytest.mark.parametrize(
    ("lines", "expected", "bad"),
    [
        pytest.param(
            [_s3_line("REST.GET.OBJECT", "raw/users%20all.csv", "200")],
            [(ROLE_ARN, "read", "s3://training/raw/users all.csv", "REST.GET.OBJECT")],
            0,
            id="get-object",
        ),
        pytest.param(
            [_s3_line("REST.PUT.OBJECT", "raw/x.csv", "200", requester="-")],
            [("*anonymous*", "write", "s3://training/raw/x.csv", "REST.PUT.OBJECT")],
            0,
            id="anonymous-put",
        ),
        pytest.param(
            [
                _s3_line(
                    "REST.GET.BUCKET",
                    "-",
                    "200",
                    uri="GET /training?list-type=2&prefix=raw/ HTTP/1.1",
                )
            ],
            [(ROLE_ARN, "read", "s3://training/raw", "REST.GET.BUCKET")],
            0,
            id="list-prefix",
        ),
        pytest.param(
            [
                _s3_line("REST.GET.OBJECT", "raw/x.csv", "403"),
                _s3_line("REST.GET.OBJECT", "raw/x.csv", "404"),
                _s3_line("REST.GET.VERSIONING", "-", "200"),
            ],
            [],
            0,
            id="denied-missing-and-settings-are-no-use",
        ),
        pytest.param(
            ["garbage", "", _s3_line("REST.GET.OBJECT", "k", "2x")], [], 2, id="malformed"
        ),
    ],
)
def test_s3_access_log(tmp_path: Path, lines: list[str], expected: list[Use], bad: int) -> None:
    path = tmp_path / "access.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = LogReport(str(path))
    events = list(read_s3_access(path, problems))
    assert [(e.principal, e.action, e.target, e.operation) for e in events] == expected
    assert problems.count == bad


def _trail(name: str, source: str = "s3.amazonaws.com", **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "eventTime": "2026-11-20T10:00:00Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": "eu-west-1",
        "recipientAccountId": "123456789012",
        "userIdentity": {
            "type": "AssumedRole",
            "arn": "arn:aws:sts::123456789012:assumed-role/trainer/session-1",
            "sessionContext": {"sessionIssuer": {"arn": ROLE_ARN}},
        },
        "requestParameters": {"bucketName": "training", "key": "raw/users.csv"},
    }
    record.update(extra)
    return record


ANON = {"type": "AWSAccount", "principalId": "ANONYMOUS_PRINCIPAL", "accountId": "ANONYMOUS"}


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        pytest.param(
            [_trail("GetObject"), _trail("PutObject", userIdentity=ANON)],
            [
                (ROLE_ARN, "read", "s3://training/raw/users.csv", "GetObject"),
                ("anonymous", "write", "s3://training/raw/users.csv", "PutObject"),
            ],
            id="s3-assumed-role-and-anonymous",
        ),
        pytest.param(
            [
                _trail(
                    "InvokeEndpoint",
                    "sagemaker.amazonaws.com",
                    requestParameters={"endpointName": "Churn"},
                ),
                _trail(
                    "InvokeModel",
                    "bedrock.amazonaws.com",
                    requestParameters={"modelId": "anthropic.claude-v2"},
                ),
            ],
            [
                (
                    ROLE_ARN,
                    "read",
                    "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/churn",
                    "InvokeEndpoint",
                ),
                (
                    ROLE_ARN,
                    "read",
                    "arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-v2",
                    "InvokeModel",
                ),
            ],
            id="sagemaker-and-bedrock",
        ),
        pytest.param(
            [
                _trail("GetObject", errorCode="AccessDenied"),
                _trail("GetBucketLocation"),
                _trail("Decrypt", "kms.amazonaws.com"),
            ],
            [],
            id="denied-and-other-events-are-no-use",
        ),
    ],
)
@pytest.mark.parametrize("shape", ["records", "records-gzip", "json-lines"])
def test_cloudtrail(
    tmp_path: Path, records: list[dict[str, Any]], expected: list[Use], shape: str
) -> None:
    path = tmp_path / "trail.json"
    if shape == "json-lines":
        path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    else:
        text = json.dumps({"Records": records})
        if shape == "records-gzip":
            path = tmp_path / "trail.json.gz"
            path.write_bytes(gzip.compress(text.encode()))
        else:
            path.write_text(text, encoding="utf-8")
    problems = LogReport(str(path))
    buckets: set[str] = set()
    events = list(read_cloudtrail(path, problems, buckets))
    assert [(e.principal, e.action, e.target, e.operation) for e in events] == expected
    assert problems.count == 0
    assert buckets == {"s3://training"} or not any(
        r["eventSource"] == "s3.amazonaws.com" for r in records
    )


@pytest.mark.parametrize(
    ("content", "bad"),
    [
        pytest.param(json.dumps({"Records": [_trail("GetObject")]})[:60].encode(), 1, id="cut"),
        pytest.param(gzip.compress(json.dumps({"Records": []}).encode())[:20], 1, id="cut-gzip"),
        pytest.param(b'{"Records": 5}', 1, id="records-not-a-list"),
        pytest.param(
            (json.dumps(_trail("GetObject")) + "\n{not json\n[1]\n").encode(), 2, id="jsonl-bad"
        ),
    ],
)
def test_cloudtrail_malformed(tmp_path: Path, content: bytes, bad: int) -> None:
    path = tmp_path / "trail.json"
    path.write_bytes(content)
    problems = LogReport(str(path))
    try:
        list(read_cloudtrail(path, problems))
    except EOFError:
        problems.add(0, "truncated gzip")  # the reader reports this one as a Skipped
    assert problems.count == bad, problems.examples


def _audit(verb: str, resource: str, code: int = 200, **ref: str) -> str:
    return json.dumps(
        {
            "kind": "Event",
            "apiVersion": "audit.k8s.io/v1",
            "stage": ref.pop("stage", "ResponseComplete"),
            "verb": verb,
            "user": {"username": "system:serviceaccount:ml:trainer", "groups": ["x"]},
            "objectRef": {"resource": resource, **ref},
            "responseStatus": {"code": code},
            "stageTimestamp": "2026-11-20T10:00:00.000000Z",
        }
    )


SA = "system:serviceaccount:ml:trainer"


@pytest.mark.parametrize(
    ("lines", "expected", "bad"),
    [
        pytest.param(
            [_audit("get", "secrets", namespace="ml", name="db-creds")],
            [(SA, "read", "k8s:secret/ml/db-creds", "get secrets")],
            0,
            id="get-secret",
        ),
        pytest.param(
            [_audit("list", "secrets", namespace="ml")],
            [(SA, "read", "k8s:secret/ml/", "list secrets")],
            0,
            id="list-secrets-of-namespace",
        ),
        pytest.param(
            [_audit("create", "pods", namespace="ml", name="api-0", subresource="exec")],
            [(SA, "write", "k8s:pod/ml/api-0", "create pods/exec")],
            0,
            id="exec",
        ),
        pytest.param(
            [
                _audit("get", "secrets", 403, namespace="ml", name="db-creds"),
                _audit("get", "secrets", namespace="ml", name="db-creds", stage="RequestReceived"),
                _audit("get", "configmaps", namespace="ml", name="settings"),
                _audit("get", "pods", namespace="ml", name="api-0", subresource="log"),
            ],
            [],
            0,
            id="denied-in-flight-and-other-resources",
        ),
        pytest.param(
            [_audit("get", "secrets", namespace="ml", name="x")[:50], '{"kind": "Other"}'],
            [],
            2,
            id="truncated-and-not-an-event",
        ),
    ],
)
def test_k8s_audit(tmp_path: Path, lines: list[str], expected: list[Use], bad: int) -> None:
    path = tmp_path / "audit.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = LogReport(str(path))
    events = list(read_k8s_audit(path, problems))
    assert [(e.principal, e.action, e.target, e.operation) for e in events] == expected
    assert problems.count == bad


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_overlong_line_is_counted_and_reading_goes_on(tmp_path: Path, compressed: bool) -> None:
    good = _audit("get", "secrets", namespace="ml", name="db-creds")
    text = ("x" * (MAX_LINE_BYTES + 10)) + "\n" + good + "\n"
    path = tmp_path / "audit.log.gz"
    path.write_bytes(gzip.compress(text.encode()) if compressed else text.encode())
    problems = LogReport(str(path))
    events = list(read_k8s_audit(path, problems))
    assert [e.line for e in events] == [2]
    assert problems.count == 1 and problems.examples[0].startswith("line 1: line longer")
