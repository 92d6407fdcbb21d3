"""Fingerprints the services a scan found in Kubernetes, once every collector has run.

Probing is network traffic, so nothing is sent unless ``services.probe_kubernetes`` is on.
Targets come from :func:`stackward.fingerprint.kubernetes.kubernetes_targets`; each service
recognised becomes the same asset the ``fingerprint`` collector makes, and is tied to where it
came from: the Service or Ingress ROUTES_TO it, and each workload the Service routes to RUNS
it. A target that does not resolve, connect or match a rule is an informational skipped entry,
never a finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from stackward.collectors.kubernetes.components import WORKLOAD_ASSET_KINDS
from stackward.config.schema import ScanConfig
from stackward.fingerprint.kubernetes import COLLECTOR, KubernetesTarget, kubernetes_targets
from stackward.graph.inventory import InventoryGraph
from stackward.model import AssetKind, Relation, RelationKind, Skipped

if TYPE_CHECKING:
    from stackward.fingerprint.engine import ClientFactory


class KubernetesServiceProbePass:
    name = "kubernetes-service-probe"

    def __init__(
        self,
        client_factory: ClientFactory | None = None,
        node_addresses: Sequence[str] = (),
    ) -> None:
        """``client_factory`` defaults to the engine's own client; the engine (and its HTTP
        client library) is only imported once probing is switched on."""
        self._clients = client_factory
        self._nodes = tuple(node_addresses)

    def apply(self, graph: InventoryGraph, config: ScanConfig) -> list[Skipped]:
        settings = config.services
        if not settings.probe_kubernetes:
            return []
        from stackward.fingerprint.assets import service_asset, service_asset_id
        from stackward.fingerprint.engine import default_client, fingerprint_sync

        plan = kubernetes_targets(
            graph.assets(AssetKind.K8S_SERVICE, AssetKind.K8S_INGRESS),
            settings.endpoints,
            node_addresses=self._nodes,
        )
        skipped = list(plan.notes)
        for base_url, origins in plan.already_listed.items():
            if service_asset_id(base_url) in graph:
                _relate(graph, service_asset_id(base_url), origins)
        if not plan.targets:
            return skipped
        by_base_url = {t.base_url: t for t in plan.targets}
        run = fingerprint_sync(
            [t.endpoint for t in plan.targets],
            concurrency=settings.fingerprint_concurrency,
            client_factory=self._clients or default_client,
        )
        for service in run.services:
            target = by_base_url.get(service.target.base_url)
            origins = target.origins if target is not None else []
            extra = _origin_properties(target) if target is not None else {}
            graph.add_asset(service_asset(service, **extra))
            _relate(graph, service_asset_id(service.target.base_url), origins)
        for endpoint, reason in run.problems:
            skipped.append(Skipped(f"service {endpoint}", f"info: {reason}", COLLECTOR))
        return skipped


def _origin_properties(target: KubernetesTarget) -> dict[str, object]:
    return {"found_in_kubernetes": list(target.origins), "kubernetes_address": target.how}


def _relate(graph: InventoryGraph, service_id: str, origins: list[str]) -> None:
    """origin ROUTES_TO service; each workload the origin Service routes to RUNS service."""
    for origin in dict.fromkeys(origins):
        if origin not in graph:
            continue
        graph.add_relation(Relation(origin, service_id, RelationKind.ROUTES_TO))
        for workload in graph.successors(origin, RelationKind.ROUTES_TO):
            if workload.kind in WORKLOAD_ASSET_KINDS and workload.prop("workload_kind"):
                graph.add_relation(Relation(workload.id, service_id, RelationKind.RUNS))
