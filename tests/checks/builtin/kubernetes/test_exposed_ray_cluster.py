"""SW-K8S-003: Ray clusters exposed without authentication."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.exposed_ray_cluster import ExposedRayClusterCheck
from tests.checks.builtin.kubernetes.k8s_objects import (
    DIGEST,
    Obj,
    app,
    container,
    graph_from,
    service,
)
from tests.conftest import findings_of


def _ray(service_type: str, env: list[Obj] | None = None) -> Obj:
    head = container("rayproject/ray:2.37.0" + DIGEST, "ray-head", env=env, ports=[8265])
    return {
        "apiVersion": "ray.io/v1",
        "kind": "RayCluster",
        "metadata": {"name": "ray", "namespace": "ml"},
        "spec": {
            "headGroupSpec": {
                "serviceType": service_type,
                "rayStartParams": {},
                "template": {"spec": {"containers": [head]}},
            }
        },
    }


RAY_CASES: list[tuple[str, list[Obj], int]] = [
    ("head load balancer", [_ray("LoadBalancer")], 1),
    ("head node port", [_ray("NodePort")], 1),
    ("head cluster ip", [_ray("ClusterIP")], 0),
    ("token auth", [_ray("LoadBalancer", env=[{"name": "RAY_AUTH_MODE", "value": "token"}])], 0),
    (
        "plain ray deployment on a load balancer",
        [app("rayproject/ray:2.37.0" + DIGEST), service("app", type_="LoadBalancer")],
        1,
    ),
]


@pytest.mark.parametrize(("case", "objects", "expected"), RAY_CASES)
def test_exposed_ray_cluster(case: str, objects: list[Obj], expected: int) -> None:
    findings = findings_of(ExposedRayClusterCheck, graph_from(objects))
    assert len(findings) == expected, (case, [f.title for f in findings])
    assert all(f.rule_id == ExposedRayClusterCheck.meta.id and f.evidence.snippet for f in findings)
