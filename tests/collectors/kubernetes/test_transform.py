"""The pure transform: placement, recognition, redaction, exposure and relations."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackward.collectors.kubernetes.manifests import SourcedObject
from stackward.collectors.kubernetes.transform import Inventory, transform
from stackward.model import AssetKind, Layer, RelationKind
from tests.checks.builtin.kubernetes.k8s_objects import (
    Obj,
    binding,
    container,
    deployment,
    ingress,
    network_policy,
    role,
    sa_subject,
    service,
)

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "ai-stack" / "kubernetes"


def _inventory(objects: list[Obj]) -> Inventory:
    return transform([SourcedObject(o, f"t.yaml#{i}") for i, o in enumerate(objects)])


def _edges(inventory: Inventory, kind: RelationKind) -> set[tuple[str, str]]:
    return {(r.src, r.dst) for r in inventory.relations if r.kind is kind}


@pytest.mark.parametrize(
    ("image", "component", "kind", "layer"),
    [
        ("vllm/vllm-openai:v0.6.3", "vllm", AssetKind.LLM_SERVICE, Layer.CORE_AI),
        ("ollama/ollama:0.3.12", "ollama", AssetKind.LLM_SERVICE, Layer.CORE_AI),
        (
            "ghcr.io/huggingface/text-generation-inference:2.3",
            "tgi",
            AssetKind.LLM_SERVICE,
            Layer.CORE_AI,
        ),
        (
            "nvcr.io/nvidia/tritonserver:24.08-py3",
            "triton",
            AssetKind.MODEL_ENDPOINT,
            Layer.CORE_AI,
        ),
        ("pytorch/torchserve:0.12.0-gpu", "torchserve", AssetKind.MODEL_ENDPOINT, Layer.CORE_AI),
        ("rayproject/ray-ml:2.37.0", "ray", AssetKind.AI_SERVICE, Layer.CORE_AI),
        ("ghcr.io/mlflow/mlflow:v2.16.2", "mlflow", AssetKind.MODEL_REGISTRY, Layer.CORE_AI),
        (
            "quay.io/jupyter/scipy-notebook:2024",
            "jupyter",
            AssetKind.NOTEBOOK_INSTANCE,
            Layer.EXPERIMENTATION,
        ),
        (
            "jupyterhub/k8s-hub:3.3.8",
            "jupyterhub",
            AssetKind.NOTEBOOK_INSTANCE,
            Layer.EXPERIMENTATION,
        ),
        ("qdrant/qdrant:v1.12.1", "qdrant", AssetKind.VECTOR_STORE, Layer.CORE_AI),
        ("chromadb/chroma:0.5.5", "chroma", AssetKind.VECTOR_STORE, Layer.CORE_AI),
        ("milvusdb/milvus:v2.4.13", "milvus", AssetKind.VECTOR_STORE, Layer.CORE_AI),
        (
            "cr.weaviate.io/semitechnologies/weaviate:1.26",
            "weaviate",
            AssetKind.VECTOR_STORE,
            Layer.CORE_AI,
        ),
        ("apache/airflow:2.10.2", "airflow", AssetKind.PIPELINE, Layer.DATA_ENGINEERING),
        ("ghcr.io/berriai/litellm:main-v1.50", "litellm", AssetKind.LLM_SERVICE, Layer.CORE_AI),
        ("ghcr.io/open-webui/open-webui:main", "open-webui", AssetKind.AI_SERVICE, Layer.CORE_AI),
        ("nginx:1.27", None, AssetKind.K8S_WORKLOAD, Layer.INFRASTRUCTURE),
        ("postgres:16", None, AssetKind.K8S_WORKLOAD, Layer.INFRASTRUCTURE),
    ],
)
def test_recognition_by_image(
    image: str, component: str | None, kind: AssetKind, layer: Layer
) -> None:
    asset = _inventory([deployment("app", containers=[container(image)])]).assets[
        "k8s:deployment/ml/app"
    ]
    assert (asset.prop("ai_component"), asset.kind, asset.layer) == (component, kind, layer)


@pytest.mark.parametrize(
    ("labels", "ports", "component"),
    [
        ({"app.kubernetes.io/name": "qdrant"}, [], "qdrant"),
        ({"app": "mlflow"}, [], "mlflow"),
        ({}, [8265], "ray"),
        ({}, [11434], "ollama"),
        ({}, [8080], None),
    ],
)
def test_recognition_by_labels_and_ports(
    labels: dict[str, str], ports: list[int], component: str | None
) -> None:
    obj = deployment("x", containers=[container("registry.example.com/team/custom:1", ports=ports)])
    obj["spec"]["template"]["metadata"]["labels"].update(labels)
    assert _inventory([obj]).assets["k8s:deployment/ml/x"].prop("ai_component") == component


def test_gpu_job_is_a_training_job_and_custom_resources_are_recognised() -> None:
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "finetune", "namespace": "ml"},
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        container("registry.example.com/ft:1", limits={"nvidia.com/gpu": "4"})
                    ]
                }
            }
        },
    }
    notebook = {
        "apiVersion": "kubeflow.org/v1",
        "kind": "Notebook",
        "metadata": {"name": "alice", "namespace": "kubeflow-user"},
        "spec": {
            "template": {
                "spec": {"containers": [container("kubeflownotebookswg/jupyter-scipy:v1.9.0")]}
            }
        },
    }
    isvc = {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": {"name": "sklearn", "namespace": "ml"},
        "spec": {
            "predictor": {
                "model": {"modelFormat": {"name": "sklearn"}, "storageUri": "s3://models/iris"}
            }
        },
    }
    assets = _inventory([job, notebook, isvc]).assets
    assert assets["k8s:job/ml/finetune"].kind is AssetKind.TRAINING_JOB
    assert assets["k8s:job/ml/finetune"].prop("gpus") == 4
    assert assets["k8s:notebook/kubeflow-user/alice"].kind is AssetKind.NOTEBOOK_INSTANCE
    assert assets["k8s:inferenceservice/ml/sklearn"].prop("ai_component") == "kserve"
    assert assets["k8s:inferenceservice/ml/sklearn"].internet_exposed


def test_secret_values_are_never_kept() -> None:
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "hf", "namespace": "ml"},
        "data": {"token": "aGZfc2VjcmV0c2VjcmV0c2VjcmV0"},
        "stringData": {"password": "plain-text-password-value"},
    }
    app = deployment(
        "app",
        containers=[
            container(
                args=["--api-key", "sk-proj-" + "K" * 40, "--token=abcdefghijklmnop"],
                env=[
                    {"name": "HF_TOKEN", "value": "hf_" + "S" * 34},
                    {"name": "MODE", "value": "fast"},
                ],
            )
        ],
    )
    inventory = _inventory([secret, app])
    dumped = repr([a.properties for a in inventory.assets.values()])
    for leaked in ("aGZfc2Vj", "plain-text-password-value", "K" * 40, "S" * 34, "abcdefghijklmnop"):
        assert leaked not in dumped
    assert inventory.assets["k8s:secret/ml/hf"].prop("data_keys") == ["password", "token"]
    assert inventory.assets["k8s:secret/ml/hf"].sensitive
    env = {
        e["name"]: e for e in inventory.assets["k8s:deployment/ml/app"].prop("containers")[0]["env"]
    }
    assert env["HF_TOKEN"]["secret_like"] and env["HF_TOKEN"]["value"].startswith("hf_S")
    assert env["MODE"] == {
        "name": "MODE",
        "source": "value",
        "value": "fast",
        "empty": False,
        "secret_like": False,
    }


@pytest.mark.parametrize(
    ("svc", "exposed", "exposure"),
    [
        (service("s", type_="LoadBalancer"), True, "LoadBalancer"),
        (service("s", type_="NodePort"), True, "NodePort"),
        (service("s"), False, "ClusterIP"),
        (
            service(
                "s",
                type_="LoadBalancer",
                annotations={"service.beta.kubernetes.io/aws-load-balancer-internal": "true"},
            ),
            False,
            "internal LoadBalancer",
        ),
        (
            service(
                "s",
                type_="LoadBalancer",
                annotations={"networking.gke.io/load-balancer-type": "Internal"},
            ),
            False,
            "internal LoadBalancer",
        ),
        (
            service(
                "s",
                type_="LoadBalancer",
                annotations={"service.beta.kubernetes.io/azure-load-balancer-internal": "true"},
            ),
            False,
            "internal LoadBalancer",
        ),
    ],
)
def test_service_exposure(svc: Obj, exposed: bool, exposure: str) -> None:
    asset = _inventory([svc]).assets["k8s:service/ml/s"]
    assert (asset.internet_exposed, asset.prop("exposure")) == (exposed, exposure)


def test_relations_follow_the_attacker() -> None:
    objects = [
        deployment(
            "nb",
            containers=[container("quay.io/jupyter/base-notebook:x", ports=[8888])],
            pod={
                "serviceAccountName": "nb",
                "volumes": [
                    {"name": "d", "persistentVolumeClaim": {"claimName": "data"}},
                    {"name": "c", "configMap": {"name": "cfg"}},
                ],
            },
        ),
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": "data", "namespace": "ml"},
            "spec": {},
        },
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "cfg", "namespace": "ml"},
            "data": {"a": "b"},
        },
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "ml"}},
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "other", "namespace": "web"}},
        service("nb", target=8888),
        ingress("nb", "nb"),
        network_policy("deny"),
        role(
            "reader",
            [
                {
                    "apiGroups": [""],
                    "resources": ["secrets"],
                    "verbs": ["get"],
                    "resourceNames": ["db"],
                }
            ],
        ),
        binding("nb-reader", "Role", "reader", [sa_subject("nb")]),
        binding("nb-admin", "ClusterRole", "cluster-admin", [sa_subject("nb")], namespace=None),
    ]
    inventory = _inventory(objects)
    wl, sa = "k8s:deployment/ml/nb", "k8s:serviceaccount/ml/nb"
    assert ("k8s:ingress/ml/nb", "k8s:service/ml/nb") in _edges(inventory, RelationKind.ROUTES_TO)
    assert ("k8s:service/ml/nb", wl) in _edges(inventory, RelationKind.ROUTES_TO)
    assert (wl, sa) in _edges(inventory, RelationKind.RUNS_AS)
    assert {(wl, "k8s:persistentvolumeclaim/ml/data"), (wl, "k8s:configmap/ml/cfg")} <= _edges(
        inventory, RelationKind.MOUNTS
    )
    assert {(sa, "k8s:role/ml/reader"), (sa, "k8s:clusterrole/cluster-admin")} <= _edges(
        inventory, RelationKind.BOUND_TO
    )
    access = _edges(inventory, RelationKind.CAN_ACCESS)
    assert ("k8s:role/ml/reader", "k8s:secret/ml/db") in access
    assert ("k8s:role/ml/reader", "k8s:secret/web/other") not in access
    assert ("k8s:clusterrole/cluster-admin", "k8s:secret/web/other") in access
    assert ("k8s:networkpolicy/ml/deny", wl) in _edges(inventory, RelationKind.SELECTS)
    assert ("k8s:namespace/ml", wl) in _edges(inventory, RelationKind.CONTAINS)
    assert inventory.assets["k8s:clusterrole/cluster-admin"].prop("builtin")
    assert inventory.assets["k8s:ingress/ml/nb"].internet_exposed


def test_selectors_stay_inside_their_namespace() -> None:
    objects = [
        deployment("app", namespace="a"),
        deployment("app", namespace="b"),
        service("app", namespace="a"),
    ]
    routes = _edges(_inventory(objects), RelationKind.ROUTES_TO)
    assert routes == {("k8s:service/a/app", "k8s:deployment/a/app")}


def test_undeclared_service_accounts_and_secrets_are_added() -> None:
    app = deployment(
        "app",
        containers=[
            container(
                env=[{"name": "T", "valueFrom": {"secretKeyRef": {"name": "ext", "key": "t"}}}]
            )
        ],
    )
    assets = _inventory([app]).assets
    assert assets["k8s:serviceaccount/ml/default"].prop("declared") is False
    assert (
        assets["k8s:secret/ml/ext"].sensitive
        and assets["k8s:secret/ml/ext"].prop("declared") is False
    )
    assert assets["k8s:namespace/ml"].prop("ai_components") == ["vllm"]


def test_example_stack_has_an_internet_to_secret_path() -> None:
    from stackward.collectors.kubernetes.manifests import load_manifest_file
    from stackward.collectors.walk import walk_tree
    from stackward.graph.attack_paths import find_attack_paths
    from stackward.graph.inventory import InventoryGraph

    objects = [o for f in walk_tree(EXAMPLE).files for o in load_manifest_file(f, 10**7).objects]
    inventory = transform(objects)
    graph = InventoryGraph()
    graph.extend(inventory.assets.values(), inventory.relations)
    paths = find_attack_paths(graph)
    jupyter_paths = [p for p in paths if p.entry_id == "k8s:ingress/notebooks/jupyter"]
    assert any(
        "k8s:clusterrole/cluster-admin" in p.asset_ids and p.target_id.startswith("k8s:secret/")
        for p in jupyter_paths
    )


def test_http_route_routes_to_services_and_is_an_entry_point() -> None:
    route = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "llm", "namespace": "gw"},
        "spec": {
            "parentRefs": [{"name": "public"}],
            "hostnames": ["llm.example.com"],
            "rules": [{"backendRefs": [{"name": "app", "namespace": "ml", "port": 80}]}],
        },
    }
    inventory = _inventory([route, deployment("app"), service("app")])
    asset = inventory.assets["k8s:httproute/gw/llm"]
    assert asset.kind is AssetKind.K8S_INGRESS and asset.internet_exposed
    assert ("k8s:httproute/gw/llm", "k8s:service/ml/app") in _edges(
        inventory, RelationKind.ROUTES_TO
    )


@pytest.mark.parametrize(
    ("annotations", "class_name", "exposed", "auth"),
    [
        ({}, "nginx", True, []),
        ({"nginx.ingress.kubernetes.io/auth-type": "basic"}, "nginx", True, ["basic"]),
        ({"nginx.ingress.kubernetes.io/auth-url": ""}, "nginx", True, []),
        ({"alb.ingress.kubernetes.io/auth-type": "oidc"}, "alb", True, ["oidc"]),
        (
            {"traefik.ingress.kubernetes.io/router.middlewares": "auth-forwardauth@kubernetescrd"},
            "traefik",
            True,
            ["forwardauth"],
        ),
        (
            {"traefik.ingress.kubernetes.io/router.middlewares": "web-compress@kubernetescrd"},
            "traefik",
            True,
            [],
        ),
        ({"alb.ingress.kubernetes.io/scheme": "internal"}, "alb", False, []),
        ({}, "gce-internal", False, []),
        (
            {"nginx.ingress.kubernetes.io/whitelist-source-range": "10.0.0.0/8, 192.168.0.0/16"},
            "nginx",
            False,
            [],
        ),
        ({"nginx.ingress.kubernetes.io/whitelist-source-range": "0.0.0.0/0"}, "nginx", True, []),
        ({"nginx.ingress.kubernetes.io/auth-tls-verify-client": "optional"}, "nginx", True, []),
        ({"nginx.ingress.kubernetes.io/auth-tls-verify-client": "on"}, "nginx", True, ["on"]),
    ],
)
def test_ingress_exposure_and_auth(
    annotations: dict[str, str], class_name: str, exposed: bool, auth: list[str]
) -> None:
    asset = _inventory(
        [ingress("i", "svc", annotations=annotations, class_name=class_name)]
    ).assets["k8s:ingress/ml/i"]
    assert asset.internet_exposed is exposed
    found = asset.prop("auth")
    assert len(found) == len(auth)
    assert all(word in entry for word, entry in zip(auth, found, strict=True))


def test_network_policy_facts() -> None:
    policy = network_policy(
        "p", selector={"matchLabels": {"app": "x"}}, types=[], ingress_rules=[{}]
    )
    policy["spec"].pop("policyTypes")
    asset = _inventory([policy]).assets["k8s:networkpolicy/ml/p"]
    assert asset.prop("policy_types") == ["Ingress"]
    assert asset.prop("ingress_allows_all") is True
    assert asset.prop("selects_all_pods") is False


@pytest.mark.parametrize(
    ("labels", "exposed"),
    [({}, True), ({"networking.kserve.io/visibility": "cluster-local"}, False)],
)
def test_kserve_visibility(labels: dict[str, str], exposed: bool) -> None:
    isvc = {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": {"name": "m", "namespace": "ml", "labels": labels},
        "spec": {"predictor": {"containers": [container("kserve/huggingfaceserver:v0.14.0")]}},
    }
    assert _inventory([isvc]).assets["k8s:inferenceservice/ml/m"].internet_exposed is exposed
