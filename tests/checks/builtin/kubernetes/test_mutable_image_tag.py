"""SW-K8S-012: images not pinned by digest."""

from __future__ import annotations

import pytest

from stackward.checks.base import Check
from stackward.checks.builtin.kubernetes.mutable_image_tag import MutableImageTagCheck
from stackward.model import Severity
from tests.checks.builtin.kubernetes.k8s_objects import Obj, container, deployment, graph_from
from tests.conftest import findings_of


def _one(check: type[Check], obj: Obj) -> list[tuple[str, Severity]]:
    return [(f.evidence.key, f.severity) for f in findings_of(check, graph_from([obj]))]


TAG_CASES: list[tuple[str, Obj, list[Severity]]] = [
    (
        "latest",
        deployment("a", containers=[container("vllm/vllm-openai:latest")]),
        [Severity.MEDIUM],
    ),
    ("no tag", deployment("a", containers=[container("ollama/ollama")]), [Severity.MEDIUM]),
    (
        "registry port no tag",
        deployment("a", containers=[container("registry:5000/team/vllm")]),
        [Severity.MEDIUM],
    ),
    (
        "ai tag only",
        deployment("a", containers=[container("vllm/vllm-openai:v0.6.3")]),
        [Severity.LOW],
    ),
    ("web tag only", deployment("a", containers=[container("nginx:1.27")]), []),
    ("web latest", deployment("a", containers=[container("nginx:latest")]), [Severity.MEDIUM]),
    ("digest", deployment("a", containers=[container("vllm/vllm-openai@sha256:" + "e" * 64)]), []),
]


@pytest.mark.parametrize(("case", "obj", "expected"), TAG_CASES)
def test_mutable_image_tag(case: str, obj: Obj, expected: list[Severity]) -> None:
    assert [s for _, s in _one(MutableImageTagCheck, obj)] == expected, case
