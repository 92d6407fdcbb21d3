"""The validated shape of ``stackward.yaml``. Unknown keys are errors, not ignored."""

from __future__ import annotations

import datetime as dt
import fnmatch
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stackward.detect.config import DetectConfig
from stackward.model import Finding, Severity

DEFAULT_EXCLUDES = (".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", ".stackward")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _severity(value: object) -> Severity:
    if isinstance(value, Severity):
        return value
    if not isinstance(value, str):
        raise ValueError("severity must be a string such as 'high'")
    return Severity.parse(value)


class KubernetesClusterSource(_Strict):
    """A live cluster, read through the official client with the given kubeconfig."""

    kubeconfig: str | None = None
    context: str | None = None
    namespaces: list[str] = Field(default_factory=list)


class CodeSettings(_Strict):
    """The AI bill of materials read from Python files, notebooks and dependency files."""

    enabled: bool = True
    """Parse Python and notebook code cells for AI components, models, datasets, prompts,
    agent tools and unsafe patterns, and read dependency files for AI packages."""
    max_file_kb: Annotated[int, Field(ge=1, le=65536)] = 1024
    """Python files (and notebook cells) larger than this are not parsed; a skipped entry
    says so. Bounds parser time and memory on generated or hostile files."""
    max_facts_per_file: Annotated[int, Field(ge=1, le=10000)] = 200
    """At most this many models, datasets, prompts, tools and risks of each kind are kept per
    file; the file is marked ``code_facts_truncated`` when more were found."""


class Sources(_Strict):
    paths: list[Path] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=lambda: list(DEFAULT_EXCLUDES))
    max_parse_mb: Annotated[float, Field(gt=0)] = 64.0
    kubernetes_clusters: list[KubernetesClusterSource] = Field(default_factory=list)
    code: CodeSettings = Field(default_factory=CodeSettings)

    @property
    def max_parse_bytes(self) -> int:
        return int(self.max_parse_mb * 1024 * 1024)


class ObjectStoreSource(_Strict):
    """Model artifacts in an S3-compatible object store, read with ranged GETs (read-only)."""

    uri: Annotated[str, Field(pattern=r"^s3://[^/]+(/.*)?$")]
    endpoint_url: str | None = None
    region: str | None = None
    profile: str | None = None


class SigningSettings(_Strict):
    """How OpenSSF model-signing signatures beside models are verified (offline)."""

    public_keys: list[Path] = Field(default_factory=list)
    """PEM elliptic-curve public keys for signatures made with ``model_signing sign key``."""
    certificate_chains: list[Path] = Field(default_factory=list)
    """PEM certificate chains for signatures made with ``model_signing sign certificate``."""


class ArtifactSettings(_Strict):
    """The model-artifact scanner."""

    allow_globals: list[Annotated[str, Field(pattern=r"^[A-Za-z_][\w.]*(\.\*)?$")]] = Field(
        default_factory=list
    )
    """Extra pickle globals your models need (``mypkg.models.Net``, ``mypkg.layers.*``).
    Globals that execute code or reach the OS stay findings whatever this says."""
    hash: bool = True
    """Record each artifact's SHA-256 (provenance and tamper detection)."""
    max_depth: Annotated[int, Field(ge=1, le=32)] = 6
    max_expanded_gb: Annotated[float, Field(gt=0)] = 16.0
    seconds_per_artifact: Annotated[float, Field(gt=0)] = 300.0
    object_stores: list[ObjectStoreSource] = Field(default_factory=list)
    signing: SigningSettings = Field(default_factory=SigningSettings)


class DataSource(_Strict):
    """Where sensitive data is looked for during ``stackward scan`` (read-only access)."""

    path: Path | None = None
    uri: Annotated[str | None, Field(pattern=r"^s3://[^/]+(/.*)?$")] = None
    dsn_env: str | None = None
    """Name of an environment variable holding a ``postgresql://`` connection string, so the
    password stays out of this file."""
    dsn: str | None = None
    """A ``postgresql://`` connection string without a password (peer/cert/.pgpass auth)."""
    endpoint_url: str | None = None
    region: str | None = None
    identities: Path | None = None
    """S3 sources: a SeaweedFS ``s3.json``-style identity file, read to say which identity
    can access each sensitive object. Its secret keys are never kept."""
    anonymous_probe: bool = True
    """S3 sources: ask the store, with unsigned read-only requests, whether anybody can list
    the bucket and read each sensitive object."""

    @model_validator(mode="after")
    def _one_target(self) -> DataSource:
        given = [v for v in (self.path, self.uri, self.dsn_env, self.dsn) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of path, uri, dsn_env or dsn")
        if self.identities is not None and self.uri is None:
            raise ValueError("identities applies to s3:// sources only")
        if self.dsn is not None:
            if not self.dsn.startswith(("postgresql://", "postgres://")):
                raise ValueError("dsn must start with postgresql://")
            credentials = self.dsn.split("://", 1)[1].split("@", 1)
            if len(credentials) == 2 and ":" in credentials[0]:
                raise ValueError(
                    "dsn holds a password; put the connection string in an environment"
                    " variable and name it with dsn_env"
                )
        return self


class DataPolicy(_Strict):
    """Which classes of data a store may not hold (``secret.*``, ``pii.national_id.*``)."""

    name: Annotated[str, Field(min_length=3)]
    stores: list[str] = Field(min_length=1)
    """Globs over ``SOURCE`` or ``SOURCE/ITEM`` (``s3://training-*``, ``data/training/*``)."""
    deny: list[Annotated[str, Field(pattern=r"^(pii|secret)(\.[a-z0-9_]+)*(\.\*)?$")]] = Field(
        min_length=1
    )
    min_confidence: Annotated[float, Field(ge=0.0, le=1.0)] = 0.8


class TrainingSources(_Strict):
    """Training metadata read for lineage: MLflow file stores (``mlruns/``) and SageMaker
    describe JSON files (``aws sagemaker describe-training-job`` and friends)."""

    paths: list[Path] = Field(default_factory=list)
    """Files or directories; directories are searched for stores and JSON files."""
    max_file_mb: Annotated[float, Field(gt=0)] = 4.0
    """Describe JSON files larger than this are reported, not parsed."""

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


class ResidencyPolicy(_Strict):
    """Where data of some classes may live: region globs, jurisdictions, or both (either allows)."""

    name: Annotated[str, Field(min_length=3)]
    classes: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?$")]] = (
        Field(min_length=1)
    )
    """Class globs (``pii.*``, ``health.*``, ``pii.email``) the policy covers."""
    regions: list[Annotated[str, Field(pattern=r"^[a-z0-9*?\[\]-]+$")]] = Field(
        default_factory=list
    )
    """Globs over normalised region names (``eu-*``, ``europe-*``, ``westeurope``)."""
    jurisdictions: list[str] = Field(default_factory=list)
    """Countries (ISO codes: ``DE``, ``CH``, ``GB``) or groups (``EU``, ``EEA``, ``UK``)."""

    @model_validator(mode="after")
    def _allows_somewhere(self) -> ResidencyPolicy:
        if not self.regions and not self.jurisdictions:
            raise ValueError(f"residency policy {self.name!r}: give regions, jurisdictions or both")
        from stackward.dspm.regions import region_table

        unknown = sorted(set(self.jurisdictions) - region_table().jurisdictions())
        if unknown:
            raise ValueError(
                f"residency policy {self.name!r}: unknown jurisdiction(s) {', '.join(unknown)}"
            )
        return self


class UsageLog(_Strict):
    """One access log (or a glob of them) read by the usage pass."""

    path: str
    """A file or a glob (``/var/log/postgresql/*.csv``); ``.gz`` files are read compressed."""
    format: Annotated[
        str,
        Field(
            pattern=r"^(postgres|postgres_csv|postgres_json|pgaudit|s3_access|cloudtrail|k8s_audit)$"
        ),
    ]
    """Which parser reads it: PostgreSQL stderr, csvlog or jsonlog, pgaudit records, S3 server
    access logs, CloudTrail data events or Kubernetes audit events."""
    store: str | None = None
    """PostgreSQL logs: the data source the log belongs to, by its ``dsn_env``, ``dsn`` or
    label. Kubernetes audit logs: the cluster context the collector read (empty for
    manifests)."""
    log_line_prefix: str | None = None
    """PostgreSQL stderr logs: the server's ``log_line_prefix``; the default is
    ``%m [%p] %q%u@%d ``. It must hold ``%u`` and ``%d``."""

    @model_validator(mode="after")
    def _postgres_needs_store(self) -> UsageLog:
        if self.format.startswith(("postgres", "pgaudit")) and not self.store:
            raise ValueError("a PostgreSQL log needs store: the data source it belongs to")
        return self


class UsageSettings(_Strict):
    """How sensitive data is used, read from access logs (nothing is written to them)."""

    logs: list[UsageLog] = Field(default_factory=list)
    """The logs to read; none (the default) leaves the pass off."""
    window_days: Annotated[int, Field(ge=1, le=3660)] = 90
    """Only events in the last N days of the logs count (counted back from the newest event)."""
    baseline_days: Annotated[int, Field(ge=0, le=3660)] = 30
    """A principal's first event on an asset after the first N days of the window is a
    first-time access."""


class DataSettings(_Strict):
    """Data security posture: sources to classify and the policies they must meet."""

    sources: list[DataSource] = Field(default_factory=list)
    policies: list[DataPolicy] = Field(default_factory=list)
    sample_rows: Annotated[int, Field(ge=10)] = 10_000
    max_mb: Annotated[float, Field(gt=0)] = 16.0
    full_scan: bool = False
    jobs: Annotated[int, Field(ge=0)] = 0
    """Worker processes for local files; 0 = one per CPU."""
    engine: Annotated[str, Field(pattern=r"^(auto|hyperscan|re)$")] = "auto"
    residency: list[ResidencyPolicy] = Field(default_factory=list)
    """Where classified data and what is derived from it may live (regions, jurisdictions)."""
    usage: UsageSettings = Field(default_factory=UsageSettings)
    """Access logs that show which principals actually read and write the data."""


class DbtManifestSource(_Strict):
    """A dbt ``manifest.json`` and the warehouse it was built against."""

    manifest: Path
    namespace: Annotated[str, Field(min_length=1)]
    """The warehouse in OpenLineage form (``postgres://db.internal:5432``): the manifest
    does not record the profile's host, so relation keys are built from this."""


class LineageSettings(_Strict):
    """Lineage: OpenLineage events and dbt manifests, read during ``stackward scan``."""

    openlineage: list[str] = Field(default_factory=list)
    """Files, directories or globs of OpenLineage events (``.jsonl`` one event a line,
    ``.json`` one event or a list)."""
    receiver_dir: Path = Path(".stackward/lineage")
    """Spool of ``stackward lineage-receiver``; read when it exists."""
    dbt: list[DbtManifestSource] = Field(default_factory=list)
    max_event_mb: Annotated[float, Field(gt=0)] = 4.0
    """Events longer than this are reported and not read."""
    training: TrainingSources = Field(default_factory=TrainingSources)
    """MLflow file stores and SageMaker describe JSON files: training runs, their dataset
    inputs, the models they produced and the endpoints serving them."""


class MlflowSource(_Strict):
    """An MLflow tracking server read through its REST API (read-only requests only)."""

    url: Annotated[str, Field(pattern=r"^https?://[^/\s]+(/\S*)?$")]
    """Base URL of the server (``https://mlflow.internal``, ``http://127.0.0.1:5000``)."""
    token_env: str | None = None
    """Name of an environment variable holding a bearer token, or ``user:password`` for basic
    auth, so the credential stays out of this file."""
    verify_tls: bool = True
    """Verify the server's TLS certificate (turn off only for a lab server)."""
    max_runs: Annotated[int, Field(ge=1, le=1_000_000)] = 10_000
    """Runs read per server; the rest are reported as not read."""


class Suppression(_Strict):
    """Hides matching findings until ``expires``; after that they come back."""

    rule: str
    asset: str = "*"
    reason: Annotated[str, Field(min_length=3)]
    expires: dt.date

    def matches(self, finding: Finding, today: dt.date) -> bool:
        return (
            today <= self.expires
            and fnmatch.fnmatchcase(finding.rule_id, self.rule)
            and fnmatch.fnmatchcase(finding.asset_id, self.asset)
        )


class ChecksPolicy(_Strict):
    disable: list[str] = Field(default_factory=list)
    only: list[str] = Field(default_factory=list)


class StoreSettings(_Strict):
    path: Path = Path(".stackward/stackward.db")


class ReportSettings(_Strict):
    html: Path | None = None
    json_path: Path | None = Field(default=None, alias="json")
    sarif: Path | None = None
    ocsf: Path | None = None


class ServiceSettings(_Strict):
    """Self-hosted AI services: MLflow servers read over their API, and endpoints
    fingerprinted with read-only requests (GET and HEAD)."""

    mlflow: list[MlflowSource] = Field(default_factory=list)
    """MLflow tracking servers: experiments, runs, registered models, server version."""
    endpoints: list[Annotated[str, Field(min_length=1, max_length=2048)]] = Field(
        default_factory=list
    )
    """``host:port`` or ``http(s)://host:port/base`` of services to fingerprint (Ollama, vLLM,
    Jupyter, Ray, MLflow, vector stores, ...). Nothing is probed unless listed here."""
    fingerprint_concurrency: Annotated[int, Field(ge=1, le=1024)] = 64
    """How many endpoints are probed at the same time."""
    probe_kubernetes: bool = False
    """Also fingerprint the Services (cluster DNS name, load balancer addresses) and Ingress
    hosts found in Kubernetes manifests or clusters. Off by default: probing is network
    traffic to every address the manifests name (at most 2,000 targets per scan)."""


class ScanConfig(_Strict):
    version: int = 1
    sources: Sources = Field(default_factory=Sources)
    severity_threshold: Severity = Severity.LOW
    fail_on: Severity | None = None
    checks: ChecksPolicy = Field(default_factory=ChecksPolicy)
    suppressions: list[Suppression] = Field(default_factory=list)
    store: StoreSettings = Field(default_factory=StoreSettings)
    reports: ReportSettings = Field(default_factory=ReportSettings)
    artifacts: ArtifactSettings = Field(default_factory=ArtifactSettings)
    data: DataSettings = Field(default_factory=DataSettings)
    lineage: LineageSettings = Field(default_factory=LineageSettings)
    services: ServiceSettings = Field(default_factory=ServiceSettings)
    detect: DetectConfig = Field(default_factory=DetectConfig)

    @field_validator("severity_threshold", "fail_on", mode="before")
    @classmethod
    def _parse_severity(cls, value: object) -> Severity | None:
        return None if value is None else _severity(value)

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != 1:
            raise ValueError("only config version 1 is supported")
        return value
