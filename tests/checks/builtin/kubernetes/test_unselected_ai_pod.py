"""SW-K8S-007: AI workloads that no ingress NetworkPolicy selects."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.unselected_ai_pod import UnsegmentedAIWorkloadCheck
from tests.checks.builtin.kubernetes.k8s_objects import (
    Obj,
    container,
    deployment,
    graph_from,
    network_policy,
)
from tests.conftest import findings_of

AI = deployment("vllm", containers=[container()])


WEB = deployment("web", containers=[container("nginx:1.27@sha256:" + "c" * 64)])


DENY = network_policy("deny")


EGRESS_ONLY = network_policy("egress", types=["Egress"])


SELECT_VLLM = network_policy(
    "vllm",
    selector={"matchLabels": {"app": "vllm"}},
    ingress_rules=[{"from": [{"podSelector": {}}]}],
)


SELECT_OTHER = network_policy("other", selector={"matchLabels": {"app": "other"}})


SELECT_EXPR = network_policy(
    "expr",
    selector={"matchExpressions": [{"key": "app", "operator": "In", "values": ["vllm", "x"]}]},
)


SELECT_NOT_IN = network_policy(
    "notin",
    selector={"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["vllm"]}]},
)


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        ([AI], 1),
        ([AI, DENY], 0),
        ([AI, SELECT_VLLM], 0),
        ([AI, SELECT_EXPR], 0),
        ([AI, SELECT_OTHER], 1),
        ([AI, SELECT_NOT_IN], 1),
        ([AI, EGRESS_ONLY], 1),
        ([AI, network_policy("deny", namespace="other")], 1),
        ([WEB], 0),
    ],
)
def test_unselected_ai_pod(objects: list[Obj], expected: int) -> None:
    assert len(findings_of(UnsegmentedAIWorkloadCheck, graph_from(objects))) == expected
