"""``stackward lineage``: where an asset's data came from, or where it goes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stackward.cli.common import fail, resolve_config

if TYPE_CHECKING:
    from stackward.graph.inventory import InventoryGraph
    from stackward.lineage.traverse import LineageTree
    from stackward.model import Asset


def lineage(
    asset: Annotated[str, typer.Argument(help="An asset id, a dataset key or a unique name.")],
    targets: Annotated[
        list[Path] | None, typer.Argument(help="Directories or files to scan.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Path to stackward.yaml.")
    ] = None,
    upstream: Annotated[bool, typer.Option("--upstream", help="Where it came from.")] = False,
    downstream: Annotated[bool, typer.Option("--downstream", help="Where it goes.")] = False,
    depth: Annotated[int, typer.Option(min=1, max=100, help="Steps to follow.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print nodes and edges as JSON.")] = False,
) -> None:
    """Print the lineage tree of one asset (upstream unless --downstream)."""
    from stackward.lineage.traverse import find_asset, walk
    from stackward.scan import run_scan

    if upstream and downstream:
        raise fail("give --upstream or --downstream, not both")
    result = run_scan(resolve_config(targets or [], config))
    found = find_asset(result.graph, asset)
    if isinstance(found, list):
        hint = ", ".join(sorted(a.id for a in found)[:10])
        raise fail(
            f"{asset!r} names {len(found)} assets: {hint}" if found else f"no asset {asset!r}"
        )
    tree = walk(result.graph, found.id, "downstream" if downstream else "upstream", depth)
    if as_json:
        typer.echo(json.dumps(_as_json(result.graph, tree), indent=2, sort_keys=True))
    else:
        for line in _as_lines(result.graph, tree):
            typer.echo(line)


def _describe(asset: Asset) -> dict[str, Any]:
    return {
        "id": asset.id,
        "kind": asset.kind.value,
        "name": asset.name,
        "region": asset.region,
        "dataset_key": asset.prop("dataset_key"),
        "data_classes": sorted(asset.prop("data_classes") or {}),
        "derived_classes": sorted(asset.prop("derived_classes") or {}),
    }


def _as_json(graph: InventoryGraph, tree: LineageTree) -> dict[str, Any]:
    return {
        "root": tree.root,
        "direction": tree.direction,
        "truncated": tree.truncated,
        "nodes": [
            {**_describe(graph[node]), "depth": level} for node, level in tree.depth_of.items()
        ],
        "edges": [
            {"src": e.src, "dst": e.dst, "kind": e.kind.value, "properties": dict(e.properties)}
            for e in tree.edges
        ],
    }


def _label(asset: Asset) -> str:
    info = _describe(asset)
    parts = [f"{info['id']} [{info['kind']}]"]
    if info["data_classes"]:
        parts.append(f"classes: {', '.join(info['data_classes'])}")
    if info["derived_classes"]:
        parts.append(f"derived: {', '.join(info['derived_classes'])}")
    parts.append(f"region: {info['region'] or 'unknown'}")
    return "  ".join(parts)


def _as_lines(graph: InventoryGraph, tree: LineageTree) -> list[str]:
    lines = [_label(graph[tree.root])]
    stack = [(child, edge, 1) for edge, child in reversed(tree.children.get(tree.root, []))]
    while stack:
        node, edge, level = stack.pop()
        lines.append(f"{'  ' * level}{edge.kind.value}: {_label(graph[node])}")
        stack.extend((c, e, level + 1) for e, c in reversed(tree.children.get(node, [])))
    if tree.truncated:
        lines.append("... more assets not shown")
    return lines
