from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.mlflow.secret_in_run import SecretInMlflowRunCheck
from stackward.model import Asset, AssetKind, Layer
from tests.conftest import findings_of, graph_of


def _run(records: Any, service: str = "mlflow") -> Asset:
    return Asset(
        id="mlflow:h:80/run/r1",
        kind=AssetKind.TRAINING_JOB,
        layer=Layer.CORE_AI,
        name="train",
        source="http://h",
        properties={"service": service, "run_id": "r1", "param_classes": records},
    )


SECRET = {"name": "openai_api_key", "where": "param", "classes": ["secret.openai_api_key"]}
TAG = {"name": "token", "where": "tag", "classes": ["pii.email", "secret.github_token"]}
EMAIL = {"name": "contact", "where": "param", "classes": ["pii.email"]}


@pytest.mark.parametrize(
    ("asset", "keys"),
    [
        pytest.param(_run([SECRET]), ["param:openai_api_key"], id="secret-param"),
        pytest.param(_run([SECRET, TAG]), ["param:openai_api_key", "tag:token"], id="two"),
        pytest.param(_run([EMAIL]), [], id="pii-only"),
        pytest.param(_run([]), [], id="clean"),
        pytest.param(_run("junk"), [], id="malformed-property"),
        pytest.param(_run([SECRET], service="sagemaker"), [], id="other-service"),
    ],
)
def test_secret_in_run(asset: Asset, keys: list[str]) -> None:
    findings = findings_of(SecretInMlflowRunCheck, graph_of([asset]))
    assert [f.evidence.key for f in findings] == keys
    for finding in findings:
        assert "value not kept" in finding.evidence.snippet
