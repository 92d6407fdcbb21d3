from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.data.public_sensitive_object import PublicSensitiveObjectCheck
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind, Severity
from tests.conftest import findings_of, graph_of

PATH = "s3://ml-exports/people/customers.csv"
DATASET_ID = "data:s3://ml-exports::people/customers.csv"
ANONYMOUS_ID = "s3principal:aws/*anonymous*"
POLICY_VIA = ["*anonymous*", "bucket policy statement PublicRead"]
PROBE_VIA = ["*anonymous*", "unsigned GetObject (bytes=0-0) succeeded"]


def _dataset(classes: list[str], public: Any, probe_get: str = "denied", path: str = PATH) -> Asset:
    return Asset(
        id=DATASET_ID,
        kind=AssetKind.DATASET,
        layer=Layer.DATA_FOUNDATION,
        name="customers.csv",
        source="s3://ml-exports :: people/customers.csv",
        properties={
            "path": path,
            "data_classes": {c: {"count": 3, "confidence": 0.99, "fields": ["x"]} for c in classes},
            "public_access": public,
            "readers": ["*anonymous*"] if public else [],
            "anonymous_probe": {"list": "denied", "get": probe_get, "detail": ""},
        },
        sensitive=bool(classes),
    )


def _anonymous() -> Asset:
    return Asset(
        id=ANONYMOUS_ID,
        kind=AssetKind.IAM_ROLE,
        layer=Layer.IDENTITY,
        name="*anonymous*",
        source="s3://ml-exports",
        properties={"principal_type": "anonymous", "everyone": True},
    )


def _edge(*grants: tuple[str, list[str]], public: bool = True) -> Relation:
    listed = [{"source": s, "via": v, "conditional": False} for s, v in grants]
    source, via = grants[0]
    return Relation(
        ANONYMOUS_ID,
        DATASET_ID,
        RelationKind.CAN_ACCESS,
        {
            "access": ["read"],
            "privileges": ["s3:GetObject"],
            "via": via,
            "reason": "r",
            "source": source,
            "public": public,
            "proven": any(s == "s3-probe" for s, _ in grants),
            "grants": listed,
        },
    )


POLICY = ("s3-policy", POLICY_VIA)
PROBE = ("s3-probe", PROBE_VIA)


@pytest.mark.parametrize(
    ("classes", "public", "probe_get", "edges", "expected"),
    [
        pytest.param(
            ["pii.email"], True, "denied", [_edge(POLICY)], [Severity.HIGH], id="config-email-high"
        ),
        pytest.param(
            ["pii.email"],
            True,
            "allowed",
            [_edge(PROBE, POLICY)],
            [Severity.CRITICAL],
            id="proven-email-critical",
        ),
        pytest.param(
            ["pii.national_id.us_ssn"],
            True,
            "denied",
            [_edge(POLICY)],
            [Severity.CRITICAL],
            id="ssn",
        ),
        pytest.param(
            ["secret.aws_access_key"],
            True,
            "denied",
            [_edge(POLICY)],
            [Severity.CRITICAL],
            id="secret",
        ),
        pytest.param(
            ["pii.payment_card"], True, "denied", [_edge(POLICY)], [Severity.CRITICAL], id="card"
        ),
        pytest.param(
            ["pii.email"], True, "allowed", [], [Severity.CRITICAL], id="proven-without-edge"
        ),
        pytest.param([], True, "allowed", [_edge(PROBE)], [], id="no-sensitive-class"),
        pytest.param(
            ["pii.national_id.us_ssn"],
            False,
            "denied",
            [_edge(POLICY, public=False)],
            [],
            id="restricted-not-public",
        ),
        pytest.param(["pii.email"], "true", "allowed", [_edge(PROBE)], [], id="malformed-flag"),
        pytest.param(["pii.email"], None, "denied", [], [], id="access-not-read"),
    ],
)
def test_severity_by_class_and_proof(
    classes: list[str], public: Any, probe_get: str, edges: list[Relation], expected: list[Severity]
) -> None:
    graph = graph_of([_dataset(classes, public, probe_get), _anonymous()], edges)
    findings = findings_of(PublicSensitiveObjectCheck, graph)
    assert [f.severity for f in findings] == expected
    assert all(f.rule_id == "SW-DATA-004" for f in findings)


def test_postgres_table_is_left_to_sw_data_003() -> None:
    dataset = _dataset(["pii.email"], True, path="postgresql://db:5432/crm/crm.customers")
    assert findings_of(PublicSensitiveObjectCheck, graph_of([dataset])) == []


@pytest.mark.parametrize(
    ("edge", "chain", "remove"),
    [
        pytest.param(
            _edge(PROBE, POLICY),
            "*anonymous* -> bucket policy statement PublicRead (s3-policy);"
            " *anonymous* -> unsigned GetObject (bytes=0-0) succeeded (s3-probe)",
            "remove: bucket policy statement PublicRead",
            id="policy-and-proof",
        ),
        pytest.param(
            _edge(("s3-acl", ["*anonymous*", "object ACL of s3://ml-exports/x grants READ"])),
            "*anonymous* -> object ACL of s3://ml-exports/x grants READ (s3-acl)",
            "remove: object ACL of s3://ml-exports/x grants READ",
            id="acl",
        ),
        pytest.param(
            _edge(PROBE),
            "*anonymous* -> unsigned GetObject (bytes=0-0) succeeded (s3-probe)",
            "remove: the grant that lets unsigned requests read it",
            id="proof-only",
        ),
    ],
)
def test_evidence_names_object_classes_chain_and_grant(
    edge: Relation, chain: str, remove: str
) -> None:
    graph = graph_of([_dataset(["pii.email"], True), _anonymous()], [edge])
    (finding,) = findings_of(PublicSensitiveObjectCheck, graph)
    assert finding.evidence.snippet == f"{PATH}: pii.email readable by everyone via {chain}"
    assert finding.evidence.location == PATH
    assert finding.title.endswith(remove)


def test_refs_include_exfiltration_via_cyber_means() -> None:
    ids = {ref.id for ref in PublicSensitiveObjectCheck.meta.refs}
    assert {"AML.T0036", "AML.T0057", "AML.T0025", "MEASURE 2.10", "LLM02"} <= ids
