"""Regions of Kubernetes objects, from the labels and annotations that name them.

A namespace labelled or annotated ``stackward.io/region`` (or labelled
``topology.kubernetes.io/region``) places every object in it; an object's own
``topology.kubernetes.io/region`` label wins. Nothing else is read: a cluster's region is not
guessed from node names or endpoints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from stackward.collectors.kubernetes.manifests import SourcedObject
from stackward.collectors.kubernetes.raw import annotations_of, as_str, labels_of, name_of
from stackward.dspm.regions import region_from_labels
from stackward.model import Asset, AssetKind


def namespace_regions(objects: Iterable[SourcedObject]) -> dict[str, str]:
    """Namespace name -> region, for declared namespaces that name one."""
    found: dict[str, str] = {}
    for item in objects:
        if as_str(item.obj.get("kind")) != "Namespace":
            continue
        region = region_from_labels(labels_of(item.obj), annotations_of(item.obj))
        if region is not None:
            found[name_of(item.obj)] = region
    return found


def placed(assets: Iterable[Asset], objects: Iterable[SourcedObject]) -> list[Asset]:
    """``assets`` with ``region`` set where a label or their namespace names one."""
    regions = namespace_regions(objects)
    out: list[Asset] = []
    for asset in assets:
        if asset.kind is AssetKind.K8S_NAMESPACE:
            region = regions.get(asset.name)
        else:
            own = region_from_labels(asset.labels)
            region = own or regions.get(as_str(asset.prop("namespace")))
        out.append(replace(asset, region=region) if region and asset.region is None else asset)
    return out
