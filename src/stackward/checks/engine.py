"""Runs checks over the graph and turns their violations into findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from stackward.checks.base import Check
from stackward.graph.inventory import InventoryGraph
from stackward.model import Finding, Skipped


@dataclass(slots=True)
class CheckRun:
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def run_checks(graph: InventoryGraph, checks: Sequence[Check]) -> CheckRun:
    """Evaluate each check on each asset of the kinds it declares.

    A check that raises on an asset does not stop the scan: the failure is recorded as a
    :class:`Skipped` naming the check and the asset.
    """
    run = CheckRun()
    for check in checks:
        meta = check.meta
        for asset in list(graph.assets(*sorted(meta.kinds))):
            try:
                violations = list(check.evaluate(asset, graph))
            except Exception as exc:  # a broken check must not end the scan
                run.skipped.append(
                    Skipped(asset.id, f"check {meta.id} failed: {type(exc).__name__}: {exc}")
                )
                continue
            for violation in violations:
                title = f"{meta.title}: {violation.detail}" if violation.detail else meta.title
                run.findings.append(
                    Finding(
                        rule_id=meta.id,
                        asset_id=asset.id,
                        layer=asset.layer,
                        severity=violation.severity or meta.severity,
                        title=title,
                        evidence=violation.evidence,
                        remediation=meta.remediation,
                        refs=meta.refs,
                    )
                )
    return run
