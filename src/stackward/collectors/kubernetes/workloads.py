"""Workload assets: built-in controllers, bare pods and AI custom resources.

A workload becomes an AI asset (LLM service, notebook, vector store, ...) when the component
table recognises it; otherwise it is a plain infrastructure workload. Either way its pod
facts are recorded for the checks, with literal secrets already redacted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stackward.collectors.kubernetes.components import PLACEMENT, Category
from stackward.collectors.kubernetes.manifests import SourcedObject
from stackward.collectors.kubernetes.objects import ObjectInfo, make_asset
from stackward.collectors.kubernetes.podspec import PodFacts, pod_facts, pod_templates
from stackward.collectors.kubernetes.raw import as_dict, as_str, dig, labels_of
from stackward.collectors.kubernetes.recognise import (
    Recognition,
    arg_value,
    auth_state,
    recognise,
    tokenise,
)
from stackward.model import Asset, AssetKind, Layer

WORKLOAD_KINDS = frozenset(
    {
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "Job",
        "CronJob",
        "RayCluster",
        "RayService",
        "RayJob",
        "InferenceService",
        "SeldonDeployment",
        "Notebook",
        "PyTorchJob",
        "TFJob",
        "MPIJob",
        "XGBoostJob",
        "PaddleJob",
        "JAXJob",
        "TrainJob",
        "Rollout",
    }
)
_RAY_CRDS = frozenset({"RayCluster", "RayService", "RayJob"})
_EXPOSING_SERVICE_TYPES = frozenset({"LoadBalancer", "NodePort"})
KUBERAY_DASHBOARD_DEFAULT = "0.0.0.0"  # noqa: S104 - KubeRay passes this unless told otherwise
RAY_DASHBOARD_DEFAULT = "127.0.0.1"

ConfigTexts = Callable[[str, set[str]], list[str]]
"""Raw text of the named ConfigMaps in a namespace (for settings made in config files)."""


@dataclass(slots=True)
class Workload:
    asset: Asset
    facts: PodFacts


def managed_by_controller(item: SourcedObject) -> bool:
    """Pods and ReplicaSets owned by a controller are inventoried through their owner."""
    owners = dig(item.obj, "metadata", "ownerReferences")
    kind = as_str(item.obj.get("kind"))
    return (
        kind in {"Pod", "ReplicaSet", "Job"}
        and isinstance(owners, list)
        and any(isinstance(o, dict) and o.get("controller") is True for o in owners)
    )


def workload(item: SourcedObject, info: ObjectInfo, config_texts: ConfigTexts) -> Workload | None:
    templates = pod_templates(item.obj)
    if not templates and info.kind not in WORKLOAD_KINDS:
        return None
    facts = pod_facts(templates)
    ray_params = _ray_start_params(item.obj) if info.kind in _RAY_CRDS else {}
    tokens = tokenise(facts.tokens) + [f"--{k}={v}" for k, v in ray_params.items()]
    main = [c for c in facts.containers if not c["sidecar"] and not c["init"]]
    recognition = recognise(
        info.kind,
        [c["image_repository"] for c in main],
        [labels_of(item.obj), *facts.label_sets],
        [p["port"] for c in main for p in c["ports"]],
        facts.gpus,
        tokens,
        facts.env,
    )
    properties: dict[str, Any] = {
        "workload_kind": info.kind,
        "replicas": dig(item.obj, "spec", "replicas"),
        "containers": facts.containers,
        "pod_labels": facts.label_sets[0] if facts.label_sets else {},
        "service_account": facts.service_accounts[0] if facts.service_accounts else "default",
        "service_accounts": facts.service_accounts,
        "automount_token": facts.automount_token,
        "host_network": facts.host_network,
        "host_pid": facts.host_pid,
        "host_ipc": facts.host_ipc,
        "host_path_volumes": facts.host_path_volumes,
        "gpus": facts.gpus,
        "mounted_secrets": sorted(facts.secrets),
        "mounted_configmaps": sorted(facts.configmaps),
        "mounted_pvcs": sorted(facts.pvcs),
        "ai_component": None,
    }
    kind, layer, sensitive = AssetKind.K8S_WORKLOAD, Layer.INFRASTRUCTURE, False
    exposure = _self_exposure(item.obj, info.kind)
    if recognition is not None:
        kind, layer, sensitive = PLACEMENT[recognition.component.category]
        properties.update(
            _ai_properties(
                recognition, facts, tokens, config_texts(info.namespace, facts.configmaps)
            )
        )
        if recognition.component.id == "ray":
            properties["ray_dashboard_host"] = _ray_dashboard_host(info.kind, tokens)
    if exposure:
        properties["exposure"] = exposure
    asset = make_asset(
        item, info, kind, layer, properties, sensitive=sensitive, internet_exposed=bool(exposure)
    )
    return Workload(asset, facts)


def _ai_properties(
    recognition: Recognition, facts: PodFacts, tokens: list[str], texts: list[str]
) -> dict[str, Any]:
    component = recognition.component
    auth = auth_state(component, tokens, facts.env, texts)
    return {
        "ai_component": component.id,
        "ai_component_name": component.display_name,
        "ai_category": component.category.value,
        "ai_recognised_by": recognition.evidence,
        "ai_default_ports": list(component.ports),
        "auth": {"state": auth.state, "evidence": auth.evidence, "required": auth.required},
        "serving": component.category in (Category.LLM_SERVING, Category.MODEL_SERVING),
    }


def _ray_start_params(obj: dict[str, Any]) -> dict[str, str]:
    spec = as_dict(obj.get("spec"))
    kind = as_str(obj.get("kind"))
    cluster = (
        spec
        if kind == "RayCluster"
        else as_dict(spec.get("rayClusterConfig") or spec.get("rayClusterSpec"))
    )
    params = as_dict(dig(cluster, "headGroupSpec", "rayStartParams"))
    return {
        str(k): as_str(v) if not isinstance(v, bool) else str(v).lower() for k, v in params.items()
    }


def _ray_dashboard_host(kind: str, tokens: list[str]) -> str:
    value = arg_value(tokens, "--dashboard-host")
    if value:
        return value.strip("'\"")
    if kind in _RAY_CRDS:
        return KUBERAY_DASHBOARD_DEFAULT
    return RAY_DASHBOARD_DEFAULT if "--head" in tokens else ""


def _self_exposure(obj: dict[str, Any], kind: str) -> str:
    """Exposure created by an operator from the custom resource itself."""
    spec = as_dict(obj.get("spec"))
    if kind in _RAY_CRDS:
        cluster = (
            spec
            if kind == "RayCluster"
            else as_dict(spec.get("rayClusterConfig") or spec.get("rayClusterSpec"))
        )
        service_type = as_str(dig(cluster, "headGroupSpec", "serviceType"))
        if service_type in _EXPOSING_SERVICE_TYPES:
            return f"KubeRay head service of type {service_type}"
    if kind == "InferenceService":
        labels = labels_of(obj)
        visibility = labels.get("networking.kserve.io/visibility") or labels.get(
            "serving.knative.dev/visibility", ""
        )
        if visibility != "cluster-local":
            return "KServe external ingress gateway"
    return ""
