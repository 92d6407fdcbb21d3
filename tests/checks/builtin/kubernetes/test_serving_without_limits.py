"""SW-K8S-016: model servers without resource limits."""

from __future__ import annotations

import pytest

from stackward.checks.base import Check
from stackward.checks.builtin.kubernetes.serving_without_limits import (
    ServingWithoutResourceLimitsCheck,
)
from stackward.model import Severity
from tests.checks.builtin.kubernetes.k8s_objects import Obj, container, deployment, graph_from
from tests.conftest import findings_of


def _one(check: type[Check], obj: Obj) -> list[tuple[str, Severity]]:
    return [(f.evidence.key, f.severity) for f in findings_of(check, graph_from([obj]))]


LIMIT_CASES: list[tuple[str, Obj, int]] = [
    ("gpu only", deployment("a", containers=[container(limits={"nvidia.com/gpu": 1})]), 1),
    ("memory and cpu", deployment("a"), 0),
    (
        "no limits on ollama",
        deployment("a", containers=[container("ollama/ollama:0.3.12", limits={})]),
        1,
    ),
    (
        "notebook is not serving",
        deployment("a", containers=[container("quay.io/jupyter/base-notebook:x", limits={})]),
        0,
    ),
]


@pytest.mark.parametrize(("case", "obj", "expected"), LIMIT_CASES)
def test_serving_without_limits(case: str, obj: Obj, expected: int) -> None:
    assert len(_one(ServingWithoutResourceLimitsCheck, obj)) == expected, case
