"""What every Kubernetes asset shares: its id, name, origin and common properties."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stackward.collectors.kubernetes.ids import CLUSTER_SCOPED, object_id
from stackward.collectors.kubernetes.manifests import SourcedObject
from stackward.collectors.kubernetes.raw import (
    annotations_of,
    as_str,
    labels_of,
    name_of,
    namespace_of,
)
from stackward.model import Asset, AssetKind, Layer
from stackward.model.redact import redact_text

MAX_ANNOTATION = 512


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """The identity of one raw object in the scan."""

    kind: str
    name: str
    namespace: str
    location: str
    cluster: str

    @property
    def id(self) -> str:
        return object_id(self.kind, self.name, self.namespace, self.cluster)

    def sibling(self, kind: str, name: str, namespace: str | None = None) -> str:
        """The id of another object this one refers to (same cluster, same namespace by default)."""
        return object_id(
            kind, name, self.namespace if namespace is None else namespace, self.cluster
        )


def info_of(item: SourcedObject, cluster: str) -> ObjectInfo:
    kind = as_str(item.obj.get("kind"))
    namespace = "" if kind.lower() in CLUSTER_SCOPED else namespace_of(item.obj)
    return ObjectInfo(kind, name_of(item.obj), namespace, item.location, cluster)


def make_asset(
    item: SourcedObject,
    info: ObjectInfo,
    kind: AssetKind,
    layer: Layer,
    properties: dict[str, Any],
    *,
    sensitive: bool = False,
    internet_exposed: bool = False,
) -> Asset:
    annotations = {k: redact_text(v, MAX_ANNOTATION) for k, v in annotations_of(item.obj).items()}
    annotations.pop("kubectl.kubernetes.io/last-applied-configuration", None)
    return Asset(
        id=info.id,
        kind=kind,
        layer=layer,
        name=info.name,
        source=info.location,
        properties={
            "k8s_kind": info.kind,
            "api_version": as_str(item.obj.get("apiVersion")),
            "namespace": info.namespace,
            "cluster": info.cluster,
            "annotations": annotations,
            **properties,
        },
        labels=labels_of(item.obj),
        sensitive=sensitive,
        internet_exposed=internet_exposed,
    )
