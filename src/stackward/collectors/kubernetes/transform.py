"""The pure transform: raw Kubernetes objects in, assets and relations out.

Manifests and live-cluster responses arrive in the same raw form, so one transform serves
both. It runs in two passes: build every asset, then (in :mod:`.relations`) index workloads
by namespace and label and draw the relations an attacker would follow.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from stackward.collectors.kubernetes import data_access, data_objects, network, rbac
from stackward.collectors.kubernetes.ids import object_id
from stackward.collectors.kubernetes.manifests import SourcedObject
from stackward.collectors.kubernetes.objects import ObjectInfo, info_of, make_asset
from stackward.collectors.kubernetes.raw import as_list, as_str, labels_of
from stackward.collectors.kubernetes.relations import Parsed, RelationBuilder
from stackward.collectors.kubernetes.workloads import ConfigTexts, managed_by_controller, workload
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind, Skipped

COLLECTOR = "kubernetes"
_ROUTE_KINDS = frozenset({"HTTPRoute", "GRPCRoute"})
_IGNORED_KINDS = frozenset(
    {
        "Event",
        "Endpoints",
        "EndpointSlice",
        "ControllerRevision",
        "Lease",
        "Node",
        "ComponentStatus",
        "APIService",
        "CertificateSigningRequest",
        "CSINode",
        "VolumeAttachment",
        "TokenReview",
        "SelfSubjectAccessReview",
    }
)
"""Runtime bookkeeping that says nothing about posture."""


@dataclass(slots=True)
class Inventory:
    assets: dict[str, Asset] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def transform(objects: Iterable[SourcedObject], cluster: str = "") -> Inventory:
    """Turn raw objects (from files or a cluster) into an inventory; never raises on bad data."""
    inventory = Inventory()
    items = [(item, info_of(item, cluster)) for item in objects]
    configs = {
        (info.namespace, info.name): data_objects.configmap_texts(item.obj)
        for item, info in items
        if info.kind == "ConfigMap"
    }

    def config_texts(namespace: str, names: set[str]) -> list[str]:
        return [
            text for name in sorted(names) for text in configs.get((namespace, name), {}).values()
        ]

    parsed = Parsed()
    for item, info in items:
        if info.kind in _IGNORED_KINDS or managed_by_controller(item):
            continue
        try:
            _parse_one(item, info, parsed, config_texts)
        except (TypeError, ValueError, AttributeError, KeyError, RecursionError) as exc:
            inventory.skipped.append(
                Skipped(
                    item.location,
                    f"cannot read {info.kind} {info.name}: {type(exc).__name__}: {exc}",
                    COLLECTOR,
                )
            )
    builder = RelationBuilder(parsed, cluster)
    builder.link()
    inventory.assets = builder.assets
    inventory.relations = builder.relations
    inventory.relations += data_access.add_data_access(inventory.assets, parsed.bindings, cluster)
    _add_namespaces(inventory, parsed, cluster)
    return inventory


def _parse_one(item: SourcedObject, info: ObjectInfo, parsed: Parsed, texts: ConfigTexts) -> None:
    kind = info.kind
    assets = parsed.assets
    if kind == "Namespace":
        parsed.namespaces[info.name] = item
    elif kind == "Service":
        parsed.add_network(network.service(item, info))
    elif kind == "Ingress":
        parsed.add_network(network.ingress(item, info))
    elif kind in _ROUTE_KINDS:
        parsed.add_network(network.http_route(item, info))
    elif kind == "NetworkPolicy":
        parsed.add_network(network.network_policy(item, info))
    elif kind == "ServiceAccount":
        assets[info.id] = rbac.service_account(item, info)
    elif kind in ("Role", "ClusterRole"):
        assets[info.id] = rbac.role(item, info, as_list(item.obj.get("rules")))
    elif kind in ("RoleBinding", "ClusterRoleBinding"):
        parsed.add_binding(rbac.binding(item, info))
    elif kind == "Secret":
        assets[info.id] = data_objects.secret(item, info)
    elif kind == "ConfigMap":
        assets[info.id] = data_objects.configmap(item, info)
    elif kind == "PersistentVolumeClaim":
        assets[info.id] = data_objects.pvc(item, info)
    elif (found := workload(item, info, texts)) is not None:
        parsed.add_workload(found)
    else:
        assets[info.id] = make_asset(item, info, AssetKind.K8S_OBJECT, Layer.INFRASTRUCTURE, {})


def _add_namespaces(inventory: Inventory, parsed: Parsed, cluster: str) -> None:
    """One asset per namespace, declared or only referenced, and its CONTAINS edges."""
    ai_components: dict[str, set[str]] = defaultdict(set)
    members: dict[str, list[str]] = defaultdict(list)
    for asset in inventory.assets.values():
        namespace = as_str(asset.prop("namespace"))
        if not namespace or asset.kind is AssetKind.K8S_NAMESPACE:
            continue
        members[namespace].append(asset.id)
        if component := as_str(asset.prop("ai_component")):
            ai_components[namespace].add(component)
    for name in sorted(set(members) | set(parsed.namespaces)):
        namespace_id = object_id("namespace", name, cluster=cluster)
        item = parsed.namespaces.get(name)
        inventory.assets[namespace_id] = Asset(
            id=namespace_id,
            kind=AssetKind.K8S_NAMESPACE,
            layer=Layer.INFRASTRUCTURE,
            name=name,
            source=item.location if item is not None else f"namespace {name} (referenced only)",
            properties={
                "k8s_kind": "Namespace",
                "namespace": "",
                "cluster": cluster,
                "declared": item is not None,
                "ai_components": sorted(ai_components.get(name, ())),
                "object_count": len(members.get(name, ())),
            },
            labels=labels_of(item.obj) if item is not None else {},
        )
        inventory.relations.extend(
            Relation(namespace_id, member, RelationKind.CONTAINS)
            for member in members.get(name, ())
        )
