"""Which component a workload runs, from image, labels, command line, environment or port:
every AI image of the supported list is recognised, and apps in the team's own image (Gradio,
Streamlit) by how they are started."""

from __future__ import annotations

import pytest

from stackward.collectors.kubernetes.manifests import SourcedObject
from stackward.collectors.kubernetes.recognise import recognise
from stackward.collectors.kubernetes.transform import transform
from stackward.model import AssetKind, Layer
from tests.checks.builtin.kubernetes.k8s_objects import container, deployment


@pytest.mark.parametrize(
    ("repository", "component"),
    [
        pytest.param("ollama/ollama", "ollama", id="ollama"),
        pytest.param("vllm/vllm-openai", "vllm", id="vllm"),
        pytest.param("rayproject/ray", "ray", id="ray"),
        pytest.param("pytorch/torchserve", "torchserve", id="torchserve"),
        pytest.param("nvcr.io/nvidia/tritonserver", "triton", id="triton"),
        pytest.param("ghcr.io/huggingface/text-generation-inference", "tgi", id="tgi"),
        pytest.param("qdrant/qdrant", "qdrant", id="qdrant"),
        pytest.param("chromadb/chroma", "chroma", id="chroma"),
        pytest.param("semitechnologies/weaviate", "weaviate", id="weaviate"),
        pytest.param("milvusdb/milvus", "milvus", id="milvus"),
        pytest.param("ghcr.io/berriai/litellm", "litellm", id="litellm"),
        pytest.param("ghcr.io/open-webui/open-webui", "open-webui", id="open-webui"),
        pytest.param("heartexlabs/label-studio", "label-studio", id="label-studio"),
        pytest.param("jupyter/scipy-notebook", "jupyter", id="jupyter-docker-stacks"),
        pytest.param("quay.io/jupyter/pytorch-notebook", "jupyter", id="quay-jupyter"),
        pytest.param("ghcr.io/mlflow/mlflow", "mlflow", id="mlflow"),
        pytest.param("registry.example.com/team/churn-api", None, id="own-image-nothing-else"),
    ],
)
def test_every_listed_image_is_recognised(repository: str, component: str | None) -> None:
    found = recognise("Deployment", [repository], [], [], 0)
    assert (found.component.id if found else None) == component


@pytest.mark.parametrize(
    ("tokens", "env", "ports", "labels", "component"),
    [
        pytest.param(["streamlit", "run", "app.py"], [], [], {}, "streamlit", id="streamlit-run"),
        pytest.param(
            ["python", "-m", "streamlit", "run", "/app/ui.py"], [], [], {}, "streamlit", id="m-st"
        ),
        pytest.param(["gradio", "app.py"], [], [], {}, "gradio", id="gradio-cli"),
        pytest.param(["python", "app.py"], ["GRADIO_SERVER_NAME"], [], {}, "gradio", id="g-env"),
        pytest.param(["python", "app.py"], [], [7860], {}, "gradio", id="gradio-port"),
        pytest.param(["python", "app.py"], [], [8501], {}, "streamlit", id="streamlit-port"),
        pytest.param([], [], [], {"app": "streamlit"}, "streamlit", id="streamlit-label"),
        pytest.param(["echo", "streamlit"], [], [], {}, None, id="word-without-run"),
        pytest.param(["pip", "install", "gradio"], [], [], {}, None, id="installing-gradio"),
        pytest.param(["python", "app.py"], ["PORT"], [8080], {}, None, id="plain-python-app"),
    ],
)
def test_apps_in_their_own_image(
    tokens: list[str],
    env: list[str],
    ports: list[int],
    labels: dict[str, str],
    component: str | None,
) -> None:
    found = recognise(
        "Deployment", ["registry.example.com/team/ui"], [labels], ports, 0, tokens, env
    )
    assert (found.component.id if found else None) == component


def test_vendor_image_beats_app_port() -> None:
    found = recognise("Deployment", ["tensorflow/serving"], [], [8501], 0)
    assert found is not None and found.component.id == "tf-serving"


@pytest.mark.parametrize(
    ("command", "component", "kind", "layer"),
    [
        pytest.param(
            ["streamlit", "run", "app.py"],
            "streamlit",
            AssetKind.AI_SERVICE,
            Layer.CORE_AI,
            id="streamlit",
        ),
        pytest.param(
            ["python", "serve.py"], None, AssetKind.K8S_WORKLOAD, Layer.INFRASTRUCTURE, id="plain"
        ),
    ],
)
def test_manifest_workload_placement(
    command: list[str], component: str | None, kind: AssetKind, layer: Layer
) -> None:
    box = container(image="registry.example.com/team/ui:1")
    box["command"] = command
    inventory = transform([SourcedObject(deployment("ui", containers=[box]), "ui.yaml#0")])
    (asset,) = [a for a in inventory.assets.values() if a.prop("workload_kind")]
    assert (asset.prop("ai_component"), asset.kind, asset.layer) == (component, kind, layer)


def test_label_studio_sits_with_data_development() -> None:
    box = container(image="heartexlabs/label-studio:1.13.1")
    inventory = transform([SourcedObject(deployment("labels", containers=[box]), "l.yaml#0")])
    (asset,) = [a for a in inventory.assets.values() if a.prop("workload_kind")]
    assert (asset.kind, asset.layer, asset.sensitive) == (
        AssetKind.AI_SERVICE,
        Layer.DATA_DEVELOPMENT,
        True,
    )
    assert asset.prop("auth")["state"] == "default-on"
