"""Version → CVE: published advisories for the products stackward recognises, as data.

One file (``advisories.yaml`` beside this module) serves every reader: the fingerprinter
matches it against the version a service reports, the MLflow collector against the version its
tracking server reports. Each entry carries the affected range as a PEP 440 specifier
(``<0.1.34``), the first fixed release, the advisory page it was copied from and whether those
facts were confirmed (``checked``). A version that PEP 440 cannot read matches nothing: an
unknown version is never reported as vulnerable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Literal

import yaml
from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from stackward.fingerprint.matching import parsed_version
from stackward.fingerprint.rules import RULES_PACKAGE, RuleError

_ORDERED = {
    "<": Version.__lt__,
    "<=": Version.__le__,
    ">": Version.__gt__,
    ">=": Version.__ge__,
    "==": Version.__eq__,
    "!=": Version.__ne__,
}
_URL = Annotated[str, Field(pattern=r"^https://\S+$")]


class Advisory(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    product: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    cve: Annotated[str, Field(pattern=r"^CVE-\d{4}-\d{4,}$")]
    aliases: tuple[str, ...] = ()
    """GHSA and PYSEC ids of the same flaw."""
    affected: str
    """PEP 440 specifier set of the affected versions (``>=0.1.0,<0.8.2``)."""
    fixed: str | None = None
    """The first release with the fix; ``None`` when no fixed release is published."""
    severity: Literal["critical", "high", "medium", "low"]
    advisory: _URL
    references: tuple[_URL, ...] = ()
    summary: Annotated[str, Field(min_length=10, max_length=300)]
    checked: bool
    """The CVE id, range and fixed release were confirmed against the CVE record or an
    advisory database; ``false`` entries say in a comment what could not be confirmed."""

    @field_validator("affected")
    @classmethod
    def _specifier(cls, value: str) -> str:
        try:
            SpecifierSet(value)
        except InvalidSpecifier:
            raise ValueError(f"not a PEP 440 specifier set: {value!r}") from None
        return value

    @field_validator("fixed")
    @classmethod
    def _version(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                Version(value)
            except InvalidVersion:
                raise ValueError(f"not a PEP 440 version: {value!r}") from None
        return value

    def affects(self, version: str | None) -> bool:
        """Whether ``version`` lies in the range. Bounds compare in plain version order, so a
        pre-release of the fixed version (``2.9.2rc1`` against ``<2.9.2``) is affected: the fix
        ships in the final release."""
        parsed = parsed_version(version)
        return parsed is not None and all(
            _within(parsed, clause) for clause in SpecifierSet(self.affected)
        )

    def as_dict(self) -> dict[str, object]:
        """The entry as asset evidence; ``id`` repeats the CVE for readers keyed on it."""
        return {"id": self.cve, **self.model_dump(mode="json")}


def _within(version: Version, clause: Specifier) -> bool:
    compare = _ORDERED.get(clause.operator)
    if compare is None or clause.version.endswith(".*"):
        return clause.contains(version, prereleases=True)
    return bool(compare(version, Version(clause.version)))


@dataclass(frozen=True, slots=True)
class AdvisoryMatch:
    cve: str
    severity: str
    advisory: str
    summary: str
    affected: str
    fixed: str | None = None
    checked: bool = True


def parse_advisories(text: str, origin: str) -> tuple[Advisory, ...]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleError(f"{origin}: not valid YAML: {exc}") from None
    entries = data.get("advisories") if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        raise RuleError(f"{origin}: expected a mapping with an 'advisories' list")
    try:
        found = tuple(Advisory.model_validate(e) for e in entries)
    except ValidationError as exc:
        raise RuleError(f"{origin}: {exc}") from None
    keys = [(a.product, a.cve) for a in found]
    duplicates = sorted({f"{p} {c}" for p, c in keys if keys.count((p, c)) > 1})
    if duplicates:
        raise RuleError(f"{origin}: listed twice: {', '.join(duplicates)}")
    return found


@cache
def builtin_advisories() -> tuple[Advisory, ...]:
    text = resources.files(RULES_PACKAGE).joinpath("advisories.yaml").read_text(encoding="utf-8")
    return parse_advisories(text, "advisories.yaml")


def affecting(
    product: str, version: str | None, advisories: tuple[Advisory, ...] | None = None
) -> list[Advisory]:
    """The advisories of ``product`` whose affected range holds ``version``, in file order."""
    pool = builtin_advisories() if advisories is None else advisories
    return [a for a in pool if a.product == product and a.affects(version)]


def advisories_for(
    product: str, version: str | None, advisories: tuple[Advisory, ...] | None = None
) -> list[AdvisoryMatch]:
    """The advisories whose affected range holds ``version`` of ``product``."""
    return [
        AdvisoryMatch(a.cve, a.severity, a.advisory, a.summary, a.affected, a.fixed, a.checked)
        for a in affecting(product, version, advisories)
    ]
