"""SW-K8S-022: an everyone-group can read Secrets, data volumes or data-mounting pods."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.everyone_reads_data import EveryoneReadsDataCheck
from stackward.model import Severity
from tests.checks.builtin.kubernetes.k8s_objects import (
    Obj,
    binding,
    deployment,
    graph_from,
    role,
    sa_subject,
)
from tests.conftest import findings_of

SECRET: Obj = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "hf", "namespace": "ml"}}
DATA_PVC: Obj = {
    "apiVersion": "v1",
    "kind": "PersistentVolumeClaim",
    "metadata": {"name": "training-data", "namespace": "ml"},
}
READ_SECRETS = role("read", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}])
CREATE_PODS = role("run", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["create"]}])
CONFIGMAPS = role("cfg", [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}])


def _to(group: str, role_name: str = "read", kind: str = "Group") -> Obj:
    return binding("everyone", "Role", role_name, [{"kind": kind, "name": group}])


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        pytest.param(
            [SECRET, READ_SECRETS, _to("system:unauthenticated")],
            [Severity.CRITICAL],
            id="anonymous",
        ),
        pytest.param(
            [SECRET, READ_SECRETS, _to("system:anonymous", kind="User")],
            [Severity.CRITICAL],
            id="anonymous-user",
        ),
        pytest.param(
            [SECRET, READ_SECRETS, _to("system:authenticated")], [Severity.HIGH], id="authenticated"
        ),
        pytest.param(
            [SECRET, READ_SECRETS, _to("system:serviceaccounts")],
            [Severity.HIGH],
            id="all-accounts",
        ),
        pytest.param(
            [DATA_PVC, CREATE_PODS, _to("system:serviceaccounts:ml", "run")],
            [Severity.HIGH],
            id="pvc-via-pods",
        ),
        pytest.param(
            [
                SECRET,
                binding(
                    "v",
                    "ClusterRole",
                    "edit",
                    [{"kind": "Group", "name": "system:authenticated"}],
                    namespace=None,
                ),
            ],
            [Severity.HIGH],
            id="cluster-wide-edit",
        ),
        # locked down
        pytest.param([SECRET, READ_SECRETS, _to("ml-readers")], [], id="named-group"),
        pytest.param(
            [SECRET, READ_SECRETS, binding("one", "Role", "read", [sa_subject("app")])],
            [],
            id="one-account",
        ),
        pytest.param(
            [SECRET, CONFIGMAPS, _to("system:authenticated", "cfg")], [], id="configmaps-only"
        ),
        pytest.param(
            [deployment("web"), CREATE_PODS, _to("system:authenticated", "run")],
            [],
            id="no-data-to-reach",
        ),
    ],
)
def test_everyone_reads_data(objects: list[Obj], expected: list[Severity]) -> None:
    findings = findings_of(EveryoneReadsDataCheck, graph_from(objects))
    assert [f.severity for f in findings] == expected
    for finding in findings:
        assert (
            "RoleBinding" in finding.evidence.snippet
            or "ClusterRoleBinding" in finding.evidence.snippet
        )
