"""Pure functions from MLflow REST objects to inventory assets and edges.

Ids are scoped by the server (``mlflow:<host:port>/run/<run id>``) so two servers never
collide and a file-store reading of the same runs (``stackward.lineage.training``) keeps its
own nodes; storage locations carry ``dataset_key`` so the lineage passes join them with what
other collectors found at the same place. Edges follow the shared lineage contract: server
CONTAINS experiment and registered model, experiment CONTAINS run, registered model CONTAINS
version, run WRITES model version, run READS dataset, model version TRAINED_ON dataset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from stackward.lineage.assets import DATASET_PREFIX
from stackward.lineage.naming import dataset_key_for_path, normalise_dataset_key
from stackward.lineage.training.mlflow_aliases import is_production
from stackward.lineage.training.mlflow_store import dataset_location
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind, Skipped

COLLECTOR = "mlflow"
NOT_SCANNED = "not scanned"
_STORAGE_SCHEMES = frozenset({"s3", "s3a", "s3n", "gs", "abfss", "wasbs", "hdfs", "file"})
MAX_TEXT = 512


def server_label(url: str) -> str:
    """``host:port`` plus any path prefix: the part of every id that names the server."""
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    host = (parts.hostname or "unknown").lower()
    try:
        port = parts.port or default
    except ValueError:
        port = default
    return f"{host}:{port}{parts.path.rstrip('/')}"


def storage_key(uri: object) -> str | None:
    """The ``dataset_key`` of an artifact location: object stores and local paths only
    (``mlflow-artifacts:`` and ``models:`` URIs name no place outside the server)."""
    if not isinstance(uri, str) or not uri or len(uri) > 4096:
        return None
    if uri.startswith("/"):
        return dataset_key_for_path(uri)
    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    return normalise_dataset_key(uri) if scheme in _STORAGE_SCHEMES else None


def _text(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value[:MAX_TEXT] if isinstance(value, str) and value else None


@dataclass(slots=True)
class MlflowInventory:
    """What one server contributed; assets by id (first wins), edges, problems."""

    server: str
    """The server label used in ids."""
    source: str
    """The base URL, written as each asset's ``source``."""
    assets: dict[str, Asset] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def skip(self, reason: str, location: str | None = None) -> None:
        self.skipped.append(Skipped(location or self.source, reason, COLLECTOR))

    def add(self, asset: Asset) -> str:
        self.assets.setdefault(asset.id, asset)
        return asset.id

    def relate(self, src: str, dst: str, kind: RelationKind, **props: Any) -> None:
        self.relations.append(Relation(src, dst, kind, props))

    @property
    def server_id(self) -> str:
        return f"mlflow:{self.server}"

    def experiment_id(self, experiment: str) -> str:
        return f"{self.server_id}/experiment/{experiment}"

    def run_id(self, run: str) -> str:
        return f"{self.server_id}/run/{run}"

    def registered_id(self, name: str) -> str:
        return f"{self.server_id}/model/{name}"

    def version_id(self, name: str, version: str) -> str:
        return f"{self.server_id}/model/{name}/{version}"

    def logged_model_id(self, model_id: str) -> str:
        return f"{self.server_id}/logged-model/{model_id}"


def add_server(
    inv: MlflowInventory,
    *,
    version: str | None,
    auth_required: bool,
    internet_exposed: bool,
    address: str | None,
    advisories: list[dict[str, object]],
) -> None:
    inv.add(
        Asset(
            id=inv.server_id,
            kind=AssetKind.AI_SERVICE,
            layer=Layer.CORE_AI,
            name=f"MLflow {inv.server}",
            source=inv.source,
            properties={
                "service": "mlflow",
                "url": inv.source,
                "version": version,
                "auth_required": auth_required,
                "address": address,
                "advisories": advisories,
            },
            internet_exposed=internet_exposed,
            sensitive=True,
        )
    )


def add_experiment(inv: MlflowInventory, raw: Mapping[str, Any]) -> str | None:
    experiment = _text(raw, "experiment_id")
    if experiment is None:
        inv.skip("experiment without experiment_id; not read")
        return None
    location = _text(raw, "artifact_location")
    key = storage_key(location)
    asset = inv.add(
        Asset(
            id=inv.experiment_id(experiment),
            kind=AssetKind.PIPELINE,
            layer=Layer.EXPERIMENTATION,
            name=_text(raw, "name") or experiment,
            source=inv.source,
            properties={
                "service": "mlflow",
                "mlflow_type": "experiment",
                "experiment_id": experiment,
                "lifecycle_stage": _text(raw, "lifecycle_stage"),
                "artifact_location": location,
                **({"dataset_key": key} if key else {}),
            },
        )
    )
    inv.relate(inv.server_id, asset, RelationKind.CONTAINS)
    return experiment


def add_run(
    inv: MlflowInventory, raw: Mapping[str, Any], param_classes: list[dict[str, Any]]
) -> str | None:
    """A TRAINING_JOB for the run, with parameter names (never values) and their classes."""
    info = raw.get("info")
    data = raw.get("data")
    if not isinstance(info, Mapping):
        inv.skip("run without info; not read")
        return None
    run = _text(info, "run_id") or _text(info, "run_uuid")
    if run is None:
        inv.skip("run without run_id; not read")
        return None
    params = data.get("params") if isinstance(data, Mapping) else None
    names = sorted(
        str(p.get("key"))[:256]
        for p in (params if isinstance(params, list) else [])[:2000]
        if isinstance(p, Mapping) and isinstance(p.get("key"), str)
    )
    artifact_uri = _text(info, "artifact_uri")
    key = storage_key(artifact_uri)
    asset = inv.add(
        Asset(
            id=inv.run_id(run),
            kind=AssetKind.TRAINING_JOB,
            layer=Layer.CORE_AI,
            name=_text(info, "run_name") or run,
            source=inv.source,
            properties={
                "service": "mlflow",
                "run_id": run,
                "experiment_id": _text(info, "experiment_id"),
                "status": _text(info, "status"),
                "lifecycle_stage": _text(info, "lifecycle_stage"),
                "user": _text(info, "user_id"),
                "artifact_uri": artifact_uri,
                "param_names": names,
                "param_classes": param_classes,
                **({"dataset_key": key} if key else {}),
            },
        )
    )
    experiment = _text(info, "experiment_id")
    if experiment is not None:
        inv.relate(inv.experiment_id(experiment), asset, RelationKind.CONTAINS)
    return run


def run_datasets(inv: MlflowInventory, raw: Mapping[str, Any]) -> list[str]:
    """Dataset assets for the run's logged dataset inputs that name a location."""
    inputs = raw.get("inputs")
    entries = inputs.get("dataset_inputs") if isinstance(inputs, Mapping) else None
    found: list[str] = []
    for entry in entries if isinstance(entries, list) else []:
        dataset = entry.get("dataset") if isinstance(entry, Mapping) else None
        if not isinstance(dataset, Mapping):
            continue
        source_type = _text(dataset, "source_type") or "unknown"
        location = dataset_location(source_type, _text(dataset, "source") or "")
        if location is None:
            inv.skip(
                f"dataset {_text(dataset, 'name') or '?'} ({source_type}) names no absolute"
                " location; the run is linked to nothing for it"
            )
            continue
        key = normalise_dataset_key(location)
        found.append(
            inv.add(
                Asset(
                    id=f"{DATASET_PREFIX}{key}",
                    kind=AssetKind.DATASET,
                    layer=Layer.DATA_FOUNDATION,
                    name=key.rstrip("/").rsplit("/", 1)[-1] or key,
                    source=inv.source,
                    properties={"dataset_key": key, "role": "training_input"},
                    sensitive=True,
                )
            )
        )
    return list(dict.fromkeys(found))


def aliases_by_version(raw_model: Mapping[str, Any]) -> dict[str, list[str]]:
    aliases = raw_model.get("aliases")
    found: dict[str, list[str]] = {}
    for entry in aliases if isinstance(aliases, list) else []:
        if not isinstance(entry, Mapping):
            continue
        alias, version = _text(entry, "alias"), _text(entry, "version")
        if alias and version:
            found.setdefault(version, []).append(alias)
    return {v: sorted(a) for v, a in found.items()}


def add_registered_model(inv: MlflowInventory, raw: Mapping[str, Any]) -> str | None:
    name = _text(raw, "name")
    if name is None:
        inv.skip("registered model without a name; not read")
        return None
    asset = inv.add(
        Asset(
            id=inv.registered_id(name),
            kind=AssetKind.MODEL_REGISTRY,
            layer=Layer.CORE_AI,
            name=name,
            source=inv.source,
            properties={
                "service": "mlflow",
                "registered_model": name,
                "aliases": {
                    alias: version
                    for version, names in aliases_by_version(raw).items()
                    for alias in names
                },
            },
        )
    )
    inv.relate(inv.server_id, asset, RelationKind.CONTAINS)
    return name


LOGGED_MODEL_SCHEME = "models:/"


def logged_model_of(source: str | None) -> str | None:
    """The MLflow 3 logged-model id a version's ``source`` names (``models:/m-…``), if any.

    A registered name (``models:/fraud-model/3``) names no logged model."""
    if not source or not source.startswith(LOGGED_MODEL_SCHEME):
        return None
    rest = source[len(LOGGED_MODEL_SCHEME) :].strip("/")
    return rest if rest.startswith("m-") and "/" not in rest else None


def add_model_version(
    inv: MlflowInventory,
    raw: Mapping[str, Any],
    aliases: Mapping[str, Mapping[str, list[str]]],
    logged: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[str, str | None] | None:
    """The MODEL_ARTIFACT of one version and the run that produced it (or None).

    An MLflow 3 version whose ``source`` is a logged model (``models:/m-…``) takes that logged
    model's ``artifact_uri`` (from ``logged``) as where its files are."""
    name, version = _text(raw, "name"), _text(raw, "version")
    if name is None or version is None:
        inv.skip("model version without name or version; not read")
        return None
    source = _text(raw, "source")
    logged_id = logged_model_of(source)
    if logged_id is not None and logged and logged_id in logged:
        source = _text(logged[logged_id], "artifact_uri") or source
    storage = _text(raw, "storage_location") or source
    key = storage_key(storage)
    stage = _text(raw, "current_stage")
    version_aliases = list(aliases.get(name, {}).get(version, []))
    run = _text(raw, "run_id")
    asset = inv.add(
        Asset(
            id=inv.version_id(name, version),
            kind=AssetKind.MODEL_ARTIFACT,
            layer=Layer.CORE_AI,
            name=f"{name} v{version}",
            source=inv.source,
            properties={
                "service": "mlflow",
                "registered_model": name,
                "version": version,
                "stage": stage,
                "aliases": version_aliases,
                "production": is_production(stage, version_aliases),
                "status": _text(raw, "status"),
                "run_id": run,
                "model_source": source,
                **({"logged_model_id": logged_id} if logged_id else {}),
                "artifact_scan": NOT_SCANNED,
                **({"dataset_key": key} if key else {}),
            },
            sensitive=True,
        )
    )
    inv.relate(inv.registered_id(name), asset, RelationKind.CONTAINS)
    return asset, run


def add_logged_model(
    inv: MlflowInventory, info: Mapping[str, Any]
) -> tuple[str, str | None] | None:
    """The MODEL_ARTIFACT of an MLflow 3 logged model that no registered version points to,
    and the run that logged it (or None)."""
    model_id = _text(info, "model_id")
    if model_id is None:
        inv.skip("logged model without model_id; not read")
        return None
    name = _text(info, "name") or model_id
    run = _text(info, "source_run_id")
    asset = inv.add(
        Asset(
            id=inv.logged_model_id(model_id),
            kind=AssetKind.MODEL_ARTIFACT,
            layer=Layer.CORE_AI,
            name=f"{name} ({model_id})",
            source=inv.source,
            properties={
                "service": "mlflow",
                "logged_model_id": model_id,
                "experiment_id": _text(info, "experiment_id"),
                "status": _text(info, "status"),
                "production": False,
                "run_id": run,
                "model_source": _text(info, "artifact_uri"),
                "artifact_scan": NOT_SCANNED,
            },
            sensitive=True,
        )
    )
    experiment = _text(info, "experiment_id")
    if experiment is not None and inv.experiment_id(experiment) in inv.assets:
        inv.relate(inv.experiment_id(experiment), asset, RelationKind.CONTAINS)
    return asset, run
