"""Kubernetes objects of the apps of a synthetic AI platform: AI services and plain web apps.

Each app is a workload with its Service, ServiceAccount, RBAC, ConfigMap, Secret and sometimes an
Ingress and a PVC (namespaces and files: ``manifests.py``). Weaknesses are planted at steady rates
(``WEAKNESS_RATES``) so the checks have real work to do. Secret values are fake and harmless.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass
from typing import Any

Manifest = dict[str, Any]

DIGEST = "sha256:" + "0123456789abcdef" * 4


@dataclass(frozen=True, slots=True)
class AppProfile:
    """An application flavour: its image, port and whether it is an AI service."""

    name: str
    image: str
    port: int
    ai: bool
    stateful: bool = False
    gpu: bool = False


AI_PROFILES = (
    AppProfile("vllm", "vllm/vllm-openai:v0.6.3", 8000, ai=True, gpu=True),
    AppProfile("ollama", "ollama/ollama:0.3.12", 11434, ai=True, gpu=True),
    AppProfile("tgi", "ghcr.io/huggingface/text-generation-inference:2.3.1", 80, ai=True, gpu=True),
    AppProfile("triton", "nvcr.io/nvidia/tritonserver:24.08-py3", 8000, ai=True, gpu=True),
    AppProfile("ray-head", "rayproject/ray:2.37.0", 8265, ai=True),
    AppProfile("mlflow", "ghcr.io/mlflow/mlflow:v2.16.2", 5000, ai=True),
    AppProfile("jupyter", "quay.io/jupyter/scipy-notebook:2024-10-07", 8888, ai=True),
    AppProfile("qdrant", "qdrant/qdrant:v1.12.1", 6333, ai=True, stateful=True),
    AppProfile("airflow", "apache/airflow:2.10.2", 8080, ai=True),
)
WEB_PROFILES = (
    AppProfile("web", "nginx:1.27.2", 80, ai=False),
    AppProfile("api", "registry.example.com/shop/api:4.2.0", 8080, ai=False),
    AppProfile("redis", "redis:7.4.1", 6379, ai=False, stateful=True),
    AppProfile("postgres", "postgres:16.4", 5432, ai=False, stateful=True),
)

WEAKNESS_RATES = {
    "mutable_image_tag": 0.10,
    "exposed_load_balancer": 0.05,
    "secret_in_env": 0.05,
    "privileged_gpu": 0.03,
    "automount_token": 0.50,
    "jupyter_empty_token": 0.30,
    "ray_dashboard_exposed": 0.30,
    "namespace_without_default_deny": 0.10,
    "cluster_admin_binding": 0.02,
}
"""Share of apps (or namespaces, for the policy) that carry each planted weakness."""


def _meta(name: str, namespace: str | None, app: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace is not None:
        meta["namespace"] = namespace
    if app is not None:
        meta["labels"] = {"app": app, "app.kubernetes.io/part-of": "ai-platform"}
    return meta


def _fake_value(rng: random.Random) -> str:
    return f"bench-fake-{rng.randrange(16**8):08x}"


@dataclass(frozen=True, slots=True)
class AppDraw:
    """The random choices for one app, drawn up front so the builders below are pure."""

    weak: frozenset[str]
    pinned: bool
    """Image referenced by digest (only when the tag is not planted as mutable)."""
    replicas: int
    service_type: str
    fake_values: tuple[str, str, str]
    """Secret data, the planted env value and the Jupyter token: fake, harmless strings."""


def draw_app(rng: random.Random, profile: AppProfile) -> AppDraw:
    weak = {w for w, rate in WEAKNESS_RATES.items() if rng.random() < rate}
    if profile.name != "jupyter":
        weak.discard("jupyter_empty_token")
    if profile.name != "ray-head":
        weak.discard("ray_dashboard_exposed")
    if not profile.gpu:
        weak.discard("privileged_gpu")
    service_type = rng.choice(("ClusterIP", "ClusterIP", "ClusterIP", "NodePort"))
    if not profile.stateful and rng.random() < 0.02:
        service_type = "ExternalName"
    return AppDraw(
        weak=frozenset(weak),
        pinned=rng.random() < 0.5,
        replicas=rng.choice((1, 2, 3)),
        service_type=service_type,
        fake_values=(_fake_value(rng), _fake_value(rng), _fake_value(rng)),
    )


def container(profile: AppProfile, secret: str, draw: AppDraw) -> Manifest:
    weak = draw.weak
    image = profile.image
    if "mutable_image_tag" in weak:
        image = image.rsplit(":", 1)[0] + ":latest"
    elif draw.pinned:
        image = f"{image}@{DIGEST}"
    env: list[dict[str, Any]] = [
        {"name": "LOG_LEVEL", "value": "info"},
        {
            "name": "DB_PASSWORD",
            "valueFrom": {"secretKeyRef": {"name": secret, "key": "password"}},
        },
    ]
    if "secret_in_env" in weak:
        env.append({"name": "API_TOKEN", "value": draw.fake_values[1]})
    args: list[str] = []
    if profile.name == "jupyter":
        token = "" if "jupyter_empty_token" in weak else draw.fake_values[2]
        args = ["start-notebook.py", f"--IdentityProvider.token={token}"]
    resources: dict[str, Any] = {
        "requests": {"cpu": "500m", "memory": "1Gi"},
        "limits": {"cpu": "2", "memory": "4Gi"},
    }
    if profile.gpu:
        resources["limits"]["nvidia.com/gpu"] = 1
    security: dict[str, Any] = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }
    if "privileged_gpu" in weak:
        # The API server rejects privileged together with allowPrivilegeEscalation: false.
        del security["allowPrivilegeEscalation"]
        security["privileged"] = True
    built: Manifest = {
        "name": profile.name,
        "image": image,
        "ports": [{"containerPort": profile.port, "name": "http"}],
        "env": env,
        "resources": resources,
        "securityContext": security,
    }
    if args:
        built["args"] = args
    return built


def workload(profile: AppProfile, ns: str, name: str, draw: AppDraw) -> Manifest:
    pod: dict[str, Any] = {
        "serviceAccountName": name,
        "containers": [container(profile, f"{name}-credentials", draw)],
        "volumes": [{"name": "config", "configMap": {"name": f"{name}-config"}}],
    }
    if "automount_token" not in draw.weak:
        pod["automountServiceAccountToken"] = False
    if profile.stateful:
        pod["volumes"].append({"name": "data", "persistentVolumeClaim": {"claimName": name}})
    if profile.gpu:
        pod["nodeSelector"] = {"nvidia.com/gpu.present": "true"}
    spec: dict[str, Any] = {
        "replicas": draw.replicas,
        "selector": {"matchLabels": {"app": name}},
        "template": {"metadata": {"labels": {"app": name}}, "spec": pod},
    }
    kind = "StatefulSet" if profile.stateful else "Deployment"
    if profile.stateful:
        spec["serviceName"] = name
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": _meta(name, ns, name), "spec": spec}


def service(profile: AppProfile, ns: str, name: str, draw: AppDraw) -> Manifest:
    svc_type = draw.service_type
    if draw.weak & {"exposed_load_balancer", "ray_dashboard_exposed"}:
        svc_type = "LoadBalancer"
    spec: dict[str, Any] = {
        "type": svc_type,
        "selector": {"app": name},
        "ports": [{"name": "http", "port": profile.port, "targetPort": profile.port}],
    }
    if svc_type == "ExternalName":
        spec = {"type": "ExternalName", "externalName": f"{name}.legacy.example.com"}
    return {"apiVersion": "v1", "kind": "Service", "metadata": _meta(name, ns, name), "spec": spec}


def _ingress(profile: AppProfile, ns: str, name: str) -> Manifest:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": _meta(name, ns, name),
        "spec": {
            "ingressClassName": "nginx",
            "tls": [{"hosts": [f"{name}.{ns}.example.com"], "secretName": f"{name}-tls"}],
            "rules": [
                {
                    "host": f"{name}.{ns}.example.com",
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {
                                    "service": {"name": name, "port": {"number": profile.port}}
                                },
                            }
                        ]
                    },
                }
            ],
        },
    }


def rbac(
    ns: str, name: str, verbs: list[str], resources: tuple[str, ...] = ("configmaps", "secrets")
) -> list[Manifest]:
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": _meta(name, ns, name),
        "rules": [{"apiGroups": [""], "resources": list(resources), "verbs": verbs}],
    }
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": _meta(name, ns, name),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
        "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": ns}],
    }
    return [role, binding]


def app_objects(rng: random.Random, ns: str, index: int, ai_namespace: bool) -> list[Manifest]:
    """Every object of one app, with weaknesses drawn at ``WEAKNESS_RATES``."""
    profile = rng.choice(AI_PROFILES if ai_namespace and rng.random() < 0.7 else WEB_PROFILES)
    draw = draw_app(rng, profile)
    verbs = rng.choice((["get", "list"], ["get", "list", "watch"], ["*"]))
    with_ingress = rng.random() < 0.3
    return app_manifests(profile, ns, f"{profile.name}-{index}", draw, verbs, with_ingress)


def app_manifests(
    profile: AppProfile,
    ns: str,
    name: str,
    draw: AppDraw,
    verbs: list[str],
    with_ingress: bool,
    role_resources: tuple[str, ...] = ("configmaps", "secrets"),
) -> list[Manifest]:
    """The objects of one app for the given choices (pure)."""
    objects: list[Manifest] = [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(name, ns, name)},
        workload(profile, ns, name, draw),
        service(profile, ns, name, draw),
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": _meta(f"{name}-config", ns, name),
            "data": {"MODEL_NAME": "meta-llama/Llama-3.1-8B-Instruct", "WORKERS": "4"},
        },
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": _meta(f"{name}-credentials", ns, name),
            "type": "Opaque",
            "data": {"password": base64.b64encode(draw.fake_values[0].encode()).decode()},
        },
        *rbac(ns, name, verbs, role_resources),
    ]
    if with_ingress:
        objects.append(_ingress(profile, ns, name))
    if profile.stateful:
        objects.append(
            {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": _meta(name, ns, name),
                "spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "20Gi"}},
                },
            }
        )
    if "cluster_admin_binding" in draw.weak and profile.ai:
        objects.append(cluster_admin_binding(ns, name))
    return objects


def cluster_admin_binding(ns: str, name: str) -> Manifest:
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": _meta(f"{ns}-{name}-admin", None),
        "roleRef": {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "ClusterRole",
            "name": "cluster-admin",
        },
        "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": ns}],
    }
