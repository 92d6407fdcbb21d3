from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.data.public_default_privileges import PublicDefaultPrivilegesCheck
from stackward.model import Asset, AssetKind, Layer, Severity
from tests.conftest import findings_of, graph_of


def _store(grants: Any) -> Asset:
    return Asset(
        id="data:pg",
        kind=AssetKind.DATA_STORE,
        layer=Layer.DATA_FOUNDATION,
        name="pg",
        source="postgresql (from $PG)",
        properties={"default_grants": grants},
    )


def _grant(grantee: str, privileges: list[str], scope: str = "schema") -> dict[str, Any]:
    return {
        "owner": "etl",
        "schema": "crm",
        "grantee": grantee,
        "scope": scope,
        "privileges": privileges,
    }


@pytest.mark.parametrize(
    ("grants", "expected", "statement"),
    [
        pytest.param(
            [_grant("PUBLIC", ["SELECT"])],
            [Severity.HIGH],
            "ALTER DEFAULT PRIVILEGES FOR ROLE etl IN SCHEMA crm GRANT SELECT ON TABLES TO PUBLIC",
            id="select-to-public",
        ),
        pytest.param(
            [_grant("PUBLIC", ["INSERT"])],
            [Severity.MEDIUM],
            "ALTER DEFAULT PRIVILEGES FOR ROLE etl IN SCHEMA crm GRANT INSERT ON TABLES TO PUBLIC",
            id="write-only-to-public",
        ),
        pytest.param(
            [_grant("PUBLIC", ["SELECT"], scope="database")],
            [Severity.HIGH],
            "ALTER DEFAULT PRIVILEGES FOR ROLE etl GRANT SELECT ON TABLES TO PUBLIC",
            id="every-schema",
        ),
        pytest.param([_grant("analysts", ["SELECT"])], [], "", id="to-one-role"),
        pytest.param([], [], "", id="none"),
        pytest.param("PUBLIC", [], "", id="malformed-not-a-list"),
        pytest.param(["PUBLIC"], [], "", id="malformed-entry"),
    ],
)
def test_default_grants_to_public(grants: Any, expected: list[Severity], statement: str) -> None:
    findings = findings_of(PublicDefaultPrivilegesCheck, graph_of([_store(grants)]))
    assert [f.severity for f in findings] == expected
    if expected:
        assert findings[0].evidence.snippet == statement
        assert findings[0].rule_id == "SW-DATA-009"
