from __future__ import annotations

import pytest

from stackward.checks.builtin.files.jupyter_without_auth import JupyterWithoutAuthCheck
from stackward.model import AssetKind, Severity
from tests.checks.builtin.files.assets import file_asset
from tests.conftest import findings_of, graph_of

ANY_IPV4 = ".".join("0000")


def _settings(**values: object) -> dict[str, dict[str, object]]:
    return {name: {"value": value, "line": i + 1} for i, (name, value) in enumerate(values.items())}


@pytest.mark.parametrize(
    ("settings", "severity"),
    [
        (_settings(token="empty"), Severity.HIGH),
        (_settings(token="empty", password="empty"), Severity.HIGH),
        (_settings(ip=ANY_IPV4, token="empty"), Severity.CRITICAL),
        (_settings(ip="*", token="empty", password="empty"), Severity.CRITICAL),
        (_settings(ip="127.0.0.1", token="empty"), Severity.HIGH),
        (_settings(ip=ANY_IPV4, token="empty", password="set"), None),
        (_settings(token="empty", hashed_password="set"), None),
        (_settings(ip=ANY_IPV4), None),  # token unset: Jupyter generates one
        (_settings(token="set"), None),
        ({}, None),
    ],
)
def test_jupyter_without_auth(
    settings: dict[str, dict[str, object]], severity: Severity | None
) -> None:
    asset = file_asset(AssetKind.CONFIG_FILE, "jupyter_server_config.py", jupyter_settings=settings)
    findings = findings_of(JupyterWithoutAuthCheck, graph_of([asset]))
    assert [f.severity for f in findings] == ([severity] if severity else [])
    if findings:
        assert findings[0].rule_id == "SW-FILE-002"
        assert findings[0].evidence.key == "token"
        assert findings[0].evidence.snippet == "token = ''"
