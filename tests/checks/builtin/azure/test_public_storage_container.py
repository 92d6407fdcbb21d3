from __future__ import annotations

import pytest

from stackward.checks.builtin.azure.public_storage_container import PublicStorageContainerCheck
from stackward.model import AssetKind, Severity
from tests.checks.builtin.azure.conftest import tf_asset
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("access", "account_allows", "sensitive", "severities"),
    [
        ("blob", True, False, [Severity.HIGH]),
        ("container", True, True, [Severity.CRITICAL]),
        ("private", True, True, []),
        ("container", False, True, []),
        (None, True, True, []),
        ("(known after apply)", True, True, []),
    ],
)
def test_container_access(
    access: str | None, account_allows: bool, sensitive: bool, severities: list[Severity]
) -> None:
    container = tf_asset(
        "azurerm_storage_container",
        AssetKind.OBJECT_BUCKET,
        sensitive=sensitive,
        container_access_type=access,
        account_allows_public=account_allows,
    )
    findings = findings_of(PublicStorageContainerCheck, graph_of([container]))
    assert [f.severity for f in findings] == severities
    assert all(f.rule_id == "SW-AZ-003" for f in findings)
