"""Version → CVE: published advisories for fingerprinted products, as data.

Each entry carries the affected range as a PEP 440 specifier (``<0.1.34``) and the advisory
page it was copied from. A version that PEP 440 cannot read matches nothing: an unknown
version is never reported as vulnerable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Literal

import yaml
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from stackward.fingerprint.matching import parsed_version
from stackward.fingerprint.rules import RULES_PACKAGE, RuleError


class Advisory(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    product: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    cve: Annotated[str, Field(pattern=r"^CVE-\d{4}-\d{4,}$")]
    affected: str
    """PEP 440 specifier set of the affected versions (``>=4.0,<4.11.0``)."""
    severity: Literal["critical", "high", "medium", "low"]
    advisory: Annotated[str, Field(pattern=r"^https://\S+$")]
    summary: Annotated[str, Field(min_length=10, max_length=300)]

    @field_validator("affected")
    @classmethod
    def _specifier(cls, value: str) -> str:
        try:
            SpecifierSet(value)
        except InvalidSpecifier:
            raise ValueError(f"not a PEP 440 specifier set: {value!r}") from None
        return value

    def affects(self, version: str | None) -> bool:
        parsed = parsed_version(version)
        return parsed is not None and SpecifierSet(self.affected).contains(parsed, prereleases=True)


@dataclass(frozen=True, slots=True)
class AdvisoryMatch:
    cve: str
    severity: str
    advisory: str
    summary: str
    affected: str


def parse_advisories(text: str, origin: str) -> tuple[Advisory, ...]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleError(f"{origin}: not valid YAML: {exc}") from None
    entries = data.get("advisories") if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        raise RuleError(f"{origin}: expected a mapping with an 'advisories' list")
    try:
        return tuple(Advisory.model_validate(e) for e in entries)
    except ValidationError as exc:
        raise RuleError(f"{origin}: {exc}") from None


@cache
def builtin_advisories() -> tuple[Advisory, ...]:
    text = resources.files(RULES_PACKAGE).joinpath("advisories.yaml").read_text(encoding="utf-8")
    return parse_advisories(text, "advisories.yaml")


def advisories_for(
    product: str, version: str | None, advisories: tuple[Advisory, ...] | None = None
) -> list[AdvisoryMatch]:
    """The advisories whose affected range holds ``version`` of ``product``."""
    pool = builtin_advisories() if advisories is None else advisories
    return [
        AdvisoryMatch(a.cve, a.severity, a.advisory, a.summary, a.affected)
        for a in pool
        if a.product == product and a.affects(version)
    ]
