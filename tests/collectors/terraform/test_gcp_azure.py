"""Google Cloud and Azure AI resources from real plan files."""

from __future__ import annotations

from functools import cache

import pytest

from stackward.collectors.base import CollectResult
from stackward.model import AssetKind, Layer, RelationKind
from tests.collectors.terraform.conftest import FIXTURES, collect_path


@cache
def collected(name: str) -> CollectResult:
    result = collect_path(FIXTURES / f"{name}_plan.json")
    assert result.skipped == []
    return result


@pytest.mark.parametrize(
    ("plan", "asset_id", "kind", "layer", "sensitive", "exposed"),
    [
        (
            "gcp",
            "tf:google_notebooks_instance.research",
            AssetKind.NOTEBOOK_INSTANCE,
            Layer.EXPERIMENTATION,
            False,
            True,
        ),
        (
            "gcp",
            "tf:google_workbench_instance.secure",
            AssetKind.NOTEBOOK_INSTANCE,
            Layer.EXPERIMENTATION,
            False,
            False,
        ),
        (
            "gcp",
            "tf:google_storage_bucket.training",
            AssetKind.OBJECT_BUCKET,
            Layer.INFRASTRUCTURE,
            True,
            True,
        ),
        (
            "gcp",
            "tf:google_storage_bucket.web",
            AssetKind.OBJECT_BUCKET,
            Layer.INFRASTRUCTURE,
            False,
            True,
        ),
        (
            "gcp",
            "tf:google_vertex_ai_dataset.claims",
            AssetKind.DATASET,
            Layer.DATA_FOUNDATION,
            True,
            False,
        ),
        (
            "gcp",
            "tf:google_vertex_ai_endpoint.claims",
            AssetKind.MODEL_ENDPOINT,
            Layer.CORE_AI,
            False,
            True,
        ),
        (
            "gcp",
            "tf:google_service_account.notebook",
            AssetKind.IAM_ROLE,
            Layer.IDENTITY,
            False,
            False,
        ),
        (
            "gcp",
            "tf:google_service_account_key.notebook",
            AssetKind.IAM_CREDENTIAL,
            Layer.IDENTITY,
            True,
            False,
        ),
        (
            "gcp",
            "tf:google_project_iam_member.notebook_aiplatform",
            AssetKind.IAM_BINDING,
            Layer.IDENTITY,
            False,
            False,
        ),
        (
            "azure",
            "tf:azurerm_machine_learning_workspace.main",
            AssetKind.AI_SERVICE,
            Layer.CORE_AI,
            False,
            True,
        ),
        (
            "azure",
            "tf:azurerm_machine_learning_compute_instance.dev",
            AssetKind.NOTEBOOK_INSTANCE,
            Layer.EXPERIMENTATION,
            False,
            True,
        ),
        (
            "azure",
            "tf:azurerm_cognitive_account.openai",
            AssetKind.LLM_SERVICE,
            Layer.CORE_AI,
            False,
            True,
        ),
        (
            "azure",
            "tf:azurerm_cognitive_account.vision",
            AssetKind.AI_SERVICE,
            Layer.CORE_AI,
            False,
            False,
        ),
        (
            "azure",
            "tf:azurerm_storage_account.ml",
            AssetKind.OBJECT_BUCKET,
            Layer.INFRASTRUCTURE,
            True,
            False,
        ),
        (
            "azure",
            "tf:azurerm_storage_container.datasets",
            AssetKind.OBJECT_BUCKET,
            Layer.INFRASTRUCTURE,
            True,
            True,
        ),
        (
            "azure",
            "tf:azurerm_storage_container.reports",
            AssetKind.OBJECT_BUCKET,
            Layer.INFRASTRUCTURE,
            False,
            False,
        ),
        (
            "azure",
            "tf:azurerm_storage_container.locked_blob",
            AssetKind.OBJECT_BUCKET,
            Layer.INFRASTRUCTURE,
            False,
            False,
        ),
        (
            "azure",
            "tf:azurerm_role_assignment.ws_blob",
            AssetKind.IAM_BINDING,
            Layer.IDENTITY,
            False,
            False,
        ),
    ],
)
def test_assets(
    plan: str, asset_id: str, kind: AssetKind, layer: Layer, sensitive: bool, exposed: bool
) -> None:
    found = {a.id: a for a in collected(plan).assets}[asset_id]
    assert (found.kind, found.layer) == (kind, layer)
    assert (found.sensitive, found.internet_exposed) == (sensitive, exposed)


@pytest.mark.parametrize(
    ("plan", "src", "kind", "dst"),
    [
        (
            "gcp",
            "tf:google_notebooks_instance.research",
            RelationKind.RUNS_AS,
            "tf:google_service_account.notebook",
        ),
        (
            "gcp",
            "tf:google_service_account_key.notebook",
            RelationKind.BOUND_TO,
            "tf:google_service_account.notebook",
        ),
        (
            "gcp",
            "tf:google_service_account.notebook",
            RelationKind.BOUND_TO,
            "tf:google_project_iam_member.notebook_aiplatform",
        ),
        (
            "azure",
            "tf:azurerm_storage_account.ml",
            RelationKind.CONTAINS,
            "tf:azurerm_storage_container.datasets",
        ),
        (
            "azure",
            "tf:azurerm_machine_learning_workspace.main",
            RelationKind.CAN_ACCESS,
            "tf:azurerm_storage_account.ml",
        ),
        (
            "azure",
            "tf:azurerm_machine_learning_workspace.main",
            RelationKind.CONTAINS,
            "tf:azurerm_machine_learning_compute_instance.dev",
        ),
        (
            "azure",
            "tf:azurerm_role_assignment.ws_blob",
            RelationKind.CAN_ACCESS,
            "tf:azurerm_storage_account.ml",
        ),
        (
            "azure",
            "tf:azurerm_machine_learning_workspace.main",
            RelationKind.BOUND_TO,
            "tf:azurerm_role_assignment.ws_blob",
        ),
    ],
)
def test_relations(plan: str, src: str, kind: RelationKind, dst: str) -> None:
    assert (src, kind, dst) in {(r.src, r.kind, r.dst) for r in collected(plan).relations}


def test_bucket_iam_members_are_merged_and_regions_recorded() -> None:
    found = {a.id: a for a in collected("gcp").assets}
    training = found["tf:google_storage_bucket.training"]
    assert training.prop("iam_members") == [
        {"role": "roles/storage.objectViewer", "member": "allUsers"}
    ]
    assert "tf:google_storage_bucket_iam_member.training_public" not in found
    assert found["tf:google_vertex_ai_dataset.claims"].region == "europe-west4"
    assert found["tf:google_service_account.notebook"].region == "europe-west4"
    container = {a.id: a for a in collected("azure").assets}[
        "tf:azurerm_storage_container.datasets"
    ]
    assert container.region == "westeurope"


def test_legacy_acls_count_only_without_uniform_bucket_level_access() -> None:
    found = {a.id: a for a in collected("gcp").assets}
    legacy = found["tf:google_storage_bucket.legacy_models"]
    assert {"role": "acl:READER", "member": "allUsers"} in legacy.prop("iam_members")
    assert legacy.internet_exposed and legacy.sensitive
    ubla = found["tf:google_storage_bucket.ubla_features"]
    assert ubla.prop("iam_members") == []
    assert not ubla.internet_exposed
    assert ubla.prop("merged_from") == ["google_storage_bucket_access_control.ubla_features"]


def test_vertex_vector_search() -> None:
    found = {a.id: a for a in collected("gcp").assets}
    index = found["tf:google_vertex_ai_index.docs"]
    assert (index.kind, index.layer, index.sensitive) == (
        AssetKind.VECTOR_STORE,
        Layer.CORE_AI,
        True,
    )
    assert found["tf:google_vertex_ai_index_endpoint.docs"].internet_exposed
    corpus = found["tf:google_storage_bucket.rag"]
    assert corpus.sensitive and not corpus.internet_exposed
    assert (index.id, RelationKind.READS, corpus.id) in {
        (r.src, r.kind, r.dst) for r in collected("gcp").relations
    }
