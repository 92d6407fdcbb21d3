"""The comparison set: a clean baseline per stack and cases that each add exactly one weakness.

Kubernetes cases are one namespace with one hardened AI app (a vLLM server, a Ray head or a
Jupyter server: image pinned by digest, resources set, non-root, no token automount, a
ClusterIP service, a default-deny NetworkPolicy). Terraform cases are one SageMaker/Bedrock
project in a ``terraform show -json`` plan. Each case changes one thing from its baseline.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks.stackgen.kubernetes import (
    AI_PROFILES,
    AppDraw,
    AppProfile,
    Manifest,
    app_manifests,
    cluster_admin_binding,
)
from benchmarks.stackgen.manifests import namespace_objects, write_manifest_file
from benchmarks.stackgen.plan import PlanBuilder
from benchmarks.stackgen.terraform import bedrock_logging, ml_project

NAMESPACE = "llm-serving"
KUBERNETES = "kubernetes"
TERRAFORM_PLAN = "terraform_plan"

_PROFILES = {p.name: p for p in AI_PROFILES}


@dataclass(frozen=True, slots=True)
class Case:
    """One planted weakness (``weakness`` is empty for a baseline)."""

    id: str
    title: str
    framework: str
    baseline: str
    """Id of the baseline case this one differs from."""
    write: Callable[[Path], Path]
    """Writes the case under a directory; returns the path to hand to the scanners."""


def _clean_draw() -> AppDraw:
    return AppDraw(
        weak=frozenset(),
        pinned=True,
        replicas=1,
        service_type="ClusterIP",
        fake_values=("bench-fake-secret-0001", "bench-fake-token-0002", "bench-fake-token-0003"),
    )


def _k8s_writer(
    profile: AppProfile, weak: frozenset[str] = frozenset(), *, default_deny: bool = True
) -> Callable[[Path], Path]:
    def write(directory: Path) -> Path:
        name = profile.name
        draw = replace(_clean_draw(), weak=weak)
        objects: list[Manifest] = [
            *namespace_objects(NAMESPACE, ai_namespace=True, default_deny=default_deny),
            *app_manifests(
                profile,
                NAMESPACE,
                name,
                draw,
                ["get"],
                with_ingress=False,
                role_resources=("configmaps",),
            ),
        ]
        if "cluster_admin_binding" in weak:
            objects.append(cluster_admin_binding(NAMESPACE, name))
        write_manifest_file(directory / "manifests.yaml", _dedupe(objects), as_list=False)
        return directory

    return write


def _dedupe(objects: list[Manifest]) -> list[Manifest]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for obj in objects:
        key = (str(obj["kind"]), str(obj["metadata"]["name"]))
        if key not in seen:
            seen.add(key)
            unique.append(obj)
    return unique


def _tf_writer(
    weak: frozenset[str] = frozenset(), *, logging: bool = True
) -> Callable[[Path], Path]:
    def write(directory: Path) -> Path:
        plan = PlanBuilder()
        if logging:
            bedrock_logging(plan, "platform")
        ml_project(plan, "fraud", set(weak), random.Random(0), bedrock=True)
        path = directory / "plan.json"
        plan.write(path)
        return path

    return write


def _k8s(case_id: str, title: str, profile: str, weakness: str, **kw: bool) -> Case:
    weak = frozenset({weakness}) if weakness else frozenset()
    return Case(
        id=case_id,
        title=title,
        framework=KUBERNETES,
        baseline=f"baseline-{profile}",
        write=_k8s_writer(_PROFILES[profile], weak, **kw),
    )


def _tf(case_id: str, title: str, weakness: str, **kw: bool) -> Case:
    weak = frozenset({weakness}) if weakness else frozenset()
    return Case(
        id=case_id,
        title=title,
        framework=TERRAFORM_PLAN,
        baseline="baseline-terraform",
        write=_tf_writer(weak, **kw),
    )


BASELINES = (
    Case("baseline-vllm", "vLLM server, hardened", KUBERNETES, "", _k8s_writer(_PROFILES["vllm"])),
    Case(
        "baseline-ray-head",
        "Ray head, hardened",
        KUBERNETES,
        "",
        _k8s_writer(_PROFILES["ray-head"]),
    ),
    Case(
        "baseline-jupyter", "Jupyter, hardened", KUBERNETES, "", _k8s_writer(_PROFILES["jupyter"])
    ),
    Case(
        "baseline-terraform",
        "SageMaker + Bedrock project, hardened",
        TERRAFORM_PLAN,
        "",
        _tf_writer(),
    ),
)

CASES = (
    _k8s(
        "exposed-ai-serving",
        "AI serving exposed without auth (LoadBalancer)",
        "vllm",
        "exposed_load_balancer",
    ),
    _k8s(
        "ray-dashboard-exposed",
        "Ray dashboard exposed (LoadBalancer :8265)",
        "ray-head",
        "ray_dashboard_exposed",
    ),
    _k8s("jupyter-empty-token", "Jupyter with an empty token", "jupyter", "jupyter_empty_token"),
    _k8s(
        "ai-namespace-no-default-deny",
        "AI namespace without default-deny NetworkPolicy",
        "vllm",
        "",
        default_deny=False,
    ),
    _k8s(
        "cluster-admin-sa-in-ai-namespace",
        "cluster-admin bound to a service account in an AI namespace",
        "vllm",
        "cluster_admin_binding",
    ),
    _k8s("secret-as-plain-env", "Secret as a plain env value", "vllm", "secret_in_env"),
    _k8s("privileged-gpu-pod", "Privileged GPU pod", "vllm", "privileged_gpu"),
    _k8s("mutable-image-tag", "Mutable image tag (:latest)", "vllm", "mutable_image_tag"),
    _k8s(
        "automounted-sa-token",
        "Service-account token automounted on a serving pod",
        "vllm",
        "automount_token",
    ),
    _tf(
        "sagemaker-notebook-direct-internet",
        "SageMaker notebook with direct internet access",
        "notebook_direct_internet",
    ),
    _tf(
        "sagemaker-notebook-root-access",
        "SageMaker notebook with root access",
        "notebook_root_access",
    ),
    _tf(
        "sagemaker-endpoint-no-kms",
        "SageMaker endpoint configuration without KMS key",
        "endpoint_without_kms",
    ),
    _tf(
        "sagemaker-model-no-network-isolation",
        "SageMaker model without network isolation",
        "model_without_network_isolation",
    ),
    _tf(
        "bedrock-no-invocation-logging",
        "Bedrock used without model invocation logging",
        "",
        logging=False,
    ),
    _tf("public-training-bucket", "Public training-data bucket", "public_training_bucket"),
    _tf("iam-ai-wildcard", "IAM policy with sagemaker:*, bedrock:*, s3:* on *", "iam_ai_wildcard"),
)
