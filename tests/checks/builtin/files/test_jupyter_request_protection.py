from __future__ import annotations

import pytest

from stackward.checks.builtin.files.jupyter_request_protection import JupyterRequestProtectionCheck
from stackward.model import AssetKind
from tests.checks.builtin.files.assets import file_asset
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("settings", "keys"),
    [
        ({"disable_check_xsrf": {"value": True, "line": 4}}, ["disable_check_xsrf"]),
        ({"allow_origin": {"value": "*", "line": 2}}, ["allow_origin"]),
        (
            {
                "disable_check_xsrf": {"value": True, "line": 4},
                "allow_origin": {"value": "*", "line": 2},
            },
            ["disable_check_xsrf", "allow_origin"],
        ),
        ({"disable_check_xsrf": {"value": False, "line": 4}}, []),
        ({"allow_origin": {"value": "https://hub.example.org", "line": 2}}, []),
        ({"disable_check_xsrf": {"value": "True", "line": 4}}, []),  # an expression, not a literal
        ({}, []),
    ],
)
def test_jupyter_request_protection(
    settings: dict[str, dict[str, object]], keys: list[str]
) -> None:
    asset = file_asset(AssetKind.CONFIG_FILE, "jupyter_server_config.py", jupyter_settings=settings)
    findings = findings_of(JupyterRequestProtectionCheck, graph_of([asset]))
    assert [f.evidence.key for f in findings] == keys
    assert all(f.rule_id == "SW-FILE-005" for f in findings)
