"""The ``stackward scan-model`` document: one entry per model artifact, with its findings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from stackward import __version__
from stackward.model import Asset, AssetKind, Finding, Severity
from stackward.scan.result import ScanResult

if TYPE_CHECKING:
    from rich.console import Console

_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def _artifacts(result: ScanResult) -> list[Asset]:
    return sorted(result.graph.assets(AssetKind.MODEL_ARTIFACT), key=lambda a: a.id)


def _by_asset(result: ScanResult) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for finding in result.findings:
        out.setdefault(finding.asset_id, []).append(finding)
    return out


def artifact_document(result: ScanResult) -> dict[str, Any]:
    findings = _by_asset(result)
    artifacts = []
    for asset in _artifacts(result):
        own = sorted(findings.get(asset.id, []), key=lambda f: (-f.severity, f.rule_id))
        worst = max((f.severity for f in own), default=None)
        artifacts.append(
            {
                "asset_id": asset.id,
                "location": asset.prop("path", asset.source),
                "size": asset.prop("size"),
                "format": asset.prop("artifact_format", asset.prop("format")),
                "sha256": asset.prop("sha256"),
                "signature": asset.prop("signature"),
                "max_severity": worst.label if worst is not None else None,
                "issues": list(asset.prop("artifact_issues", [])),
                "findings": [
                    {
                        "rule_id": f.rule_id,
                        "severity": f.severity.label,
                        "title": f.title,
                        "location": f.evidence.location,
                        "evidence": f.evidence.snippet,
                        "fingerprint": f.fingerprint,
                        "references": [r.id for r in f.refs],
                    }
                    for f in own
                ],
                "pickle_globals": list(asset.prop("pickle_globals", [])),
            }
        )
    counts = result.severity_counts()
    return {
        "tool": {"name": "stackward", "version": __version__},
        "scan": {
            "scope": result.scope,
            "started_at": result.started_at.isoformat(),
            "finished_at": result.finished_at.isoformat(),
            "partial": result.partial,
        },
        "summary": {
            "artifacts": len(artifacts),
            "flagged": sum(1 for a in artifacts if a["max_severity"] is not None),
            "findings": {s.label: counts.get(s, 0) for s in Severity},
        },
        "artifacts": artifacts,
        "skipped": [{"location": s.location, "reason": s.reason} for s in result.skipped],
    }


def render_artifacts_json(result: ScanResult) -> str:
    return json.dumps(artifact_document(result), indent=2, default=str) + "\n"


def print_artifacts(console: Console, result: ScanResult) -> None:
    from rich.table import Table  # only the console output needs rich

    findings = _by_asset(result)
    assets = _artifacts(result)
    table = Table(title=f"{len(assets)} model artifacts", show_lines=False, expand=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Rule", no_wrap=True)
    table.add_column("Artifact / where")
    table.add_column("What")
    clean = 0
    for asset in assets:
        own = sorted(findings.get(asset.id, []), key=lambda f: (-f.severity, f.rule_id))
        if not own:
            clean += 1
            continue
        for f in own:
            table.add_row(
                f"[{_STYLE[f.severity]}]{f.severity.label}[/]",
                f.rule_id,
                f.evidence.location,
                f"{f.title}: {f.evidence.snippet}",
            )
    if table.row_count:
        console.print(table)
    console.print(
        f"{len(assets)} artifacts scanned, {len(assets) - clean} with findings, {clean} clean"
        + (f"; {len(result.skipped)} parts not read (see --format json)" if result.skipped else ""),
        highlight=False,
    )
    for asset in assets:
        signature = asset.prop("signature")
        if isinstance(signature, Mapping) and signature.get("status") not in (None, "verified"):
            console.print(
                f"  signature {signature.get('status')}: {asset.prop('path')}", highlight=False
            )
