"""Turns what a training reader learned into lineage assets and edges of the shared shape.

Both readers (SageMaker describe output, MLflow file stores) speak in runs, datasets, models
and endpoints; this module alone decides ids, kinds and edge directions so the two agree:
run READS dataset, run WRITES model, model TRAINED_ON dataset, endpoint SERVES model, a
deployable model LOADS_MODEL its artifact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from stackward.lineage.assets import DATASET_PREFIX, MODEL_PREFIX
from stackward.lineage.naming import normalise_dataset_key
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind, Skipped

COLLECTOR = "training"


def dataset_id(key: str) -> str:
    return f"{DATASET_PREFIX}{key}"


def artifact_id(key: str) -> str:
    return f"{MODEL_PREFIX}{key}"


def _short_name(key: str) -> str:
    tail = key.rstrip("/").rsplit("/", 1)[-1]
    return tail or key


@dataclass(slots=True)
class TrainingLineage:
    """Assets (by id, first writer wins), edges and problems gathered from training sources."""

    assets: dict[str, Asset] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def skip(self, location: str, reason: str) -> None:
        self.skipped.append(Skipped(location, reason, COLLECTOR))

    def add(self, asset: Asset) -> str:
        """Add ``asset``; when two readers name the same node (an MLflow run and a SageMaker
        job reading the same S3 prefix), the first keeps its values and the second fills in
        what it lacks: a region, properties it did not have."""
        known = self.assets.get(asset.id)
        if known is None:
            self.assets[asset.id] = asset
        else:
            self.assets[asset.id] = replace(
                known,
                region=known.region or asset.region,
                properties={**asset.properties, **known.properties},
            )
        return asset.id

    def relate(self, src: str, dst: str, kind: RelationKind, **props: Any) -> None:
        self.relations.append(Relation(src, dst, kind, props))

    def dataset(self, uri: str, source: str, region: str | None = None) -> str:
        """A training input named by its URI; the id and ``dataset_key`` use the canonical key."""
        key = normalise_dataset_key(uri)
        return self.add(
            Asset(
                id=dataset_id(key),
                kind=AssetKind.DATASET,
                layer=Layer.DATA_FOUNDATION,
                name=_short_name(key),
                source=source,
                properties={"dataset_key": key, "role": "training_input"},
                region=region,
                sensitive=True,
            )
        )

    def artifact(self, uri: str, source: str, region: str | None = None, **props: Any) -> str:
        """Model weights at a storage location (``s3://…/model.tar.gz``, an MLflow artifact)."""
        key = normalise_dataset_key(uri)
        return self.add(
            Asset(
                id=artifact_id(key),
                kind=AssetKind.MODEL_ARTIFACT,
                layer=Layer.CORE_AI,
                name=_short_name(key),
                source=source,
                properties={"dataset_key": key, **props},
                region=region,
                sensitive=True,
            )
        )

    def node(
        self,
        asset_id: str,
        kind: AssetKind,
        name: str,
        source: str,
        properties: Mapping[str, Any],
        region: str | None = None,
    ) -> str:
        return self.add(
            Asset(
                id=asset_id,
                kind=kind,
                layer=Layer.CORE_AI,
                name=name,
                source=source,
                properties=properties,
                region=region,
                sensitive=kind is AssetKind.MODEL_ARTIFACT,
            )
        )

    def training(self, run_id: str, inputs: Iterable[str], outputs: Iterable[str]) -> None:
        """run READS each input, WRITES each output model, each model TRAINED_ON each input."""
        inputs = list(dict.fromkeys(inputs))
        for data in inputs:
            self.relate(run_id, data, RelationKind.READS)
        for model in dict.fromkeys(outputs):
            self.relate(run_id, model, RelationKind.WRITES)
            for data in inputs:
                self.relate(model, data, RelationKind.TRAINED_ON, run=run_id)
