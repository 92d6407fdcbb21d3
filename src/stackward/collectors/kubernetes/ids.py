"""The asset id scheme for Kubernetes objects.

``k8s:<kind>/<namespace>/<name>`` for namespaced objects and ``k8s:<kind>/<name>`` for
cluster-scoped ones, the kind in lower case (``k8s:deployment/ml-serving/vllm``,
``k8s:clusterrole/cluster-admin``). Objects read from a live cluster carry the cluster's
context name so two clusters never collide: ``k8s@prod:deployment/ml-serving/vllm``.
"""

from __future__ import annotations

CLUSTER_SCOPED = frozenset(
    {
        "namespace",
        "clusterrole",
        "clusterrolebinding",
        "node",
        "persistentvolume",
        "customresourcedefinition",
        "storageclass",
        "ingressclass",
        "gatewayclass",
    }
)


def object_id(kind: str, name: str, namespace: str = "", cluster: str = "") -> str:
    kind = kind.lower()
    prefix = f"k8s@{cluster}:" if cluster else "k8s:"
    if kind in CLUSTER_SCOPED or not namespace:
        return f"{prefix}{kind}/{name}"
    return f"{prefix}{kind}/{namespace}/{name}"
