"""Terminal output: findings grouped by layer and severity, with totals."""

from __future__ import annotations

from itertools import groupby

from rich.console import Console
from rich.table import Table
from rich.text import Text

from stackward.graph.attack_paths import AttackPath
from stackward.graph.inventory import InventoryGraph
from stackward.model import Layer, Severity
from stackward.scan.result import ScanResult

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def severity_text(severity: Severity) -> Text:
    return Text(severity.label.upper(), style=SEVERITY_STYLE[severity])


def print_findings(console: Console, result: ScanResult, max_skipped: int = 20) -> None:
    layer_order = {layer: i for i, layer in enumerate(Layer)}
    ordered = sorted(
        result.findings, key=lambda f: (layer_order[f.layer], -f.severity, -f.risk_score)
    )
    for layer, group in groupby(ordered, key=lambda f: f.layer):
        items = list(group)
        table = Table(
            title=f"{layer.display_name} ({len(items)})", title_justify="left", expand=True
        )
        table.add_column("Severity", no_wrap=True)
        table.add_column("Risk", justify="right", no_wrap=True)
        table.add_column("Rule", no_wrap=True)
        table.add_column("Finding")
        table.add_column("Asset / evidence")
        for finding in items:
            where = finding.evidence.location
            if finding.evidence.line:
                where += f":{finding.evidence.line}"
            path_mark = " [path]" if finding.attack_path_ids else ""
            table.add_row(
                severity_text(finding.severity),
                f"{finding.risk_score:.1f}{path_mark}",
                finding.rule_id,
                finding.title,
                f"{finding.asset_id}\n[dim]{where}[/dim]",
            )
        console.print(table)
    print_summary(console, result, max_skipped)


def print_summary(console: Console, result: ScanResult, max_skipped: int = 20) -> None:
    counts = result.severity_counts()
    totals = Table(title="Totals", title_justify="left")
    totals.add_column("Layer")
    totals.add_column("Assets", justify="right")
    for severity in reversed(Severity):
        totals.add_column(severity.label.capitalize(), justify="right")
    assets = result.asset_counts()
    for layer, by_sev in result.layer_counts().items():
        totals.add_row(
            layer.display_name,
            str(assets.get(layer, 0)),
            *(str(by_sev[s] or "") for s in reversed(Severity)),
        )
    totals.add_row(
        "[bold]All layers[/bold]",
        str(sum(assets.values())),
        *(f"[bold]{counts[s]}[/bold]" for s in reversed(Severity)),
    )
    console.print(totals)
    console.print(
        f"{len(result.findings)} findings ({len(result.suppressed)} suppressed), "
        f"{len(result.attack_paths)} attack paths, {len(result.graph)} assets, "
        f"{result.graph.relation_count} relations, {result.checks_run} checks."
    )
    if result.skipped:
        console.print(
            f"[bold yellow]Partial scan:[/bold yellow] {len(result.skipped)} item(s) could not be analysed:"
        )
        for skipped in result.skipped[:max_skipped]:
            console.print(
                f"  [yellow]skipped[/yellow] {skipped.location}: {skipped.reason}", highlight=False
            )
        if len(result.skipped) > max_skipped:
            console.print(
                f"  ... and {len(result.skipped) - max_skipped} more (see the JSON report)"
            )


def describe_path(path: AttackPath, graph: InventoryGraph) -> str:
    parts: list[str] = []
    for edge in path.edges:
        if not parts:
            parts.append(_label(edge.src, graph))
        parts.append(f"-{edge.kind.value}-> {_label(edge.dst, graph)}")
    return " ".join(parts)


def _label(asset_id: str, graph: InventoryGraph) -> str:
    asset = graph.get(asset_id)
    return asset_id if asset is None else f"{asset.id}"


def print_paths(console: Console, result: ScanResult, limit: int = 50) -> None:
    if not result.attack_paths:
        console.print("No attack paths from the internet to sensitive assets.")
        return
    for path in result.attack_paths[:limit]:
        target = result.graph[path.target_id]
        console.print(
            f"[bold]{path.id}[/bold] internet → [red]{target.kind.value}[/red] {target.id} "
            f"({path.length} steps)"
        )
        console.print(f"  {describe_path(path, result.graph)}", highlight=False)
    if len(result.attack_paths) > limit:
        console.print(f"... and {len(result.attack_paths) - limit} more")
