"""SW-K8S-017: LLM inference APIs with no authentication or auth proxy."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.llm_api_without_auth import UnauthenticatedLLMApiCheck
from tests.checks.builtin.kubernetes.k8s_objects import Obj, container, deployment, graph_from
from tests.conftest import findings_of

PROXY = container("quay.io/oauth2-proxy/oauth2-proxy:v7@sha256:" + "2" * 64, "proxy", ports=[4180])


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (deployment("o", containers=[container("ollama/ollama:0.3.12")]), 1),
        (deployment("v", containers=[container("vllm/vllm-openai:v0.6.3")]), 1),
        (
            deployment(
                "v", containers=[container("vllm/vllm-openai:v0.6.3", args=["--api-key", "$(KEY)"])]
            ),
            0,
        ),
        (
            deployment(
                "v",
                containers=[
                    container(
                        "vllm/vllm-openai:v0.6.3",
                        env=[
                            {
                                "name": "VLLM_API_KEY",
                                "valueFrom": {"secretKeyRef": {"name": "k", "key": "k"}},
                            }
                        ],
                    )
                ],
            ),
            0,
        ),
        (deployment("o", containers=[container("ollama/ollama:0.3.12"), PROXY]), 0),
        (deployment("l", containers=[container("ghcr.io/berriai/litellm:main-v1.50.0")]), 1),
        (
            deployment(
                "l",
                containers=[
                    container(
                        "ghcr.io/berriai/litellm:main-v1.50.0",
                        env=[
                            {
                                "name": "LITELLM_MASTER_KEY",
                                "valueFrom": {"secretKeyRef": {"name": "k", "key": "k"}},
                            }
                        ],
                    )
                ],
            ),
            0,
        ),
        (
            deployment("t", containers=[container("nvcr.io/nvidia/tritonserver:24.08-py3")]),
            0,
        ),  # model serving, not LLM
    ],
)
def test_llm_api_without_auth(obj: Obj, expected: int) -> None:
    assert len(findings_of(UnauthenticatedLLMApiCheck, graph_from([obj]))) == expected
