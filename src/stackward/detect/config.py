"""The ``detect:`` section of ``stackward.yaml``: sources, rules, detectors and sinks.

Unknown keys are errors. Secrets (receiver and webhook tokens) are never written in the file:
the file names the environment variable that holds them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Format = Annotated[str, Field(min_length=1, max_length=64)]
"""A parser name (``cloudtrail``, ``bedrock_invocation``, ``k8s_audit``, ``litellm``, ...) or
``auto`` to let the parsers recognise each record."""

HostPort = Annotated[str, Field(pattern=r"^\[?[0-9A-Za-z.:_-]+\]?:\d{1,5}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileSource(_Strict):
    """Log files matching ``path`` (a glob), read line by line; followed across rotation
    (rename or copy-truncate) when ``stackward detect --follow`` runs."""

    type: Literal["file"] = "file"
    path: str
    format: Format = "auto"


class StdinSource(_Strict):
    """Records on standard input, one per line."""

    type: Literal["stdin"] = "stdin"
    format: Format = "auto"


def _tls_only(entry: BaseModel, protocol: str, names: tuple[str, ...]) -> None:
    """Raise when TLS options are given for a protocol other than tls."""
    given = [name for name in names if getattr(entry, name) is not None]
    if given and protocol != "tls":
        raise ValueError(f"{', '.join(given)} apply to protocol tls only")


class SyslogSource(_Strict):
    """A syslog receiver (RFC 5424 and RFC 3164). ``protocol`` udp, tcp (octet-counted or
    newline-framed) or tls (RFC 5425: ``cert_file`` and ``key_file``, PEM, are the receiver's;
    with ``client_ca_file`` senders must present a certificate that CA signed). The message
    part is handed to the parser named by ``format``."""

    type: Literal["syslog"] = "syslog"
    protocol: Literal["udp", "tcp", "tls"] = "udp"
    bind: HostPort = "127.0.0.1:5514"
    format: Format = "auto"
    max_message_kb: Annotated[int, Field(ge=1, le=65536)] = 64
    cert_file: Path | None = None
    key_file: Path | None = None
    client_ca_file: Path | None = None

    @model_validator(mode="after")
    def _tls_needs_its_files(self) -> SyslogSource:
        _tls_only(self, self.protocol, ("cert_file", "key_file", "client_ca_file"))
        if self.protocol == "tls" and (self.cert_file is None or self.key_file is None):
            raise ValueError("protocol tls needs cert_file and key_file")
        return self


class HttpSource(_Strict):
    """An HTTP receiver: POST a JSON object, a JSON array or JSON Lines to ``/api/v1/events``
    with ``Authorization: Bearer <token>``; the token is read from ``token_env``. With
    ``cert_file`` and ``key_file`` (PEM) it speaks HTTPS only; with ``client_ca_file`` clients
    must also present a certificate that CA signed."""

    type: Literal["http"] = "http"
    bind: HostPort = "127.0.0.1:8089"
    token_env: str = "STACKWARD_DETECT_TOKEN"  # noqa: S105 - the variable's name, not a token
    format: Format = "auto"
    max_body_mb: Annotated[float, Field(gt=0, le=1024)] = 16.0
    cert_file: Path | None = None
    key_file: Path | None = None
    client_ca_file: Path | None = None

    @model_validator(mode="after")
    def _https_needs_both_files(self) -> HttpSource:
        if (self.cert_file is None) != (self.key_file is None):
            raise ValueError("HTTPS needs both cert_file and key_file")
        if self.client_ca_file is not None and self.cert_file is None:
            raise ValueError("client_ca_file needs cert_file and key_file (HTTPS)")
        return self


class S3Source(_Strict):
    """Objects under an S3-compatible prefix (CloudTrail delivery, S3 access logs, Bedrock
    invocation logs), listed every ``poll_seconds`` and read once each, oldest first.
    ``late_seconds``: how long after newer objects a late one is still read."""

    type: Literal["s3"] = "s3"
    url: Annotated[str, Field(pattern=r"^s3://[^/]+(/.*)?$")]
    endpoint_url: str | None = None
    region: str | None = None
    profile: str | None = None
    poll_seconds: Annotated[float, Field(gt=0, le=86400)] = 60.0
    late_seconds: Annotated[float, Field(ge=0, le=7 * 86400)] = 3600.0
    format: Format = "auto"


SourceConfig = Annotated[
    FileSource | StdinSource | SyslogSource | HttpSource | S3Source, Field(discriminator="type")
]


class JsonlSink(_Strict):
    """OCSF Detection Finding JSON, one alert per line, appended and fsynced."""

    type: Literal["jsonl"] = "jsonl"
    path: Path


class SyslogSink(_Strict):
    """Alerts to a syslog collector as RFC 5424 (OCSF JSON as the message) or CEF.

    ``protocol: tls`` is syslog over TLS (RFC 5425): the collector's certificate is always
    verified, against ``ca_file`` (PEM) or the system's trust store, for ``server_name`` (the
    host by default); ``cert_file`` and ``key_file`` (PEM) are a client certificate for
    collectors that require one. Port 6514 is the registered one for TLS.
    """

    type: Literal["syslog"] = "syslog"
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 514
    protocol: Literal["udp", "tcp", "tls"] = "tcp"
    format: Literal["rfc5424", "cef"] = "rfc5424"
    app_name: str = "stackward"
    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None
    server_name: str | None = None

    @model_validator(mode="after")
    def _tls_options_need_tls(self) -> SyslogSink:
        _tls_only(self, self.protocol, ("ca_file", "cert_file", "key_file", "server_name"))
        if self.key_file is not None and self.cert_file is None:
            raise ValueError("key_file needs cert_file (the client certificate)")
        return self


class WebhookSink(_Strict):
    """Alerts POSTed as OCSF JSON, retried with backoff; what still fails goes to
    ``dead_letter`` (JSON Lines) so nothing is lost."""

    type: Literal["webhook"] = "webhook"
    url: Annotated[str, Field(pattern=r"^https?://")]
    token_env: str | None = None
    retries: Annotated[int, Field(ge=0, le=20)] = 5
    timeout_seconds: Annotated[float, Field(gt=0, le=300)] = 10.0
    dead_letter: Path = Path(".stackward/detect/webhook-dead-letter.jsonl")


class StoreSink(_Strict):
    """Alerts kept in the scan store (``store.path``), listed by ``stackward alerts``."""

    type: Literal["store"] = "store"


SinkConfig = Annotated[
    JsonlSink | SyslogSink | WebhookSink | StoreSink, Field(discriminator="type")
]


class ContentSettings(_Strict):
    """Detectors that read prompts and responses (when a log keeps them)."""

    prompt_injection: bool = True
    """Rules plus the shipped classifier on prompts (AML.T0051, AML.T0054)."""
    injection_threshold: Annotated[float, Field(ge=0, le=1)] = 0.5
    leakage: bool = True
    """System-prompt and sensitive-data leakage in responses (AML.T0056, AML.T0057)."""
    system_prompts: list[Path] = Field(default_factory=list)
    """Files each holding a system prompt of your applications: a response that repeats one
    is a leak even when the log does not keep the request's system turn."""
    canaries: list[Annotated[str, Field(min_length=6, max_length=512)]] = Field(
        default_factory=list
    )
    """Canary strings planted in system prompts or documents; any response containing one
    is a leak."""


class ExtractionSettings(_Strict):
    """Model-extraction detection per API key (AML.T0024.002)."""

    enabled: bool = True
    window_minutes: Annotated[float, Field(gt=0, le=10080)] = 60.0
    min_queries: Annotated[int, Field(ge=10, le=100000)] = 50
    """Queries in the window before a key is judged at all."""
    max_keys: Annotated[int, Field(ge=1, le=1_000_000)] = 10000
    """Keys tracked at once; the least recently seen is dropped (and counted) beyond this."""


class DetectConfig(_Strict):
    """How ``stackward detect`` reads logs, what it looks for and where alerts go."""

    sources: list[SourceConfig] = Field(default_factory=list)
    rules: list[Path] = Field(default_factory=list)
    """Extra Sigma rule files or directories, added to the built-in AI rule pack."""
    builtin_rules: bool = True
    disable_rules: list[str] = Field(default_factory=list)
    """Rule ids (Sigma ``id`` or stackward ``SW-DET-*`` name) not to run."""
    content: ContentSettings = Field(default_factory=ContentSettings)
    extraction: ExtractionSettings = Field(default_factory=ExtractionSettings)
    sinks: list[SinkConfig] = Field(default_factory=list)
    """Where alerts go; with none listed, alerts are printed and kept in the store."""
    state_dir: Path = Path(".stackward/detect")
    """Checkpoints (source offsets and detector state) and the alert journal."""
    checkpoint_seconds: Annotated[float, Field(gt=0, le=3600)] = 5.0
    checkpoint_events: Annotated[int, Field(ge=1, le=10_000_000)] = 10000
    dedup_seconds: Annotated[float, Field(ge=0, le=86400)] = 300.0
    """Alerts of one rule and group within this many seconds are merged into one (count up)."""
    max_queue: Annotated[int, Field(ge=100, le=10_000_000)] = 10000
    """Records buffered between receivers and the detectors; receivers push back (TCP, HTTP
    503) or count drops (UDP) beyond it, so memory stays bounded."""
