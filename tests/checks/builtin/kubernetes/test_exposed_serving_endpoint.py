"""SW-K8S-001: serving endpoints exposed without authentication."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.exposed_serving_endpoint import ExposedServingEndpointCheck
from tests.checks.builtin.kubernetes.k8s_objects import (
    AUTH_ANNOTATIONS,
    DIGEST,
    Obj,
    app,
    container,
    deployment,
    graph_from,
    ingress,
    service,
)
from tests.conftest import findings_of

VLLM = "vllm/vllm-openai:v0.6.3" + DIGEST
OLLAMA = "ollama/ollama:0.3.12" + DIGEST
PROXY = "quay.io/oauth2-proxy/oauth2-proxy:v7.7.1" + DIGEST

SERVING_CASES: list[tuple[str, list[Obj], int]] = [
    ("load balancer", [app(VLLM), service("app", type_="LoadBalancer")], 1),
    ("node port", [app(VLLM), service("app", type_="NodePort")], 1),
    ("ingress without auth", [app(VLLM), service("app"), ingress("app", "app")], 1),
    (
        "ingress and load balancer",
        [app(VLLM), service("app", type_="LoadBalancer"), ingress("app", "app")],
        2,
    ),
    ("cluster ip only", [app(VLLM), service("app")], 0),
    (
        "ingress with auth-url",
        [app(VLLM), service("app"), ingress("app", "app", annotations=AUTH_ANNOTATIONS)],
        0,
    ),
    (
        "internal ingress class",
        [app(VLLM), service("app"), ingress("app", "app", class_name="nginx-internal")],
        0,
    ),
    (
        "internal load balancer",
        [
            app(VLLM),
            service(
                "app",
                type_="LoadBalancer",
                annotations={"networking.gke.io/load-balancer-type": "Internal"},
            ),
        ],
        0,
    ),
    (
        "vllm api key",
        [app(VLLM, args=["--api-key=$(VLLM_API_KEY)"]), service("app", type_="LoadBalancer")],
        0,
    ),
    (
        "auth proxy sidecar targeted",
        [
            deployment(
                "app",
                containers=[
                    container(OLLAMA, "ollama", ports=[11434]),
                    container(PROXY, "proxy", ports=[(4180, "auth")]),
                ],
            ),
            service("app", type_="LoadBalancer", target="auth"),
        ],
        0,
    ),
    (
        "auth proxy sidecar bypassed",
        [
            deployment(
                "app",
                containers=[
                    container(OLLAMA, "ollama", ports=[11434]),
                    container(PROXY, "proxy", ports=[(4180, "auth")]),
                ],
            ),
            service("app", type_="LoadBalancer", target=11434),
        ],
        1,
    ),
    ("service selects nothing", [app(VLLM), service("other", type_="LoadBalancer")], 0),
    ("not an AI workload", [app("nginx:1.27" + DIGEST), service("app", type_="LoadBalancer")], 0),
]


@pytest.mark.parametrize(("case", "objects", "expected"), SERVING_CASES)
def test_exposed_serving_endpoint(case: str, objects: list[Obj], expected: int) -> None:
    findings = findings_of(ExposedServingEndpointCheck, graph_from(objects))
    assert len(findings) == expected, (case, [f.title for f in findings])
    assert all(
        f.rule_id == ExposedServingEndpointCheck.meta.id and f.evidence.snippet for f in findings
    )


def test_evidence_names_the_route() -> None:
    graph = graph_from([app(VLLM), service("app"), ingress("pub", "app")])
    (finding,) = findings_of(ExposedServingEndpointCheck, graph)
    route = "k8s:ingress/ml/pub -> k8s:service/ml/app -> k8s:deployment/ml/app"
    assert route in finding.evidence.snippet
    assert finding.evidence.key == "k8s:ingress/ml/pub"
