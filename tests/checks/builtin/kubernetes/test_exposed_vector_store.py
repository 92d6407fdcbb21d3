"""SW-K8S-005: vector databases exposed without authentication."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.exposed_vector_store import ExposedVectorStoreCheck
from tests.checks.builtin.kubernetes.k8s_objects import (
    DIGEST,
    Obj,
    app,
    graph_from,
    ingress,
    service,
)
from tests.conftest import findings_of

QDRANT = "qdrant/qdrant:v1.12.1" + DIGEST

VECTOR_CASES: list[tuple[str, list[Obj], int]] = [
    ("qdrant load balancer", [app(QDRANT), service("app", type_="LoadBalancer")], 1),
    (
        "qdrant api key",
        [
            app(
                QDRANT,
                env=[
                    {
                        "name": "QDRANT__SERVICE__API_KEY",
                        "valueFrom": {"secretKeyRef": {"name": "q", "key": "k"}},
                    }
                ],
            ),
            service("app", type_="LoadBalancer"),
        ],
        0,
    ),
    (
        "chroma through ingress",
        [app("chromadb/chroma:0.5.5" + DIGEST), service("app"), ingress("app", "app")],
        1,
    ),
    (
        "qdrant restricted source ranges",
        [
            app(QDRANT),
            {
                **service("app", type_="LoadBalancer"),
                "spec": {
                    **service("app", type_="LoadBalancer")["spec"],
                    "loadBalancerSourceRanges": ["10.0.0.0/8"],
                },
            },
        ],
        0,
    ),
]


@pytest.mark.parametrize(("case", "objects", "expected"), VECTOR_CASES)
def test_exposed_vector_store(case: str, objects: list[Obj], expected: int) -> None:
    findings = findings_of(ExposedVectorStoreCheck, graph_from(objects))
    assert len(findings) == expected, (case, [f.title for f in findings])
    assert all(
        f.rule_id == ExposedVectorStoreCheck.meta.id and f.evidence.snippet for f in findings
    )
