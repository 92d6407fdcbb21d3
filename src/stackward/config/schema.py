"""The validated shape of ``stackward.yaml``. Unknown keys are errors, not ignored."""

from __future__ import annotations

import datetime as dt
import fnmatch
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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


class Sources(_Strict):
    paths: list[Path] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=lambda: list(DEFAULT_EXCLUDES))
    max_parse_mb: Annotated[float, Field(gt=0)] = 64.0
    kubernetes_clusters: list[KubernetesClusterSource] = Field(default_factory=list)

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

    @model_validator(mode="after")
    def _one_target(self) -> DataSource:
        given = [v for v in (self.path, self.uri, self.dsn_env, self.dsn) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of path, uri, dsn_env or dsn")
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
