"""SW-K8S-021: public Ingresses to AI services without TLS."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.ingress_without_tls import IngressWithoutTLSCheck
from tests.checks.builtin.kubernetes.k8s_objects import (
    DIGEST,
    WEB_IMAGE,
    Obj,
    app,
    graph_from,
    ingress,
    service,
)
from tests.conftest import findings_of

VLLM = "vllm/vllm-openai:v0.6.3" + DIGEST


def _with_tls(obj: Obj, hosts: list[str]) -> Obj:
    obj["spec"]["tls"] = [{"hosts": hosts, "secretName": "cert"}]
    return obj


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        ([app(VLLM), service("app"), ingress("pub", "app")], 1),
        ([app(VLLM), service("app"), _with_tls(ingress("pub", "app"), ["pub.example.com"])], 0),
        ([app(VLLM), service("app"), _with_tls(ingress("pub", "app"), ["other.example.com"])], 1),
        ([app(VLLM), service("app"), ingress("pub", "app", class_name="nginx-internal")], 0),
        ([app(WEB_IMAGE), service("app"), ingress("pub", "app")], 0),
        ([app(VLLM), service("app"), ingress("pub", "missing")], 0),
    ],
)
def test_ingress_without_tls(objects: list[Obj], expected: int) -> None:
    assert len(findings_of(IngressWithoutTLSCheck, graph_from(objects))) == expected
