"""SW-K8S-006: AI namespaces without a default-deny ingress policy."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.namespace_default_deny import (
    NamespaceWithoutDefaultDenyCheck,
)
from tests.checks.builtin.kubernetes.k8s_objects import (
    Obj,
    container,
    deployment,
    graph_from,
    namespace,
    network_policy,
)
from tests.conftest import findings_of

AI = deployment("vllm", containers=[container()])


WEB = deployment("web", containers=[container("nginx:1.27@sha256:" + "c" * 64)])


DENY = network_policy("deny")


ALLOW_ALL = network_policy("allow", ingress_rules=[{}])


EGRESS_ONLY = network_policy("egress", types=["Egress"])


SELECT_VLLM = network_policy(
    "vllm",
    selector={"matchLabels": {"app": "vllm"}},
    ingress_rules=[{"from": [{"podSelector": {}}]}],
)


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        ([namespace("ml"), AI], 1),
        ([namespace("ml"), AI, DENY], 0),
        ([namespace("ml"), AI, ALLOW_ALL], 1),
        ([namespace("ml"), AI, EGRESS_ONLY], 1),
        ([namespace("ml"), AI, SELECT_VLLM], 1),
        ([namespace("ml"), WEB], 0),
        ([AI], 1),  # an undeclared namespace still counts
        ([AI, network_policy("deny", namespace="other")], 1),
    ],
)
def test_namespace_default_deny(objects: list[Obj], expected: int) -> None:
    findings = findings_of(NamespaceWithoutDefaultDenyCheck, graph_from(objects))
    assert len(findings) == expected
    if expected:
        assert findings[0].asset_id == "k8s:namespace/ml"
