"""SW-K8S-015: AI containers that may run as root."""

from __future__ import annotations

import pytest

from stackward.checks.base import Check
from stackward.checks.builtin.kubernetes.ai_container_root import AIContainerRunsAsRootCheck
from stackward.model import Severity
from tests.checks.builtin.kubernetes.k8s_objects import Obj, container, deployment, graph_from
from tests.conftest import findings_of

WEB_IMAGE = "nginx:1.27@sha256:" + "d" * 64


def _one(check: type[Check], obj: Obj) -> list[tuple[str, Severity]]:
    return [(f.evidence.key, f.severity) for f in findings_of(check, graph_from([obj]))]


ROOT_CASES: list[tuple[str, Obj, int]] = [
    ("no settings", deployment("a", containers=[container(security={})]), 1),
    (
        "run as user 0",
        deployment("a", containers=[container(security={"runAsUser": 0, "runAsNonRoot": True})]),
        1,
    ),
    ("non root", deployment("a"), 0),
    (
        "pod level non root",
        deployment(
            "a",
            containers=[container(security={})],
            pod={"securityContext": {"runAsNonRoot": True}},
        ),
        0,
    ),
    ("non ai workload", deployment("a", containers=[container(WEB_IMAGE, security={})]), 0),
]


@pytest.mark.parametrize(("case", "obj", "expected"), ROOT_CASES)
def test_ai_container_root(case: str, obj: Obj, expected: int) -> None:
    assert len(_one(AIContainerRunsAsRootCheck, obj)) == expected, case
