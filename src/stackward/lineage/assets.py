"""The lineage model as inventory: job, dataset and model assets with their edges.

OpenLineage has no model dataset type yet, so training is recognised by this rule:

- a job is a *training run* if its ``jobType`` facet says ``TRAINING`` (or ``TRAIN``,
  ``MODEL_TRAINING``, ``FINE_TUNING``), or its name holds the word ``train``, ``training``,
  ``trainer``, ``finetune`` or ``fine_tune``, or one of its outputs looks like a model;
- an output *looks like a model* if its key is an MLflow or Hugging Face model URI
  (``models:/``, ``runs:/``, ``hf://``), ends with a model file suffix (``.pt``,
  ``.safetensors``, ``.onnx``, ``.gguf``, ``.pkl``, ``.joblib``, ``.h5``, ``.keras``, …), or
  has a ``models`` or ``model`` path segment;
- the models of a training run are its outputs that look like models, or all its outputs
  when none does. A model is ``TRAINED_ON`` every input of the run; the run ``WRITES`` it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from stackward.collectors.base import CollectResult
from stackward.lineage.model import DatasetRecord, JobRecord, LineageModel
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind, Skipped

COLLECTOR = "lineage"
DATASET_PREFIX = "lineage:dataset/"
MODEL_PREFIX = "lineage:model/"
JOB_PREFIX = "lineage:job/"
MAX_DERIVED_PER_JOB = 10_000
TRAINING_JOB_TYPES = frozenset({"TRAINING", "TRAIN", "MODEL_TRAINING", "FINE_TUNING"})
TRAINING_WORDS = frozenset({"train", "training", "trainer", "finetune", "fine_tune"})
MODEL_SCHEMES = ("models:/", "runs:/", "hf://")
MODEL_SUFFIXES = (
    ".pt", ".pth", ".safetensors", ".onnx", ".gguf", ".pkl", ".joblib",
    ".h5", ".keras", ".ckpt", ".pb", ".tflite", ".mlmodel",
)  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)?")
_SEGMENT_SPLIT = re.compile(r"[/.]")


def job_id(job: JobRecord) -> str:
    return f"{JOB_PREFIX}{job.namespace}/{job.name}"


def looks_like_model(key: str) -> bool:
    lowered = key.lower()
    if lowered.startswith(MODEL_SCHEMES) or lowered.endswith(MODEL_SUFFIXES):
        return True
    path = lowered.split("://", 1)[-1]
    return any(segment in ("models", "model") for segment in path.split("/")[1:])


def is_training(job: JobRecord) -> bool:
    if job.job_type is not None and job.job_type.upper() in TRAINING_JOB_TYPES:
        return True
    words = set(_WORD.findall(job.name.lower().replace("-", "_")))
    words |= {w for word in list(words) for w in word.split("_")}
    if words & TRAINING_WORDS:
        return True
    return any(looks_like_model(key) for key in job.outputs)


def model_outputs(job: JobRecord) -> set[str]:
    if not is_training(job):
        return set()
    models = {key for key in job.outputs if looks_like_model(key)}
    return models or set(job.outputs)


def to_inventory(model: LineageModel, result: CollectResult) -> None:
    """Assets and relations of every job and dataset in ``model``."""
    model_keys: set[str] = set()
    for job in model.jobs.values():
        model_keys |= model_outputs(job)

    def node_id(key: str) -> str:
        return f"{MODEL_PREFIX if key in model_keys else DATASET_PREFIX}{key}"

    for record in model.datasets.values():
        result.assets.append(_dataset_asset(record, node_id(record.key), record.key in model_keys))
    for job in model.jobs.values():
        training = is_training(job)
        jid = job_id(job)
        result.assets.append(_job_asset(job, jid, training))
        for key in sorted(job.inputs):
            result.relations.append(Relation(jid, node_id(key), RelationKind.READS))
        for key in sorted(job.outputs):
            result.relations.append(Relation(jid, node_id(key), RelationKind.WRITES))
        _derivations(job, jid, model_keys, node_id, result)


def _derivations(
    job: JobRecord,
    jid: str,
    model_keys: set[str],
    node_id: Callable[[str], str],
    result: CollectResult,
) -> None:
    pairs = 0
    for out in sorted(job.outputs):
        for src in sorted(job.inputs - {out}):
            if pairs >= MAX_DERIVED_PER_JOB:
                result.skipped.append(
                    Skipped(
                        jid,
                        f"more than {MAX_DERIVED_PER_JOB} input-output pairs; the rest"
                        " are not linked",
                        COLLECTOR,
                    )
                )
                return
            pairs += 1
            if out in model_keys:
                props = {"run": job.last_run_id or jid, "job": jid}
                result.relations.append(
                    Relation(node_id(out), node_id(src), RelationKind.TRAINED_ON, props)
                )
            else:
                result.relations.append(
                    Relation(node_id(out), node_id(src), RelationKind.DERIVED_FROM, {"job": jid})
                )


def _dataset_asset(record: DatasetRecord, asset_id: str, is_model: bool) -> Asset:
    properties: dict[str, object] = {
        "dataset_key": record.key,
        "namespace": record.namespace,
        "lineage_name": record.name,
        "lineage": True,
    }
    if record.fields:
        properties["fields"] = list(record.fields)
    if record.column_lineage:
        properties["column_lineage"] = {k: list(v) for k, v in record.column_lineage.items()}
    if record.data_source:
        properties["data_source"] = record.data_source
    return Asset(
        id=asset_id,
        kind=AssetKind.MODEL_ARTIFACT if is_model else AssetKind.DATASET,
        layer=Layer.CORE_AI if is_model else Layer.DATA_FOUNDATION,
        name=record.name.rstrip("/").rsplit("/", 1)[-1] or record.name,
        source=f"lineage {record.namespace}",
        properties=properties,
        sensitive=is_model,
    )


def _job_asset(job: JobRecord, asset_id: str, training: bool) -> Asset:
    return Asset(
        id=asset_id,
        kind=AssetKind.TRAINING_JOB if training else AssetKind.DATA_JOB,
        layer=Layer.CORE_AI if training else Layer.DATA_ENGINEERING,
        name=job.name,
        source=job.origin,
        properties={
            "namespace": job.namespace,
            "job_type": job.job_type,
            "inputs": len(job.inputs),
            "outputs": len(job.outputs),
            "last_run_state": job.last_state,
            "last_run_time": job.last_time.isoformat() if job.last_time else None,
            "last_run_id": job.last_run_id,
            "events": job.events,
            "lineage": True,
        },
    )
