"""Small builders for Kubernetes objects, turned into a graph by the real collector transform.

Check tests describe the cluster as manifests (what users write) rather than as hand-made
assets, so they also prove that the collector records what each check relies on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stackward.collectors.kubernetes.manifests import SourcedObject
from stackward.collectors.kubernetes.transform import transform
from stackward.graph.inventory import InventoryGraph

Obj = dict[str, Any]


def graph_from(objects: Iterable[Obj]) -> InventoryGraph:
    sourced = [SourcedObject(o, f"test.yaml#{i}") for i, o in enumerate(objects)]
    inventory = transform(sourced)
    assert not inventory.skipped, inventory.skipped
    graph = InventoryGraph()
    graph.extend(inventory.assets.values(), inventory.relations)
    return graph


def container(
    image: str = "vllm/vllm-openai:v0.6.3@sha256:" + "a" * 64,
    name: str = "main",
    *,
    args: list[str] | None = None,
    env: list[Obj] | None = None,
    ports: Iterable[int | tuple[int, str]] = (),
    security: Obj | None = None,
    limits: Obj | None = None,
) -> Obj:
    """A container hardened by default; tests weaken one thing at a time."""
    out: Obj = {
        "name": name,
        "image": image,
        "securityContext": security
        if security is not None
        else {"runAsNonRoot": True, "runAsUser": 1000, "allowPrivilegeEscalation": False},
        "resources": {"limits": limits if limits is not None else {"cpu": "2", "memory": "4Gi"}},
    }
    if args is not None:
        out["args"] = args
    if env is not None:
        out["env"] = env
    out["ports"] = [
        {"containerPort": p[0], "name": p[1]} if isinstance(p, tuple) else {"containerPort": p}
        for p in ports
    ]
    return out


def deployment(
    name: str,
    namespace: str = "ml",
    containers: list[Obj] | None = None,
    *,
    pod: Obj | None = None,
    kind: str = "Deployment",
    api_version: str = "apps/v1",
) -> Obj:
    spec: Obj = {"containers": containers or [container()], "automountServiceAccountToken": False}
    spec.update(pod or {})
    return {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": spec},
        },
    }


def service(
    name: str,
    namespace: str = "ml",
    *,
    type_: str = "ClusterIP",
    selector: Obj | None = None,
    port: int = 80,
    target: int | str = 8000,
    annotations: Obj | None = None,
) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace, "annotations": annotations or {}},
        "spec": {
            "type": type_,
            "selector": selector if selector is not None else {"app": name},
            "ports": [{"port": port, "targetPort": target}],
        },
    }


def ingress(
    name: str,
    service_name: str,
    namespace: str = "ml",
    *,
    annotations: Obj | None = None,
    class_name: str = "nginx",
) -> Obj:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": name, "namespace": namespace, "annotations": annotations or {}},
        "spec": {
            "ingressClassName": class_name,
            "rules": [
                {
                    "host": f"{name}.example.com",
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {
                                    "service": {"name": service_name, "port": {"number": 80}}
                                },
                            }
                        ]
                    },
                }
            ],
        },
    }


def network_policy(
    name: str,
    namespace: str = "ml",
    *,
    selector: Obj | None = None,
    types: list[str] | None = None,
    ingress_rules: list[Obj] | None = None,
) -> Obj:
    spec: Obj = {"podSelector": selector or {}, "policyTypes": types or ["Ingress"]}
    if ingress_rules is not None:
        spec["ingress"] = ingress_rules
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def namespace(name: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def service_account(name: str, namespace: str = "ml", automount: bool | None = None) -> Obj:
    obj: Obj = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": name, "namespace": namespace},
    }
    if automount is not None:
        obj["automountServiceAccountToken"] = automount
    return obj


def role(name: str, rules: list[Obj], namespace: str | None = "ml") -> Obj:
    meta: Obj = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role" if namespace else "ClusterRole",
        "metadata": meta,
        "rules": rules,
    }


def binding(
    name: str, role_kind: str, role_name: str, subjects: list[Obj], namespace: str | None = "ml"
) -> Obj:
    meta: Obj = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding" if namespace else "ClusterRoleBinding",
        "metadata": meta,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role_name},
        "subjects": subjects,
    }


def sa_subject(name: str, namespace: str = "ml") -> Obj:
    return {"kind": "ServiceAccount", "name": name, "namespace": namespace}


DIGEST = "@sha256:" + "b" * 64
AUTH_ANNOTATIONS = {"nginx.ingress.kubernetes.io/auth-url": "https://auth.example.com/oauth2/auth"}
WEB_IMAGE = "nginx:1.27" + DIGEST


def app(image: str, name: str = "app", **kwargs: Any) -> Obj:
    """A one-container Deployment listening on 8000 (port name ``http``)."""
    return deployment(name, containers=[container(image, ports=[(8000, "http")], **kwargs)])
