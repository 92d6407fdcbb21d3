"""Matching the values an alert names to inventory assets, one hop on, owners, paths.

How a value is matched (every rule that applies is tried; all matches are kept):

- an asset **id** equal to the value;
- an **ARN** equal to an asset's ``arn`` property; for IAM/STS ARNs the role or user name
  (``assumed-role/NAME/session``, ``role/path/NAME``, ``user/NAME``) against identity assets'
  names; for other ARNs the last resource segment against asset names;
- ``system:serviceaccount:NS:NAME`` → the service account ``k8s:serviceaccount/NS/NAME``;
- ``s3://bucket/key``, ``arn:aws:s3:::bucket/key`` or ``bucket/key`` → assets whose
  ``dataset_key`` is the key or a parent prefix of it (the longest wins) and the bucket asset
  (``bucket`` property);
- a URL or ``host:port`` → assets whose ``url``/``endpoint``/``endpoint_url``/``base_url``/
  ``tracking_uri``/``host`` property has that host (and port), ingress hosts, and Kubernetes
  services by ``NAME.NS[.svc[.cluster.local]]`` and port;
- ``NS/NAME`` → Kubernetes assets with that namespace and name;
- a **model id** → assets whose ``model``/``model_id``/``registered_model`` property or a
  container's ``--model`` argument equals it;
- otherwise an asset **name** (case-insensitive, files excluded).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from stackward.detect.alert import Enrichment, RelatedAsset
from stackward.graph.attack_paths import find_attack_paths
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, RelationKind

MAX_MATCHES = 10
MAX_RELATED = 30
MAX_PATHS = 20

ONE_HOP: dict[RelationKind, str] = {
    RelationKind.SERVES: "serves",
    RelationKind.LOADS_MODEL: "loads",
    RelationKind.TRAINED_ON: "trained_on",
    RelationKind.ROUTES_TO: "routes_to",
    RelationKind.READS: "reads",
    RelationKind.RUNS_AS: "runs_as",
}
"""Edges followed from a matched asset, and the role the asset at the other end gets."""

ENDPOINT_PROPERTIES = ("url", "endpoint", "endpoint_url", "base_url", "tracking_uri", "host")
MODEL_PROPERTIES = ("model", "model_id", "registered_model")
OWNER_LABELS = ("owner", "team")
IDENTITY_KINDS = frozenset({AssetKind.IAM_ROLE, AssetKind.K8S_SERVICE_ACCOUNT})


class AssetIndex:
    """Lookup tables over one scan's assets, built once."""

    def __init__(self, graph: InventoryGraph, risk_by_asset: Mapping[str, float]) -> None:
        self.graph = graph
        self.by_arn: dict[str, list[str]] = defaultdict(list)
        self.by_name: dict[str, list[str]] = defaultdict(list)
        self.by_identity_name: dict[str, list[str]] = defaultdict(list)
        self.by_dataset_key: dict[str, list[str]] = defaultdict(list)
        self.by_bucket: dict[str, list[str]] = defaultdict(list)
        self.by_host: dict[str, list[str]] = defaultdict(list)
        self.by_k8s: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.by_model: dict[str, list[str]] = defaultdict(list)
        for asset in graph.assets():
            self._add(asset)
        self.paths_by_asset: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for path in find_attack_paths(graph):
            risk = max((risk_by_asset.get(a, 0.0) for a in path.asset_ids), default=0.0)
            for asset_id in path.asset_ids:
                self.paths_by_asset[asset_id].append((path.id, risk))

    def _add(self, asset: Asset) -> None:
        arn = asset.prop("arn")
        if isinstance(arn, str) and arn.startswith("arn:"):
            self.by_arn[arn].append(asset.id)
        if not asset.kind.value.startswith("file."):
            self.by_name[asset.name.lower()].append(asset.id)
        if asset.kind in IDENTITY_KINDS:
            self.by_identity_name[asset.name.lower()].append(asset.id)
        key = asset.prop("dataset_key")
        if isinstance(key, str) and key.startswith("s3://"):
            self.by_dataset_key[key.rstrip("/")].append(asset.id)
        bucket = asset.prop("bucket")
        if isinstance(bucket, str) and bucket:
            self.by_bucket[bucket].append(asset.id)
        for host in _asset_hosts(asset):
            self.by_host[host].append(asset.id)
        namespace = asset.prop("namespace")
        if isinstance(namespace, str) and namespace:
            self.by_k8s[(namespace, asset.name)].append(asset.id)
        for model in _asset_models(asset):
            self.by_model[model].append(asset.id)

    # -- matching -------------------------------------------------------------------------
    def match(self, value: str) -> list[str]:
        """Asset ids ``value`` names (see the module docstring), at most :data:`MAX_MATCHES`."""
        found: list[str] = []
        if value in self.graph:
            found.append(value)
        if value.startswith("arn:"):
            found += self._match_arn(value)
        elif value.startswith("system:serviceaccount:"):
            parts = value.split(":")
            if len(parts) == 4:
                found.append(f"k8s:serviceaccount/{parts[2]}/{parts[3]}")
        elif value.startswith("s3://"):
            found += self._match_object(value[5:])
        elif "://" in value or _looks_like_host_port(value):
            found += self._match_host(value)
        elif value.count("/") == 1:
            namespace, name = value.split("/")
            found += self.by_k8s.get((namespace, name), [])
        found += self.by_model.get(value, [])
        if "/" in value and not value.startswith(("arn:", "s3://")) and "://" not in value:
            found += self._match_object(value)
        if not found:
            found += self.by_name.get(value.lower(), [])
        ids = [i for i in dict.fromkeys(found) if i in self.graph]
        return ids[:MAX_MATCHES]

    def _match_arn(self, arn: str) -> list[str]:
        found = list(self.by_arn.get(arn, []))
        parts = arn.split(":", 5)
        if len(parts) < 6:
            return found
        service, resource = parts[2], parts[5]
        if service == "s3":
            return found + self._match_object(resource)
        segments = [s for s in resource.split("/") if s]
        if service in ("iam", "sts") and segments:
            kind = segments[0]
            name = segments[1] if kind == "assumed-role" and len(segments) > 1 else segments[-1]
            return found + self.by_identity_name.get(name.lower(), [])
        if segments:
            found += self.by_name.get(segments[-1].lower(), [])
            found += self.by_model.get(segments[-1], [])
        return found

    def _match_object(self, bucket_key: str) -> list[str]:
        bucket, _, key = bucket_key.partition("/")
        found = list(self.by_bucket.get(bucket, []))
        candidate = f"s3://{bucket}/{key}".rstrip("/")
        while candidate.count("/") >= 2:
            if candidate in self.by_dataset_key:
                return self.by_dataset_key[candidate] + found
            candidate = candidate.rsplit("/", 1)[0]
        return found

    def _match_host(self, value: str) -> list[str]:
        host, port = _host_port(value)
        if not host:
            return []
        if port:
            exact = self.by_host.get(f"{host}:{port}", [])
            if exact:
                return list(exact)
        return list(self.by_host.get(host, []))

    # -- enrichment -----------------------------------------------------------------------
    def enrichment(self, values: Iterable[tuple[str, str]]) -> Enrichment:
        roles: dict[str, str] = {}
        for role, value in values:
            for asset_id in self.match(value):
                roles.setdefault(asset_id, role)
        for asset_id in list(roles):
            for edge in self.graph.outgoing(asset_id, *ONE_HOP):
                if len(roles) >= MAX_RELATED:
                    break
                roles.setdefault(edge.dst, ONE_HOP[edge.kind])
        related = [
            self._related(self.graph[asset_id], role)
            for asset_id, role in roles.items()
            if asset_id in self.graph
        ]
        paths: dict[str, float] = {}
        for asset_id in roles:
            for path_id, risk in self.paths_by_asset.get(asset_id, ()):
                paths[path_id] = risk
        ordered = sorted(paths, key=lambda p: (-paths[p], p))[:MAX_PATHS]
        return Enrichment(
            assets=tuple(related),
            owners=tuple(dict.fromkeys(a.owner for a in related if a.owner)),
            attack_paths=tuple(ordered),
            max_path_risk=max(paths.values(), default=0.0),
        )

    def _related(self, asset: Asset, role: str) -> RelatedAsset:
        return RelatedAsset(
            id=asset.id,
            kind=asset.kind.value,
            name=asset.name,
            layer=asset.layer.value,
            owner=self._owner(asset),
            role=role,
        )

    def _owner(self, asset: Asset) -> str:
        """The asset's ``owner`` property or owner/team label, else its namespace's."""
        owner = _own_owner(asset)
        namespace = asset.prop("namespace")
        if not owner and isinstance(namespace, str) and namespace:
            parent = self.graph.get(f"k8s:namespace/{namespace}")
            owner = _own_owner(parent) if parent is not None else ""
        return owner


def _own_owner(asset: Asset) -> str:
    owner = asset.prop("owner")
    if isinstance(owner, str) and owner:
        return owner
    labels = {k.lower(): v for k, v in asset.labels.items()}
    for name in OWNER_LABELS:
        if labels.get(name):
            return str(labels[name])
    return ""


def _looks_like_host_port(value: str) -> bool:
    host, _, port = value.rpartition(":")
    return bool(host) and port.isdigit() and "/" not in value


def _host_port(value: str) -> tuple[str, str]:
    try:
        parts = urlsplit(value if "://" in value else f"//{value}")
        return (parts.hostname or "").lower(), str(parts.port or "")
    except ValueError:
        return "", ""


def _asset_hosts(asset: Asset) -> Iterator[str]:
    for name in ENDPOINT_PROPERTIES:
        value = asset.prop(name)
        if isinstance(value, str) and value:
            host, port = _host_port(value)
            if host:
                yield host
                if port:
                    yield f"{host}:{port}"
    if asset.kind is AssetKind.K8S_INGRESS:
        for rule in _dicts(asset.prop("rules")):
            if isinstance(rule.get("host"), str):
                yield rule["host"].lower()
    if asset.kind is AssetKind.K8S_SERVICE:
        namespace = asset.prop("namespace")
        ports = [str(p.get("port")) for p in _dicts(asset.prop("ports")) if p.get("port")]
        for host in (
            f"{asset.name}.{namespace}",
            f"{asset.name}.{namespace}.svc",
            f"{asset.name}.{namespace}.svc.cluster.local",
        ):
            yield host
            yield from (f"{host}:{port}" for port in ports)


def _asset_models(asset: Asset) -> Iterator[str]:
    for name in MODEL_PROPERTIES:
        value = asset.prop(name)
        if isinstance(value, str) and value:
            yield value
    for container in _dicts(asset.prop("containers")):
        args = container.get("args")
        for arg in args[:50] if isinstance(args, list) else ():
            if isinstance(arg, str) and arg.startswith("--model="):
                yield arg.split("=", 1)[1]


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value[:100] if isinstance(v, Mapping)] if isinstance(value, list) else []
