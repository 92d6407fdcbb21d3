"""SW-K8S-009: secrets written as literal environment values; evidence stays redacted."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.secret_in_env import SecretInEnvValueCheck
from tests.checks.builtin.kubernetes.k8s_objects import (
    Obj,
    container,
    deployment,
    graph_from,
)
from tests.conftest import findings_of

TOKEN = "hf_" + "Q" * 34


WEB_IMAGE = "nginx:1.27@sha256:" + "d" * 64


def _env(name: str, value: str, image: str = "vllm/vllm-openai:v1@sha256:" + "a" * 64) -> Obj:
    return deployment("app", containers=[container(image, env=[{"name": name, "value": value}])])


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (_env("HF_TOKEN", TOKEN), 1),
        (_env("OPENAI_API_KEY", "sk-proj-" + "x" * 40), 1),
        (_env("DATABASE_URL", "postgresql://app:s3cr3tpw@db:5432/app"), 1),
        (_env("SOME_SETTING", "AKIA" + "A" * 16), 1),
        (_env("DB_PASSWORD", "hunter2hunter2", WEB_IMAGE), 1),
        (_env("TOKEN_TTL", "3600"), 0),
        (_env("PASSWORD_FILE", "/run/secrets/db"), 0),
        (_env("API_KEY", "$(API_KEY_FROM_SECRET)"), 0),
        (_env("JUPYTER_TOKEN", ""), 0),
        (_env("LOG_LEVEL", "debug"), 0),
        (
            deployment(
                "app",
                containers=[
                    container(
                        env=[
                            {
                                "name": "HF_TOKEN",
                                "valueFrom": {"secretKeyRef": {"name": "hf", "key": "t"}},
                            }
                        ]
                    )
                ],
            ),
            0,
        ),
    ],
)
def test_secret_in_env(obj: Obj, expected: int) -> None:
    findings = findings_of(SecretInEnvValueCheck, graph_from([obj]))
    assert len(findings) == expected
    for finding in findings:
        assert TOKEN not in finding.evidence.snippet
        assert "hunter2hunter2" not in finding.evidence.snippet
        assert "s3cr3tpw" not in finding.evidence.snippet
