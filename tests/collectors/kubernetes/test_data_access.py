"""Effective data access through RBAC: subject CAN_ACCESS Secret / data PVC / workload."""

from __future__ import annotations

import time
from typing import Any

import pytest

from stackward.collectors.kubernetes.data_access import SOURCE, is_everyone
from stackward.collectors.kubernetes.manifests import SourcedObject
from stackward.collectors.kubernetes.rbac_powers import allows, role_powers
from stackward.collectors.kubernetes.transform import Inventory, transform
from stackward.model import AssetKind, Layer, RelationKind
from tests.checks.builtin.kubernetes.k8s_objects import (
    Obj,
    binding,
    container,
    deployment,
    role,
    sa_subject,
    service_account,
)

WEB = "nginx:1.27@sha256:" + "b" * 64


def secret(name: str, namespace: str = "ml") -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": namespace},
        "stringData": {"token": "synthetic-not-a-secret"},
    }


def pvc(name: str, namespace: str = "ml", labels: dict[str, str] | None = None) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": namespace, "labels": labels or {}},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
    }


def mounting(
    name: str,
    image: str | None = None,
    *,
    claims: tuple[str, ...] = (),
    secrets: tuple[str, ...] = (),
) -> Obj:
    volumes: list[Obj] = [
        {"name": c, "persistentVolumeClaim": {"claimName": c}} for c in claims
    ] + [{"name": s, "secret": {"secretName": s}} for s in secrets]
    main = container(image) if image else container()
    return deployment(name, containers=[main], pod={"volumes": volumes})


CLUSTER = [
    service_account("trainer"),
    secret("hf-token"),
    secret("db-password"),
    secret("other-token", "other"),
    pvc("training-data"),
    pvc("scratch"),
    pvc("logs"),
    mounting("llm", claims=("scratch",), secrets=("hf-token",)),
    mounting("web", WEB, claims=("logs",)),
]
"""Two Secrets and three PVCs in ``ml`` (two hold data), one Secret in ``other``."""

SA = "k8s:serviceaccount/ml/trainer"
HF, DB, OTHER = (
    "k8s:secret/ml/hf-token",
    "k8s:secret/ml/db-password",
    "k8s:secret/other/other-token",
)
DATA, SCRATCH, LOGS = (
    "k8s:persistentvolumeclaim/ml/training-data",
    "k8s:persistentvolumeclaim/ml/scratch",
    "k8s:persistentvolumeclaim/ml/logs",
)
LLM, WEB_ID = "k8s:deployment/ml/llm", "k8s:deployment/ml/web"
RW, R, ADMIN = ("read", "write"), ("read",), ("admin", "read", "write")


def _bound(rules: list[Obj], subject: Obj | None = None, cluster_wide: bool = False) -> list[Obj]:
    namespace = None if cluster_wide else "ml"
    return [
        role("granted", rules, namespace=namespace),
        binding(
            "grant",
            "ClusterRole" if cluster_wide else "Role",
            "granted",
            [subject or sa_subject("trainer")],
            namespace=namespace,
        ),
    ]


def _rule(
    resources: list[str],
    verbs: list[str],
    names: list[str] | None = None,
    groups: list[str] | None = None,
) -> Obj:
    rule: Obj = {
        "apiGroups": groups if groups is not None else [""],
        "resources": resources,
        "verbs": verbs,
    }
    if names is not None:
        rule["resourceNames"] = names
    return rule


def _inventory(objects: list[Obj]) -> Inventory:
    inventory = transform([SourcedObject(o, f"t.yaml#{i}") for i, o in enumerate(objects)])
    assert not inventory.skipped, inventory.skipped
    return inventory


def _access(inventory: Inventory) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (r.src, r.dst): dict(r.properties)
        for r in inventory.relations
        if r.kind is RelationKind.CAN_ACCESS and r.properties.get("source") == SOURCE
    }


EDIT_IN_ML = binding("edit-ml", "ClusterRole", "edit", [sa_subject("trainer")])
AUTHENTICATED = {
    "kind": "Group",
    "name": "system:authenticated",
    "apiGroup": "rbac.authorization.k8s.io",
}
ALICE = {"kind": "User", "name": "alice", "apiGroup": "rbac.authorization.k8s.io"}


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        pytest.param(
            [EDIT_IN_ML],
            {(SA, HF): RW, (SA, DB): RW, (SA, DATA): RW, (SA, SCRATCH): RW, (SA, LLM): R},
            id="rolebinding-to-clusterrole-edit-is-namespaced",
        ),
        pytest.param(
            _bound(
                [_rule(["secrets"], ["get", "list", "watch"]), _rule(["pods"], ["get", "list"])],
                AUTHENTICATED,
                cluster_wide=True,
            ),
            {("k8s:group/system:authenticated", s): R for s in (HF, DB, OTHER)},
            id="clusterrolebinding-view-secrets-for-all-authenticated",
        ),
        pytest.param(
            _bound([_rule(["pods/exec"], ["create"]), _rule(["pods"], ["get"])]),
            {(SA, LLM): R, (SA, SCRATCH): RW},
            id="pods-exec-reaches-mounting-workload-and-its-volume",
        ),
        pytest.param(
            _bound(
                [
                    _rule(["pods/attach"], ["create"], names=["llm-7d9f"]),
                    _rule(["pods"], ["get"], names=["llm-7d9f"]),
                ]
            ),
            {(SA, LLM): R, (SA, SCRATCH): RW},
            id="attach-limited-to-the-workloads-pods",
        ),
        pytest.param(
            _bound([_rule(["pods"], ["create"])]),
            {(SA, HF): R, (SA, DB): R, (SA, DATA): RW, (SA, SCRATCH): RW},
            id="create-pods-mounts-any-secret-or-data-volume",
        ),
        pytest.param(
            _bound([_rule(["jobs"], ["create"], groups=["batch"])]),
            {(SA, HF): R, (SA, DB): R, (SA, DATA): RW, (SA, SCRATCH): RW},
            id="create-jobs-runs-pods-too",
        ),
        pytest.param(
            _bound([_rule(["secrets"], ["get"], names=["hf-token"])]),
            {(SA, HF): R},
            id="resource-names-limit-secret-reads",
        ),
        pytest.param(
            _bound([_rule(["secrets"], ["update", "patch"])]),
            {(SA, HF): ("write",), (SA, DB): ("write",)},
            id="secret-write-verbs-are-write",
        ),
        pytest.param(
            _bound([_rule(["clusterroles"], ["bind"], groups=["rbac.authorization.k8s.io"])]),
            {(SA, t): ADMIN for t in (HF, DB, DATA, SCRATCH)},
            id="bind-is-admin-in-its-namespace",
        ),
        # locked-down twins: nothing reaches data
        pytest.param(_bound([_rule(["configmaps"], ["get", "list"])]), {}, id="configmaps-only"),
        pytest.param(_bound([_rule(["pods/exec"], ["create"])]), {}, id="exec-without-get-pods"),
        pytest.param(
            _bound([_rule(["pods/exec"], ["create"], names=["web-1"]), _rule(["pods"], ["get"])]),
            {},
            id="exec-limited-to-a-pod-without-data",
        ),
        pytest.param(
            _bound([_rule(["pods"], ["create"], names=["x"])]),
            {},
            id="create-cannot-be-name-limited",
        ),
        pytest.param(_bound([_rule(["pods"], ["get", "list", "watch"])]), {}, id="pod-reads-only"),
        pytest.param(
            _bound([_rule(["secrets"], ["get"], groups=["apps"])]),
            {},
            id="secrets-in-wrong-api-group",
        ),
        pytest.param(
            _bound([_rule(["users"], ["impersonate"], names=["bob"])], ALICE, cluster_wide=True),
            {},
            id="impersonate-one-named-user",
        ),
        pytest.param(
            [binding("view-ml", "ClusterRole", "view", [sa_subject("trainer")])],
            {},
            id="builtin-view",
        ),
        pytest.param(
            [
                binding(
                    "edit-other",
                    "ClusterRole",
                    "edit",
                    [sa_subject("trainer", "other")],
                    namespace="other",
                )
            ],
            {("k8s:serviceaccount/other/trainer", OTHER): RW},
            id="edit-in-another-namespace-stays-there",
        ),
    ],
)
def test_effective_access(
    objects: list[Obj], expected: dict[tuple[str, str], tuple[str, ...]]
) -> None:
    found = _access(_inventory(CLUSTER + objects))
    assert {edge: tuple(props["access"]) for edge, props in found.items()} == expected
    for props in found.values():
        assert props["via"] and props["reason"] and props["privileges"]


def test_edge_properties_name_the_chain() -> None:
    found = _access(_inventory([*CLUSTER, EDIT_IN_ML]))
    creation = ["create cronjobs", "create daemonsets", "create deployments", "create jobs"]
    creation += ["create pods", "create replicasets", "create statefulsets"]
    verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    assert found[SA, HF] == {
        "access": ["read", "write"],
        "privileges": sorted(creation + [f"{v} secrets" for v in verbs]),
        "via": ["ServiceAccount ml/trainer", "RoleBinding ml/edit-ml", "ClusterRole edit"],
        "reason": "can get/list/watch Secret hf-token",
        "source": "kubernetes-rbac",
    }
    assert found[SA, DATA]["privileges"] == creation
    assert found[SA, LLM]["privileges"] == ["create pods/attach", "create pods/exec"]
    assert found[SA, LLM]["reason"] == "can exec into llm and read its mounts"


def test_two_bindings_merge_into_one_edge() -> None:
    objects = [
        *CLUSTER,
        role("reader", [_rule(["secrets"], ["get"])]),
        role("writer", [_rule(["secrets"], ["update"])]),
        binding("read", "Role", "reader", [sa_subject("trainer")]),
        binding("write", "Role", "writer", [sa_subject("trainer")]),
    ]
    edges = [
        r
        for r in _inventory(objects).relations
        if (r.src, r.dst) == (SA, HF) and r.kind is RelationKind.CAN_ACCESS
    ]
    assert len(edges) == 1
    assert edges[0].properties["access"] == ["read", "write"]
    assert edges[0].properties["privileges"] == ["get secrets", "update secrets"]


@pytest.mark.parametrize(
    ("claim", "mounted_by", "expected"),
    [
        (pvc("training-data"), None, True),
        (pvc("llama-checkpoints"), None, True),
        (pvc("vol-1", labels={"purpose": "model-weights"}), None, True),
        (pvc("vol-1"), "vllm", True),
        (pvc("vol-1"), None, False),
        (pvc("vol-1"), WEB, False),
        (pvc("cache", labels={"tier": "fast"}), WEB, False),
    ],
    ids=[
        "name-data",
        "name-checkpoint",
        "label-model",
        "ai-mount",
        "plain",
        "web-mount",
        "web-cache",
    ],
)
def test_data_volumes_are_marked_sensitive(
    claim: Obj, mounted_by: str | None, expected: bool
) -> None:
    name = claim["metadata"]["name"]
    objects = [claim]
    if mounted_by is not None:
        image = None if mounted_by == "vllm" else mounted_by
        objects.append(mounting("user", image, claims=(name,)))
    asset = _inventory(objects).assets[f"k8s:persistentvolumeclaim/ml/{name}"]
    assert asset.sensitive is expected
    assert bool(asset.prop("holds_data")) is expected
    assert bool(asset.prop("holds_data_reason")) is expected


@pytest.mark.parametrize(
    ("kind", "name", "everyone"),
    [
        ("Group", "system:authenticated", True),
        ("Group", "system:unauthenticated", True),
        ("Group", "system:serviceaccounts", True),
        ("Group", "system:serviceaccounts:ml", True),
        ("User", "system:anonymous", True),
        ("Group", "system:masters", False),
        ("Group", "ml-admins", False),
        ("User", "alice", False),
    ],
)
def test_everyone_subjects(kind: str, name: str, everyone: bool) -> None:
    assert is_everyone(kind, name) is everyone


def test_principal_assets() -> None:
    group = {"kind": "Group", "name": "system:unauthenticated"}
    inventory = _inventory([*CLUSTER, *_bound([_rule(["secrets"], ["list"])], group)])
    principal = inventory.assets["k8s:group/system:unauthenticated"]
    assert (principal.kind, principal.layer) == (AssetKind.IAM_ROLE, Layer.IDENTITY)
    assert principal.prop("principal_type") == "k8s_group"
    assert principal.prop("everyone") is True and principal.prop("unauthenticated") is True
    account = inventory.assets[SA]
    assert account.prop("principal_type") == "k8s_service_account"
    assert account.prop("everyone") is False


@pytest.mark.parametrize(
    ("rule", "request_", "allowed"),
    [
        (_rule(["*"], ["get"]), ("", "pods/exec", "get"), True),
        (_rule(["*/exec"], ["create"]), ("", "pods/exec", "create"), True),
        (_rule(["pods"], ["create"]), ("", "pods/exec", "create"), False),
        (_rule(["pods"], ["*"], groups=["*"]), ("apps", "pods", "create"), True),
        (_rule(["deployments"], ["create"], groups=["apps"]), ("", "deployments", "create"), False),
    ],
    ids=[
        "star-resource",
        "star-subresource",
        "parent-is-not-subresource",
        "star-group",
        "wrong-group",
    ],
)
def test_rule_matching(rule: Obj, request_: tuple[str, str, str], allowed: bool) -> None:
    normalised = {
        "api_groups": rule["apiGroups"],
        "resources": rule["resources"],
        "verbs": rule["verbs"],
        "resource_names": [],
    }
    assert allows(normalised, *request_) is allowed


def test_hostile_rules_give_no_access_and_no_error() -> None:
    hostile = [
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": "odd", "namespace": "ml"},
            "rules": "all",
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": "odd2", "namespace": "ml"},
            "rules": [{"verbs": 5, "resources": {"x": 1}}, 7],
        },
        binding("b1", "Role", "odd", [sa_subject("trainer"), {"kind": "Group"}, "junk"]),
        binding("b2", "Role", "odd2", [{"kind": "Robot", "name": "r2"}]),
        binding("b3", "Role", "missing", [sa_subject("trainer")]),
    ]
    assert _access(_inventory(CLUSTER + hostile)) == {}
    assert role_powers([]).admin == []


def test_scale_cluster_admins_times_secrets() -> None:
    """Cost follows the edges: 40 namespaces x 50 Secrets, 400 namespaced readers and 20
    cluster-wide admins give 400 x 50 edges, well inside the bound."""
    objects: list[Obj] = []
    for n in range(40):
        namespace = f"ns-{n}"
        objects += [secret(f"s-{i}", namespace) for i in range(50)]
        objects.append(role("reader", [_rule(["secrets"], ["get"])], namespace=namespace))
        objects += [
            binding(
                f"r-{i}", "Role", "reader", [sa_subject(f"app-{i}", namespace)], namespace=namespace
            )
            for i in range(10)
        ]
    admins = [sa_subject(f"admin-{i}", "ops") for i in range(20)]
    objects.append(binding("admins", "ClusterRole", "cluster-admin", admins, namespace=None))
    started = time.perf_counter()
    found = _access(_inventory(objects))
    elapsed = time.perf_counter() - started
    assert len(found) == 400 * 50  # the cluster-wide admins are marked, not joined to each
    assert elapsed < 30, f"{elapsed:.1f}s"


@pytest.mark.parametrize(
    ("objects", "subject"),
    [
        pytest.param(
            _bound([_rule(["users", "groups"], ["impersonate"])], ALICE, cluster_wide=True),
            "k8s:user/alice",
            id="impersonate-administers-the-cluster",
        ),
        pytest.param(
            _bound([_rule(["*"], ["*"], groups=["*"])], cluster_wide=True),
            SA,
            id="wildcard-is-cluster-admin",
        ),
    ],
)
def test_cluster_wide_admins_are_marked_not_joined_to_every_target(
    objects: list[Obj], subject: str
) -> None:
    inventory = _inventory(CLUSTER + objects)
    assert not [edge for edge in _access(inventory) if edge[0] == subject]
    principal = inventory.assets[subject]
    assert principal.prop("cluster_admin") is True
    (chain,) = principal.prop("cluster_admin_via")
    assert chain[0].endswith(subject.rsplit("/", 1)[-1]) and len(chain) == 3


def test_everyone_bound_to_cluster_admin_keeps_its_edges() -> None:
    everyone = {
        "kind": "Group",
        "name": "system:authenticated",
        "apiGroup": "rbac.authorization.k8s.io",
    }
    objects = [binding("all-admin", "ClusterRole", "cluster-admin", [everyone], namespace=None)]
    found = _access(_inventory(CLUSTER + objects))
    reached = {target for (src, target) in found if src == "k8s:group/system:authenticated"}
    assert reached == {HF, DB, OTHER, DATA, SCRATCH}
