"""The collector contract and the context every collector receives."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from stackward.collectors.walk import FileEntry
from stackward.config.schema import ScanConfig
from stackward.model import Asset, Relation, Skipped

GROUP = "stackward.collectors"
_BUILTIN = {
    "data": "stackward.collectors.data:DataCollector",
    "files": "stackward.collectors.files:FilesCollector",
    "fingerprint": "stackward.collectors.fingerprint:FingerprintCollector",
    "kubernetes": "stackward.collectors.kubernetes:KubernetesCollector",
    "lineage": "stackward.lineage.collector:LineageCollector",
    "mlflow": "stackward.collectors.mlflow:MlflowCollector",
    "terraform": "stackward.collectors.terraform:TerraformCollector",
    "training": "stackward.lineage.training:TrainingCollector",
}


@dataclass(slots=True)
class CollectResult:
    assets: list[Asset] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def merge(self, other: CollectResult) -> None:
        self.assets.extend(other.assets)
        self.relations.extend(other.relations)
        self.skipped.extend(other.skipped)


@dataclass(frozen=True, slots=True)
class CollectContext:
    """What a collector may look at: the walked files of every path source and the config."""

    config: ScanConfig
    files: Sequence[FileEntry]


@runtime_checkable
class Collector(Protocol):
    name: str

    def collect(self, ctx: CollectContext) -> CollectResult:
        """Discover assets and relations. Never raise for bad input: return a Skipped."""
        ...


def _load_target(value: str) -> type[Collector]:
    module_name, _, attr = value.partition(":")
    cls: type[Collector] = getattr(importlib.import_module(module_name), attr)
    return cls


def load_collectors() -> list[Collector]:
    """Every collector registered under ``stackward.collectors``; built-ins included."""
    targets: dict[str, type[Collector]] = {}
    for ep in entry_points(group=GROUP):
        targets[ep.name] = ep.load()
    for name, value in _BUILTIN.items():
        targets.setdefault(name, _load_target(value))
    return [targets[name]() for name in sorted(targets)]
