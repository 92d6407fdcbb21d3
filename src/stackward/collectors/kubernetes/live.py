"""Reads a live cluster through the official Kubernetes client: list calls only.

Every resource type is listed with ``_preload_content=False`` so the API's JSON arrives in
exactly the raw form manifests have, and the same transform reads both. Secret values are
dropped the moment a response is parsed: only key names survive. A 404 on an optional
custom resource means the CRD is not installed and is ignored; a 403 or any other API error
becomes a :class:`Skipped` for that resource; an unreachable cluster becomes one Skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException
from urllib3.exceptions import HTTPError

from stackward.collectors.kubernetes.manifests import SourcedObject, expand_lists
from stackward.collectors.kubernetes.raw import as_dict, as_list, as_str
from stackward.config.schema import KubernetesClusterSource
from stackward.model import Skipped

COLLECTOR = "kubernetes"
PAGE_SIZE = 500
TIMEOUT = (5, 60)


@dataclass(frozen=True, slots=True)
class Resource:
    """One listable resource type: ``api`` is a client class name, ``plural`` the path name."""

    kind: str
    api: str
    plural: str
    group: str = ""
    version: str = ""
    cluster_scoped: bool = False
    optional: bool = False

    def method(self, namespaced: bool) -> str:
        if self.api == "CustomObjectsApi":
            return "list_namespaced_custom_object" if namespaced else "list_cluster_custom_object"
        singular = _SINGULAR.get(self.plural, self.plural.removesuffix("s"))
        if self.cluster_scoped:
            return f"list_{singular}"
        return (
            f"list_namespaced_{singular}" if namespaced else f"list_{singular}_for_all_namespaces"
        )


_SINGULAR = {
    "persistentvolumeclaims": "persistent_volume_claim",
    "serviceaccounts": "service_account",
    "configmaps": "config_map",
    "statefulsets": "stateful_set",
    "daemonsets": "daemon_set",
    "replicasets": "replica_set",
    "cronjobs": "cron_job",
    "networkpolicies": "network_policy",
    "ingresses": "ingress",
    "rolebindings": "role_binding",
    "clusterroles": "cluster_role",
    "clusterrolebindings": "cluster_role_binding",
    "namespaces": "namespace",
}


def _crd(kind: str, group: str, version: str, plural: str) -> Resource:
    return Resource(kind, "CustomObjectsApi", plural, group, version, optional=True)


RESOURCES: tuple[Resource, ...] = (
    Resource("Namespace", "CoreV1Api", "namespaces", cluster_scoped=True),
    Resource("Pod", "CoreV1Api", "pods"),
    Resource("Service", "CoreV1Api", "services"),
    Resource("ServiceAccount", "CoreV1Api", "serviceaccounts"),
    Resource("Secret", "CoreV1Api", "secrets"),
    Resource("ConfigMap", "CoreV1Api", "configmaps"),
    Resource("PersistentVolumeClaim", "CoreV1Api", "persistentvolumeclaims"),
    Resource("Deployment", "AppsV1Api", "deployments"),
    Resource("StatefulSet", "AppsV1Api", "statefulsets"),
    Resource("DaemonSet", "AppsV1Api", "daemonsets"),
    Resource("ReplicaSet", "AppsV1Api", "replicasets"),
    Resource("Job", "BatchV1Api", "jobs"),
    Resource("CronJob", "BatchV1Api", "cronjobs"),
    Resource("Ingress", "NetworkingV1Api", "ingresses"),
    Resource("NetworkPolicy", "NetworkingV1Api", "networkpolicies"),
    Resource("Role", "RbacAuthorizationV1Api", "roles"),
    Resource("RoleBinding", "RbacAuthorizationV1Api", "rolebindings"),
    Resource("ClusterRole", "RbacAuthorizationV1Api", "clusterroles", cluster_scoped=True),
    Resource(
        "ClusterRoleBinding", "RbacAuthorizationV1Api", "clusterrolebindings", cluster_scoped=True
    ),
    _crd("InferenceService", "serving.kserve.io", "v1beta1", "inferenceservices"),
    _crd("SeldonDeployment", "machinelearning.seldon.io", "v1", "seldondeployments"),
    _crd("RayCluster", "ray.io", "v1", "rayclusters"),
    _crd("RayService", "ray.io", "v1", "rayservices"),
    _crd("RayJob", "ray.io", "v1", "rayjobs"),
    _crd("Notebook", "kubeflow.org", "v1", "notebooks"),
    _crd("PyTorchJob", "kubeflow.org", "v1", "pytorchjobs"),
    _crd("TFJob", "kubeflow.org", "v1", "tfjobs"),
    _crd("HTTPRoute", "gateway.networking.k8s.io", "v1", "httproutes"),
)


@dataclass(slots=True)
class ClusterRead:
    name: str
    objects: list[SourcedObject]
    skipped: list[Skipped]


class _Unreachable(Exception):
    """The API server cannot be reached at all; listing more resources is pointless."""


def read_cluster(source: KubernetesClusterSource) -> ClusterRead:
    name = source.context or "current-context"
    read = ClusterRead(name, [], [])
    config_file = str(Path(source.kubeconfig).expanduser()) if source.kubeconfig else None
    try:
        _contexts, active = k8s_config.list_kube_config_contexts(config_file=config_file)  # type: ignore[no-untyped-call,unused-ignore]
        read.name = source.context or as_str(as_dict(active).get("name")) or name
        api_client = k8s_config.new_client_from_config(  # type: ignore[no-untyped-call,unused-ignore]
            config_file=config_file, context=source.context, persist_config=False
        )
    except (ConfigException, OSError, ValueError, TypeError, KeyError, yaml.YAMLError) as exc:
        read.skipped.append(Skipped(f"k8s@{name}", f"cannot load kubeconfig: {exc}", COLLECTOR))
        return read
    api_client.configuration.retries = 1
    try:
        for resource in RESOURCES:
            _read_resource(api_client, resource, source.namespaces, read)
    except _Unreachable as exc:
        read.skipped.append(Skipped(f"k8s@{read.name}", f"cluster unreachable: {exc}", COLLECTOR))
    finally:
        api_client.close()
    return read


def _read_resource(
    api_client: Any, resource: Resource, namespaces: list[str], read: ClusterRead
) -> None:
    scopes: list[str | None] = (
        [None] if resource.cluster_scoped or not namespaces else list(namespaces)
    )
    location = f"k8s@{read.name}/{resource.plural}"
    for namespace in scopes:
        try:
            for obj in _pages(api_client, resource, namespace):
                if (
                    resource.kind == "Namespace"
                    and namespaces
                    and as_str(as_dict(obj.get("metadata")).get("name")) not in namespaces
                ):
                    continue
                for item, where in expand_lists(obj, location):
                    read.objects.append(SourcedObject(item, where))
        except ApiException as exc:
            if exc.status == 404 and resource.optional:
                return
            reason = (
                "forbidden (403): the credentials may not list"
                if exc.status == 403
                else f"API error {exc.status}: cannot list"
            )
            scope = f" in namespace {namespace}" if namespace else ""
            read.skipped.append(Skipped(location, f"{reason} {resource.plural}{scope}", COLLECTOR))
        except (HTTPError, OSError) as exc:
            raise _Unreachable(str(exc)) from exc
        except ValueError as exc:
            read.skipped.append(Skipped(location, f"unreadable API response: {exc}", COLLECTOR))


def _pages(api_client: Any, resource: Resource, namespace: str | None) -> Iterator[dict[str, Any]]:
    """Each object of one resource type, following ``continue`` tokens."""
    api = getattr(k8s_client, resource.api)(api_client)
    method = getattr(api, resource.method(namespace is not None))
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {
            "limit": PAGE_SIZE,
            "_preload_content": False,
            "_request_timeout": TIMEOUT,
        }
        if token:
            kwargs["_continue"] = token
        args: list[str] = []
        if resource.api == "CustomObjectsApi":
            args = (
                [resource.group, resource.version]
                + ([namespace] if namespace else [])
                + [resource.plural]
            )
        elif namespace is not None:
            args = [namespace]
        response = method(*args, **kwargs)
        page = json.loads(response.data)
        for raw in as_list(as_dict(page).get("items")):
            if isinstance(raw, dict):
                yield _scrubbed(raw, resource.kind)
        token = as_str(as_dict(as_dict(page).get("metadata")).get("continue"))
        if not token:
            return


def _scrubbed(obj: dict[str, Any], kind: str) -> dict[str, Any]:
    """The object without Secret values, managed fields or last-applied copies."""
    obj = {**obj, "kind": as_str(obj.get("kind")) or kind}
    meta = dict(as_dict(obj.get("metadata")))
    meta.pop("managedFields", None)
    annotations = dict(as_dict(meta.get("annotations")))
    annotations.pop("kubectl.kubernetes.io/last-applied-configuration", None)
    meta["annotations"] = annotations
    obj["metadata"] = meta
    if kind == "Secret":
        obj["data"] = dict.fromkeys(as_dict(obj.get("data")), "")
        obj.pop("stringData", None)
    return obj
