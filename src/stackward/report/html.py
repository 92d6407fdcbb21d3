"""A single self-contained HTML report: summary, ranked findings, ATLAS matrix, NIST coverage,
attack paths and skipped inputs.

Everything is inline (CSS, one small script, no fonts, images or links to other hosts) so the
file can be mailed, archived or opened on an air-gapped machine. Evidence comes from untrusted
files, so Jinja autoescaping is on and a Content-Security-Policy allows only the report's own
script, by hash: markup that slipped into the page still could not run or load anything.
The page is complete without JavaScript; the script only adds the severity and layer filters.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from stackward import __version__
from stackward.frameworks import atlas_catalog
from stackward.graph.attack_paths import AttackPath
from stackward.graph.inventory import InventoryGraph
from stackward.model import Finding, Framework, Layer, Severity
from stackward.report.atlas_matrix import atlas_matrix
from stackward.report.data_map import build_data_map
from stackward.report.lineage_svg import lineage_drawings
from stackward.report.nist_coverage import nist_coverage
from stackward.report.references import STANDARDS
from stackward.scan.result import ScanResult

TEMPLATE = "report.html.j2"
SCRIPT = "report.js"
STYLE = "report.css"
SEVERITIES_DESC = tuple(reversed(Severity))


@dataclass(frozen=True, slots=True)
class RefGroup:
    framework: str
    items: tuple[tuple[str, str, str], ...]
    """(id, name, tooltip): ("AML.T0049", "Exploit Public-Facing Application", "")."""


@dataclass(frozen=True, slots=True)
class PathNode:
    id: str
    name: str
    kind: str
    sensitive: bool
    internet_exposed: bool
    via: str
    """The relation that led here from the previous node ("" for the first)."""


@dataclass(frozen=True, slots=True)
class PathView:
    id: str
    target: str
    nodes: tuple[PathNode, ...]
    findings: int
    """Reported findings on assets along the path: what to fix to break it."""


def ref_groups(finding: Finding) -> list[RefGroup]:
    """References grouped by framework, each spelled as id plus name."""
    groups: dict[Framework, list[tuple[str, str, str]]] = defaultdict(list)
    for ref in finding.refs:
        if ref.framework is Framework.NIST_AI_RMF:
            # The name of a NIST subcategory is its full statement: a tooltip, not a label.
            groups[ref.framework].append((ref.id, "", ref.name))
        else:
            groups[ref.framework].append((ref.id, ref.name, ""))
    return [RefGroup(STANDARDS[fw], tuple(groups[fw])) for fw in Framework if fw in groups]


def path_view(path: AttackPath, graph: InventoryGraph, findings: list[Finding]) -> PathView:
    nodes: list[PathNode] = []
    for index, asset_id in enumerate(path.asset_ids):
        asset = graph.get(asset_id)
        via = path.edges[index - 1].kind.value if index else ""
        nodes.append(
            PathNode(
                id=asset_id,
                name=asset.name if asset else asset_id,
                kind=asset.kind.value if asset else "",
                sensitive=bool(asset and asset.sensitive),
                internet_exposed=bool(asset and asset.internet_exposed),
                via=via,
            )
        )
    on_path = sum(1 for f in findings if path.id in f.attack_path_ids)
    return PathView(path.id, path.target_id, tuple(nodes), on_path)


def layer_rows(result: ScanResult) -> list[dict[str, Any]]:
    assets = result.asset_counts()
    return [
        {
            "layer": layer,
            "assets": assets.get(layer, 0),
            "counts": [counts[s] for s in SEVERITIES_DESC],
            "total": sum(counts.values()),
        }
        for layer, counts in result.layer_counts().items()
    ]


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("stackward.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _inline_script(env: Environment) -> tuple[Markup, str]:
    """The report script and its CSP hash; the script is ours, never scanned content."""
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, SCRIPT)
    digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
    return Markup(source), f"sha256-{digest}"  # noqa: S704 - a packaged file, not input


def context(result: ScanResult) -> dict[str, Any]:
    """Everything the template shows, computed here so the template only lays it out."""
    matrix = atlas_matrix(result.findings)
    data_map = build_data_map(result)
    drawings = lineage_drawings(result.graph, (card.id for card in data_map.assets))
    return {
        "version": __version__,
        "result": result,
        "scope": [part for part in result.scope.split("|") if part],
        "duration": (result.finished_at - result.started_at).total_seconds(),
        "severities": SEVERITIES_DESC,
        "severity_counts": result.severity_counts(),
        "layers": list(Layer),
        "layer_rows": layer_rows(result),
        "findings": result.findings,
        "refs": {f.fingerprint: ref_groups(f) for f in result.findings},
        "assets": {f.asset_id: result.graph.get(f.asset_id) for f in result.findings},
        "matrix": matrix,
        "matrix_depth": max((len(c.techniques) for c in matrix), default=0),
        "atlas_version": atlas_catalog().version,
        "nist": nist_coverage(result.rules, result.findings),
        "paths": [path_view(p, result.graph, result.findings) for p in result.attack_paths],
        "standards": list(STANDARDS.values()),
        "data_map": data_map,
        "lineage_overview": Markup(drawings.overview),  # noqa: S704 - built by xml.etree
        "lineage_overview_nodes": drawings.overview_nodes,
        "lineage_by_asset": {k: Markup(v) for k, v in drawings.by_asset.items()},  # noqa: S704
    }


class HtmlReporter:
    name = "html"
    suffix = ".html"

    def render(self, result: ScanResult) -> str:
        env = _environment()
        script, script_hash = _inline_script(env)
        template = env.get_template(TEMPLATE)
        return template.render(**context(result), script=script, script_hash=script_hash)
