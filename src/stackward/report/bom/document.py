"""One scan → one CycloneDX 1.6 ML-BOM, serialised by cyclonedx-python-lib and validated.

What becomes what:

- model artifacts → ``machine-learning-model`` components (with a ``modelCard``)
- datasets → ``data`` components (with ``data``: class names, never values)
- training and data jobs → ``application`` components
- code files and notebooks that import libraries → ``file`` components, their imports →
  ``library`` components with a ``pkg:pypi`` purl
- AI services, LLM services, model endpoints, vector stores, registries, notebook servers →
  ``services``
- relations → ``dependencies`` (see :data:`FORWARD` and :data:`REVERSED`); the scanned stack
  (``metadata.component``) depends on everything nothing else depends on.
"""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.dependency import Dependable
from cyclonedx.model.service import Service
from cyclonedx.model.tool import ToolRepository
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.validation import ValidationError
from cyclonedx.validation.json import JsonStrictValidator
from cyclonedx.validation.xml import XmlValidator

from stackward import __version__
from stackward.model import AssetKind, Finding, RelationKind
from stackward.report.bom import mapping
from stackward.report.bom.libraries import libraries_of
from stackward.report.bom.ml_fields import (
    DatasetDescription,
    MlFields,
    ModelCard,
    add_to_json,
    add_to_xml,
)
from stackward.scan.result import ScanResult

FORWARD = frozenset(
    {
        RelationKind.TRAINED_ON,  # model → dataset it was trained on
        RelationKind.SERVES,  # endpoint/service → model it serves
        RelationKind.LOADS_MODEL,  # service/model → model it loads
        RelationKind.READS,  # job → dataset it reads
        RelationKind.DERIVED_FROM,  # dataset → dataset it was derived from
        RelationKind.ROUTES_TO,  # service → service behind it
    }
)
"""Relations whose source depends on their target."""
REVERSED = frozenset({RelationKind.WRITES})
"""Relations whose target depends on their source: a model or dataset on the job writing it."""
SCOPE_REF = "stackward:scope"
SERIAL_NAMESPACE = uuid.UUID("6f0c6f44-2b4e-5c55-9a57-1f3c2b1f7d10")
"""Namespace of deterministic serial numbers (UUID5 of the scope)."""


class BomFormat(StrEnum):
    JSON = "json"
    XML = "xml"


class BomError(Exception):
    """The BOM could not be produced (it does not validate against the CycloneDX schema)."""


@dataclass
class BuiltBom:
    """The library's BOM plus the 1.6 ML fields it cannot hold."""

    bom: Bom
    ml_fields: MlFields = field(default_factory=MlFields)


def deterministic_serial(scope: str) -> uuid.UUID:
    return uuid.uuid5(SERIAL_NAMESPACE, scope)


def build_bom(result: ScanResult, *, deterministic: bool = False) -> BuiltBom:
    """The ML-BOM of a scan's inventory graph."""
    graph = result.graph
    findings_by_asset: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        findings_by_asset[finding.asset_id].append(finding)
    nodes: dict[str, Component | Service] = {}
    edges: dict[str, set[str]] = defaultdict(set)
    model_ids: list[str] = []
    data: dict[str, DatasetDescription] = {}
    for asset in graph.assets():
        if asset.kind is AssetKind.MODEL_ARTIFACT:
            nodes[asset.id] = mapping.model_component(asset, findings_by_asset[asset.id])
            model_ids.append(asset.id)
        elif asset.kind is AssetKind.DATASET:
            nodes[asset.id], data[asset.id] = mapping.dataset_component(asset)
        elif asset.kind in mapping.JOB_KINDS:
            nodes[asset.id] = mapping.job_component(asset)
        elif asset.kind in mapping.SERVICE_KINDS:
            nodes[asset.id] = mapping.service(asset)
        elif asset.kind in mapping.CODE_KINDS and (libraries := libraries_of(asset)):
            nodes[asset.id] = mapping.code_component(asset)
            for library in libraries:
                nodes.setdefault(library.bom_ref, mapping.library_component(library))
                edges[asset.id].add(library.bom_ref)
    for relation in graph.relations():
        if relation.kind in FORWARD:
            src, dst = relation.src, relation.dst
        elif relation.kind in REVERSED:
            src, dst = relation.dst, relation.src
        else:
            continue
        if src in nodes and dst in nodes and src != dst:
            edges[src].add(dst)
    cards: dict[str, ModelCard] = {}
    for model_id in model_ids:
        trained_on = [
            r.dst
            for r in graph.outgoing(model_id)
            if r.kind is RelationKind.TRAINED_ON and r.dst in data
        ]
        model = graph.get(model_id)
        if model is not None:
            cards[model_id] = mapping.model_card(model, trained_on, findings_by_asset[model_id])
    bom = Bom(
        serial_number=deterministic_serial(result.scope) if deterministic else None,
        metadata=BomMetaData(
            timestamp=result.started_at,
            tools=ToolRepository(components=[_tool()]),
            component=_stack(result.scope),
        ),
        components=[n for n in nodes.values() if isinstance(n, Component)],
        services=[n for n in nodes.values() if isinstance(n, Service)],
    )
    _register(bom, nodes, edges)
    return BuiltBom(bom, MlFields(model_cards=cards, data=data))


def render_bom(
    result: ScanResult, fmt: BomFormat = BomFormat.JSON, *, deterministic: bool = False
) -> str:
    """The BOM as CycloneDX 1.6 JSON or XML, validated against the 1.6 schema."""
    built = build_bom(result, deterministic=deterministic)
    return serialise(built, fmt)


def serialise(built: BuiltBom, fmt: BomFormat) -> str:
    """Serialise with the library's 1.6 outputter, add the ML fields, validate the result."""
    error: ValidationError | None
    if fmt is BomFormat.JSON:
        text = make_outputter(built.bom, OutputFormat.JSON, SchemaVersion.V1_6).output_as_string()
        document = json.loads(text)
        add_to_json(document, built.ml_fields)
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    else:
        text = make_outputter(built.bom, OutputFormat.XML, SchemaVersion.V1_6).output_as_string()
        try:
            text = add_to_xml(text, built.ml_fields) + "\n"
        except ET.ParseError as exc:
            raise BomError(f"the CycloneDX 1.6 XML BOM is not well-formed: {exc}") from None
        error = XmlValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        raise BomError(f"the CycloneDX 1.6 {fmt.value.upper()} BOM is invalid: {error}")
    return text


def _register(bom: Bom, nodes: dict[str, Component | Service], edges: dict[str, set[str]]) -> None:
    depended_on = {dst for targets in edges.values() for dst in targets}
    for src in sorted(edges):
        bom.register_dependency(nodes[src], _sorted_nodes(nodes, edges[src]))
    for ref in sorted(nodes):
        if ref not in edges:
            bom.register_dependency(nodes[ref], [])
    top = [ref for ref in nodes if ref not in depended_on]
    stack = bom.metadata.component
    if stack is not None and top:
        bom.register_dependency(stack, _sorted_nodes(nodes, top))


def _sorted_nodes(nodes: dict[str, Component | Service], refs: Iterable[str]) -> list[Dependable]:
    return [nodes[ref] for ref in sorted(refs)]


def _tool() -> Component:
    return Component(
        type=ComponentType.APPLICATION,
        name="stackward",
        version=__version__,
        bom_ref="stackward:tool",
    )


def _stack(scope: str) -> Component:
    """The scanned AI stack: named after the scanned directories and clusters."""
    parts = [part for part in scope.split("|") if part]
    names = [PurePath(part).name or part if part.startswith("/") else part for part in parts]
    return Component(
        type=ComponentType.PLATFORM,
        name=mapping.clean(", ".join(names)) or "stack",
        bom_ref=SCOPE_REF,
        properties=[
            Property(name=f"{mapping.PREFIX}scope", value=mapping.clean(part)) for part in parts
        ],
    )
