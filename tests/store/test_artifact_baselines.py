"""Model-artifact hash baselines: set on first sight, moved only by a signature or a review."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from stackward.artifacts.provenance import with_baselines
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer
from stackward.scan.result import ScanResult
from stackward.store import open_store

A, B = "a" * 64, "b" * 64


def _model(
    asset_id: str = "file:m.pt", kind: AssetKind = AssetKind.MODEL_ARTIFACT, **props: Any
) -> Asset:
    return Asset(
        id=asset_id, kind=kind, layer=Layer.CORE_AI, name="m", source="m", properties=props
    )


def _result(*assets: Asset, scope: str = "/stack") -> ScanResult:
    graph = InventoryGraph()
    graph.extend(assets, [])
    now = dt.datetime.now(dt.UTC)
    return ScanResult(
        scope=scope,
        started_at=now,
        finished_at=now,
        graph=graph,
        findings=[],
        attack_paths=[],
        skipped=[],
    )


@pytest.mark.parametrize(
    ("second", "accept", "expected"),
    [
        pytest.param({"sha256": B}, False, A, id="changed-unreviewed-keeps-baseline"),
        pytest.param({"sha256": B}, True, B, id="changed-accepted-moves"),
        pytest.param({"sha256": B, "signature": {"status": "verified"}}, False, B, id="re-signed"),
        pytest.param(
            {"sha256": B, "signature": {"status": "unverified"}}, False, A, id="unverified"
        ),
        pytest.param({"sha256": A}, False, A, id="unchanged"),
    ],
)
def test_baseline_moves_only_when_vouched_for(
    tmp_path: Path, second: dict[str, Any], accept: bool, expected: str
) -> None:
    store = open_store(tmp_path / "s.db")
    store.record_scan(_result(_model(sha256=A)))
    store.record_scan(_result(_model(**second)), accept_model_changes=accept)
    assert store.artifact_baselines("/stack") == {"file:m.pt": expected}
    store.close()


def test_baselines_are_per_scope_and_only_for_model_artifacts(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    store.record_scan(
        _result(_model(sha256=A), _model("file:x.py", AssetKind.SOURCE_FILE, sha256=B))
    )
    assert store.artifact_baselines("/stack") == {"file:m.pt": A}
    assert store.artifact_baselines("/other") == {}
    store.close()


def test_object_store_etags_are_baselined(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    store.record_scan(_result(_model("s3:b/m.bin", content_digest="etag:1")))
    assert store.artifact_baselines("/stack") == {"s3:b/m.bin": "etag:1"}
    store.close()


@pytest.mark.parametrize(
    ("props", "baselines", "annotated"),
    [
        pytest.param({"sha256": B}, {"file:m.pt": A}, A, id="differs"),
        pytest.param({"sha256": A}, {"file:m.pt": A}, None, id="same"),
        pytest.param({"sha256": B}, {}, None, id="no-baseline"),
        pytest.param({}, {"file:m.pt": A}, None, id="not-hashed"),
    ],
)
def test_with_baselines_marks_changed_artifacts(
    props: dict[str, Any], baselines: dict[str, str], annotated: str | None
) -> None:
    (asset,) = with_baselines([_model(**props)], baselines)
    assert asset.properties.get("baseline_sha256") == annotated
