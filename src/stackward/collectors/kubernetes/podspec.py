"""Finds the pod templates inside workload objects and reads the facts checks need.

Everything is read from the raw pod spec: containers (image, ports, env, command, args,
security context, resources and accelerators), host namespaces and hostPath volumes, the
service account and its token mount, and the Secrets, ConfigMaps and PVCs it references.
Literal secrets are redacted here, before anything is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from stackward.collectors.kubernetes.components import AUTH_PROXIES, SIDECARS
from stackward.collectors.kubernetes.literals import redact_tokens, stored_value
from stackward.collectors.kubernetes.raw import (
    RawObject,
    as_dict,
    as_list,
    as_str,
    as_str_list,
    as_str_map,
    dig,
    labels_of,
    name_of,
)

_ACCELERATOR = re.compile(r"gpu|nvidia\.com/|amd\.com/|habana\.ai/|neuron|google\.com/tpu")
_REPLICA_SPECS = re.compile(r"ReplicaSpecs$")


@dataclass(frozen=True, slots=True)
class PodTemplate:
    role: str
    labels: dict[str, str]
    spec: dict[str, Any]


@dataclass(slots=True)
class PodFacts:
    """What a workload's pods look like, merged over all of its templates."""

    containers: list[dict[str, Any]] = field(default_factory=list)
    label_sets: list[dict[str, str]] = field(default_factory=list)
    service_accounts: list[str] = field(default_factory=list)
    automount_token: bool | None = None
    host_network: bool = False
    host_pid: bool = False
    host_ipc: bool = False
    host_path_volumes: list[dict[str, str]] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)
    configmaps: set[str] = field(default_factory=set)
    pvcs: set[str] = field(default_factory=set)
    gpus: int = 0
    tokens: list[str] = field(default_factory=list)
    """Raw command and args of every container, for recognising settings; never stored."""
    env: dict[str, str | None] = field(default_factory=dict)
    """Raw env: literal value, or None when it comes from a reference; never stored."""


def pod_templates(obj: RawObject) -> list[PodTemplate]:
    """The pod templates of any workload-like object, built-in or custom resource."""
    kind = as_str(obj.get("kind"))
    spec = as_dict(obj.get("spec"))
    name = name_of(obj)
    if kind == "Pod":
        return [PodTemplate("", labels_of(obj), spec)]
    if kind == "CronJob":
        return _template("", dig(spec, "jobTemplate", "spec", "template"))
    if kind in {"RayCluster", "RayService", "RayJob"}:
        return _ray_templates(kind, spec, name)
    if kind == "InferenceService":
        return _kserve_templates(spec, name)
    if kind == "SeldonDeployment":
        return _seldon_templates(spec, name)
    if kind == "Notebook":
        return _template("", spec.get("template"), {"notebook-name": name, "statefulset": name})
    replica_specs = [k for k in spec if _REPLICA_SPECS.search(k)]
    if replica_specs:
        out: list[PodTemplate] = []
        for key in replica_specs:
            for role, replica in as_dict(spec[key]).items():
                extra = {
                    "training.kubeflow.org/job-name": name,
                    "training.kubeflow.org/replica-type": role.lower(),
                }
                out.extend(_template(role.lower(), as_dict(replica).get("template"), extra))
        return out
    return _template("", spec.get("template"))


def _template(
    role: str, template: object, extra: dict[str, str] | None = None
) -> list[PodTemplate]:
    template = as_dict(template)
    pod_spec = as_dict(template.get("spec"))
    if not pod_spec:
        return []
    labels = {**as_str_map(dig(template, "metadata", "labels")), **(extra or {})}
    return [PodTemplate(role, labels, pod_spec)]


def _ray_templates(kind: str, spec: dict[str, Any], name: str) -> list[PodTemplate]:
    cluster = (
        as_dict(
            spec.get("rayClusterConfig") if kind == "RayService" else spec.get("rayClusterSpec")
        )
        if kind != "RayCluster"
        else spec
    )
    head = as_dict(cluster.get("headGroupSpec"))
    out = _template(
        "head", head.get("template"), {"ray.io/cluster": name, "ray.io/node-type": "head"}
    )
    for group in as_list(cluster.get("workerGroupSpecs")):
        group_name = as_str(as_dict(group).get("groupName")) or "workers"
        out.extend(
            _template(
                group_name,
                as_dict(group).get("template"),
                {"ray.io/cluster": name, "ray.io/node-type": "worker"},
            )
        )
    return out


def _kserve_templates(spec: dict[str, Any], name: str) -> list[PodTemplate]:
    out: list[PodTemplate] = []
    for role in ("predictor", "transformer", "explainer"):
        component = as_dict(spec.get(role))
        if not component:
            continue
        containers = as_list(component.get("containers"))
        model = as_dict(component.get("model"))
        if not containers and model:
            containers = [{"name": "kserve-container", **model}]
        pod_spec = {**component, "containers": containers}
        labels = {"serving.kserve.io/inferenceservice": name, "component": role}
        out.append(PodTemplate(role, labels, pod_spec))
    return out


def _seldon_templates(spec: dict[str, Any], name: str) -> list[PodTemplate]:
    out: list[PodTemplate] = []
    for predictor in as_list(spec.get("predictors")):
        for component in as_list(as_dict(predictor).get("componentSpecs")):
            out.extend(
                _template(
                    as_str(as_dict(predictor).get("name")),
                    component,
                    {"seldon-deployment-id": name},
                )
            )
    return out


def pod_facts(templates: list[PodTemplate]) -> PodFacts:
    facts = PodFacts()
    for template in templates:
        _add_template(facts, template)
    return facts


def _add_template(facts: PodFacts, template: PodTemplate) -> None:
    spec = template.spec
    facts.label_sets.append(template.labels)
    account = (
        as_str(spec.get("serviceAccountName")) or as_str(spec.get("serviceAccount")) or "default"
    )
    if account not in facts.service_accounts:
        facts.service_accounts.append(account)
    automount = spec.get("automountServiceAccountToken")
    if isinstance(automount, bool):
        facts.automount_token = (
            automount if facts.automount_token is None else facts.automount_token or automount
        )
    facts.host_network |= spec.get("hostNetwork") is True
    facts.host_pid |= spec.get("hostPID") is True
    facts.host_ipc |= spec.get("hostIPC") is True
    _add_volumes(facts, as_list(spec.get("volumes")))
    pod_security = as_dict(spec.get("securityContext"))
    prefix = f"{template.role}/" if template.role else ""
    for key, init in (("initContainers", True), ("containers", False)):
        for raw in as_list(spec.get(key)):
            container = as_dict(raw)
            if container:
                facts.containers.append(_container(facts, container, pod_security, prefix, init))


def _add_volumes(facts: PodFacts, volumes: list[Any]) -> None:
    for raw in volumes:
        volume = as_dict(raw)
        host_path = as_dict(volume.get("hostPath"))
        if host_path:
            facts.host_path_volumes.append(
                {"name": as_str(volume.get("name")), "path": as_str(host_path.get("path"))}
            )
        if secret := as_str(dig(volume, "secret", "secretName")):
            facts.secrets.add(secret)
        if configmap := as_str(dig(volume, "configMap", "name")):
            facts.configmaps.add(configmap)
        if claim := as_str(dig(volume, "persistentVolumeClaim", "claimName")):
            facts.pvcs.add(claim)
        for source in as_list(dig(volume, "projected", "sources")):
            if secret := as_str(dig(source, "secret", "name")):
                facts.secrets.add(secret)
            if configmap := as_str(dig(source, "configMap", "name")):
                facts.configmaps.add(configmap)


def _container(
    facts: PodFacts, raw: dict[str, Any], pod_security: dict[str, Any], prefix: str, init: bool
) -> dict[str, Any]:
    image = as_str(raw.get("image"))
    repository, tag, digest = split_image(image)
    command = as_str_list(raw.get("command"))
    args = as_str_list(raw.get("args"))
    facts.tokens.extend(command + args)
    resources = as_dict(raw.get("resources"))
    limits = as_str_map(resources.get("limits"))
    requests = as_str_map(resources.get("requests"))
    gpus = _accelerators(limits) or _accelerators(requests)
    facts.gpus += gpus
    return {
        "name": prefix + as_str(raw.get("name")),
        "init": init,
        "image": image,
        "image_repository": repository,
        "image_tag": tag,
        "image_digest": digest,
        "sidecar": _sidecar_kind(repository),
        "command": redact_tokens(command),
        "args": redact_tokens(args),
        "ports": _ports(raw),
        "env": _env(facts, raw),
        "env_from": _env_from(facts, raw),
        "security": _security(as_dict(raw.get("securityContext")), pod_security),
        "resources": {"limits": limits, "requests": requests},
        "gpus": gpus,
    }


def split_image(image: str) -> tuple[str, str, str]:
    """``registry/repo:tag@sha256:...`` into repository, tag and digest."""
    name, _, digest = image.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        return name[:colon].lower(), name[colon + 1 :], digest
    return name.lower(), "", digest


def _sidecar_kind(repository: str) -> str:
    if AUTH_PROXIES.search(repository):
        return "auth-proxy"
    if SIDECARS.search(repository):
        return "infrastructure"
    return ""


def _accelerators(resources: dict[str, str]) -> int:
    total = 0
    for key, value in resources.items():
        if _ACCELERATOR.search(key):
            try:
                total += max(int(float(value)), 0)
            except ValueError:
                total += 1
    return total


def _ports(raw: dict[str, Any]) -> list[dict[str, Any]]:
    ports = []
    for port in as_list(raw.get("ports")):
        port = as_dict(port)
        number = port.get("containerPort")
        if isinstance(number, int) and not isinstance(number, bool):
            entry: dict[str, Any] = {"port": number, "name": as_str(port.get("name"))}
            if isinstance(port.get("hostPort"), int):
                entry["host_port"] = port["hostPort"]
            ports.append(entry)
    return ports


def _env(facts: PodFacts, raw: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in as_list(raw.get("env")):
        item = as_dict(item)
        name = as_str(item.get("name"))
        if not name:
            continue
        value_from = as_dict(item.get("valueFrom"))
        if value_from:
            source = next(iter(value_from), "valueFrom")
            ref = as_dict(value_from.get(source))
            if source == "secretKeyRef" and as_str(ref.get("name")):
                facts.secrets.add(as_str(ref.get("name")))
            if source == "configMapKeyRef" and as_str(ref.get("name")):
                facts.configmaps.add(as_str(ref.get("name")))
            facts.env.setdefault(name, None)
            out.append({"name": name, "source": source, "ref": as_str(ref.get("name"))})
            continue
        literal = as_str(item.get("value")) if "value" in item else ""
        facts.env[name] = literal
        value, secret_like = stored_value(name, literal)
        out.append(
            {
                "name": name,
                "source": "value",
                "value": value,
                "empty": literal == "",
                "secret_like": secret_like,
            }
        )
    return out


def _env_from(facts: PodFacts, raw: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for item in as_list(raw.get("envFrom")):
        if secret := as_str(dig(item, "secretRef", "name")):
            facts.secrets.add(secret)
            out.append({"kind": "secret", "name": secret})
        if configmap := as_str(dig(item, "configMapRef", "name")):
            facts.configmaps.add(configmap)
            out.append({"kind": "configmap", "name": configmap})
    return out


def _security(container: dict[str, Any], pod: dict[str, Any]) -> dict[str, Any]:
    """The effective security context: container settings override the pod's."""

    def pick(key: str) -> Any:
        return container[key] if key in container else pod.get(key)

    capabilities = as_dict(container.get("capabilities"))
    run_as_user = pick("runAsUser")
    return {
        "privileged": container.get("privileged") is True,
        "allow_privilege_escalation": _bool_or_none(container.get("allowPrivilegeEscalation")),
        "run_as_user": run_as_user
        if isinstance(run_as_user, int) and not isinstance(run_as_user, bool)
        else None,
        "run_as_non_root": _bool_or_none(pick("runAsNonRoot")),
        "read_only_root_filesystem": container.get("readOnlyRootFilesystem") is True,
        "capabilities_add": [c.upper() for c in as_str_list(capabilities.get("add"))],
        "capabilities_drop": [c.upper() for c in as_str_list(capabilities.get("drop"))],
    }


def _bool_or_none(value: object) -> bool | None:
    return value if isinstance(value, bool) else None
