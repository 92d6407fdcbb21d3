"""Amazon SageMaker describe output: training jobs, models, endpoint configurations, endpoints.

Reads the JSON the AWS CLI prints for ``aws sagemaker describe-training-job``,
``describe-model``, ``describe-endpoint-config`` and ``describe-endpoint`` (one document per
file), recognised by the ARN key each carries. Endpoints reach models through their endpoint
configuration, so documents are first sorted by type and joined afterwards: the order of
files does not matter. Region comes from the ARN, never from a default.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from stackward.lineage.resource_merge import sagemaker_endpoint_key
from stackward.lineage.training.builder import TrainingLineage
from stackward.model import AssetKind, RelationKind

MAX_ITEMS = 1_000
"""Channels, containers or variants read from one document; more is reported, not read."""
_MAX_TEXT = 2_048

TRAINING_JOB = "TrainingJobArn"
MODEL = "ModelArn"
ENDPOINT_CONFIG = "EndpointConfigArn"
ENDPOINT = "EndpointArn"
_KINDS = (TRAINING_JOB, ENDPOINT, ENDPOINT_CONFIG, MODEL)
DESCRIBE_KEYS = tuple(f'"{k}"' for k in _KINDS)
"""The quoted ARN keys, looked for in raw bytes before a walked file is parsed."""


def describe_kind(document: object) -> str | None:
    """Which describe output ``document`` is (its ARN key), or None if it is none of them."""
    if not isinstance(document, Mapping):
        return None
    return next((k for k in _KINDS if isinstance(document.get(k), str)), None)


def region_of(arn: str) -> str | None:
    """``arn:aws:sagemaker:eu-west-1:123456789012:model/x`` -> ``eu-west-1``."""
    parts = arn.split(":")
    return parts[3] or None if len(parts) > 5 and parts[0] == "arn" else None


def _text(document: Mapping[str, Any], key: str) -> str | None:
    value = document.get(key)
    return value if isinstance(value, str) and 0 < len(value) <= _MAX_TEXT else None


def _mappings(value: object) -> list[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return [v for v in value[:MAX_ITEMS] if isinstance(v, Mapping)]
    return []


def _dig(document: Mapping[str, Any], *keys: str) -> str | None:
    node: object = document
    for key in keys[:-1]:
        node = node.get(key) if isinstance(node, Mapping) else None
    return _text(node, keys[-1]) if isinstance(node, Mapping) else None


@dataclass(slots=True)
class SageMakerDocuments:
    """Describe documents sorted by type, each with the file it came from."""

    by_kind: dict[str, list[tuple[str, Mapping[str, Any]]]] = field(
        default_factory=lambda: {k: [] for k in _KINDS}
    )

    def add(self, location: str, document: Mapping[str, Any]) -> bool:
        kind = describe_kind(document)
        if kind is None:
            return False
        self.by_kind[kind].append((location, document))
        return True

    def of(self, kind: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        yield from self.by_kind[kind]


def _resource_id(region: str | None, resource: str, name: str) -> str:
    return f"sagemaker:{region or 'unknown-region'}/{resource}/{name}"


def build_sagemaker(documents: SageMakerDocuments, lineage: TrainingLineage) -> None:
    """Add every training job, model and endpoint in ``documents`` to ``lineage``."""
    for location, doc in documents.of(TRAINING_JOB):
        _training_job(location, doc, lineage)
    for location, doc in documents.of(MODEL):
        _model(location, doc, lineage)
    configs: dict[tuple[str | None, str], tuple[str, Mapping[str, Any]]] = {}
    for location, doc in documents.of(ENDPOINT_CONFIG):
        name = _text(doc, "EndpointConfigName")
        if name is None:
            lineage.skip(location, "endpoint configuration without EndpointConfigName")
            continue
        configs[(region_of(str(doc[ENDPOINT_CONFIG])), name)] = (location, doc)
    for location, doc in documents.of(ENDPOINT):
        _endpoint(location, doc, configs, lineage)


def _training_job(location: str, doc: Mapping[str, Any], lineage: TrainingLineage) -> None:
    name = _text(doc, "TrainingJobName")
    if name is None:
        lineage.skip(location, "training job without TrainingJobName")
        return
    region = region_of(str(doc[TRAINING_JOB]))
    run = lineage.node(
        _resource_id(region, "training-job", name),
        AssetKind.TRAINING_JOB,
        name,
        location,
        {
            "service": "sagemaker",
            "arn": doc[TRAINING_JOB],
            "status": _text(doc, "TrainingJobStatus"),
            "role_arn": _text(doc, "RoleArn"),
        },
        region,
    )
    inputs: list[str] = []
    channels = _mappings(doc.get("InputDataConfig"))
    for channel in channels:
        uri = _dig(channel, "DataSource", "S3DataSource", "S3Uri")
        if uri is None:
            lineage.skip(
                location,
                f"training job {name}: channel {_text(channel, 'ChannelName') or '?'}"
                " has no S3 data source (file system or other sources are not read)",
            )
            continue
        inputs.append(lineage.dataset(uri, location, region))
    artifact = _dig(doc, "ModelArtifacts", "S3ModelArtifacts")
    outputs = (
        [lineage.artifact(artifact, location, region, service="sagemaker")] if artifact else []
    )
    if not outputs:
        lineage.skip(location, f"training job {name}: no ModelArtifacts.S3ModelArtifacts")
    lineage.training(run, inputs, outputs)


def _model(location: str, doc: Mapping[str, Any], lineage: TrainingLineage) -> None:
    name = _text(doc, "ModelName")
    if name is None:
        lineage.skip(location, "model without ModelName")
        return
    region = region_of(str(doc[MODEL]))
    containers = _mappings(doc.get("PrimaryContainer")) + _mappings(doc.get("Containers"))
    urls = [
        url
        for c in containers
        if (url := _text(c, "ModelDataUrl") or _dig(c, "ModelDataSource", "S3DataSource", "S3Uri"))
    ]
    model = lineage.node(
        _resource_id(region, "model", name),
        AssetKind.MODEL_ARTIFACT,
        name,
        location,
        {
            "service": "sagemaker",
            "arn": doc[MODEL],
            "images": [i for c in containers if (i := _text(c, "Image"))],
            "model_data_urls": urls,
            "enable_network_isolation": doc.get("EnableNetworkIsolation") is True,
            "execution_role_arn": _text(doc, "ExecutionRoleArn"),
        },
        region,
    )
    for url in dict.fromkeys(urls):
        lineage.relate(model, lineage.artifact(url, location, region), RelationKind.LOADS_MODEL)


def _endpoint(
    location: str,
    doc: Mapping[str, Any],
    configs: Mapping[tuple[str | None, str], tuple[str, Mapping[str, Any]]],
    lineage: TrainingLineage,
) -> None:
    name = _text(doc, "EndpointName")
    if name is None:
        lineage.skip(location, "endpoint without EndpointName")
        return
    region = region_of(str(doc[ENDPOINT]))
    config_name = _text(doc, "EndpointConfigName")
    endpoint = lineage.node(
        _resource_id(region, "endpoint", name),
        AssetKind.MODEL_ENDPOINT,
        name,
        location,
        {
            "service": "sagemaker",
            "arn": doc[ENDPOINT],
            "status": _text(doc, "EndpointStatus"),
            "endpoint_config_name": config_name,
            "resource_key": sagemaker_endpoint_key(region, name),
        },
        region,
    )
    found = configs.get((region, config_name)) if config_name else None
    if found is None:
        lineage.skip(
            location,
            f"endpoint {name}: endpoint configuration {config_name or '?'} not among the"
            " describe files, so the models it serves are unknown",
        )
        return
    config_location, config = found
    for variant in _mappings(config.get("ProductionVariants")):
        model_name = _text(variant, "ModelName")
        if model_name is None:
            lineage.skip(
                config_location, f"endpoint configuration {config_name}: variant without ModelName"
            )
            continue
        lineage.relate(
            endpoint,
            _resource_id(region, "model", model_name),
            RelationKind.SERVES,
            via=config_name,
            variant=_text(variant, "VariantName"),
        )
