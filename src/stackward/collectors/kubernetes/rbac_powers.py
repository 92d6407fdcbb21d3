"""What an RBAC role lets its holders do that reaches data, worked out from its rules.

Rule matching follows the API server: a rule applies when its API group, resource (or
``*/<subresource>``) and verb match, exactly or by ``*``. ``resourceNames`` limit a rule to
the named objects, and never grant ``create`` or ``deletecollection``. Built-in ``admin`` and
``edit`` roles get their upstream pod and controller rules added here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from stackward.model import Asset

READ_VERBS = ("get", "list", "watch")
WRITE_VERBS = ("create", "update", "patch", "delete", "deletecollection")
_CONTROLLERS = (
    ("apps", "deployments"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("apps", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("", "replicationcontrollers"),
)
_RBAC = "rbac.authorization.k8s.io"
_ADMIN_POWERS = (
    (_RBAC, "roles", "escalate"),
    (_RBAC, "clusterroles", "escalate"),
    (_RBAC, "roles", "bind"),
    (_RBAC, "clusterroles", "bind"),
    ("", "users", "impersonate"),
    ("", "groups", "impersonate"),
    ("", "serviceaccounts", "impersonate"),
)
_POD_WRITE = ["create", "delete", "deletecollection", "patch", "update"]
_BUILTIN_POD_RULES: list[dict[str, list[str]]] = [
    {"api_groups": [""], "resources": ["pods", "pods/exec", "pods/attach"], "verbs": _POD_WRITE},
    {"api_groups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]},
    {
        "api_groups": ["apps"],
        "resources": ["deployments", "statefulsets", "daemonsets", "replicasets"],
        "verbs": _POD_WRITE,
    },
    {"api_groups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": _POD_WRITE},
]
"""The pod and controller rules of the upstream ``admin`` and ``edit`` cluster roles."""

Names = frozenset[str] | None
"""The resourceNames a permission is limited to; None means every object."""


@dataclass(slots=True)
class Powers:
    """What a role lets its holders do that reaches data, from its rules."""

    admin: list[str] = field(default_factory=list)
    admin_reason: str = ""
    secrets: dict[str, Names] = field(default_factory=dict)
    pod_creation: list[str] = field(default_factory=list)
    exec: dict[str, Names] = field(default_factory=dict)
    get_pods: dict[str, Names] = field(default_factory=dict)


def allows(rule: Mapping[str, Sequence[str]], group: str, resource: str, verb: str) -> bool:
    """RBAC rule matching: exact or ``*`` group, resource (or ``*/<subresource>``) and verb."""
    groups, verbs, resources = rule["api_groups"], rule["verbs"], rule["resources"]
    if not (group in groups or "*" in groups) or not (verb in verbs or "*" in verbs):
        return False
    if resource in resources or "*" in resources:
        return True
    sub = resource.partition("/")[2]
    return bool(sub) and f"*/{sub}" in resources


def _add_names(found: dict[str, Names], privilege: str, names: Names) -> None:
    if privilege not in found:
        found[privilege] = names
    else:
        held = found[privilege]
        found[privilege] = None if held is None or names is None else held | names


def role_powers(rules: Iterable[Mapping[str, Sequence[str]]]) -> Powers:
    powers = Powers()
    for rule in rules:
        names: Names = frozenset(rule["resource_names"]) or None
        if names is None and all("*" in rule[k] for k in ("api_groups", "resources", "verbs")):
            powers.admin.append("* *")
            powers.admin_reason = "holds every permission (cluster-admin)"
            continue
        for group, resource, verb in _ADMIN_POWERS:
            if names is None and allows(rule, group, resource, verb):
                powers.admin.append(f"{verb} {resource}")
                powers.admin_reason = powers.admin_reason or _admin_reason(verb, resource)
        for verb in (*READ_VERBS, *WRITE_VERBS):
            if allows(rule, "", "secrets", verb) and not (names and verb in _UNNAMED_VERBS):
                _add_names(powers.secrets, f"{verb} secrets", names)
        for group, resource in (("", "pods"), *_CONTROLLERS):
            if names is None and allows(rule, group, resource, "create"):
                powers.pod_creation.append(f"create {resource}")
        for subresource in ("pods/exec", "pods/attach"):
            if allows(rule, "", subresource, "create"):
                _add_names(powers.exec, f"create {subresource}", names)
        if allows(rule, "", "pods", "get"):
            _add_names(powers.get_pods, "get pods", names)
    return powers


_UNNAMED_VERBS = frozenset({"create", "deletecollection"})
"""Verbs Kubernetes never limits by resourceNames: a rule with names does not grant them."""


def _admin_reason(verb: str, resource: str) -> str:
    if verb == "impersonate":
        return f"can impersonate {resource}, so can act as any of them, cluster-admin included"
    return f"can {verb} {resource}, so can grant itself any permission"


def rules_of(role: Asset) -> list[Mapping[str, Sequence[str]]]:
    rules: list[Mapping[str, Sequence[str]]] = [
        {k: [str(v) for v in rule.get(k) or () if isinstance(v, str)] for k in _RULE_KEYS}
        for rule in role.prop("rules") or ()
        if isinstance(rule, Mapping)
    ]
    if role.prop("builtin") and role.name in ("admin", "edit"):
        rules.extend({k: rule.get(k, []) for k in _RULE_KEYS} for rule in _BUILTIN_POD_RULES)
    return rules


_RULE_KEYS = ("api_groups", "resources", "verbs", "resource_names")
