"""Service accounts, roles and bindings, and what each role can do to Secrets.

A role's Secret access is recorded as facts (``secret_verbs``, ``secret_names``,
``cluster_admin``) so the transform can draw ``role CAN_ACCESS secret`` edges and checks can
judge them. Built-in cluster roles that manifests reference but never declare
(``cluster-admin``, ``admin``, ``edit``, ``view``) are added with their upstream rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stackward.collectors.kubernetes.manifests import SourcedObject
from stackward.collectors.kubernetes.objects import ObjectInfo, make_asset
from stackward.collectors.kubernetes.raw import as_dict, as_list, as_str, as_str_list, dig
from stackward.model import Asset, AssetKind, Layer

READ_VERBS = frozenset({"get", "list", "watch", "*"})
_SECRET_VERBS_WRITE = ["create", "delete", "deletecollection", "patch", "update"]

BUILTIN_CLUSTER_ROLES: dict[str, list[dict[str, Any]]] = {
    "cluster-admin": [
        {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
        {"nonResourceURLs": ["*"], "verbs": ["*"]},
    ],
    "admin": [
        {
            "apiGroups": [""],
            "resources": ["secrets"],
            "verbs": ["get", "list", "watch", *_SECRET_VERBS_WRITE],
        }
    ],
    "edit": [
        {
            "apiGroups": [""],
            "resources": ["secrets"],
            "verbs": ["get", "list", "watch", *_SECRET_VERBS_WRITE],
        }
    ],
    "view": [
        {
            "apiGroups": [""],
            "resources": ["configmaps", "pods", "services"],
            "verbs": ["get", "list", "watch"],
        }
    ],
}
"""The Secret-relevant rules of Kubernetes' default user-facing cluster roles."""


@dataclass(frozen=True, slots=True)
class Binding:
    asset: Asset
    role_id: str
    scope: str
    """The namespace the grant applies in, or "" for a ClusterRoleBinding (cluster-wide)."""
    subjects: tuple[tuple[str, str, str], ...]
    """(kind, name, namespace) of each subject."""


def service_account(item: SourcedObject, info: ObjectInfo) -> Asset:
    automount = item.obj.get("automountServiceAccountToken")
    return make_asset(
        item,
        info,
        AssetKind.K8S_SERVICE_ACCOUNT,
        Layer.IDENTITY,
        {
            "automount_token": automount if isinstance(automount, bool) else None,
            "declared": True,
            "image_pull_secrets": [
                as_str(dig(s, "name")) for s in as_list(item.obj.get("imagePullSecrets"))
            ],
            "workload_identity": _cloud_identity(item.obj),
        },
    )


def _cloud_identity(obj: dict[str, Any]) -> str:
    annotations = as_dict(dig(obj, "metadata", "annotations"))
    for key in (
        "eks.amazonaws.com/role-arn",
        "iam.gke.io/gcp-service-account",
        "azure.workload.identity/client-id",
    ):
        if as_str(annotations.get(key)):
            return f"{key}={as_str(annotations[key])}"
    return ""


def normalised_rules(raw_rules: list[Any]) -> list[dict[str, list[str]]]:
    return [
        {
            "api_groups": as_str_list(as_dict(r).get("apiGroups")),
            "resources": as_str_list(as_dict(r).get("resources")),
            "verbs": [v.lower() for v in as_str_list(as_dict(r).get("verbs"))],
            "resource_names": as_str_list(as_dict(r).get("resourceNames")),
            "non_resource_urls": as_str_list(as_dict(r).get("nonResourceURLs")),
        }
        for r in raw_rules
    ]


def secret_access(rules: list[dict[str, list[str]]]) -> tuple[list[str], list[str]]:
    """Verbs granted on Secrets and the names they are limited to ([] means every Secret)."""
    verbs: set[str] = set()
    names: set[str] = set()
    unrestricted = False
    for rule in rules:
        groups_ok = bool({"", "*"} & set(rule["api_groups"]))
        resources_ok = bool({"secrets", "*"} & set(rule["resources"]))
        if not (groups_ok and resources_ok and rule["verbs"]):
            continue
        verbs.update(rule["verbs"])
        if rule["resource_names"]:
            names.update(rule["resource_names"])
        else:
            unrestricted = True
    return sorted(verbs), ([] if unrestricted or not verbs else sorted(names))


def role(
    item: SourcedObject | None, info: ObjectInfo, raw_rules: list[Any], builtin: bool = False
) -> Asset:
    rules = normalised_rules(raw_rules)
    verbs, names = secret_access(rules)
    cluster_admin = any(
        "*" in r["verbs"] and "*" in r["resources"] and "*" in r["api_groups"] for r in rules
    )
    properties = {
        "rules": rules,
        "cluster_scoped": info.kind == "ClusterRole",
        "builtin": builtin,
        "cluster_admin": cluster_admin,
        "secret_verbs": verbs,
        "secret_names": names,
        "reads_secrets": bool(READ_VERBS & set(verbs)),
        "wildcard_secrets": "*" in verbs
        or any("*" in r["resources"] and {"", "*"} & set(r["api_groups"]) for r in rules),
    }
    if item is None:
        return Asset(
            id=info.id,
            kind=AssetKind.K8S_ROLE,
            layer=Layer.IDENTITY,
            name=info.name,
            source=info.location,
            properties={
                "k8s_kind": info.kind,
                "namespace": "",
                "cluster": info.cluster,
                **properties,
            },
        )
    return make_asset(item, info, AssetKind.K8S_ROLE, Layer.IDENTITY, properties)


def binding(item: SourcedObject, info: ObjectInfo) -> Binding:
    ref = as_dict(item.obj.get("roleRef"))
    ref_kind = as_str(ref.get("kind")) or "ClusterRole"
    ref_name = as_str(ref.get("name"))
    scope = info.namespace if info.kind == "RoleBinding" else ""
    role_id = info.sibling(ref_kind, ref_name, scope if ref_kind == "Role" else "")
    subjects = tuple(
        (
            as_str(as_dict(s).get("kind")),
            as_str(as_dict(s).get("name")),
            as_str(as_dict(s).get("namespace"))
            or (info.namespace if as_str(as_dict(s).get("kind")) == "ServiceAccount" else ""),
        )
        for s in as_list(item.obj.get("subjects"))
    )
    asset = make_asset(
        item,
        info,
        AssetKind.K8S_ROLE_BINDING,
        Layer.IDENTITY,
        {
            "role_ref": {"kind": ref_kind, "name": ref_name, "id": role_id},
            "scope": scope or "cluster",
            "subjects": [{"kind": k, "name": n, "namespace": ns} for k, n, ns in subjects],
        },
    )
    return Binding(asset, role_id, scope, subjects)
