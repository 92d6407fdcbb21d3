"""Assets: the nodes of the inventory graph."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Layer(StrEnum):
    """The nine layers of an AI stack; every asset belongs to exactly one."""

    INFRASTRUCTURE = "infrastructure"
    DATA_FOUNDATION = "data_foundation"
    LOGGING_MONITORING = "logging_monitoring"
    CORE_AI = "core_ai"
    EXPERIMENTATION = "experimentation"
    IDENTITY = "identity"
    DATA_DEVELOPMENT = "data_development"
    DATA_ENGINEERING = "data_engineering"
    SUPPORTIVE = "supportive"

    @property
    def display_name(self) -> str:
        return _LAYER_TITLES[self]


_LAYER_TITLES = {
    Layer.INFRASTRUCTURE: "Infrastructure",
    Layer.DATA_FOUNDATION: "Data foundation",
    Layer.LOGGING_MONITORING: "Logging & monitoring",
    Layer.CORE_AI: "Core AI functions",
    Layer.EXPERIMENTATION: "Experimentation & testing",
    Layer.IDENTITY: "Identity & access",
    Layer.DATA_DEVELOPMENT: "Data development",
    Layer.DATA_ENGINEERING: "Data engineering & orchestration",
    Layer.SUPPORTIVE: "Supportive services",
}


class AssetKind(StrEnum):
    """What an asset is. Collectors pick the most specific kind that fits."""

    # infrastructure
    K8S_NAMESPACE = "k8s.namespace"
    K8S_WORKLOAD = "k8s.workload"
    K8S_SERVICE = "k8s.service"
    K8S_INGRESS = "k8s.ingress"
    K8S_NETWORK_POLICY = "k8s.network_policy"
    K8S_CONFIGMAP = "k8s.configmap"
    K8S_PVC = "k8s.pvc"
    K8S_OBJECT = "k8s.object"
    CLOUD_NETWORK = "cloud.network"
    CLOUD_KMS_KEY = "cloud.kms_key"
    CLOUD_RESOURCE = "cloud.resource"
    OBJECT_BUCKET = "storage.bucket"
    INTERNET = "network.internet"
    # identity
    K8S_SERVICE_ACCOUNT = "k8s.service_account"
    K8S_ROLE = "k8s.role"
    K8S_ROLE_BINDING = "k8s.role_binding"
    K8S_SECRET = "k8s.secret"  # noqa: S105 - a kind name, not a secret
    IAM_ROLE = "iam.role"
    IAM_POLICY = "iam.policy"
    IAM_BINDING = "iam.binding"
    IAM_CREDENTIAL = "iam.credential"
    """A long-lived cloud credential (access key, service-account key)."""
    # core AI
    AI_SERVICE = "ai.service"
    MODEL_ARTIFACT = "ai.model_artifact"
    MODEL_ENDPOINT = "ai.model_endpoint"
    TRAINING_JOB = "ai.training_job"
    MODEL_REGISTRY = "ai.model_registry"
    VECTOR_STORE = "ai.vector_store"
    LLM_SERVICE = "ai.llm_service"
    # experimentation
    NOTEBOOK = "ai.notebook"
    NOTEBOOK_INSTANCE = "ai.notebook_instance"
    # data
    DATASET = "data.dataset"
    DATA_STORE = "data.store"
    """A classified data source: a directory, an S3 prefix, a database."""
    # logging
    LOG_FILE = "log.file"
    LOG_CONFIG = "log.config"
    # data engineering
    PIPELINE = "pipeline.orchestrator"
    DATA_JOB = "data.job"
    """A job that reads and writes datasets (an ETL task, a dbt model, a Spark job)."""
    # supportive
    SOURCE_FILE = "file.source"
    IAC_FILE = "file.iac"
    CONFIG_FILE = "file.config"
    DOCUMENT_FILE = "file.document"
    OTHER_FILE = "file.other"


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, slots=True)
class Asset:
    """One thing in the AI stack.

    ``id`` is a stable, human-readable URN (``k8s:deployment/ml/llm-api``,
    ``file:models/resnet.pt``, ``tf:aws_s3_bucket.training``) that identifies the same
    asset across scans. ``properties`` holds what the collector learned; checks read it.
    ``sensitive`` marks targets an attacker wants (models, training data, secrets,
    credentials) and ``internet_exposed`` marks entry points for attack paths.
    """

    id: str
    kind: AssetKind
    layer: Layer
    name: str
    source: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    region: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    sensitive: bool = False
    internet_exposed: bool = False

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("asset id must not be empty")
        object.__setattr__(self, "properties", _frozen(self.properties))
        object.__setattr__(self, "labels", _frozen(self.labels))

    def prop(self, key: str, default: Any = None) -> Any:
        return self.properties.get(key, default)
