"""Cloud Storage bucket IAM and Azure storage role assignments as access edges.

Google Cloud and Azure cannot be called here; the plans stand in for them, so what is
tested is the reading of the bindings in the plan, not the providers' own evaluation.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from stackward.checks.builtin.cloud.public_write_training_data import (
    PublicWriteTrainingDataCheck,
)
from stackward.collectors.base import CollectResult
from stackward.model import RelationKind
from tests.collectors.terraform.conftest import FIXTURES, collect_path
from tests.conftest import findings_of, graph_of

READER = "azure:principal/00000000-0000-0000-0000-00000000000a"


@cache
def collected(name: str) -> CollectResult:
    return collect_path(FIXTURES / name)


def access_edges(name: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (r.src, r.dst): r.properties
        for r in collected(name).relations
        if r.kind is RelationKind.CAN_ACCESS and "access" in r.properties
    }


@pytest.mark.parametrize(
    ("principal", "asset", "access", "source"),
    [
        pytest.param(
            "gcp:principal/allUsers",
            "tf:google_storage_bucket.open_training",
            ["write"],
            "gcp-iam",
            id="allUsers creator",
        ),
        pytest.param(
            "tf:google_service_account.trainer",
            "tf:google_storage_bucket.locked_training",
            ["read"],
            "gcp-iam",
            id="service account of the plan",
        ),
        pytest.param(
            "gcp:principal/group:ml@acme.example",
            "tf:google_storage_bucket.locked_training",
            ["read"],
            "gcp-iam",
            id="group",
        ),
        pytest.param(
            READER, "tf:azurerm_storage_account.ml", ["read"], "azure-rbac", id="blob reader"
        ),
    ],
)
def test_planted_bindings(principal: str, asset: str, access: list[str], source: str) -> None:
    edge = access_edges("gcp_azure_access_plan.json").get((principal, asset))
    assert edge is not None, sorted(access_edges("gcp_azure_access_plan.json"))
    assert (edge["access"], edge["source"]) == (access, source)


@pytest.mark.parametrize(
    ("principal", "asset", "why"),
    [
        pytest.param(
            "gcp:principal/allUsers",
            "tf:google_storage_bucket.locked_training",
            "public access prevention enforced",
            id="prevention",
        ),
        pytest.param(
            "gcp:principal/allAuthenticatedUsers",
            "tf:google_storage_bucket.locked_training",
            "custom role not in the table",
            id="custom role",
        ),
        pytest.param(
            "azure:principal/00000000-0000-0000-0000-00000000000b",
            "tf:azurerm_storage_account.ml",
            "role without data access",
            id="monitoring",
        ),
    ],
)
def test_locked_down_bindings_yield_nothing(principal: str, asset: str, why: str) -> None:
    assert (principal, asset) not in access_edges("gcp_azure_access_plan.json"), why


def test_public_writer_of_gcs_training_bucket_is_a_finding() -> None:
    result = collected("gcp_azure_access_plan.json")
    findings = findings_of(PublicWriteTrainingDataCheck, graph_of(result.assets, result.relations))
    assert [f.asset_id for f in findings] == ["tf:google_storage_bucket.open_training"]


@pytest.mark.parametrize(
    ("principal", "asset", "access"),
    [
        pytest.param(
            "gcp:principal/allUsers", "tf:google_storage_bucket.training", ["read"], id="gcp"
        ),
        pytest.param(
            "tf:azurerm_machine_learning_workspace.main",
            "tf:azurerm_storage_account.ml",
            ["read", "write"],
            id="azure workspace identity",
        ),
    ],
)
def test_existing_fixtures(principal: str, asset: str, access: list[str]) -> None:
    edges = access_edges("gcp_plan.json") | access_edges("azure_plan.json")
    assert edges[(principal, asset)]["access"] == access
