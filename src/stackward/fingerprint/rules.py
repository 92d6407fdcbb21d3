"""Fingerprint rules: one YAML file per product, validated before any request is sent.

A rule is data, never code. It names the read-only requests that identify a product, the one
that reads its version and the ones whose answer proves the API is open without credentials.
Only ``GET`` and ``HEAD`` can be expressed: the schema rejects every other method, so a rule
cannot change the service it looks at.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from stackward.model import AssetKind, Severity

READ_METHODS = frozenset({"GET", "HEAD"})
RULES_PACKAGE = "stackward.fingerprint"


class RuleError(ValueError):
    """A rule file is malformed; the message names the file."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
    return pattern


class ProbeRequest(_Strict):
    """One read-only HTTP request, relative to the target's base URL."""

    method: Literal["GET", "HEAD"] = "GET"
    path: Annotated[str, Field(pattern=r"^/[^\s#]*$", max_length=300)]
    headers: dict[str, str] = Field(default_factory=dict)

    @field_validator("headers")
    @classmethod
    def _no_credentials(cls, value: dict[str, str]) -> dict[str, str]:
        banned = {"authorization", "cookie", "proxy-authorization", "x-api-key"}
        for name in value:
            if name.lower() in banned:
                raise ValueError(f"header {name} would send credentials; probes stay anonymous")
        return value

    @property
    def key(self) -> tuple[str, str, tuple[tuple[str, str], ...]]:
        return self.method, self.path, tuple(sorted(self.headers.items()))

    def describe(self) -> str:
        return f"{self.method} {self.path}"


class Matcher(_Strict):
    """Every condition given must hold. Regexes search, case-sensitively unless ``(?i)``."""

    status: list[Annotated[int, Field(ge=100, le=599)]] = Field(default_factory=lambda: [200])
    header_regex: dict[str, str] = Field(default_factory=dict)
    """Response header name (any case) → regex the value must contain."""
    body_regex: str | None = None
    json_keys: list[str] = Field(default_factory=list)
    """Dotted paths that must exist in the JSON body (``features.auth``)."""
    json_equals: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    """Dotted path → the exact JSON value it must hold."""
    json_list: bool = False
    """The JSON body must be an array (a list of kernels, of jobs)."""

    @field_validator("header_regex")
    @classmethod
    def _header_patterns(cls, value: dict[str, str]) -> dict[str, str]:
        for pattern in value.values():
            _compiles(pattern)
        return {name.lower(): pattern for name, pattern in value.items()}

    @field_validator("body_regex")
    @classmethod
    def _body_pattern(cls, value: str | None) -> str | None:
        return None if value is None else _compiles(value)

    @property
    def needs_json(self) -> bool:
        return bool(self.json_keys or self.json_equals or self.json_list)


class Probe(_Strict):
    request: ProbeRequest
    match: Matcher = Field(default_factory=Matcher)


class VersionProbe(Probe):
    """Where the version is read: a dotted JSON path or a regex whose first group is it."""

    json_path: str | None = None
    regex: str | None = None

    @field_validator("regex")
    @classmethod
    def _one_group(cls, value: str | None) -> str | None:
        if value is not None and re.compile(_compiles(value)).groups < 1:
            raise ValueError("version regex needs a capturing group")
        return value


class ExposureProbe(Probe):
    """A read whose success proves that anybody who reaches the port can use the API."""

    severity: Literal["critical", "high", "medium"] = "high"
    proves: Annotated[str, Field(min_length=10, max_length=300)]
    """What an anonymous caller can do, in one sentence."""
    cve: str | None = None
    """A CVE describing this by-design exposure (Ray CVE-2023-48022), cited in the evidence."""

    @property
    def severity_level(self) -> Severity:
        return Severity.parse(self.severity)


class Rule(_Strict):
    """How one product is recognised, versioned and found open."""

    product: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: Annotated[str, Field(min_length=2)]
    asset_kind: AssetKind
    source: list[Annotated[str, Field(pattern=r"^https://\S+$")]] = Field(min_length=1)
    """The documentation pages the requests and matchers were written from."""
    checked: bool = False
    """Every ``source`` page was found and confirmed; ``false`` rules say in a comment which
    page could not be confirmed. A rule file that does not say is taken as unchecked."""
    default_ports: list[Annotated[int, Field(ge=1, le=65535)]] = Field(default_factory=list)
    specificity: Annotated[int, Field(ge=0, le=1000)] = 100
    """Rules are tried most specific first, so a generic OpenAI-compatible rule comes last."""
    identify_any: bool = False
    """Identify when any one probe matches (alternative API generations); default: all."""
    identify: list[Probe] = Field(min_length=1, max_length=4)
    version: list[VersionProbe] = Field(default_factory=list, max_length=3)
    exposure: list[ExposureProbe] = Field(default_factory=list, max_length=4)

    @field_validator("asset_kind")
    @classmethod
    def _service_kind(cls, value: AssetKind) -> AssetKind:
        allowed = {
            AssetKind.AI_SERVICE,
            AssetKind.LLM_SERVICE,
            AssetKind.VECTOR_STORE,
            AssetKind.NOTEBOOK_INSTANCE,
            AssetKind.MODEL_REGISTRY,
        }
        if value not in allowed:
            raise ValueError(f"asset_kind must be one of {sorted(k.value for k in allowed)}")
        return value

    def requests(self) -> list[ProbeRequest]:
        probes: list[Probe] = [*self.identify, *self.version, *self.exposure]
        return [p.request for p in probes]


def parse_rule(text: str, origin: str) -> Rule:
    """Validate one rule document; :class:`RuleError` names ``origin`` and the problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleError(f"{origin}: not valid YAML: {exc}") from None
    if not isinstance(data, Mapping):
        raise RuleError(f"{origin}: a rule must be a mapping")
    try:
        return Rule.model_validate(data)
    except ValidationError as exc:
        raise RuleError(f"{origin}: {exc}") from None


def load_rules(directory: Path | None = None) -> tuple[Rule, ...]:
    """The rules in ``directory`` (the built-in ones by default), most specific first."""
    if directory is None:
        return builtin_rules()
    files = sorted(directory.glob("*.yaml"))
    return _ordered([parse_rule(f.read_text(encoding="utf-8"), str(f)) for f in files])


@cache
def builtin_rules() -> tuple[Rule, ...]:
    folder = resources.files(RULES_PACKAGE).joinpath("rules")
    found = [
        parse_rule(entry.read_text(encoding="utf-8"), f"rules/{entry.name}")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml")
    ]
    return _ordered(found)


def _ordered(rules: list[Rule]) -> tuple[Rule, ...]:
    products = [r.product for r in rules]
    duplicates = sorted({p for p in products if products.count(p) > 1})
    if duplicates:
        raise RuleError(f"products defined twice: {', '.join(duplicates)}")
    return tuple(sorted(rules, key=lambda r: (-r.specificity, r.product)))
