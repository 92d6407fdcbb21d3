"""MLflow file stores (``mlruns/``): runs, the datasets they logged, the models they produced.

The layout is the one the ``mlflow`` library writes with a ``file:`` tracking URI:
``<experiment>/meta.yaml``, ``<experiment>/<run>/meta.yaml``, dataset records in
``<experiment>/datasets/<id>/meta.yaml`` linked to runs by
``<experiment>/<run>/inputs/<id>/meta.yaml``, logged models in
``<experiment>/models/<model id>/meta.yaml`` and registered versions in
``models/<name>/version-<n>/meta.yaml``, with the registered model's aliases in
``models/<name>/meta.yaml`` and ``models/<name>/aliases/`` (a version an alias such as
``production`` names is marked ``production``, as the REST collector does). Only ``meta.yaml`` files are parsed, with
``yaml.safe_load`` and a size cap; model files, pickles and code in the store are never
opened. Symbolic links are not followed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from stackward.lineage.naming import dataset_key_for_path, normalise_dataset_key
from stackward.lineage.training.builder import TrainingLineage
from stackward.lineage.training.mlflow_aliases import aliases_by_version, is_production
from stackward.model import AssetKind

MAX_META_BYTES = 256 * 1024
MAX_ENTRIES = 10_000
"""Entries read from one directory of the store (experiments, runs, datasets, versions)."""
_RESERVED = frozenset({"models", ".trash", "datasets"})
_STORAGE_SCHEMES = (
    "s3",
    "s3a",
    "s3n",
    "gs",
    "abfss",
    "wasbs",
    "hdfs",
    "dbfs",
    "file",
    "http",
    "https",
)


def is_mlflow_store(path: Path) -> bool:
    """A directory laid out as an MLflow file store: a child directory whose ``meta.yaml``
    describes an experiment (``experiment_id`` without ``run_id``; a run directory's
    children are not experiments, so an experiment folder is not mistaken for a store)."""
    try:
        children = [
            Path(entry.path)
            for entry in _entries(path, limit=MAX_ENTRIES)
            if entry.name not in _RESERVED and entry.is_dir(follow_symlinks=False)
        ]
    except (OSError, _TooMany):
        return False
    for child in sorted(children, key=lambda c: (c.name != "0", c.name))[:64]:
        meta = _meta(child, TrainingLineage())
        if meta is not None and "experiment_id" in meta and "run_id" not in meta:
            return True
    return False


def _entries(path: Path, limit: int = MAX_ENTRIES) -> Iterator[os.DirEntry[str]]:
    with os.scandir(path) as it:
        for count, entry in enumerate(it):
            if count >= limit:
                raise _TooMany(path)
            yield entry


class _TooMany(Exception):
    def __init__(self, path: Path) -> None:
        super().__init__(f"more than {MAX_ENTRIES} entries; the rest were not read")
        self.path = path


def _subdirs(path: Path, lineage: TrainingLineage) -> list[Path]:
    found: list[Path] = []
    try:
        for entry in _entries(path):
            if entry.is_dir(follow_symlinks=False):
                found.append(Path(entry.path))
    except _TooMany as exc:
        lineage.skip(str(path), str(exc))
    except OSError as exc:
        lineage.skip(str(path), f"cannot list directory: {exc.strerror or exc}")
    return sorted(found)


def _meta(path: Path, lineage: TrainingLineage) -> Mapping[str, Any] | None:
    file = path / "meta.yaml"
    try:
        if file.is_symlink() or not file.is_file():
            return None
        with file.open("rb") as handle:
            raw = handle.read(MAX_META_BYTES + 1)
    except OSError as exc:
        lineage.skip(str(file), f"cannot read: {exc.strerror or exc}")
        return None
    if len(raw) > MAX_META_BYTES:
        lineage.skip(str(file), f"larger than {MAX_META_BYTES} bytes; not parsed")
        return None
    try:
        loaded = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        lineage.skip(str(file), f"not valid YAML: {type(exc).__name__}")
        return None
    if not isinstance(loaded, Mapping):
        lineage.skip(str(file), "not a YAML mapping")
        return None
    return loaded


def _text(meta: Mapping[str, Any], key: str) -> str | None:
    value = meta.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value if isinstance(value, str) and 0 < len(value) <= 4096 else None


def dataset_location(source_type: str, source: str, base: Path | None = None) -> str | None:
    """The URI of a dataset from its MLflow ``source_type`` and JSON ``source``; None when
    the source names no place (code, an in-memory frame). A relative local path is taken
    from ``base`` (the directory holding the store, where the logging code ran from, as a
    project keeps ``mlruns/`` beside its data); without ``base`` it names nothing."""
    try:
        parsed = json.loads(source)
    except ValueError:
        return None
    if not isinstance(parsed, Mapping):
        return None
    for field in ("uri", "url", "path", "table_name", "delta_table_name", "table"):
        value = parsed.get(field)
        if not isinstance(value, str) or not value:
            continue
        if source_type == "hugging_face" and field == "path":
            return f"huggingface://{value}"
        if "://" in value:
            return value
        if PurePosixPath(value).is_absolute():
            return dataset_key_for_path(value)
        if field in ("table_name", "delta_table_name", "table"):
            return f"{source_type}/{value}"
        return dataset_key_for_path(base / value) if base is not None else None
    return None


def _storage_key(uri: str | None) -> str | None:
    if uri is None or "://" not in uri or uri.split("://", 1)[0].lower() not in _STORAGE_SCHEMES:
        return None
    return normalise_dataset_key(uri)


def read_mlflow_store(root: Path, lineage: TrainingLineage) -> None:
    """Add every run of the store at ``root``, its datasets and its models, to ``lineage``."""
    outputs: dict[str, dict[str, str]] = {}
    """run id -> {model storage key or model id: model asset id}."""
    for version_dir, aliases in _registered_versions(root, lineage):
        _registered_version(version_dir, aliases, lineage, outputs)
    runs: dict[str, tuple[str, list[str]]] = {}
    for experiment in _subdirs(root, lineage):
        if experiment.name in _RESERVED or _meta(experiment, lineage) is None:
            continue
        datasets = _datasets(experiment, lineage, root.parent)
        for model_dir in (
            _subdirs(experiment / "models", lineage) if (experiment / "models").is_dir() else []
        ):
            _logged_model(model_dir, lineage, outputs)
        for run_dir in _subdirs(experiment, lineage):
            if run_dir.name in _RESERVED:
                continue
            found = _run(run_dir, datasets, lineage, outputs)
            if found is not None:
                runs[found[0]] = found[1]
    for run_id, (asset_id, inputs) in runs.items():
        lineage.training(asset_id, inputs, outputs.get(run_id, {}).values())
    for run_id in sorted(set(outputs) - set(runs)):
        lineage.skip(str(root), f"models name run {run_id}, which is not in this store")


def _registered_versions(
    root: Path, lineage: TrainingLineage
) -> Iterator[tuple[Path, dict[str, list[str]]]]:
    """Each version folder with its registered model's aliases (version -> alias names)."""
    registry = root / "models"
    if not registry.is_dir() or registry.is_symlink():
        return
    for model in _subdirs(registry, lineage):
        aliases, problems = aliases_by_version(model, _meta(model, lineage))
        for problem in problems:
            lineage.skip(str(model), problem)
        for version in _subdirs(model, lineage):
            if version.name.startswith("version-"):
                yield version, aliases


def _registered_version(
    version_dir: Path,
    aliases: dict[str, list[str]],
    lineage: TrainingLineage,
    outputs: dict[str, dict[str, str]],
) -> None:
    meta = _meta(version_dir, lineage)
    if meta is None:
        return
    name, version, run_id = _text(meta, "name"), _text(meta, "version"), _text(meta, "run_id")
    if name is None or version is None:
        lineage.skip(str(version_dir / "meta.yaml"), "model version without name or version")
        return
    source = _text(meta, "source") or _text(meta, "storage_location")
    key = _storage_key(source)
    stage = _text(meta, "current_stage")
    version_aliases = aliases.get(version, [])
    asset = lineage.node(
        f"mlflow:model/{name}/{version}",
        AssetKind.MODEL_ARTIFACT,
        f"{name} v{version}",
        str(version_dir / "meta.yaml"),
        {
            "service": "mlflow",
            "registered_model": name,
            "version": version,
            "run_id": run_id,
            "model_source": source,
            "stage": stage,
            "aliases": version_aliases,
            "production": is_production(stage, version_aliases),
            **({"dataset_key": key} if key else {}),
        },
    )
    if run_id:
        outputs.setdefault(run_id, {})[key or asset] = asset


def _logged_model(
    model_dir: Path, lineage: TrainingLineage, outputs: dict[str, dict[str, str]]
) -> None:
    meta = _meta(model_dir, lineage)
    if meta is None:
        return
    model_id = _text(meta, "model_id") or model_dir.name
    run_id = _text(meta, "source_run_id")
    key = _storage_key(_text(meta, "artifact_location"))
    asset = lineage.node(
        f"mlflow:logged-model/{model_id}",
        AssetKind.MODEL_ARTIFACT,
        _text(meta, "name") or model_id,
        str(model_dir / "meta.yaml"),
        {
            "service": "mlflow",
            "model_id": model_id,
            "run_id": run_id,
            **({"dataset_key": key} if key else {}),
        },
    )
    if run_id:
        outputs.setdefault(run_id, {}).setdefault(key or asset, asset)


def _datasets(experiment: Path, lineage: TrainingLineage, base: Path) -> dict[str, str]:
    """Dataset record id -> dataset asset id, for the records that name a location."""
    found: dict[str, str] = {}
    folder = experiment / "datasets"
    if not folder.is_dir() or folder.is_symlink():
        return found
    for record in _subdirs(folder, lineage):
        meta = _meta(record, lineage)
        if meta is None:
            continue
        source_type = _text(meta, "source_type") or "unknown"
        location = dataset_location(source_type, _text(meta, "source") or "", base)
        if location is None:
            lineage.skip(
                str(record / "meta.yaml"),
                f"dataset {_text(meta, 'name') or record.name} ({source_type}) names no"
                " absolute location; runs that used it are linked to nothing",
            )
            continue
        found[record.name] = lineage.dataset(location, str(record / "meta.yaml"))
    return found


def _run(
    run_dir: Path,
    datasets: Mapping[str, str],
    lineage: TrainingLineage,
    outputs: dict[str, dict[str, str]],
) -> tuple[str, tuple[str, list[str]]] | None:
    meta = _meta(run_dir, lineage)
    if meta is None:
        return None
    run_id = _text(meta, "run_id") or run_dir.name
    artifact_uri = _text(meta, "artifact_uri")
    asset = lineage.node(
        f"mlflow:run/{run_id}",
        AssetKind.TRAINING_JOB,
        _text(meta, "run_name") or run_id,
        str(run_dir / "meta.yaml"),
        {
            "service": "mlflow",
            "run_id": run_id,
            "experiment_id": _text(meta, "experiment_id"),
            "lifecycle_stage": _text(meta, "lifecycle_stage"),
            "user": _text(meta, "user_id"),
        },
    )
    inputs: list[str] = []
    folder = run_dir / "inputs"
    if folder.is_dir() and not folder.is_symlink():
        for link in _subdirs(folder, lineage):
            link_meta = _meta(link, lineage)
            if link_meta is None or _text(link_meta, "source_type") != "DATASET":
                continue
            dataset = datasets.get(_text(link_meta, "source_id") or "")
            if dataset is not None:
                inputs.append(dataset)
    for model_key in _mlmodel_dirs(run_dir, artifact_uri, lineage):
        produced = outputs.setdefault(run_id, {})
        if model_key not in produced:
            produced[model_key] = lineage.artifact(
                model_key, str(run_dir / "meta.yaml"), service="mlflow"
            )
    return run_id, (asset, inputs)


def _mlmodel_dirs(
    run_dir: Path, artifact_uri: str | None, lineage: TrainingLineage
) -> Iterator[str]:
    """Storage keys of top-level artifact folders holding an ``MLmodel`` file (a logged model)."""
    artifacts = run_dir / "artifacts"
    base = _storage_key(artifact_uri)
    if base is None or not artifacts.is_dir() or artifacts.is_symlink():
        return
    for folder in _subdirs(artifacts, lineage):
        if (folder / "MLmodel").is_file():
            yield normalise_dataset_key(f"{base}/{folder.name}")
