"""Hand-built graphs for the data map tests, shaped by the shared conventions.

A PostgreSQL table readable by a login role and PUBLIC; an S3 bucket reachable through an
S3 bucket policy (anonymous), Kubernetes RBAC (a service account) and AWS IAM (a role and a
user); lineage raw → ETL job → clean → training run → model → endpoint; usage, regions and a
residency violation. Data values are synthetic and never appear: only class names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from stackward.graph.inventory import InventoryGraph
from stackward.model import (
    Asset,
    AssetKind,
    Evidence,
    Finding,
    Layer,
    Relation,
    RelationKind,
    Severity,
)
from stackward.scan.result import ScanResult

T0 = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
STORE = "data:pg"
TABLE = "data:pg::public.customers"
BUCKET = "tf:aws_s3_bucket.lake"
RAW = "lineage:s3://lake/raw/events"
JOB = "lineage:job/etl/clean_events"
CLEAN = "lineage:s3://lake/clean/events"
RUN = "lineage:run/train_churn"
MODEL = "lineage:model/churn"
ENDPOINT = "lineage:endpoint/churn"
APP = "pgrole:pg/app_login"
PUBLIC = "pgrole:pg/PUBLIC"
REPORTING = "pgrole:pg/reporting"
ANON = "s3principal:aws/*anonymous*"
TRAINER = "k8s:serviceaccount/ml/trainer"
ETL_ROLE = "aws:principal/arn:aws:iam::123456789012:role/etl"
ALICE = "aws:principal/arn:aws:iam::123456789012:user/alice"
HOSTILE = '<script>alert("x")</script>'


def principal(
    pid: str, name: str, ptype: str, everyone: bool = False, kind: AssetKind = AssetKind.IAM_ROLE
) -> Asset:
    return Asset(
        id=pid,
        kind=kind,
        layer=Layer.IDENTITY,
        name=name,
        source="test",
        properties={"principal_type": ptype, "everyone": everyone},
    )


def data_asset(
    aid: str,
    name: str,
    kind: AssetKind = AssetKind.DATASET,
    region: str | None = None,
    **props: Any,
) -> Asset:
    layer = Layer.CORE_AI if kind.value.startswith("ai.") else Layer.DATA_FOUNDATION
    return Asset(
        id=aid, kind=kind, layer=layer, name=name, source="test", properties=props, region=region
    )


def can_access(src: str, dst: str, source: str, access: Sequence[str], *privs: str) -> Relation:
    return Relation(
        src,
        dst,
        RelationKind.CAN_ACCESS,
        {
            "access": sorted(access),
            "privileges": sorted(privs),
            "via": [src.rsplit("/", 1)[-1], f"grant to {src.rsplit('/', 1)[-1]}"],
            "reason": "granted in the test",
            "source": source,
        },
    )


def rel(src: str, dst: str, kind: RelationKind, **props: Any) -> Relation:
    return Relation(src, dst, kind, props)


def scan_of(
    assets: Iterable[Asset], relations: Iterable[Relation], findings: Sequence[Finding] = ()
) -> ScanResult:
    graph = InventoryGraph()
    graph.extend(assets, relations)
    return ScanResult("test", T0, T0, graph, list(findings), [], [])


def access_assets() -> tuple[list[Asset], list[Relation]]:
    assets = [
        data_asset(STORE, "pg", AssetKind.DATA_STORE, region="us-east-1", data_classes={}),
        data_asset(
            TABLE,
            "public.customers",
            store=STORE,
            dataset_key="postgresql://db.internal:5432/app/public.customers",
            data_classes={"pii.email": {"count": 60, "confidence": 0.95, "fields": ["email"]}},
            readers=["PUBLIC", "app_login"],
            usage=[
                {
                    "principal": APP,
                    "reads": 12,
                    "writes": 3,
                    "first_seen": "2026-11-01T00:00:00Z",
                    "last_seen": "2026-11-19T23:00:00Z",
                }
            ],
            usage_window={
                "start": "2026-11-01T00:00:00Z",
                "end": "2026-11-20T00:00:00Z",
                "logs": ["/var/log/postgresql/postgresql.log"],
            },
            residency_violations=[
                {
                    "policy": "customer data stays in the EU",
                    "classes": ["pii.email"],
                    "region": "us-east-1",
                    "allowed": ["eu-west-1", "eu-central-1"],
                }
            ],
        ),
        principal(APP, "app_login", "database_role"),
        principal(PUBLIC, "PUBLIC", "database_role", everyone=True),
        principal(REPORTING, "reporting", "database_role"),
        data_asset(
            BUCKET,
            "lake",
            AssetKind.OBJECT_BUCKET,
            region="eu-west-1",
            dataset_key="s3://lake",
            residency_violations=[],
        ),
        principal(ANON, "*anonymous*", "anonymous", everyone=True),
        principal(TRAINER, "trainer", "k8s_service_account", kind=AssetKind.K8S_SERVICE_ACCOUNT),
        principal(ETL_ROLE, "etl", "aws_principal"),
        principal(ALICE, "alice", "aws_principal"),
    ]
    relations = [
        can_access(APP, TABLE, "postgresql", ["read", "write"], "SELECT", "INSERT"),
        can_access(PUBLIC, TABLE, "postgresql", ["read"], "SELECT"),
        can_access(REPORTING, TABLE, "postgresql", ["read"], "SELECT"),
        can_access(ANON, BUCKET, "s3-policy", ["read"], "s3:GetObject"),
        can_access(TRAINER, BUCKET, "kubernetes-rbac", ["read"], "get secrets"),
        can_access(ETL_ROLE, BUCKET, "aws-iam", ["read", "write"], "s3:GetObject", "s3:PutObject"),
        can_access(ALICE, BUCKET, "aws-iam", ["admin"], "s3:PutBucketPolicy"),
        rel(STORE, TABLE, RelationKind.CONTAINS),
    ]
    return assets, relations


def lineage_assets(model_name: str = "churn") -> tuple[list[Asset], list[Relation]]:
    pii = {"pii.email": [RAW]}
    assets = [
        data_asset(
            RAW,
            "raw/events",
            dataset_key="s3://lake/raw/events",
            data_classes={"pii.email": {"count": 5, "confidence": 0.9, "fields": ["email"]}},
        ),
        Asset(JOB, AssetKind.DATA_JOB, Layer.DATA_ENGINEERING, "clean_events", "test"),
        data_asset(
            CLEAN, "clean/events", dataset_key="s3://lake/clean/events", derived_classes=pii
        ),
        Asset(RUN, AssetKind.TRAINING_JOB, Layer.CORE_AI, "train_churn", "test"),
        data_asset(MODEL, model_name, AssetKind.MODEL_ARTIFACT, derived_classes=pii),
        data_asset(ENDPOINT, "churn-api", AssetKind.MODEL_ENDPOINT, derived_classes=pii),
    ]
    relations = [
        rel(JOB, RAW, RelationKind.READS),
        rel(JOB, CLEAN, RelationKind.WRITES),
        rel(CLEAN, RAW, RelationKind.DERIVED_FROM, job=JOB),
        rel(RUN, CLEAN, RelationKind.READS),
        rel(RUN, MODEL, RelationKind.WRITES),
        rel(MODEL, CLEAN, RelationKind.TRAINED_ON, run=RUN),
        rel(ENDPOINT, MODEL, RelationKind.SERVES),
    ]
    return assets, relations


def finding_on(asset_id: str) -> Finding:
    return Finding(
        rule_id="SW-DATA-003",
        asset_id=asset_id,
        layer=Layer.DATA_FOUNDATION,
        severity=Severity.HIGH,
        title="Sensitive table readable by PUBLIC",
        evidence=Evidence(location=asset_id),
        remediation="Revoke the grant.",
        refs=(),
    )


def full_scan(model_name: str = "churn") -> ScanResult:
    a1, r1 = access_assets()
    a2, r2 = lineage_assets(model_name)
    return scan_of([*a1, *a2], [*r1, *r2], [finding_on(TABLE)])


def chain_scan(length: int) -> ScanResult:
    """A long line of datasets, each derived from the one before: too big for one drawing."""
    assets = [data_asset(f"ds:{i:03d}", f"step {i}", data_classes={}) for i in range(length)]
    relations = [
        rel(f"ds:{i + 1:03d}", f"ds:{i:03d}", RelationKind.DERIVED_FROM) for i in range(length - 1)
    ]
    return scan_of(assets, relations)
