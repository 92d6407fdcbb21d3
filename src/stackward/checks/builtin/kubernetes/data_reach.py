"""What a Kubernetes principal can reach through RBAC, read from its ``CAN_ACCESS`` edges.

The Kubernetes collector draws one edge per (subject, Secret / data PVC / workload) with the
access, native privileges and grant chain; the data-access checks share these queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Relation, RelationKind

SOURCE = "kubernetes-rbac"
POD_PRIVILEGES = frozenset(
    {
        "create pods",
        "create pods/exec",
        "create pods/attach",
        "create deployments",
        "create statefulsets",
        "create daemonsets",
        "create replicasets",
        "create jobs",
        "create cronjobs",
        "create replicationcontrollers",
    }
)
"""Privileges that read data by running a pod that mounts it (or exec'ing into one)."""
MAX_NAMED = 5


@dataclass(frozen=True, slots=True)
class Reach:
    target: Asset
    relation: Relation

    @property
    def access(self) -> list[str]:
        return [str(a) for a in self.relation.properties.get("access", ())]

    @property
    def privileges(self) -> list[str]:
        return [str(p) for p in self.relation.properties.get("privileges", ())]

    @property
    def chain(self) -> str:
        return " -> ".join(str(v) for v in self.relation.properties.get("via", ()))


def is_k8s_principal(asset: Asset) -> bool:
    return asset.id.startswith("k8s") and str(asset.prop("principal_type", "")).startswith("k8s_")


def rbac_reach(principal: Asset, graph: InventoryGraph) -> list[Reach]:
    """Every data asset the principal reaches through Kubernetes RBAC, sorted by target id."""
    found = []
    for relation in graph.outgoing(principal.id, RelationKind.CAN_ACCESS):
        target = graph.get(relation.dst)
        if target is not None and relation.properties.get("source") == SOURCE:
            found.append(Reach(target, relation))
    return sorted(found, key=lambda r: r.target.id)


def describe(reaches: Iterable[Reach]) -> str:
    """``Secret ml/hf-token, PersistentVolumeClaim ml/data and 3 more``."""
    names = [
        f"{r.target.prop('k8s_kind') or r.target.kind.value} "
        f"{r.target.prop('namespace') + '/' if r.target.prop('namespace') else ''}{r.target.name}"
        for r in reaches
    ]
    shown = ", ".join(names[:MAX_NAMED])
    return shown + (f" and {len(names) - MAX_NAMED} more" if len(names) > MAX_NAMED else "")
