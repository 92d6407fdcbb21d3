"""Everything one scan produced, handed to the store and the reports."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from stackward.checks.base import CheckMeta
from stackward.graph.attack_paths import AttackPath
from stackward.graph.inventory import InventoryGraph
from stackward.model import Finding, Layer, Severity, Skipped


@dataclass(slots=True)
class ScanResult:
    scope: str
    """What was scanned (the sorted roots and clusters); findings resolve within a scope."""
    started_at: dt.datetime
    finished_at: dt.datetime
    graph: InventoryGraph
    findings: list[Finding]
    """Reported findings, highest risk first (suppressed and below-threshold ones excluded)."""
    attack_paths: list[AttackPath]
    skipped: list[Skipped]
    suppressed: list[Finding] = field(default_factory=list)
    checks_run: int = 0
    rules: dict[str, CheckMeta] = field(default_factory=dict)
    """Metadata of each check that ran, by id, for reports."""

    @property
    def partial(self) -> bool:
        """True when anything could not be read or analysed."""
        return bool(self.skipped)

    def severity_counts(self) -> Counter[Severity]:
        return Counter(f.severity for f in self.findings)

    def layer_counts(self) -> dict[Layer, Counter[Severity]]:
        out: dict[Layer, Counter[Severity]] = {layer: Counter() for layer in Layer}
        for finding in self.findings:
            out[finding.layer][finding.severity] += 1
        return out

    def asset_counts(self) -> Counter[Layer]:
        return Counter(a.layer for a in self.graph.assets() if a.id != "net:internet")

    def paths_by_id(self) -> dict[str, AttackPath]:
        return {p.id: p for p in self.attack_paths}
