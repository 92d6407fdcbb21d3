"""Who can reach a cluster's data and models through RBAC: ``subject CAN_ACCESS asset``.

Every subject of every RoleBinding and ClusterRoleBinding (service account, user, group)
gets one ``CAN_ACCESS`` edge per asset it can reach, with everything it may do there merged:

- Secrets it can read (get, list and watch all reveal values) or change;
- PersistentVolumeClaims that hold data or models: reading one takes a pod that mounts it,
  so creating pods (or Deployments, Jobs, ...) in its namespace, or exec'ing into a pod that
  already mounts it, gives read and write;
- workloads that mount Secrets or data volumes, which ``pods/exec`` opens;
- everything in scope, as an administrator, for wildcards, ``escalate``/``bind`` on roles and
  ``impersonate`` (which lets the holder act as any user, cluster-admin included).

A subject that administers the whole cluster (a ClusterRoleBinding to a role with
wildcards, ``escalate``/``bind`` or ``impersonate``) reaches every Secret and data volume:
rather than one edge to each (hundreds of thousands on a large cluster, for a fact that is
one sentence), its asset gets ``cluster_admin: true`` and the chains that make it so in
``cluster_admin_via``. Everyone-groups are the exception: their edges are drawn, so the
checks and the data map see that everybody reaches the data.

A role's powers are worked out once per role and its reach once per (role, namespace), then
reused for every binding and subject, so the cost follows the edges drawn rather than
bindings x objects. PVCs found to hold data are marked ``sensitive`` with the reason.
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from stackward.collectors.kubernetes.ids import object_id
from stackward.collectors.kubernetes.rbac import Binding
from stackward.collectors.kubernetes.rbac_powers import (
    READ_VERBS,
    WRITE_VERBS,
    Names,
    Powers,
    role_powers,
    rules_of,
)
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind

SOURCE = "kubernetes-rbac"
EVERYONE_GROUPS = frozenset(
    {"system:authenticated", "system:unauthenticated", "system:serviceaccounts"}
)
ALL_ACCOUNTS_IN_NAMESPACE = "system:serviceaccounts:"
UNAUTHENTICATED = frozenset({"system:unauthenticated", "system:anonymous"})
DATA_WORDS = re.compile(r"data|model|checkpoint|ckpt|weights|corpus|embedding", re.IGNORECASE)
"""Words in a PVC's name or label values that say it holds data or models."""


@dataclass(frozen=True, slots=True)
class Grant:
    """What one role reaches on one target, merged over all its rules.

    The sorted lists are shared by every edge drawn from the grant (and by equal grants):
    half a million edges of a large cluster then cost one small object each, not three.
    """

    target: str
    access: list[str]
    privileges: list[str]
    reason: str


@dataclass(slots=True)
class _Edge:
    access: set[str]
    privileges: set[str]
    via: list[str]
    reason: str


@dataclass(slots=True)
class Targets:
    """The assets data access can reach, by namespace."""

    secrets: dict[str, list[Asset]] = field(default_factory=lambda: defaultdict(list))
    data_pvcs: dict[str, list[Asset]] = field(default_factory=lambda: defaultdict(list))
    pods: dict[str, list[tuple[Asset, list[Asset]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    """Workloads that mount a Secret or a data PVC, with the data PVCs they mount."""

    def namespaces(self) -> list[str]:
        return sorted({*self.secrets, *self.data_pvcs, *self.pods})


MAX_ADMIN_CHAINS = 10


def add_data_access(
    assets: dict[str, Asset], bindings: Sequence[Binding], cluster: str
) -> list[Relation]:
    """The ``CAN_ACCESS`` edges of every bound subject; adds user/group principal assets to
    ``assets`` and marks service accounts as principals and data-holding PVCs as sensitive."""
    with _collector_paused():
        return _edges(assets, bindings, cluster)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the edges are built.

    Hundreds of thousands of long-lived edges, none of them garbage, would otherwise trigger
    several full collections over the whole inventory: on the 50,000-object benchmark that
    was 40% of this step's time. Reference counting still frees what is dropped.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _edges(assets: dict[str, Asset], bindings: Sequence[Binding], cluster: str) -> list[Relation]:
    _mark_principals(assets)
    targets = _targets(assets, cluster)
    reach: dict[tuple[str, str], list[Grant]] = {}
    powers: dict[str, Powers] = {}
    held: dict[str, list[tuple[list[Grant], list[str]]]] = defaultdict(list)
    cluster_admins: dict[str, list[list[str]]] = defaultdict(list)
    for binding in bindings:
        role = assets.get(binding.role_id)
        if role is None or role.kind is not AssetKind.K8S_ROLE:
            continue
        key = (role.id, binding.scope)
        if key not in reach:
            if role.id not in powers:
                powers[role.id] = role_powers(rules_of(role))
            namespaces = [binding.scope] if binding.scope else targets.namespaces()
            reach[key] = grants(powers[role.id], namespaces, targets)
        if not reach[key]:
            continue
        chain = [_label(binding.asset), _label(role)]
        administers_cluster = not binding.scope and bool(powers[role.id].admin)
        for kind, name, namespace in binding.subjects:
            subject = _subject(assets, kind, name, namespace, cluster, binding.asset.source)
            if subject is None:
                continue
            if administers_cluster and not is_everyone(kind, name):
                cluster_admins[subject[0]].append([subject[1], *chain])
            else:
                held[subject[0]].append((reach[key], [subject[1], *chain]))
    for subject_id, chains in cluster_admins.items():
        held.pop(subject_id, None)  # every edge it has is covered by administering the cluster
        principal = assets[subject_id]
        assets[subject_id] = replace(
            principal,
            properties={
                **principal.properties,
                "cluster_admin": True,
                "cluster_admin_via": chains[:MAX_ADMIN_CHAINS],
            },
        )
    relations: list[Relation] = []
    for subject_id, ways in held.items():
        if len(ways) == 1:  # the common case: nothing to merge
            found, via = ways[0]
            relations.extend(
                _relation(subject_id, g.target, g.access, g.privileges, via, g.reason)
                for g in found
            )
            continue
        relations.extend(_merged(subject_id, ways))
    return relations


def _merged(subject_id: str, ways: list[tuple[list[Grant], list[str]]]) -> Iterable[Relation]:
    """One edge per target over several bindings; a target only one of them reaches keeps
    its grant's shared lists."""
    first: dict[str, tuple[Grant, list[str]]] = {}
    edges: dict[str, _Edge] = {}
    for found, via in ways:
        for grant in found:
            if grant.target in edges:
                _merge(edges, grant, via)
            elif grant.target in first:
                earlier, earlier_via = first.pop(grant.target)
                _merge(edges, earlier, earlier_via)
                _merge(edges, grant, via)
            else:
                first[grant.target] = (grant, via)
    for grant, via in first.values():
        yield _relation(subject_id, grant.target, grant.access, grant.privileges, via, grant.reason)
    for target, e in edges.items():
        yield _relation(subject_id, target, sorted(e.access), sorted(e.privileges), e.via, e.reason)


def _relation(
    src: str,
    dst: str,
    access: list[str],
    privileges: list[str],
    via: list[str],
    reason: str,
) -> Relation:
    properties = {
        "access": access,
        "privileges": privileges,
        "via": via,
        "reason": reason,
        "source": SOURCE,
    }
    return Relation(src, dst, RelationKind.CAN_ACCESS, properties)


def _merge(edges: dict[str, _Edge], grant: Grant, via: list[str]) -> None:
    edge = edges.get(grant.target)
    if edge is None:
        edges[grant.target] = _Edge(set(grant.access), set(grant.privileges), via, grant.reason)
        return
    edge.privileges.update(grant.privileges)
    if not edge.access.issuperset(grant.access):
        edge.access.update(grant.access)
        edge.via, edge.reason = via, grant.reason


# -- what those powers reach ----------------------------------------------------------------
def grants(powers: Powers, namespaces: Iterable[str], targets: Targets) -> list[Grant]:
    """Everything ``powers`` reach in ``namespaces``, one grant per target."""
    edges: dict[str, _Edge] = {}

    def add(target: str, access: Iterable[str], privileges: Iterable[str], reason: str) -> None:
        _merge(edges, Grant(target, list(access), list(privileges), reason), [])

    creation = sorted(set(powers.pod_creation))
    for namespace in namespaces:
        if powers.admin:  # the data itself; exec into workloads adds nothing for an admin
            for asset in (
                *targets.secrets.get(namespace, ()),
                *targets.data_pvcs.get(namespace, ()),
            ):
                add(asset.id, ("admin", "read", "write"), powers.admin, powers.admin_reason)
            continue
        for secret in targets.secrets.get(namespace, ()):
            held = [
                p for p, names in powers.secrets.items() if names is None or secret.name in names
            ]
            if held:
                verbs = {p.split(" ", 1)[0] for p in held}
                access = [
                    a for a, vs in (("read", READ_VERBS), ("write", WRITE_VERBS)) if verbs & set(vs)
                ]
                add(secret.id, access, held, _secret_reason(verbs, secret))
            if creation:
                add(
                    secret.id,
                    ["read"],
                    creation,
                    f"can start a pod that mounts Secret {secret.name}",
                )
        for pvc in targets.data_pvcs.get(namespace, ()) if creation else ():
            add(pvc.id, ("read", "write"), creation, f"can start a pod that mounts {pvc.name}")
        for workload, pvcs in targets.pods.get(namespace, ()) if powers.get_pods else ():
            if not any(_pod_named(names, workload) for names in powers.get_pods.values()):
                continue
            execs = [p for p, names in powers.exec.items() if _pod_named(names, workload)]
            if execs:
                add(
                    workload.id,
                    ["read"],
                    execs,
                    f"can exec into {workload.name} and read its mounts",
                )
                for pvc in pvcs:
                    add(
                        pvc.id,
                        ("read", "write"),
                        execs,
                        f"can exec into a pod that mounts {pvc.name}",
                    )
    shared: dict[tuple[str, ...], list[str]] = {}

    def one(values: set[str]) -> list[str]:
        key = tuple(sorted(values))
        return shared.setdefault(key, list(key))

    return [
        Grant(target, one(e.access), one(e.privileges), e.reason) for target, e in edges.items()
    ]


def _secret_reason(verbs: set[str], secret: Asset) -> str:
    if reads := verbs & set(READ_VERBS):
        return f"can {'/'.join(sorted(reads))} Secret {secret.name}"
    return f"can change Secret {secret.name}"


def _pod_named(names: Names, workload: Asset) -> bool:
    """Whether a name-limited pod permission covers the workload's pods (``<name>-...``)."""
    if names is None:
        return True
    return any(n == workload.name or n.startswith(workload.name + "-") for n in names)


def _targets(assets: dict[str, Asset], cluster: str) -> Targets:
    """Index Secrets, data PVCs and data-mounting workloads by namespace; mark data PVCs."""
    targets = Targets()
    workloads = [a for a in assets.values() if a.prop("workload_kind") is not None]
    mounted_by: dict[str, list[Asset]] = defaultdict(list)
    for workload in workloads:
        namespace = str(workload.prop("namespace") or "")
        for name in workload.prop("mounted_pvcs") or ():
            mounted_by[object_id("persistentvolumeclaim", name, namespace, cluster)].append(
                workload
            )
    for asset in list(assets.values()):
        namespace = str(asset.prop("namespace") or "")
        if asset.kind is AssetKind.K8S_SECRET:
            targets.secrets[namespace].append(asset)
        elif asset.kind is AssetKind.K8S_PVC:
            reason = data_volume_reason(asset, mounted_by.get(asset.id, ()))
            if reason:
                properties = {**asset.properties, "holds_data": True, "holds_data_reason": reason}
                assets[asset.id] = replace(asset, sensitive=True, properties=properties)
                targets.data_pvcs[namespace].append(assets[asset.id])
    for workload in workloads:
        namespace = str(workload.prop("namespace") or "")
        pvcs = [
            assets[pvc_id]
            for name in workload.prop("mounted_pvcs") or ()
            if (pvc_id := object_id("persistentvolumeclaim", name, namespace, cluster)) in assets
            and assets[pvc_id].prop("holds_data")
        ]
        if pvcs or workload.prop("mounted_secrets"):
            targets.pods[namespace].append((workload, pvcs))
    return targets


def data_volume_reason(pvc: Asset, mounted_by: Iterable[Asset]) -> str:
    """Why a PVC is taken to hold data or models, or "" when nothing says so."""
    for workload in mounted_by:
        if component := workload.prop("ai_component_name") or workload.prop("ai_component"):
            return f"mounted by {component} workload {workload.name}"
    if DATA_WORDS.search(pvc.name):
        return f"its name {pvc.name!r} says it holds data or models"
    for key, value in pvc.labels.items():
        if DATA_WORDS.search(value):
            return f"its label {key}={value} says it holds data or models"
    return ""


# -- principals -----------------------------------------------------------------------------
def is_everyone(kind: str, name: str) -> bool:
    """A subject that stands for every user or every service account (of a namespace)."""
    if kind == "User":
        return name == "system:anonymous"
    return kind == "Group" and (
        name in EVERYONE_GROUPS or name.startswith(ALL_ACCOUNTS_IN_NAMESPACE)
    )


def _mark_principals(assets: dict[str, Asset]) -> None:
    for asset in list(assets.values()):
        if asset.kind is AssetKind.K8S_SERVICE_ACCOUNT and "principal_type" not in asset.properties:
            properties = {**asset.properties, "principal_type": "k8s_service_account"}
            assets[asset.id] = replace(asset, properties={**properties, "everyone": False})


def _subject(
    assets: dict[str, Asset], kind: str, name: str, namespace: str, cluster: str, where: str
) -> tuple[str, str] | None:
    """The principal id and chain label of one binding subject, adding its asset if new."""
    if not name:
        return None
    if kind == "ServiceAccount":
        subject_id = object_id("serviceaccount", name, namespace, cluster)
        return (subject_id, f"ServiceAccount {namespace}/{name}") if subject_id in assets else None
    if kind not in ("User", "Group"):
        return None
    subject_id = object_id(kind.lower(), name, cluster=cluster)
    if subject_id not in assets:
        assets[subject_id] = _principal(subject_id, kind, name, cluster, where)
    return subject_id, f"{kind} {name}"


def _principal(subject_id: str, kind: str, name: str, cluster: str, where: str) -> Asset:
    properties: dict[str, Any] = {
        "k8s_kind": kind,
        "namespace": "",
        "cluster": cluster,
        "declared": False,
        "principal_type": f"k8s_{kind.lower()}",
        "everyone": is_everyone(kind, name),
        "unauthenticated": name in UNAUTHENTICATED,
    }
    return Asset(
        id=subject_id,
        kind=AssetKind.IAM_ROLE,
        layer=Layer.IDENTITY,
        name=name,
        source=where,
        properties=properties,
    )


def _label(asset: Asset) -> str:
    namespace = str(asset.prop("namespace") or "")
    kind = str(asset.prop("k8s_kind") or asset.kind.value)
    return f"{kind} {namespace + '/' if namespace else ''}{asset.name}"
