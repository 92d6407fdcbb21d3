"""Draws the edges between Kubernetes assets, in the direction an attacker moves.

ingress ROUTES_TO service ROUTES_TO workload (by selector); workload RUNS_AS service
account; service account BOUND_TO role (through a binding, which REFERENCES both); role
CAN_ACCESS secret; workload MOUNTS secret / ConfigMap / PVC; network policy SELECTS workload.
Secrets and service accounts that are referenced but not declared (created out of band, or
the ``default`` account) are added as undeclared assets so the paths through them exist.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from stackward.collectors.kubernetes import network, rbac
from stackward.collectors.kubernetes.ids import object_id
from stackward.collectors.kubernetes.objects import ObjectInfo
from stackward.collectors.kubernetes.selection import LabelIndex
from stackward.collectors.kubernetes.workloads import Workload
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind


@dataclass(slots=True)
class Parsed:
    """Assets built in the first pass, plus what the second pass needs to link them."""

    assets: dict[str, Asset] = field(default_factory=dict)
    workloads: list[Workload] = field(default_factory=list)
    network_objects: list[network.NetworkObject] = field(default_factory=list)
    bindings: list[rbac.Binding] = field(default_factory=list)
    namespaces: dict[str, Any] = field(default_factory=dict)

    def add_workload(self, found: Workload) -> None:
        self.workloads.append(found)
        self.assets[found.asset.id] = found.asset

    def add_network(self, found: network.NetworkObject) -> None:
        self.network_objects.append(found)
        self.assets[found.asset.id] = found.asset

    def add_binding(self, found: rbac.Binding) -> None:
        self.bindings.append(found)
        self.assets[found.asset.id] = found.asset


class RelationBuilder:
    def __init__(self, parsed: Parsed, cluster: str) -> None:
        self.parsed = parsed
        self.assets = parsed.assets
        self.cluster = cluster
        self.relations: list[Relation] = []
        self._index = LabelIndex()

    def link(self) -> None:
        for found in self.parsed.workloads:
            namespace = str(found.asset.prop("namespace"))
            self._index.add(found.asset.id, namespace, found.facts.label_sets)
            self._link_workload(found, namespace)
        for net in self.parsed.network_objects:
            self._link_network(net)
        self._link_rbac()

    def _add(self, src: str, dst: str, kind: RelationKind, **properties: Any) -> None:
        self.relations.append(Relation(src, dst, kind, properties))

    def _info(self, kind: str, name: str, namespace: str) -> ObjectInfo:
        where = f"{kind} {namespace + '/' if namespace else ''}{name} (referenced only)"
        return ObjectInfo(kind, name, namespace, where, self.cluster)

    # -- workloads ------------------------------------------------------------------------
    def _link_workload(self, found: Workload, namespace: str) -> None:
        asset_id = found.asset.id
        for account in found.facts.service_accounts:
            self._add(asset_id, self._service_account(account, namespace), RelationKind.RUNS_AS)
        for name in sorted(found.facts.secrets):
            self._add(asset_id, self._secret(name, namespace), RelationKind.MOUNTS, via="secret")
        for kind, names in (
            ("configmap", found.facts.configmaps),
            ("persistentvolumeclaim", found.facts.pvcs),
        ):
            for name in sorted(names):
                target = object_id(kind, name, namespace, self.cluster)
                if target in self.assets:
                    self._add(asset_id, target, RelationKind.MOUNTS, via=kind)

    def _service_account(self, name: str, namespace: str) -> str:
        info = self._info("ServiceAccount", name, namespace)
        if info.id not in self.assets:
            self.assets[info.id] = _undeclared(
                info, AssetKind.K8S_SERVICE_ACCOUNT, {"automount_token": None}
            )
        return info.id

    def _secret(self, name: str, namespace: str) -> str:
        info = self._info("Secret", name, namespace)
        if info.id not in self.assets:
            self.assets[info.id] = _undeclared(
                info, AssetKind.K8S_SECRET, {"type": "", "data_keys": []}, sensitive=True
            )
        return info.id

    # -- network --------------------------------------------------------------------------
    def _link_network(self, net: network.NetworkObject) -> None:
        asset = net.asset
        namespace = str(asset.prop("namespace"))
        if asset.kind is AssetKind.K8S_SERVICE and net.selector is not None:
            for target in self._index.match(namespace, net.selector):
                self._add(
                    asset.id,
                    target,
                    RelationKind.ROUTES_TO,
                    containers=_target_containers(asset, self.assets[target]),
                )
        elif asset.kind is AssetKind.K8S_NETWORK_POLICY and net.selector is not None:
            for target in self._index.match(namespace, net.selector):
                self._add(asset.id, target, RelationKind.SELECTS)
        for backend in net.backends:
            service_id = object_id("service", backend.service, backend.namespace, self.cluster)
            if service_id in self.assets:
                self._add(asset.id, service_id, RelationKind.ROUTES_TO, port=backend.port)

    # -- RBAC -----------------------------------------------------------------------------
    def _link_rbac(self) -> None:
        secrets_by_namespace: dict[str, list[Asset]] = defaultdict(list)
        for asset in self.assets.values():
            if asset.kind is AssetKind.K8S_SECRET:
                secrets_by_namespace[str(asset.prop("namespace"))].append(asset)
        scopes: set[tuple[str, str]] = set()
        for asset in list(self.assets.values()):
            if asset.kind is AssetKind.K8S_ROLE and not asset.prop("cluster_scoped"):
                scopes.add((asset.id, str(asset.prop("namespace"))))
        for binding in self.parsed.bindings:
            role_id = self._role(binding.role_id)
            self._add(binding.asset.id, role_id, RelationKind.REFERENCES)
            for kind, name, namespace in binding.subjects:
                if kind != "ServiceAccount" or not name:
                    continue
                account = self._service_account(name, namespace)
                self._add(binding.asset.id, account, RelationKind.REFERENCES)
                self._add(
                    account,
                    role_id,
                    RelationKind.BOUND_TO,
                    binding=binding.asset.id,
                    scope=binding.scope or "cluster",
                )
            scopes.add((role_id, binding.scope))
        for role_id, scope in sorted(scopes):
            self._link_secret_access(role_id, scope, secrets_by_namespace)

    def _role(self, role_id: str) -> str:
        if role_id in self.assets:
            return role_id
        name = role_id.rsplit("/", 1)[-1]
        if (
            role_id.split(":", 1)[-1].startswith("clusterrole/")
            and name in rbac.BUILTIN_CLUSTER_ROLES
        ):
            info = ObjectInfo("ClusterRole", name, "", f"built-in ClusterRole {name}", self.cluster)
            self.assets[role_id] = rbac.role(
                None, info, rbac.BUILTIN_CLUSTER_ROLES[name], builtin=True
            )
        return role_id

    def _link_secret_access(
        self, role_id: str, scope: str, secrets_by_namespace: dict[str, list[Asset]]
    ) -> None:
        role = self.assets.get(role_id)
        if role is None or not role.prop("reads_secrets"):
            return
        names = set(role.prop("secret_names") or ())
        pools = (
            [secrets_by_namespace.get(scope, [])] if scope else list(secrets_by_namespace.values())
        )
        for pool in pools:
            for secret in pool:
                if not names or secret.name in names:
                    self._add(role_id, secret.id, RelationKind.CAN_ACCESS, scope=scope or "cluster")


def _target_containers(service: Asset, workload: Asset) -> list[str]:
    """Containers a Service's target ports land on (by port number or port name)."""
    names: list[str] = []
    for port in service.prop("ports") or ():
        target = port.get("target_port")
        for container in workload.prop("containers") or ():
            for declared in container.get("ports", ()):
                if (
                    target in (declared.get("port"), declared.get("name"))
                    and container["name"] not in names
                ):
                    names.append(container["name"])
    return names


def _undeclared(
    info: ObjectInfo, kind: AssetKind, properties: dict[str, Any], sensitive: bool = False
) -> Asset:
    return Asset(
        id=info.id,
        kind=kind,
        layer=Layer.IDENTITY,
        name=info.name,
        source=info.location,
        properties={
            "k8s_kind": info.kind,
            "namespace": info.namespace,
            "cluster": info.cluster,
            "declared": False,
            **properties,
        },
        sensitive=sensitive,
    )
