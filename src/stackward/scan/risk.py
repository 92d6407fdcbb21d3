"""Risk: severity raised by context (internet exposure, attack paths, sensitive data)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence

from stackward.graph.attack_paths import AttackPath
from stackward.graph.inventory import InventoryGraph
from stackward.model import Finding, Severity

BASE_SCORE = {
    Severity.INFO: 1.0,
    Severity.LOW: 3.0,
    Severity.MEDIUM: 5.0,
    Severity.HIGH: 7.0,
    Severity.CRITICAL: 9.0,
}
ON_ATTACK_PATH = 1.5
INTERNET_EXPOSED = 0.5
SENSITIVE_ASSET = 0.5
MAX_SCORE = 10.0


def rank(
    findings: Sequence[Finding], graph: InventoryGraph, paths: Sequence[AttackPath]
) -> list[Finding]:
    """Score each finding and sort, highest risk first.

    A finding on an asset that lies on an attack path scores higher; one on an asset an
    attacker reaches from the internet, or on a sensitive asset, a little more.
    """
    on_path: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        for asset_id in path.asset_ids:
            on_path[asset_id].append(path.id)
    ranked = []
    for finding in findings:
        score = BASE_SCORE[finding.severity]
        path_ids = tuple(on_path.get(finding.asset_id, ()))
        if path_ids:
            score += ON_ATTACK_PATH
        asset = graph.get(finding.asset_id)
        if asset is not None and asset.internet_exposed:
            score += INTERNET_EXPOSED
        if asset is not None and asset.sensitive:
            score += SENSITIVE_ASSET
        ranked.append(
            dataclasses.replace(
                finding, risk_score=round(min(score, MAX_SCORE), 1), attack_path_ids=path_ids[:20]
            )
        )
    ranked.sort(key=lambda f: (-f.risk_score, -f.severity, f.rule_id, f.asset_id))
    return ranked
