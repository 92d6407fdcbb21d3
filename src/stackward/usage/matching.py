"""Finds the assets and principal ids that log targets and log principals stand for.

Data assets are found by ``dataset_key`` normalised as every collector writes it (or an
``s3://`` ``path``); an S3 object matches every asset whose key is a prefix
of it (the classified prefix and the bucket). PostgreSQL tables are found within the store
the log belongs to by the collector's dataset id (``data:<store label>::schema.table``).
Kubernetes objects are found by the collector's ids. Principals get the ids of the shared
conventions whether or not an asset exists for them.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlsplit

from stackward.collectors.kubernetes.ids import object_id
from stackward.config.schema import DataSource
from stackward.graph.inventory import InventoryGraph
from stackward.lineage.naming import normalise_dataset_key
from stackward.model import AssetKind, Layer

S3_ANONYMOUS_ID = "s3principal:aws/*anonymous*"
_ANONYMOUS_NAMES = frozenset({"*anonymous*", "anonymous", "-"})
MAX_KEY_DEPTH = 64


def store_label(store: str, sources: list[DataSource]) -> str:
    """The inventory label of the PostgreSQL source named by ``store`` (its ``dsn_env`` with
    or without ``$``, its ``dsn``, or the label itself)."""
    wanted = store.removeprefix("$")
    for source in sources:
        if source.dsn_env is not None and source.dsn_env == wanted:
            return f"postgresql (from ${source.dsn_env})"
        if source.dsn is not None and source.dsn == store:
            return source.dsn
    return store


def _key(value: str) -> str:
    return normalise_dataset_key(value).rstrip("/")


class AssetIndex:
    """Look-ups built once per scan over the whole graph."""

    def __init__(self, graph: InventoryGraph) -> None:
        self.graph = graph
        self.by_key: dict[str, list[str]] = defaultdict(list)
        self.by_arn: dict[str, str] = {}
        self.s3_names: dict[str, str] = {}
        for asset in graph.assets():
            key = asset.prop("dataset_key")
            path = asset.prop("path")
            if isinstance(key, str) and key:
                self.by_key[_key(key)].append(asset.id)
            elif isinstance(path, str) and path.startswith("s3://"):
                self.by_key[_key(path)].append(asset.id)
            arn = asset.prop("arn")
            if isinstance(arn, str) and arn:
                self.by_arn[arn.lower()] = asset.id
            if asset.layer is Layer.IDENTITY and asset.id.startswith("s3principal:"):
                self.s3_names.setdefault(asset.id.rsplit("/", 1)[-1], asset.id)

    def data_assets(self, scope: str, target: str) -> list[str]:
        if target.startswith("s3://"):
            return self._s3_assets(target)
        if target.startswith("postgresql:///"):
            return self._postgres_assets(scope, target)
        if target.startswith("arn:"):
            found = self.by_arn.get(target.lower()) or None
            return [found] if found else list(self.by_key.get(target, []))
        if target.endswith("/"):  # every secret of a namespace
            return [
                a.id for a in self.graph.assets(AssetKind.K8S_SECRET) if a.id.startswith(target)
            ]
        return [target] if target in self.graph else []

    def _s3_assets(self, target: str) -> list[str]:
        found: list[str] = []
        key = _key(target)
        for _ in range(MAX_KEY_DEPTH):
            found.extend(self.by_key.get(key, ()))
            if key.count("/") <= 2:  # s3://bucket
                break
            key = key.rsplit("/", 1)[0]
        return found

    def _postgres_assets(self, label: str, target: str) -> list[str]:
        database, _, table = target.removeprefix("postgresql:///").partition("/")
        asset = self.graph.get(f"data:{label}::{table}")
        if asset is None:
            return []
        path = asset.prop("path")
        if isinstance(path, str) and "://" in path:
            known = urlsplit(path).path.lstrip("/").split("/", 1)[0]
            if known and known != database:
                return []  # same table name in another database of the server
        return [asset.id]

    def principal_id(self, log_format: str, scope: str, name: str) -> str:
        if log_format in ("postgres", "postgres_csv", "postgres_json", "pgaudit"):
            return f"pgrole:{scope}/{name}"
        if log_format == "k8s_audit":
            return k8s_principal_id(name, scope)
        if name in _ANONYMOUS_NAMES:
            return S3_ANONYMOUS_ID
        if name.startswith("arn:"):
            return self.by_arn.get(name.lower()) or f"aws:principal/{name}"
        return self.s3_names.get(name) or f"s3principal:aws/{name}"


def k8s_principal_id(username: str, cluster: str = "") -> str:
    """``system:serviceaccount:ns:name`` -> the collector's service-account id; other users
    -> ``k8s:user/<name>``."""
    parts = username.split(":")
    if len(parts) == 4 and parts[:2] == ["system", "serviceaccount"]:
        return object_id("serviceaccount", parts[3], parts[2], cluster)
    return f"k8s:user/{username}"
