"""Authentication settings read from arguments, environment and mounted config files."""

from __future__ import annotations

import pytest

from stackward.collectors.kubernetes.components import COMPONENTS, AIComponent
from stackward.collectors.kubernetes.recognise import auth_state, tokenise

BY_ID: dict[str, AIComponent] = {c.id: c for c in COMPONENTS}


@pytest.mark.parametrize(
    ("component", "args", "env", "config", "state"),
    [
        ("vllm", [], {}, [], "default-off"),
        ("vllm", ["--api-key", "$(KEY)"], {}, [], "enabled"),
        ("vllm", ["--api-key=$(KEY)"], {}, [], "enabled"),
        ("vllm", [], {"VLLM_API_KEY": None}, [], "enabled"),
        ("vllm", [], {"VLLM_API_KEY": ""}, [], "default-off"),
        ("jupyter", [], {}, [], "default-on"),
        ("jupyter", ["--ServerApp.token=''"], {}, [], "disabled"),
        ("jupyter", ['--NotebookApp.token=""'], {}, [], "disabled"),
        ("jupyter", ["--ServerApp.token=abc123"], {}, [], "default-on"),
        ("jupyter", ["sh -c \"jupyter lab --ServerApp.token=''\""], {}, [], "disabled"),
        ("jupyter", [], {"JUPYTER_TOKEN": ""}, [], "disabled"),
        ("jupyter", [], {}, ["c.ServerApp.token = ''"], "disabled"),
        ("jupyter", [], {}, ['c.NotebookApp.token = u""'], "disabled"),
        (
            "jupyter",
            [],
            {},
            ["# c.ServerApp.token = 'x'\nc.ServerApp.ip = '0.0.0.0'"],
            "default-on",
        ),
        ("jupyter", [], {}, ["# c.ServerApp.token = ''"], "default-on"),
        ("mlflow", ["server", "--app-name", "basic-auth"], {}, [], "enabled"),
        ("mlflow", ["server", "--app-name", "custom"], {}, [], "default-off"),
        ("weaviate", [], {"AUTHENTICATION_APIKEY_ENABLED": "true"}, [], "enabled"),
        (
            "weaviate",
            [],
            {
                "AUTHENTICATION_APIKEY_ENABLED": "true",
                "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED": "true",
            },
            [],
            "disabled",
        ),
        ("open-webui", [], {"WEBUI_AUTH": "False"}, [], "disabled"),
        ("open-webui", [], {"WEBUI_AUTH": "True"}, [], "default-on"),
        ("torchserve", ["torchserve", "--start", "--disable-token-auth"], {}, [], "disabled"),
        ("milvus", [], {}, ["common:\n  security:\n    authorizationEnabled: true\n"], "enabled"),
        ("ray", [], {"RAY_AUTH_MODE": "token"}, [], "enabled"),
        ("ray", [], {"RAY_AUTH_MODE": "disabled"}, [], "default-off"),
    ],
)
def test_auth_state(
    component: str, args: list[str], env: dict[str, str | None], config: list[str], state: str
) -> None:
    assert auth_state(BY_ID[component], tokenise(args), env, config).state == state


def test_auth_evidence_never_shows_a_secret_value() -> None:
    result = auth_state(BY_ID["vllm"], tokenise(["--api-key=sk-proj-" + "Z" * 40]), {}, [])
    assert result.state == "enabled"
    assert "Z" * 10 not in result.evidence


def test_unbalanced_shell_quotes_are_tolerated() -> None:
    assert tokenise(["sh -c 'jupyter lab --ServerApp.token="]) == [
        "sh",
        "-c",
        "'jupyter",
        "lab",
        "--ServerApp.token=",
    ]


def test_component_ids_are_unique() -> None:
    assert len(BY_ID) == len(COMPONENTS)
