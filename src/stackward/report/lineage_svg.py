"""A lineage drawing as inline SVG, laid out in Python so the report needs no script or font.

Layers follow the longest path from a source (an asset nothing feeds), so data always flows
left to right; within a layer, assets sit near the mean position of what feeds them, which
keeps most arrows short. The SVG is built with ``xml.etree`` so every name and id from the
scan is escaped by the serializer, never pasted into markup by hand.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from stackward.graph.inventory import InventoryGraph
from stackward.report.data_lineage import FlowEdge, flow_edge, lineage_of

MAX_OVERVIEW_NODES = 50
"""Above this many assets one drawing is unreadable: each data asset gets its neighbourhood."""
NEIGHBOURHOOD_DEPTH = 2
BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 180, 38, 60, 16, 12
LABEL_CHARS = 24
ARC_LIFT = 30
"""Room above the boxes for arrows that skip a column."""
SVG_NS = "http://www.w3.org/2000/svg"

_FILL = {
    "data.dataset": "#dbeafe",
    "data.store": "#ccfbf1",
    "storage.bucket": "#cffafe",
    "data.job": "#e5e7eb",
    "ai.training_job": "#ede9fe",
    "ai.model_artifact": "#ffedd5",
    "ai.model_endpoint": "#fee2e2",
}
_STROKE = {
    "data.dataset": "#2563eb",
    "data.store": "#0d9488",
    "storage.bucket": "#0891b2",
    "data.job": "#4b5563",
    "ai.training_job": "#7c3aed",
    "ai.model_artifact": "#ea580c",
    "ai.model_endpoint": "#dc2626",
}
_DEFAULT_FILL, _DEFAULT_STROKE = "#f3f4f6", "#6b7280"


@dataclass(frozen=True, slots=True)
class DrawnNode:
    id: str
    name: str
    kind: str


def lineage_edges(graph: InventoryGraph) -> list[FlowEdge]:
    """Every lineage relation of the graph between known assets, in the direction of flow."""
    out = {
        edge
        for relation in graph.relations()
        if relation.src in graph
        and relation.dst in graph
        and (edge := flow_edge(relation)) is not None
    }
    return sorted(out, key=lambda e: (e.src, e.dst, e.relation))


def without_shortcuts(edges: Iterable[FlowEdge]) -> list[FlowEdge]:
    """The edges to draw: a ``DERIVED_FROM`` or ``TRAINED_ON`` arrow that repeats a route
    through a job (input → job → output) is left out, as the job already shows it."""
    edges = list(edges)
    inputs: dict[str, set[str]] = defaultdict(set)
    outputs: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        if edge.relation == "READS":
            inputs[edge.dst].add(edge.src)
        elif edge.relation == "WRITES":
            outputs[edge.src].add(edge.dst)
    through_job = {(i, o) for job in inputs for i in inputs[job] for o in outputs.get(job, ())}
    return [
        e
        for e in edges
        if e.relation not in ("DERIVED_FROM", "TRAINED_ON") or (e.src, e.dst) not in through_job
    ]


def nodes_of(edges: Iterable[FlowEdge], graph: InventoryGraph) -> dict[str, DrawnNode]:
    out: dict[str, DrawnNode] = {}
    for edge in edges:
        for node_id in (edge.src, edge.dst):
            if node_id not in out:
                asset = graph.get(node_id)
                kind = asset.kind.value if asset else ""
                out[node_id] = DrawnNode(node_id, asset.name if asset else node_id, kind)
    return out


def layers(nodes: Iterable[str], edges: Iterable[FlowEdge]) -> dict[str, int]:
    """Longest-path layer of each node; nodes on a cycle go one past what feeds them."""
    ids = sorted(set(nodes))
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        if edge.src != edge.dst:
            preds[edge.dst].append(edge.src)
            succs[edge.src].append(edge.dst)
    remaining = {n: len(preds[n]) for n in ids}
    layer = dict.fromkeys(ids, 0)
    queue = deque(n for n in ids if remaining[n] == 0)
    done: set[str] = set()
    while queue:
        node = queue.popleft()
        done.add(node)
        for nxt in succs[node]:
            layer[nxt] = max(layer[nxt], layer[node] + 1)
            remaining[nxt] -= 1
            if remaining[nxt] == 0:
                queue.append(nxt)
    for node in ids:  # on a cycle: place after whatever placed node feeds it
        if node not in done:
            fed = [layer[p] + 1 for p in preds[node] if p in done]
            layer[node] = max(fed, default=0)
            done.add(node)
    return layer


def positions(nodes: Iterable[str], edges: list[FlowEdge]) -> dict[str, tuple[int, int]]:
    """(column, row) of each node: column by layer, row ordered by the rows feeding it."""
    by_layer: dict[int, list[str]] = defaultdict(list)
    for node, column in layers(nodes, edges).items():
        by_layer[column].append(node)
    preds: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        preds[edge.dst].append(edge.src)
    row: dict[str, int] = {}
    for column in sorted(by_layer):

        def key(node: str) -> tuple[float, str]:
            placed = [row[p] for p in preds[node] if p in row]
            return (sum(placed) / len(placed) if placed else float("inf"), node)

        for index, node in enumerate(sorted(by_layer[column], key=key)):
            row[node] = index
    columns = {n: c for c, members in by_layer.items() for n in members}
    return {n: (columns[n], row[n]) for n in row}


def draw(
    nodes: Mapping[str, DrawnNode],
    edges: list[FlowEdge],
    drawing_id: str,
    highlight: str | None = None,
) -> str:
    """The drawing as an ``<svg>`` element; empty when there is nothing to draw."""
    if not nodes:
        return ""
    edges = without_shortcuts(edges)
    place = positions(nodes, edges)
    long_edges = any(place[e.dst][0] - place[e.src][0] > 1 for e in edges)
    lift = ARC_LIFT if long_edges else 0
    width = PAD * 2 + (max(c for c, _ in place.values()) + 1) * (BOX_W + GAP_X) - GAP_X
    height = lift + PAD * 2 + (max(r for _, r in place.values()) + 1) * (BOX_H + GAP_Y) - GAP_Y
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "class": "lineage",
            "id": drawing_id,
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "role": "img",
            "aria-label": "lineage",
        },
    )
    marker_id = f"{drawing_id}-arrow"
    _arrow_marker(svg, marker_id)
    body = ET.SubElement(svg, "g", {"transform": f"translate(0,{lift})"})
    for edge in edges:
        if edge.src in place and edge.dst in place:
            _edge(body, place[edge.src], place[edge.dst], edge, marker_id)
    for node_id in sorted(place):
        _node(body, nodes[node_id], place[node_id], node_id == highlight)
    return ET.tostring(svg, encoding="unicode")


def _xy(cell: tuple[int, int]) -> tuple[int, int]:
    return PAD + cell[0] * (BOX_W + GAP_X), PAD + cell[1] * (BOX_H + GAP_Y)


def _arrow_marker(svg: ET.Element, marker_id: str) -> None:
    defs = ET.SubElement(svg, "defs")
    marker = ET.SubElement(
        defs,
        "marker",
        {
            "id": marker_id,
            "viewBox": "0 0 10 10",
            "refX": "10",
            "refY": "5",
            "markerWidth": "7",
            "markerHeight": "7",
            "orient": "auto",
        },
    )
    ET.SubElement(marker, "path", {"d": "M0,0 L10,5 L0,10 z", "fill": "#6b7280"})


def _edge(
    svg: ET.Element,
    src: tuple[int, int],
    dst: tuple[int, int],
    edge: FlowEdge,
    marker_id: str,
) -> None:
    (sx, sy), (dx, dy) = _xy(src), _xy(dst)
    x1, y1 = sx + BOX_W, sy + BOX_H // 2
    x2, y2 = dx, dy + BOX_H // 2
    middle = (x1 + x2) // 2
    shape = f"M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}"
    if dst[0] <= src[0]:  # a back edge on a cycle: leave from the bottom, enter from the top
        x1, y1, x2, y2 = sx + BOX_W // 2, sy + BOX_H, dx + BOX_W // 2, dy
        middle = (x1 + x2) // 2
        shape = f"M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}"
    elif dst[0] - src[0] > 1:  # skips a column: arc over the top instead of through boxes
        x1, y1, x2, y2 = sx + BOX_W // 2, sy, dx + BOX_W // 2, dy
        top = min(y1, y2) - ARC_LIFT + 4
        shape = f"M{x1},{y1} C{x1},{top} {x2},{top} {x2},{y2}"
    path = ET.SubElement(
        svg,
        "path",
        {
            "class": "ln-edge",
            "d": shape,
            "fill": "none",
            "stroke": "#6b7280",
            "stroke-width": "1.2",
            "marker-end": f"url(#{marker_id})",
            "data-src": edge.src,
            "data-dst": edge.dst,
        },
    )
    ET.SubElement(path, "title").text = f"{edge.src} → {edge.dst} ({edge.relation})"


def _node(svg: ET.Element, node: DrawnNode, cell: tuple[int, int], highlight: bool) -> None:
    x, y = _xy(cell)
    group = ET.SubElement(
        svg, "g", {"class": "ln-node", "data-id": node.id, "data-kind": node.kind}
    )
    ET.SubElement(group, "title").text = f"{node.name} ({node.kind or 'unknown kind'})\n{node.id}"
    ET.SubElement(
        group,
        "rect",
        {
            "x": str(x),
            "y": str(y),
            "width": str(BOX_W),
            "height": str(BOX_H),
            "rx": "5",
            "fill": _FILL.get(node.kind, _DEFAULT_FILL),
            "stroke": _STROKE.get(node.kind, _DEFAULT_STROKE),
            "stroke-width": "2.5" if highlight else "1",
        },
    )
    name = node.name if len(node.name) <= LABEL_CHARS else node.name[: LABEL_CHARS - 1] + "…"
    label = ET.SubElement(group, "text", {"x": str(x + 8), "y": str(y + 16), "font-size": "12"})
    label.text = name
    kind = ET.SubElement(
        group, "text", {"x": str(x + 8), "y": str(y + 30), "font-size": "9", "fill": "#4b5563"}
    )
    kind.text = node.kind or "unknown kind"


@dataclass(frozen=True, slots=True)
class LineageDrawings:
    overview: str
    """One drawing of the whole lineage, or "" when it has more than the overview limit."""
    overview_nodes: int
    by_asset: Mapping[str, str]
    """The depth-2 neighbourhood of each data asset, drawn when there is no overview."""


def lineage_drawings(graph: InventoryGraph, asset_ids: Iterable[str]) -> LineageDrawings:
    """The overview when it stays readable, else one small drawing per data asset."""
    edges = lineage_edges(graph)
    nodes = nodes_of(edges, graph)
    if len(nodes) <= MAX_OVERVIEW_NODES:
        return LineageDrawings(draw(nodes, edges, "lineage-all"), len(nodes), {})
    by_asset: dict[str, str] = {}
    for index, asset_id in enumerate(asset_ids):
        view = lineage_of(asset_id, graph, NEIGHBOURHOOD_DEPTH, known=True)
        depth = {asset_id: 0}
        for node in (*view.upstream, *view.downstream, *view.jobs):
            depth.setdefault(node.id, node.depth)
        kept = set(sorted(depth, key=lambda n: (depth[n], n))[:MAX_OVERVIEW_NODES])
        near = [e for e in view.edges if e.src in kept and e.dst in kept]
        if near:
            by_asset[asset_id] = draw(nodes_of(near, graph), near, f"lineage-{index}", asset_id)
    return LineageDrawings("", len(nodes), by_asset)
