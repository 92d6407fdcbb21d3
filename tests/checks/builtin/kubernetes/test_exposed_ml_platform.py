"""SW-K8S-004: registries, trackers and pipelines exposed without authentication."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.exposed_ml_platform import ExposedMLPlatformServiceCheck
from tests.checks.builtin.kubernetes.k8s_objects import (
    DIGEST,
    Obj,
    app,
    graph_from,
    service,
)
from tests.conftest import findings_of

MLFLOW = "ghcr.io/mlflow/mlflow:v2.16.2" + DIGEST

PLATFORM_CASES: list[tuple[str, list[Obj], int]] = [
    ("mlflow node port", [app(MLFLOW), service("app", type_="NodePort")], 1),
    (
        "mlflow basic auth",
        [app(MLFLOW, args=["--app-name", "basic-auth"]), service("app", type_="NodePort")],
        0,
    ),
    ("mlflow cluster ip", [app(MLFLOW), service("app")], 0),
    (
        "airflow open api",
        [
            app(
                "apache/airflow:2.10.2" + DIGEST,
                env=[
                    {
                        "name": "AIRFLOW__API__AUTH_BACKENDS",
                        "value": "airflow.api.auth.backend.default",
                    }
                ],
            ),
            service("app", type_="LoadBalancer"),
        ],
        1,
    ),
    (
        "airflow default auth",
        [app("apache/airflow:2.10.2" + DIGEST), service("app", type_="LoadBalancer")],
        0,
    ),
]


@pytest.mark.parametrize(("case", "objects", "expected"), PLATFORM_CASES)
def test_exposed_ml_platform(case: str, objects: list[Obj], expected: int) -> None:
    findings = findings_of(ExposedMLPlatformServiceCheck, graph_from(objects))
    assert len(findings) == expected, (case, [f.title for f in findings])
    assert all(
        f.rule_id == ExposedMLPlatformServiceCheck.meta.id and f.evidence.snippet for f in findings
    )
