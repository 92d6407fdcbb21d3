"""dbt manifests: model runs as jobs, relations keyed by the configured warehouse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stackward.lineage.dbt import ManifestError, read_manifest
from stackward.lineage.model import LineageModel

NAMESPACE = "postgres://db.internal:5432"
KEY = "postgresql://db.internal:5432/analytics"


def _node(
    kind: str, name: str, parents: list[str], materialized: str = "table", **extra: Any
) -> dict[str, Any]:
    return {
        "resource_type": kind,
        "database": "analytics",
        "schema": "marts" if kind == "model" else "seeds",
        "name": name,
        "alias": extra.pop("alias", name),
        "config": {"materialized": materialized},
        "depends_on": {"nodes": parents, "macros": []},
        "columns": extra.pop("columns", {}),
        **extra,
    }


def manifest(version: int = 12) -> dict[str, Any]:
    return {
        "metadata": {
            "dbt_schema_version": f"https://schemas.getdbt.com/dbt/manifest/v{version}.json",
            "adapter_type": "postgres",
        },
        "nodes": {
            "seed.shop.countries": _node("seed", "countries", []),
            "model.shop.stg_customers": _node(
                "model", "stg_customers", ["source.shop.crm.customers"], materialized="ephemeral"
            ),
            "model.shop.customers": _node(
                "model",
                "customers",
                ["model.shop.stg_customers", "seed.shop.countries"],
                alias="dim_customers",
                columns={"id": {}, "email": {}},
            ),
            "snapshot.shop.customers_snap": _node(
                "snapshot", "customers_snap", ["model.shop.customers"]
            ),
            "test.shop.not_null": {
                "resource_type": "test",
                "depends_on": {"nodes": ["model.shop.customers"]},
            },
        },
        "sources": {
            "source.shop.crm.customers": {
                "resource_type": "source",
                "database": "crm_db",
                "schema": "public",
                "name": "customers",
                "identifier": "customers_v2",
            }
        },
    }


def _write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("version", [9, 10, 11, 12])
def test_models_seeds_and_snapshots_become_jobs(tmp_path: Path, version: int) -> None:
    model = LineageModel()
    jobs = read_manifest(_write(tmp_path, manifest(version)), NAMESPACE, model)
    assert jobs == 3  # the ephemeral model and the test are not jobs
    customers = model.jobs[("dbt", "model.shop.customers")]
    assert customers.inputs == {
        "postgresql://db.internal:5432/crm_db/public.customers_v2",  # through the ephemeral model
        f"{KEY}/seeds.countries",
    }
    assert customers.outputs == {f"{KEY}/marts.dim_customers"}
    assert model.datasets[f"{KEY}/marts.dim_customers"].fields == ("id", "email")
    snapshot = model.jobs[("dbt", "snapshot.shop.customers_snap")]
    assert snapshot.inputs == {f"{KEY}/marts.dim_customers"}
    assert model.jobs[("dbt", "seed.shop.countries")].inputs == set()


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (
            {
                **manifest(),
                "metadata": {
                    "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v7.json"
                },
            },
            "v7 is not supported",
        ),
        ({**manifest(), "metadata": {}}, "dbt_schema_version is missing"),
        ({**manifest(), "nodes": []}, "nodes is not an object"),
        ([1, 2], "top level is not an object"),
    ],
    ids=["old-version", "no-version", "nodes-not-object", "not-an-object"],
)
def test_bad_manifests_are_refused_with_a_reason(
    tmp_path: Path, document: Any, problem: str
) -> None:
    with pytest.raises(ManifestError, match=problem):
        read_manifest(_write(tmp_path, document), NAMESPACE, LineageModel())


def test_truncated_and_missing_manifests(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest())[:200], encoding="utf-8")
    with pytest.raises(ManifestError, match="not valid JSON"):
        read_manifest(path, NAMESPACE, LineageModel())
    with pytest.raises(ManifestError, match="cannot read"):
        read_manifest(tmp_path / "absent.json", NAMESPACE, LineageModel())
