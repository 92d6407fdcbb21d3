"""SW-K8S-014: Ray dashboards on all interfaces without authentication."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.ray_dashboard_all_interfaces import (
    RayDashboardOnAllInterfacesCheck,
)
from tests.checks.builtin.kubernetes.k8s_objects import Obj, container, deployment, graph_from
from tests.conftest import findings_of

ANY_ADDRESS = "0.0.0.0"  # noqa: S104 - a setting under test, nothing binds


def _ray_cluster(params: Obj, env: list[Obj] | None = None) -> Obj:
    head = container("rayproject/ray:2.37.0@sha256:" + "1" * 64, "ray-head", env=env)
    return {
        "apiVersion": "ray.io/v1",
        "kind": "RayCluster",
        "metadata": {"name": "ray", "namespace": "ml"},
        "spec": {
            "headGroupSpec": {
                "rayStartParams": params,
                "template": {"spec": {"containers": [head]}},
            }
        },
    }


def _ray_deployment(command: list[str]) -> Obj:
    return deployment(
        "ray-head", containers=[container("rayproject/ray:2.37.0@sha256:" + "1" * 64, args=command)]
    )


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (_ray_cluster({"dashboard-host": ANY_ADDRESS}), 1),
        (_ray_cluster({}), 1),  # KubeRay's default
        (_ray_cluster({"dashboard-host": "127.0.0.1"}), 0),
        (_ray_cluster({}, env=[{"name": "RAY_AUTH_MODE", "value": "token"}]), 0),
        (_ray_deployment(["ray", "start", "--head", "--dashboard-host=0.0.0.0", "--block"]), 1),
        (_ray_deployment(["ray start --head --dashboard-host 0.0.0.0 --block"]), 1),
        (_ray_deployment(["ray", "start", "--head", "--block"]), 0),  # Ray's default is loopback
        (_ray_deployment(["ray", "start", "--address=ray-head:6379", "--block"]), 0),
    ],
)
def test_ray_dashboard_all_interfaces(obj: Obj, expected: int) -> None:
    assert len(findings_of(RayDashboardOnAllInterfacesCheck, graph_from([obj]))) == expected
