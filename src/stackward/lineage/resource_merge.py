"""One node per cloud resource, whichever collector found it.

The same SageMaker endpoint can be declared in a Terraform plan (``tf:<address>``) and
described by ``aws sagemaker describe-endpoint`` (``sagemaker:<region>/endpoint/<name>``).
Both carry the property ``resource_key`` (:func:`sagemaker_endpoint_key`); this pass, run
right after the lineage link pass, merges the described node into the declared one: its
edges move to the Terraform id, its properties are added where the Terraform asset has none
(Terraform wins on conflicts), its region fills a missing one, and the described node is
removed. Edges that would become loops are dropped. The merged ids are listed on the target
as ``merged_from``.

SageMaker endpoint names are unique per account and region and case-insensitive
(``CreateEndpoint`` rejects ``Churn`` when ``churn`` exists), so the key lower-cases the name.
"""

from __future__ import annotations

from dataclasses import replace

from stackward.config.schema import ScanConfig
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Relation, Skipped

DECLARED_PREFIX = "tf:"
"""Ids of assets declared in infrastructure code: these keep their id when merged."""
_MERGED_KINDS = (AssetKind.MODEL_ENDPOINT,)


def sagemaker_endpoint_key(region: str | None, name: str | None) -> str | None:
    """``aws:sagemaker:<region>:endpoint/<name lower-cased>``; None when either is unknown."""
    if not region or not name or "(" in name or "/" in name:
        return None
    return f"aws:sagemaker:{region.lower()}:endpoint/{name.lower()}"


class ResourceMergePass:
    """Merges described cloud resources into the declared asset with the same key."""

    name = "resource-merge"

    def apply(self, graph: InventoryGraph, config: ScanConfig) -> list[Skipped]:
        del config
        declared: dict[str, str] = {}
        described: list[Asset] = []
        for asset in graph.assets(*_MERGED_KINDS):
            key = asset.prop("resource_key")
            if not isinstance(key, str) or not key:
                continue
            if asset.id.startswith(DECLARED_PREFIX):
                declared.setdefault(key, asset.id)
            else:
                described.append(asset)
        for asset in described:
            target = declared.get(asset.prop("resource_key"))
            if target is not None and target != asset.id:
                merge_into(graph, asset, target)
        return []


def merge_into(graph: InventoryGraph, old: Asset, target_id: str) -> None:
    """Move ``old``'s edges and missing properties onto ``target_id``, then drop ``old``."""
    for edge in graph.outgoing(old.id):
        if edge.dst not in (old.id, target_id):
            graph.add_relation(Relation(target_id, edge.dst, edge.kind, edge.properties))
    for edge in graph.incoming(old.id):
        if edge.src not in (old.id, target_id):
            graph.add_relation(Relation(edge.src, target_id, edge.kind, edge.properties))
    target = graph[target_id]
    merged_from = sorted({*target.prop("merged_from", []), old.id})
    properties = {**old.properties, **target.properties, "merged_from": merged_from}
    graph.add_asset(
        replace(
            target,
            properties=properties,
            region=target.region or old.region,
            sensitive=target.sensitive or old.sensitive,
            internet_exposed=target.internet_exposed or old.internet_exposed,
            labels={**old.labels, **target.labels},
        )
    )
    graph.remove_asset(old.id)
