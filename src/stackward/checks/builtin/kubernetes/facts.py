"""Graph queries the Kubernetes checks share: which assets are workloads, which are AI,
and through which entry points a workload is reachable from outside without credentials.

Pure functions over the inventory graph; no check logic lives here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from stackward.collectors.kubernetes.components import WORKLOAD_ASSET_KINDS
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, RelationKind

WORKLOAD_KINDS = WORKLOAD_ASSET_KINDS
SERVING_CATEGORIES = frozenset({"llm_serving", "model_serving"})
EVERYONE_GROUPS = (  # subjects that include every service account (or every user)
    "system:serviceaccounts",
    "system:authenticated",
    "system:unauthenticated",
)


def is_k8s_workload(asset: Asset) -> bool:
    """A workload read by the Kubernetes collector (other collectors share the AI kinds)."""
    return asset.id.startswith("k8s") and asset.prop("workload_kind") is not None


def ai_category(asset: Asset) -> str:
    return str(asset.prop("ai_category") or "") if is_k8s_workload(asset) else ""


def containers(asset: Asset, *, include_init: bool = True) -> Iterator[Mapping[str, Any]]:
    for container in asset.prop("containers") or ():
        if include_init or not container.get("init"):
            yield container


def component_name(asset: Asset) -> str:
    return str(asset.prop("ai_component_name") or asset.prop("ai_component") or "workload")


def is_ai_namespace(namespace: Asset) -> bool:
    return bool(namespace.prop("ai_components"))


def namespace_of(asset: Asset, graph: InventoryGraph) -> Asset | None:
    for parent in graph.predecessors(asset.id, RelationKind.CONTAINS):
        if parent.kind is AssetKind.K8S_NAMESPACE:
            return parent
    return None


def in_ai_namespace(asset: Asset, graph: InventoryGraph) -> bool:
    namespace = namespace_of(asset, graph)
    return namespace is not None and is_ai_namespace(namespace)


@dataclass(frozen=True, slots=True)
class Exposure:
    """One way in from outside: the entry asset and the hops to the workload."""

    entry: Asset
    route: tuple[str, ...]
    how: str

    @property
    def description(self) -> str:
        return f"{self.how} via {' -> '.join(self.route)}"


def exposures(workload: Asset, graph: InventoryGraph) -> list[Exposure]:
    """Entry points from outside the cluster that reach ``workload`` with no auth step.

    An Ingress with authentication annotations, or a Service whose target ports land only on
    an authenticating proxy sidecar, is an authenticated path and is left out. Whether the
    application itself asks for credentials is for the caller to judge.
    """
    found: list[Exposure] = []
    if workload.internet_exposed:
        found.append(
            Exposure(workload, (workload.id,), str(workload.prop("exposure") or "exposed"))
        )
    for edge in graph.incoming(workload.id, RelationKind.ROUTES_TO):
        service = graph.get(edge.src)
        if service is None or _behind_auth_proxy(workload, edge.properties.get("containers") or ()):
            continue
        route = (service.id, workload.id)
        if service.internet_exposed:
            found.append(Exposure(service, route, f"Service of type {service.prop('exposure')}"))
        for entry in graph.predecessors(service.id, RelationKind.ROUTES_TO):
            if entry.internet_exposed and not entry.prop("auth"):
                found.append(
                    Exposure(
                        entry,
                        (entry.id, *route),
                        f"{entry.prop('exposure')} without authentication annotations",
                    )
                )
    return found


def _behind_auth_proxy(workload: Asset, targets: Any) -> bool:
    proxies = {c["name"] for c in containers(workload) if c.get("sidecar") == "auth-proxy"}
    return bool(targets) and all(t in proxies for t in targets)


def has_auth_proxy(workload: Asset) -> bool:
    return any(c.get("sidecar") == "auth-proxy" for c in containers(workload))


def app_requires_auth(workload: Asset) -> bool:
    auth = workload.prop("auth") or {}
    return bool(auth.get("required"))


def auth_summary(workload: Asset) -> str:
    auth = workload.prop("auth") or {}
    state = str(auth.get("state", "unknown"))
    evidence = str(auth.get("evidence") or "")
    return f"authentication {state}" + (f" ({evidence})" if evidence else "")
