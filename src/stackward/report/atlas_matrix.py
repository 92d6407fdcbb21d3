"""The ATLAS tactic x technique matrix, annotated with the findings that reference each cell.

Columns are the ATLAS tactics in matrix order; each holds the parent techniques of that tactic.
A finding that references a sub-technique counts towards its parent's cell, and the
sub-technique is listed inside the cell, so the matrix keeps the shape analysts know from the
ATLAS site while nothing referenced is hidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from stackward.frameworks import AtlasCatalog, atlas_catalog
from stackward.model import Finding, Framework, Severity


@dataclass(slots=True)
class Hits:
    """Findings that reference one technique: how many and the worst severity."""

    count: int = 0
    max_severity: Severity | None = None

    def add(self, severity: Severity) -> None:
        self.count += 1
        if self.max_severity is None or severity > self.max_severity:
            self.max_severity = severity


@dataclass(slots=True)
class SubTechniqueCell:
    id: str
    name: str
    hits: Hits


@dataclass(slots=True)
class TechniqueCell:
    id: str
    name: str
    hits: Hits
    sub_techniques: list[SubTechniqueCell] = field(default_factory=list)


@dataclass(slots=True)
class TacticColumn:
    id: str
    name: str
    techniques: list[TechniqueCell]

    @property
    def count(self) -> int:
        return sum(cell.hits.count for cell in self.techniques)


def technique_hits(findings: Iterable[Finding], catalog: AtlasCatalog) -> dict[str, Hits]:
    """Hits per referenced technique or sub-technique id (a finding counts once per id)."""
    hits: dict[str, Hits] = {}
    for finding in findings:
        ids = {
            r.id
            for r in finding.refs
            if r.framework is Framework.ATLAS and r.id in catalog.techniques
        }
        for technique_id in ids:
            hits.setdefault(technique_id, Hits()).add(finding.severity)
    return hits


def _parent_hits(findings: Iterable[Finding], catalog: AtlasCatalog) -> dict[str, Hits]:
    """Hits per parent technique, counting a finding once even if it names several children."""
    hits: dict[str, Hits] = {}
    for finding in findings:
        parents = {
            catalog.techniques[r.id].parent or r.id
            for r in finding.refs
            if r.framework is Framework.ATLAS and r.id in catalog.techniques
        }
        for parent_id in parents:
            hits.setdefault(parent_id, Hits()).add(finding.severity)
    return hits


def atlas_matrix(
    findings: list[Finding], catalog: AtlasCatalog | None = None
) -> list[TacticColumn]:
    """One column per ATLAS tactic, in matrix order, with every parent technique as a cell."""
    catalog = catalog or atlas_catalog()
    exact = technique_hits(findings, catalog)
    rolled = _parent_hits(findings, catalog)
    children: dict[str, list[SubTechniqueCell]] = {}
    for technique in catalog.techniques.values():
        if technique.parent and technique.id in exact:
            children.setdefault(technique.parent, []).append(
                SubTechniqueCell(technique.id, technique.name, exact[technique.id])
            )
    columns: list[TacticColumn] = []
    for tactic in catalog.tactics:
        cells = [
            TechniqueCell(
                technique.id,
                technique.name,
                rolled.get(technique.id, Hits()),
                children.get(technique.id, []),
            )
            for technique in catalog.techniques.values()
            if technique.parent is None and tactic.id in technique.tactics
        ]
        columns.append(TacticColumn(tactic.id, tactic.name, cells))
    return columns
