"""Who can access each sensitive object of an S3 source, on a real SeaweedFS server.

The server runs with its own ``s3.json``: the admin identity the scan signs with, a
read-only identity limited to the locked-down bucket, and an ``anonymous`` identity that may
read and list the exposed bucket. The same planted objects go to the exposed bucket, to its
locked-down twin, to a third bucket opened by a bucket policy for ``Principal: "*"`` (this
SeaweedFS version stores and enforces bucket policies for unsigned requests), and to a fourth
whose objects carry a ``public-read`` ACL (stored, but not enforced by SeaweedFS: the
configuration says public, the probe is refused). The scan must report every exposed object,
proven by the anonymous probe where the store lets it be read, and nothing public on the twin.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from stackward.checks.builtin.data.public_sensitive_object import PublicSensitiveObjectCheck
from stackward.collectors.base import CollectResult
from stackward.collectors.data import DataCollector
from stackward.collectors.data.s3_access import bucket_access
from stackward.config.schema import DataSource, ScanConfig
from stackward.model import AssetKind, RelationKind, Severity
from stackward.scan import ScanResult, run_scan
from tests.seaweedfs import ACCESS_KEY, SeaweedFS, running_seaweedfs, use_credentials

READER_SECRET = "reader-secret-never-in-the-inventory"
IDENTITIES: list[dict[str, Any]] = [
    {
        "name": "reader",
        "credentials": [{"accessKey": "READERKEY00000001", "secretKey": READER_SECRET}],
        "actions": ["Read:locked", "List:locked"],
    },
    {"name": "anonymous", "actions": ["Read:exposed", "List:exposed"]},
]
EXPOSED, LOCKED, POLICIED, ACL_OPEN = "exposed", "locked", "policied", "acl-open"
BUCKETS = (EXPOSED, LOCKED, POLICIED, ACL_OPEN)
ADMIN = "stackward-tests"


def _customers() -> bytes:
    """Synthetic: example.com mail and SSNs in valid ranges."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "email", "ssn"])
    for i in range(40):
        writer.writerow([i, f"person{i}@example.com", f"{201 + i:03d}-{12 + i:02d}-{4321 + i:04d}"])
    return out.getvalue().encode()


def _contacts() -> bytes:
    rows = [{"user": {"email": f"member{i}@example.org"}, "n": i} for i in range(30)]
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


OBJECTS = {
    "people/customers.csv": (_customers(), "pii.national_id.us_ssn"),
    "people/contacts.jsonl": (_contacts(), "pii.email"),
    "config/deploy.env": (b"AWS_ACCESS_KEY_ID=AKIAQWERTYUIOPASDFGH\n", "secret.aws_access_key"),
}
PUBLIC_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{POLICIED}/*",
        }
    ],
}


@dataclass(frozen=True, slots=True)
class Store:
    server: SeaweedFS
    identities: Path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    workdir = tmp_path_factory.mktemp("seaweedfs-access")
    with running_seaweedfs(workdir, IDENTITIES) as server:
        client = server.client()
        for bucket in BUCKETS:
            client.create_bucket(Bucket=bucket)
            for key, (body, _) in OBJECTS.items():
                client.put_object(Bucket=bucket, Key=key, Body=body)
                if bucket == ACL_OPEN:
                    client.put_object_acl(Bucket=bucket, Key=key, ACL="public-read")
        client.put_bucket_policy(Bucket=POLICIED, Policy=json.dumps(PUBLIC_POLICY))
        yield Store(server, workdir / "s3.json")


@pytest.fixture(scope="module")
def scanned(store: Store, tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    state = tmp_path_factory.mktemp("state")
    source = {"endpoint_url": store.server.endpoint_url, "identities": str(store.identities)}
    config = ScanConfig.model_validate(
        {
            "sources": {"paths": []},
            "store": {"path": str(state / "stackward.db")},
            "data": {
                "sources": [{"uri": f"s3://{b}", **source} for b in BUCKETS],
                "jobs": 1,
            },
        }
    )
    with pytest.MonkeyPatch.context() as patch:
        use_credentials(patch, store.server, state)
        return run_scan(config, collectors=[DataCollector()], checks=[PublicSensitiveObjectCheck()])


def _dataset(result: ScanResult, bucket: str, key: str) -> Any:
    (found,) = [
        a
        for a in result.graph.assets(AssetKind.DATASET)
        if a.prop("path") == f"s3://{bucket}/{key}"
    ]
    return found


def _edges(result: ScanResult, dataset_id: str) -> dict[str, dict[str, Any]]:
    return {
        r.src.rsplit("/", 1)[-1]: dict(r.properties)
        for r in result.graph.incoming(dataset_id, RelationKind.CAN_ACCESS)
    }


PROBED = {EXPOSED: "allowed", LOCKED: "denied", POLICIED: "allowed", ACL_OPEN: "denied"}
LISTED = {EXPOSED: "allowed", LOCKED: "denied", POLICIED: "denied", ACL_OPEN: "denied"}
REMOVE = {
    EXPOSED: "s3 identity anonymous: Read:exposed",
    POLICIED: "bucket policy statement PublicRead",
    ACL_OPEN: "object ACL of s3://acl-open/{key} grants READ",
}
CASES = [pytest.param(bucket, key, id=f"{bucket}-{key}") for bucket in BUCKETS for key in OBJECTS]


@pytest.mark.parametrize(("bucket", "key"), CASES)
def test_public_objects_are_findings_and_the_twin_is_clean(
    scanned: ScanResult, bucket: str, key: str
) -> None:
    dataset = _dataset(scanned, bucket, key)
    planted_class = OBJECTS[key][1]
    assert planted_class in dataset.prop("data_classes")
    public = bucket != LOCKED
    proven = PROBED[bucket] == "allowed"
    assert dataset.prop("public_access") is public
    assert dataset.prop("anonymous_probe")["get"] == PROBED[bucket]
    assert dataset.prop("anonymous_probe")["list"] == LISTED[bucket]
    findings = [f for f in scanned.findings if f.asset_id == dataset.id]
    assert [f.rule_id for f in findings] == (["SW-DATA-004"] if public else [])
    if public:
        (finding,) = findings
        critical = proven or planted_class != "pii.email"
        assert finding.severity == (Severity.CRITICAL if critical else Severity.HIGH)
        assert f"s3://{bucket}/{key}" in finding.evidence.snippet
        assert planted_class in finding.evidence.snippet
        assert ("s3-probe" in finding.evidence.snippet) is proven
        assert REMOVE[bucket].format(key=key) in finding.title


@pytest.mark.parametrize(
    ("bucket", "principal", "access", "source"),
    [
        pytest.param(EXPOSED, "*anonymous*", ["read"], "s3-probe", id="exposed-anonymous"),
        pytest.param(EXPOSED, ADMIN, ["admin", "read", "write"], "s3-identity", id="exposed-admin"),
        pytest.param(EXPOSED, "reader", None, None, id="exposed-not-reader"),
        pytest.param(LOCKED, "reader", ["read"], "s3-identity", id="locked-reader"),
        pytest.param(LOCKED, ADMIN, ["admin", "read", "write"], "s3-identity", id="locked-admin"),
        pytest.param(LOCKED, "*anonymous*", None, None, id="locked-not-anonymous"),
        pytest.param(POLICIED, "*anonymous*", ["read"], "s3-probe", id="policied-anonymous"),
        pytest.param(POLICIED, "reader", None, None, id="policied-not-reader"),
        pytest.param(ACL_OPEN, "*anonymous*", ["read"], "s3-acl", id="acl-open-anonymous"),
    ],
)
def test_can_access_edges_per_identity(
    scanned: ScanResult, bucket: str, principal: str, access: list[str] | None, source: str | None
) -> None:
    for key in OBJECTS:
        dataset = _dataset(scanned, bucket, key)
        edges = _edges(scanned, dataset.id)
        if access is None:
            assert principal not in edges
            assert principal not in dataset.prop("readers")
            continue
        edge = edges[principal]
        assert edge["access"] == access
        assert edge["source"] == source
        assert edge["via"][0] == principal
        assert edge["reason"]
        assert principal in dataset.prop("readers")


def test_policy_grant_is_read_back_from_the_store(scanned: ScanResult) -> None:
    edge = _edges(scanned, _dataset(scanned, POLICIED, "people/customers.csv").id)["*anonymous*"]
    assert edge["sources"] == ["s3-policy", "s3-probe"]
    assert ["*anonymous*", "bucket policy statement PublicRead"] in [
        g["via"] for g in edge["grants"]
    ]


def test_principal_assets_and_no_secrets(scanned: ScanResult, store: Store) -> None:
    principals = {a.name: a for a in scanned.graph.assets(AssetKind.IAM_ROLE)}
    assert principals["*anonymous*"].prop("everyone") is True
    assert principals["*anonymous*"].prop("principal_type") == "anonymous"
    assert principals["*anonymous*"].id == f"s3principal:{store.server.endpoint_url}/*anonymous*"
    assert principals["reader"].prop("principal_type") == "s3_identity"
    assert principals["reader"].prop("everyone") is False
    everything = repr([*scanned.graph.assets(), *scanned.graph.relations(), *scanned.findings])
    for secret in (READER_SECRET, store.server.secret_key, "READERKEY00000001", ACCESS_KEY):
        assert secret not in everything


def test_refused_calls_are_skipped_naming_the_source_and_call(store: Store) -> None:
    """Signed as ``reader``, who may not read the exposed bucket's ACLs."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=store.server.endpoint_url,
        aws_access_key_id="READERKEY00000001",
        aws_secret_access_key=READER_SECRET,
        region_name="us-east-1",
    )
    result = CollectResult()
    source = DataSource(uri=f"s3://{EXPOSED}", endpoint_url=store.server.endpoint_url)
    items = _items(EXPOSED)
    properties = bucket_access(source, "s3-label", "data:s3-label", items, result, client=client)
    reasons = [s.reason for s in result.skipped]
    assert all(s.location == "s3-label" for s in result.skipped)
    assert any("GetBucketAcl failed (AccessDenied)" in r for r in reasons), reasons
    assert properties["people/customers.csv"]["public_access"] is True  # the probe still ran


def test_probe_off_and_store_down_do_not_fail(store: Store) -> None:
    result = CollectResult()
    source = DataSource(
        uri=f"s3://{LOCKED}", endpoint_url="http://127.0.0.1:9", anonymous_probe=False
    )
    properties = bucket_access(source, "down", "data:down", _items(LOCKED), result)
    assert properties["people/customers.csv"] == {
        "readers": [],
        "public_access": False,
        "anonymous_probe": None,
    }
    assert {s.reason.split(" failed")[0] for s in result.skipped} >= {
        "access: GetBucketPolicy",
        "access: GetBucketAcl",
    }


def _items(bucket: str) -> list[Any]:
    from stackward.dspm.records import Location
    from stackward.dspm.results import ItemResult

    return [ItemResult(Location(f"s3://{bucket}", key), "csv") for key in OBJECTS]


def test_probe_of_a_store_that_does_not_answer_is_unreachable() -> None:
    result = CollectResult()
    source = DataSource(uri=f"s3://{LOCKED}", endpoint_url="http://127.0.0.1:9")
    properties = bucket_access(source, "down", "data:down", _items(LOCKED), result)
    probe = properties["people/customers.csv"]["anonymous_probe"]
    assert (probe["list"], probe["get"]) == ("unreachable", "not tried")
    assert properties["people/customers.csv"]["public_access"] is False


@pytest.mark.parametrize(
    ("settings", "valid"),
    [
        pytest.param({"uri": "s3://b", "identities": "s3.json"}, True, id="s3-identities"),
        pytest.param({"uri": "s3://b", "anonymous_probe": False}, True, id="probe-off"),
        pytest.param({"path": "data", "identities": "s3.json"}, False, id="identities-on-a-path"),
        pytest.param({"uri": "s3://b", "anonymous_probe": "sometimes"}, False, id="probe-not-bool"),
    ],
)
def test_source_settings(settings: dict[str, Any], valid: bool) -> None:
    from pydantic import ValidationError

    if valid:
        assert DataSource.model_validate(settings).uri == "s3://b"
    else:
        with pytest.raises(ValidationError):
            DataSource.model_validate(settings)
