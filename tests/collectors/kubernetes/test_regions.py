"""Kubernetes objects take a region from their namespace's or their own region labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from stackward.collectors.base import CollectContext
from stackward.collectors.kubernetes import KubernetesCollector
from stackward.collectors.walk import walk_tree
from stackward.config import ScanConfig
from stackward.config.schema import Sources
from stackward.model import AssetKind
from tests.checks.builtin.kubernetes.k8s_objects import deployment

Obj = dict[str, Any]


def _namespace(labels: dict[str, str] | None = None, notes: dict[str, str] | None = None) -> Obj:
    meta: Obj = {"name": "ml"}
    if labels:
        meta["labels"] = labels
    if notes:
        meta["annotations"] = notes
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta}


def _labelled(labels: dict[str, str]) -> Obj:
    obj = deployment("own")
    obj["metadata"]["labels"] = labels
    return obj


def _regions(tmp_path: Path, objects: list[Obj]) -> dict[str, str | None]:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "all.yaml").write_text(yaml.safe_dump_all(objects), encoding="utf-8")
    config = ScanConfig(sources=Sources(paths=[tmp_path]))
    files = walk_tree(tmp_path).files
    result = KubernetesCollector().collect(CollectContext(config=config, files=files))
    assert not result.skipped, result.skipped
    return {
        a.name: a.region
        for a in result.assets
        if a.kind in (AssetKind.K8S_NAMESPACE, AssetKind.LLM_SERVICE, AssetKind.K8S_WORKLOAD)
    }


@pytest.mark.parametrize(
    ("namespace", "extra", "expected"),
    [
        pytest.param(_namespace({"topology.kubernetes.io/region": "eu-west-1"}), [],
                     {"ml": "eu-west-1", "llm": "eu-west-1"}, id="topology-label"),
        pytest.param(_namespace(notes={"stackward.io/region": "West Europe"}), [],
                     {"ml": "westeurope", "llm": "westeurope"}, id="annotation-normalised"),
        pytest.param(
            _namespace({"topology.kubernetes.io/region": "us-east-1"},
                       {"stackward.io/region": "eu-central-1"}), [],
            {"ml": "eu-central-1", "llm": "eu-central-1"}, id="explicit-beats-topology",
        ),
        pytest.param(
            _namespace({"topology.kubernetes.io/region": "eu-west-1"}),
            [_labelled({"topology.kubernetes.io/region": "us-east-2"})],
            {"ml": "eu-west-1", "llm": "eu-west-1", "own": "us-east-2"}, id="own-label-wins",
        ),
        pytest.param(_namespace({"team": "ml"}), [], {"ml": None, "llm": None},
                     id="no-region-twin"),
        pytest.param(_namespace({"topology.kubernetes.io/region": "eu/west;1"}), [],
                     {"ml": None, "llm": None}, id="garbage-ignored"),
    ],
)  # fmt: skip
def test_region_from_namespace(
    tmp_path: Path, namespace: Obj, extra: list[Obj], expected: dict[str, str | None]
) -> None:
    objects = [namespace, deployment("llm"), *extra]
    assert _regions(tmp_path, objects) == expected
