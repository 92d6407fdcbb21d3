"""NIST AI RMF coverage: which subcategories the checks that ran address, and which fail.

A subcategory is *covered* when at least one check that ran references it, and *open* when a
reported finding references it. Reading the two together shows both where the scan looked and
where the organisation currently falls short.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from stackward.checks.base import CheckMeta
from stackward.frameworks import nist_catalog
from stackward.model import Finding, Framework, Severity

FUNCTIONS = ("GOVERN", "MAP", "MEASURE", "MANAGE")


@dataclass(slots=True)
class SubcategoryCoverage:
    id: str
    text: str
    checks: list[str] = field(default_factory=list)
    open_findings: int = 0
    max_severity: Severity | None = None

    @property
    def function(self) -> str:
        return self.id.split(" ", 1)[0]


@dataclass(slots=True)
class FunctionCoverage:
    name: str
    subcategories: list[SubcategoryCoverage]
    total: int
    """How many subcategories the function has in AI RMF 1.0."""

    @property
    def covered(self) -> int:
        return len(self.subcategories)

    @property
    def failing(self) -> int:
        return sum(1 for s in self.subcategories if s.open_findings)


def _sort_key(control_id: str) -> tuple[int, ...]:
    number = control_id.split(" ", 1)[1]
    return tuple(int(part) for part in number.split("."))


def nist_coverage(
    rules: Mapping[str, CheckMeta], findings: Iterable[Finding]
) -> list[FunctionCoverage]:
    """Coverage per AI RMF function, in the framework's order."""
    catalog = nist_catalog()
    entries: dict[str, SubcategoryCoverage] = {}

    def entry(control_id: str) -> SubcategoryCoverage:
        if control_id not in entries:
            entries[control_id] = SubcategoryCoverage(control_id, catalog.get(control_id, ""))
        return entries[control_id]

    for meta in sorted(rules.values(), key=lambda m: m.id):
        for ref in meta.refs:
            if ref.framework is Framework.NIST_AI_RMF:
                entry(ref.id).checks.append(meta.id)
    for finding in findings:
        for ref in finding.refs:
            if ref.framework is Framework.NIST_AI_RMF:
                item = entry(ref.id)
                item.open_findings += 1
                if item.max_severity is None or finding.severity > item.max_severity:
                    item.max_severity = finding.severity
    totals = dict.fromkeys(FUNCTIONS, 0)
    for control_id in catalog:
        function, _, number = control_id.partition(" ")
        if "." in number and function in totals:
            totals[function] += 1
    return [
        FunctionCoverage(
            name,
            sorted(
                (e for e in entries.values() if e.function == name),
                key=lambda e: _sort_key(e.id),
            ),
            totals[name],
        )
        for name in FUNCTIONS
    ]
