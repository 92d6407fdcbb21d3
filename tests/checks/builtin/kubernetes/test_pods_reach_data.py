"""SW-K8S-023: a non-admin subject can run or exec into pods that mount data or Secrets."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.pods_reach_data import PodsReachDataCheck
from tests.checks.builtin.kubernetes.k8s_objects import (
    Obj,
    binding,
    container,
    deployment,
    graph_from,
    role,
    sa_subject,
)
from tests.conftest import findings_of

DATA_PVC: Obj = {
    "apiVersion": "v1",
    "kind": "PersistentVolumeClaim",
    "metadata": {"name": "checkpoints", "namespace": "ml"},
}
TRAINER = deployment(
    "trainer",
    containers=[container()],
    pod={"volumes": [{"name": "c", "persistentVolumeClaim": {"claimName": "checkpoints"}}]},
)
EXEC = role(
    "exec",
    [
        {"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]},
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
    ],
)
DEPLOY = role(
    "deploy", [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["create"]}]
)
READ_SECRET = role("read", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}])
SECRET: Obj = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "hf", "namespace": "ml"}}


def _bind(role_name: str, subject: Obj, kind: str = "Role", namespace: str | None = "ml") -> Obj:
    return binding("b-" + role_name, kind, role_name, [subject], namespace=namespace)


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        pytest.param([DATA_PVC, TRAINER, EXEC, _bind("exec", sa_subject("ci"))], 1, id="exec-sa"),
        pytest.param(
            [DATA_PVC, DEPLOY, _bind("deploy", {"kind": "User", "name": "dev"})],
            1,
            id="deploy-user",
        ),
        pytest.param(
            [SECRET, _bind("edit", {"kind": "Group", "name": "ml-devs"}, "ClusterRole")],
            1,
            id="edit-group",
        ),
        # locked down
        pytest.param(
            [DATA_PVC, TRAINER, READ_SECRET, _bind("read", sa_subject("ci"))], 0, id="no-pod-power"
        ),
        pytest.param(
            [SECRET, READ_SECRET, _bind("read", sa_subject("ci"))], 0, id="direct-secret-read-only"
        ),
        pytest.param(
            [DATA_PVC, TRAINER, _bind("cluster-admin", sa_subject("ci"), "ClusterRole", None)],
            0,
            id="cluster-admin",
        ),
        pytest.param(
            [DATA_PVC, EXEC, _bind("exec", sa_subject("ci"))], 0, id="exec-but-no-pod-mounts-it"
        ),
        pytest.param(
            [
                DATA_PVC,
                DEPLOY,
                _bind("deploy", {"kind": "Group", "name": "system:serviceaccounts:ml"}),
            ],
            0,
            id="everyone-is-sw-k8s-022",
        ),
        pytest.param(
            [
                {**DATA_PVC, "metadata": {"name": "checkpoints", "namespace": "kube-system"}},
                role("deploy", DEPLOY["rules"], namespace="kube-system"),
                _bind("deploy", sa_subject("ctrl", "kube-system"), namespace="kube-system"),
            ],
            0,
            id="kube-system",
        ),
    ],
)
def test_pods_reach_data(objects: list[Obj], expected: int) -> None:
    findings = findings_of(PodsReachDataCheck, graph_from(objects))
    assert len(findings) == expected
    for finding in findings:
        assert " -> " in finding.evidence.snippet
