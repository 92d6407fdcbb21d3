"""The data map in JSON (against its schema), in the JSON report and in the HTML report with
its lineage drawing: well-formed SVG, one box per asset, one arrow per edge, text escaped."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from importlib.resources import files
from typing import Any

import jsonschema
import pytest

from stackward.model import AssetKind
from stackward.report.data_lineage import FlowEdge
from stackward.report.data_map import build_data_map, data_map_dict
from stackward.report.html import HtmlReporter
from stackward.report.json_report import JsonReporter
from stackward.report.lineage_svg import (
    ARC_LIFT,
    MAX_OVERVIEW_NODES,
    DrawnNode,
    draw,
    layers,
    lineage_drawings,
    positions,
    without_shortcuts,
)
from stackward.scan.result import ScanResult
from tests.report.data_map_graphs import (
    CLEAN,
    ENDPOINT,
    HOSTILE,
    JOB,
    MODEL,
    RAW,
    RUN,
    chain_scan,
    data_asset,
    full_scan,
    scan_of,
)

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    text = files("stackward.report").joinpath("schemas/data_map.schema.json").read_text()
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def hostile_scan() -> ScanResult:
    return full_scan(model_name=HOSTILE)


@pytest.fixture(scope="module")
def page(hostile_scan: ScanResult) -> str:
    return HtmlReporter().render(hostile_scan)


def parse_svg(text: str) -> ET.Element:
    """Parse a drawing the report made itself; a parse error means it is not well-formed."""
    return ET.fromstring(text)  # noqa: S314 - our own output, not scanned input


def svgs(page: str) -> list[ET.Element]:
    return [parse_svg(m) for m in re.findall(r"<svg\b.*?</svg>", page, flags=re.S)]


@pytest.mark.parametrize(
    "scan",
    [full_scan(), full_scan(HOSTILE), scan_of([], []), chain_scan(3)],
    ids=["full", "hostile", "empty", "chain"],
)
def test_json_matches_the_schema(
    scan: ScanResult, validator: jsonschema.Draft202012Validator
) -> None:
    document = json.loads(json.dumps(data_map_dict(build_data_map(scan)), sort_keys=True))
    validator.validate(document)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("access", "status"), "nobody"),
        (("access", "counts"), {"total": 1}),
        (("lineage", "edges"), [{"src": "a", "dst": "b", "relation": "CONTAINS"}]),
        (("usage", "records"), [{"principal": "p"}]),
    ],
    ids=["bad-status", "missing-counts", "non-lineage-edge", "incomplete-usage"],
)
def test_schema_rejects_a_wrong_map(
    path: tuple[str, str], value: Any, validator: jsonschema.Draft202012Validator
) -> None:
    document = json.loads(json.dumps(data_map_dict(build_data_map(full_scan()))))
    document["assets"][0][path[0]][path[1]] = value
    assert not validator.is_valid(document)


def test_json_report_carries_the_data_map(validator: jsonschema.Draft202012Validator) -> None:
    document = json.loads(JsonReporter().render(full_scan()))
    validator.validate(document["data_map"])
    assert {a["id"] for a in document["data_map"]["assets"]} >= {RAW, CLEAN, MODEL}
    (finding,) = document["findings"]
    on_table = [a for a in document["data_map"]["assets"] if a["findings"]]
    assert [a["findings"][0]["fingerprint"] for a in on_table] == [finding["fingerprint"]]


def test_html_has_the_section_and_a_card_per_asset(page: str, hostile_scan: ScanResult) -> None:
    assert '<section id="data-map">' in page
    assert 'href="#data-map"' in page
    cards = re.findall(r'class="datacard" id="dm-\d+" data-asset="([^"]*)"', page)
    assert cards == [c.id for c in build_data_map(hostile_scan).assets]
    assert "not analysed" in page  # the lineage-only assets have no access facts


def test_html_lineage_drawing_has_a_box_per_asset_and_an_arrow_per_edge(page: str) -> None:
    (svg,) = svgs(page)
    boxes = {g.get("data-id") for g in svg.iter(f"{SVG}g") if g.get("class") == "ln-node"}
    assert boxes == {RAW, JOB, CLEAN, RUN, MODEL, ENDPOINT}
    arrows = {
        (p.get("data-src"), p.get("data-dst"))
        for p in svg.iter(f"{SVG}path")
        if p.get("class") == "ln-edge"
    }
    # raw DERIVED_FROM clean and model TRAINED_ON clean repeat the routes through the job
    # and the training run, so they are not drawn twice.
    assert arrows == {(RAW, JOB), (JOB, CLEAN), (CLEAN, RUN), (RUN, MODEL), (MODEL, ENDPOINT)}


@pytest.mark.parametrize(
    ("edges", "kept"),
    [
        (
            [FlowEdge("a", "j", "READS"), FlowEdge("j", "b", "WRITES"), FlowEdge("a", "b", "X")],
            3,
        ),
        (
            [
                FlowEdge("a", "j", "READS"),
                FlowEdge("j", "b", "WRITES"),
                FlowEdge("a", "b", "DERIVED_FROM"),
            ],
            2,
        ),
        ([FlowEdge("a", "b", "DERIVED_FROM")], 1),
        ([FlowEdge("a", "j", "READS"), FlowEdge("a", "b", "TRAINED_ON")], 2),
    ],
    ids=["other-relation-kept", "shortcut-dropped", "no-job-kept", "job-without-output-kept"],
)
def test_shortcuts_through_a_job_are_not_drawn(edges: list[FlowEdge], kept: int) -> None:
    assert len(without_shortcuts(edges)) == kept


def test_an_arrow_skipping_a_column_arcs_over_the_boxes() -> None:
    edges = [FlowEdge("a", "b", "X"), FlowEdge("b", "c", "X"), FlowEdge("a", "c", "X")]
    nodes = {n: DrawnNode(n, n, "data.dataset") for n in "abc"}
    svg = parse_svg(draw(nodes, edges, "t"))
    (body,) = [g for g in svg if g.get("transform")]
    assert body.get("transform") == f"translate(0,{ARC_LIFT})"
    (arc,) = [
        p for p in svg.iter(f"{SVG}path") if p.get("data-dst") == "c" and p.get("data-src") == "a"
    ]
    assert " C" in (arc.get("d") or "")


def test_hostile_asset_name_is_escaped(page: str) -> None:
    assert HOSTILE not in page
    assert "&lt;script&gt;" in page
    (svg,) = svgs(page)
    titles = [t.text or "" for t in svg.iter(f"{SVG}title")]
    assert any(HOSTILE in t for t in titles)  # the real name, escaped on the way out
    assert page.count("<script") == 1  # only the report's own script


def test_no_drawing_without_lineage() -> None:
    page = HtmlReporter().render(scan_of([data_asset("b", "bucket", AssetKind.OBJECT_BUCKET)], []))
    assert svgs(page) == []
    assert '<section id="data-map">' in page and "not analysed" in page


def test_big_lineage_draws_each_neighbourhood_instead() -> None:
    scan = chain_scan(MAX_OVERVIEW_NODES + 10)
    drawings = lineage_drawings(scan.graph, (a.id for a in scan.graph.assets()))
    assert drawings.overview == ""
    assert drawings.overview_nodes == MAX_OVERVIEW_NODES + 10
    middle = parse_svg(drawings.by_asset["ds:030"])
    boxes = {g.get("data-id") for g in middle.iter(f"{SVG}g") if g.get("class") == "ln-node"}
    assert boxes == {"ds:028", "ds:029", "ds:030", "ds:031", "ds:032"}
    assert (
        len(set(re.findall(r'\sid="([^"]+)"', "".join(drawings.by_asset.values()))))
        == len(re.findall(r'<svg[^>]* id="', "".join(drawings.by_asset.values()))) * 2
    )  # each drawing has its own id and its own arrow marker id


def test_small_lineage_is_one_overview() -> None:
    scan = chain_scan(MAX_OVERVIEW_NODES)
    drawings = lineage_drawings(scan.graph, (a.id for a in scan.graph.assets()))
    assert drawings.overview and drawings.by_asset == {}


def test_layers_follow_the_longest_path_from_a_source() -> None:
    edges = [FlowEdge("a", "b", "READS"), FlowEdge("b", "c", "WRITES"), FlowEdge("a", "c", "X")]
    assert layers("abc", edges) == {"a": 0, "b": 1, "c": 2}


def test_cycle_is_laid_out_without_looping() -> None:
    edges = [FlowEdge("a", "b", "X"), FlowEdge("b", "a", "X"), FlowEdge("s", "a", "X")]
    placed = positions("abs", edges)
    assert set(placed) == {"a", "b", "s"}
    assert placed["s"][0] == 0 and placed["a"][0] >= 1
