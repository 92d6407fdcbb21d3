"""SW-K8S-008: privileged, host-namespace and hostPath AI or GPU pods."""

from __future__ import annotations

import pytest

from stackward.checks.base import Check
from stackward.checks.builtin.kubernetes.privileged_ai_pod import PrivilegedAIWorkloadCheck
from stackward.model import Severity
from tests.checks.builtin.kubernetes.k8s_objects import Obj, container, deployment, graph_from
from tests.conftest import findings_of

HARD = {"runAsNonRoot": True, "runAsUser": 1000, "allowPrivilegeEscalation": False}


WEB_IMAGE = "nginx:1.27@sha256:" + "d" * 64


def _one(check: type[Check], obj: Obj) -> list[tuple[str, Severity]]:
    return [(f.evidence.key, f.severity) for f in findings_of(check, graph_from([obj]))]


PRIVILEGED_CASES: list[tuple[str, Obj, int]] = [
    (
        "privileged ai",
        deployment("a", containers=[container(security={**HARD, "privileged": True})]),
        1,
    ),
    ("host network", deployment("a", pod={"hostNetwork": True}), 1),
    ("host pid and ipc", deployment("a", pod={"hostPID": True, "hostIPC": True}), 2),
    (
        "host path",
        deployment("a", pod={"volumes": [{"name": "m", "hostPath": {"path": "/var/lib/models"}}]}),
        1,
    ),
    ("hardened ai", deployment("a"), 0),
    (
        "privileged web without gpu",
        deployment("a", containers=[container(WEB_IMAGE, security={"privileged": True})]),
        0,
    ),
    (
        "privileged web with gpu",
        deployment(
            "a",
            containers=[
                container(
                    WEB_IMAGE,
                    security={"privileged": True},
                    limits={"nvidia.com/gpu": 1, "cpu": "1", "memory": "1Gi"},
                )
            ],
        ),
        1,
    ),
]


@pytest.mark.parametrize(("case", "obj", "expected"), PRIVILEGED_CASES)
def test_privileged_ai_pod(case: str, obj: Obj, expected: int) -> None:
    assert len(_one(PrivilegedAIWorkloadCheck, obj)) == expected, case
