"""Native JSON: the whole scan (summary, findings, paths, skipped, inventory counts, data map)."""

from __future__ import annotations

import json
from typing import Any

from stackward import __version__
from stackward.model import Finding
from stackward.report.data_map import build_data_map, data_map_dict
from stackward.scan.result import ScanResult


def finding_dict(finding: Finding) -> dict[str, Any]:
    ev = finding.evidence
    return {
        "fingerprint": finding.fingerprint,
        "rule_id": finding.rule_id,
        "title": finding.title,
        "severity": finding.severity.label,
        "risk_score": finding.risk_score,
        "layer": finding.layer.value,
        "asset_id": finding.asset_id,
        "evidence": {"location": ev.location, "line": ev.line, "snippet": ev.snippet},
        "remediation": finding.remediation,
        "references": [
            {"framework": r.framework.value, "id": r.id, "name": r.name} for r in finding.refs
        ],
        "attack_paths": list(finding.attack_path_ids),
    }


class JsonReporter:
    name = "json"
    suffix = ".json"

    def render(self, result: ScanResult) -> str:
        doc = {
            "tool": {"name": "stackward", "version": __version__},
            "scan": {
                "scope": result.scope,
                "started_at": result.started_at.isoformat(),
                "finished_at": result.finished_at.isoformat(),
                "partial": result.partial,
                "checks_run": result.checks_run,
            },
            "summary": {
                "assets": len(result.graph),
                "relations": result.graph.relation_count,
                "findings": len(result.findings),
                "suppressed": len(result.suppressed),
                "by_severity": {s.label: n for s, n in sorted(result.severity_counts().items())},
                "assets_by_layer": {layer.value: n for layer, n in result.asset_counts().items()},
            },
            "findings": [finding_dict(f) for f in result.findings],
            "attack_paths": [
                {
                    "id": p.id,
                    "entry": p.entry_id,
                    "target": p.target_id,
                    "steps": [
                        {"from": e.src, "to": e.dst, "relation": e.kind.value} for e in p.edges
                    ],
                }
                for p in result.attack_paths
            ],
            "skipped": [
                {"location": s.location, "reason": s.reason, "collector": s.collector}
                for s in result.skipped
            ],
            "data_map": data_map_dict(build_data_map(result)),
        }
        return json.dumps(doc, indent=2, sort_keys=False) + "\n"
