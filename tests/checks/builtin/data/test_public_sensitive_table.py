from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.data.public_sensitive_table import PublicSensitiveTableCheck
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind, Severity
from tests.conftest import findings_of, graph_of

DATASET_ID = "data:postgresql (from $PG)::crm.customers"
PUBLIC_ID = "pgrole:postgresql (from $PG)/PUBLIC"


def _dataset(classes: list[str], public: Any) -> Asset:
    return Asset(
        id=DATASET_ID,
        kind=AssetKind.DATASET,
        layer=Layer.DATA_FOUNDATION,
        name="crm.customers",
        source="postgresql://app@db:5432/crm :: crm.customers",
        properties={
            "path": "postgresql://app@db:5432/crm/crm.customers",
            "data_classes": {c: {"count": 3, "confidence": 0.99, "fields": ["x"]} for c in classes},
            "public_access": public,
            "format": "postgres.table",
            "readers": ["PUBLIC", "app"] if public else ["app"],
        },
        sensitive=bool(classes),
    )


def _public_role() -> Asset:
    return Asset(
        id=PUBLIC_ID,
        kind=AssetKind.IAM_ROLE,
        layer=Layer.IDENTITY,
        name="PUBLIC",
        source="postgresql (from $PG)",
    )


def _edge(via: list[str]) -> Relation:
    return Relation(
        PUBLIC_ID,
        DATASET_ID,
        RelationKind.CAN_ACCESS,
        {"privileges": ["SELECT"], "columns": None, "via": via, "reason": "grant"},
    )


@pytest.mark.parametrize(
    ("classes", "public", "expected"),
    [
        pytest.param(["pii.email"], True, [Severity.HIGH], id="public-email-high"),
        pytest.param(["pii.national_id.us_ssn"], True, [Severity.CRITICAL], id="public-ssn"),
        pytest.param(["secret.aws_access_key"], True, [Severity.CRITICAL], id="public-secret"),
        pytest.param(["pii.payment_card"], True, [Severity.CRITICAL], id="public-card"),
        pytest.param(
            ["pii.email", "secret.github_token"], True, [Severity.CRITICAL], id="mixed-critical"
        ),
        pytest.param([], True, [], id="public-but-no-sensitive-class"),
        pytest.param(["pii.email", "pii.national_id.us_ssn"], False, [], id="sensitive-private"),
        pytest.param(["pii.email"], "true", [], id="malformed-flag"),
        pytest.param(["pii.email"], None, [], id="access-not-read"),
    ],
)
def test_severity_by_class_and_access(
    classes: list[str], public: Any, expected: list[Severity]
) -> None:
    graph = graph_of([_dataset(classes, public), _public_role()], [_edge(["PUBLIC"])])
    findings = findings_of(PublicSensitiveTableCheck, graph)
    assert [f.severity for f in findings] == expected
    assert all(f.rule_id == "SW-DATA-003" for f in findings)


@pytest.mark.parametrize(
    ("relations", "chain"),
    [
        pytest.param([_edge(["PUBLIC"])], "PUBLIC (SELECT)", id="direct-grant"),
        pytest.param([], "PUBLIC", id="no-edge"),
    ],
)
def test_evidence_names_table_classes_and_chain(relations: list[Relation], chain: str) -> None:
    graph = graph_of([_dataset(["pii.email"], True), _public_role()], relations)
    (finding,) = findings_of(PublicSensitiveTableCheck, graph)
    assert "crm.customers" in finding.evidence.snippet
    assert "pii.email" in finding.evidence.snippet
    assert finding.evidence.snippet.endswith(f"via {chain}")


def test_public_objects_outside_a_database_are_left_to_their_own_check() -> None:
    dataset = _dataset(["pii.email"], True)
    s3_object = Asset(
        **{**{f: getattr(dataset, f) for f in ("id", "kind", "layer", "name", "source")}},
        properties={**dataset.properties, "format": "csv", "path": "s3://bucket/people.csv"},
    )
    graph = graph_of([s3_object, _public_role()], [_edge(["PUBLIC"])])
    assert findings_of(PublicSensitiveTableCheck, graph) == []
