"""The data map: for every data asset, what it holds, who can reach it, how it is used, where
it came from and goes, and where it lives.

It only reads facts other parts put in the graph (``CAN_ACCESS`` edges, ``usage``, lineage
edges, ``derived_classes``, ``region``, ``residency_violations``). A fact that nobody produced
is reported as ``not_analysed`` rather than as an empty answer, so "no principal found" is
never mistaken for "nobody can read it". Pure, and linear in the graph for a fixed lineage
depth: every asset, edge and finding is indexed once, and each lineage walk is bounded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Finding, RelationKind
from stackward.report.data_lineage import LineageView, lineage_of
from stackward.scan.result import ScanResult

Status = Literal["analysed", "not_analysed"]
PrincipalGroup = Literal["everyone", "humans", "services", "unclassified"]

DATA_KINDS = frozenset({AssetKind.DATASET, AssetKind.DATA_STORE, AssetKind.OBJECT_BUCKET})
DEFAULT_LINEAGE_DEPTH = 6
_SERVICE_TYPES = frozenset({"k8s_service_account"})
_HUMAN_TYPES = frozenset({"k8s_user", "k8s_group"})


@dataclass(frozen=True, slots=True)
class DataClass:
    name: str
    own: bool
    """Found in the asset itself by classification (else only derived from upstream data)."""
    count: int | None
    confidence: float | None
    derived_from: tuple[str, ...]
    """Classified source asset ids the class reached this asset from along lineage."""


@dataclass(frozen=True, slots=True)
class AccessGrant:
    principal: str
    name: str
    group: PrincipalGroup
    principal_type: str | None
    everyone: bool
    access: tuple[str, ...]
    """Normalised (read, write, admin); empty when the source did not say."""
    privileges: tuple[str, ...]
    via: tuple[str, ...]
    source: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class AccessView:
    status: Status
    grants: tuple[AccessGrant, ...]
    counts: Mapping[str, int]
    """Principals per group (everyone, humans, services, unclassified) and in total."""
    everyone: bool
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UsageRecord:
    principal: str
    name: str
    reads: int
    writes: int
    first_seen: str | None
    last_seen: str | None


@dataclass(frozen=True, slots=True)
class UsageView:
    status: Status
    window_start: str | None
    window_end: str | None
    logs: tuple[str, ...]
    records: tuple[UsageRecord, ...]
    unused: tuple[str, ...]
    """Principals that can access the asset but made no logged use of it in the window."""


@dataclass(frozen=True, slots=True)
class ResidencyViolation:
    policy: str
    classes: tuple[str, ...]
    region: str | None
    allowed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlacementView:
    region: str | None
    """None when no collector knew it: shown as unknown, never guessed."""
    region_from: str | None
    """The asset id the region was read from (the asset itself or its store)."""
    residency: Status
    violations: tuple[ResidencyViolation, ...]


@dataclass(frozen=True, slots=True)
class FindingRef:
    rule_id: str
    severity: str
    title: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class DataAssetCard:
    id: str
    name: str
    kind: str
    layer: str
    dataset_key: str | None
    store: str | None
    sensitive: bool
    classification: Status
    classes: tuple[DataClass, ...]
    access: AccessView
    usage: UsageView
    lineage: LineageView
    placement: PlacementView
    findings: tuple[FindingRef, ...]


@dataclass(frozen=True, slots=True)
class DataMap:
    lineage_depth: int
    assets: tuple[DataAssetCard, ...]

    def find(self, key: str) -> list[DataAssetCard]:
        """Cards whose id or dataset_key is ``key``, else those with that name."""
        exact = [c for c in self.assets if key in (c.id, c.dataset_key)]
        return exact or [c for c in self.assets if c.name == key]


def data_map_dict(data_map: DataMap) -> dict[str, Any]:
    """The map as plain JSON values (see ``schemas/data_map.schema.json``)."""
    return asdict(data_map)


def is_data_asset(asset: Asset) -> bool:
    if asset.kind in DATA_KINDS:
        return True
    if asset.kind is AssetKind.MODEL_ARTIFACT and asset.prop("derived_classes"):
        return True
    return "data_classes" in asset.properties or "derived_classes" in asset.properties


def build_data_map(result: ScanResult, depth: int = DEFAULT_LINEAGE_DEPTH) -> DataMap:
    """The data map of a scan, one card per data asset, sorted by id."""
    graph = result.graph
    findings = _findings_by_asset(result.findings)
    lineage_known = _has_lineage(graph)
    cards = [
        _card(asset, graph, findings.get(asset.id, ()), lineage_known, depth)
        for asset in sorted(graph.assets(), key=lambda a: a.id)
        if is_data_asset(asset)
    ]
    return DataMap(lineage_depth=depth, assets=tuple(cards))


def _card(
    asset: Asset,
    graph: InventoryGraph,
    findings: Iterable[Finding],
    lineage_known: bool,
    depth: int,
) -> DataAssetCard:
    access = _access(asset, graph)
    store = asset.prop("store")
    return DataAssetCard(
        id=asset.id,
        name=asset.name,
        kind=asset.kind.value,
        layer=asset.layer.value,
        dataset_key=_str_or_none(asset.prop("dataset_key")),
        store=store if isinstance(store, str) else None,
        sensitive=asset.sensitive,
        classification=_status(
            "data_classes" in asset.properties or "derived_classes" in asset.properties
        ),
        classes=_classes(asset),
        access=access,
        usage=_usage(asset, graph, access),
        lineage=lineage_of(asset.id, graph, depth, lineage_known),
        placement=_placement(asset, graph),
        findings=tuple(
            FindingRef(f.rule_id, f.severity.label, f.title, f.fingerprint) for f in findings
        ),
    )


def _classes(asset: Asset) -> tuple[DataClass, ...]:
    own = _mapping(asset.prop("data_classes"))
    derived = _mapping(asset.prop("derived_classes"))
    out: list[DataClass] = []
    for name in sorted(set(own) | set(derived)):
        detail = own.get(name)
        count, confidence = None, None
        if isinstance(detail, Mapping):
            count = _int_or_none(detail.get("count"))
            confidence = _float_or_none(detail.get("confidence"))
        elif detail is not None:  # a store's roll-up holds a bare count per class
            count = _int_or_none(detail)
        sources = derived.get(name)
        out.append(
            DataClass(
                name=name,
                own=name in own,
                count=count,
                confidence=confidence,
                derived_from=tuple(sorted(_strings(sources))),
            )
        )
    return tuple(out)


def _access(asset: Asset, graph: InventoryGraph) -> AccessView:
    edges = graph.incoming(asset.id, RelationKind.CAN_ACCESS)
    grants: list[AccessGrant] = []
    for edge in edges:
        principal = graph.get(edge.src)
        props = edge.properties
        everyone = bool(principal is not None and principal.prop("everyone"))
        ptype = _principal_type(principal)
        grants.append(
            AccessGrant(
                principal=edge.src,
                name=principal.name if principal else edge.src,
                group=_group(everyone, ptype, edge.src),
                principal_type=ptype,
                everyone=everyone,
                access=tuple(sorted(_strings(props.get("access")))),
                privileges=tuple(sorted(_strings(props.get("privileges")))),
                via=tuple(_strings(props.get("via"))),
                source=_str_or_none(props.get("source")),
                reason=_str_or_none(props.get("reason")),
            )
        )
    grants.sort(key=lambda g: (g.principal, g.source or ""))
    counts: dict[str, int] = dict.fromkeys(("everyone", "humans", "services", "unclassified"), 0)
    for group in {g.principal: g.group for g in grants}.values():
        counts[group] += 1
    counts["total"] = len({g.principal for g in grants})
    analysed = bool(grants) or "readers" in asset.properties or bool(asset.prop("access_analysed"))
    return AccessView(
        status=_status(analysed),
        grants=tuple(grants),
        counts=counts,
        everyone=any(g.everyone for g in grants) or bool(asset.prop("public_access")),
        sources=tuple(sorted({g.source for g in grants if g.source})),
    )


def _principal_type(principal: Asset | None) -> str | None:
    if principal is None:
        return None
    declared = _str_or_none(principal.prop("principal_type"))
    if declared is None and principal.kind is AssetKind.K8S_SERVICE_ACCOUNT:
        return "k8s_service_account"
    return declared


def _group(everyone: bool, principal_type: str | None, principal_id: str) -> PrincipalGroup:
    if everyone:
        return "everyone"
    if principal_type in _SERVICE_TYPES:
        return "services"
    if principal_type in _HUMAN_TYPES:
        return "humans"
    if principal_type == "aws_principal":
        if ":user/" in principal_id:
            return "humans"
        if ":role/" in principal_id or "aws_iam_role" in principal_id:
            return "services"
    return "unclassified"


def _usage(asset: Asset, graph: InventoryGraph, access: AccessView) -> UsageView:
    raw = asset.prop("usage")
    window = _mapping(asset.prop("usage_window"))
    if not isinstance(raw, list | tuple):
        return UsageView("not_analysed", None, None, (), (), ())
    records: list[UsageRecord] = []
    for entry in raw:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("principal"), str):
            continue
        pid = entry["principal"]
        principal = graph.get(pid)
        records.append(
            UsageRecord(
                principal=pid,
                name=principal.name if principal else pid,
                reads=_int_or_none(entry.get("reads")) or 0,
                writes=_int_or_none(entry.get("writes")) or 0,
                first_seen=_str_or_none(entry.get("first_seen")),
                last_seen=_str_or_none(entry.get("last_seen")),
            )
        )
    records.sort(key=lambda r: (-(r.reads + r.writes), r.principal))
    used = {r.principal for r in records}
    return UsageView(
        status="analysed",
        window_start=_str_or_none(window.get("start")),
        window_end=_str_or_none(window.get("end")),
        logs=tuple(_strings(window.get("logs"))),
        records=tuple(records),
        unused=tuple(sorted({g.principal for g in access.grants} - used)),
    )


def _placement(asset: Asset, graph: InventoryGraph) -> PlacementView:
    region, region_from = asset.region, asset.id if asset.region else None
    store_id = asset.prop("store")
    if region is None and isinstance(store_id, str):
        store = graph.get(store_id)
        if store is not None and store.region:
            region, region_from = store.region, store.id
    raw = asset.prop("residency_violations")
    violations = tuple(
        ResidencyViolation(
            policy=str(v.get("policy", "")),
            classes=tuple(sorted(_strings(v.get("classes")))),
            region=_str_or_none(v.get("region")),
            allowed=tuple(sorted(_strings(v.get("allowed")))),
        )
        for v in (raw if isinstance(raw, list | tuple) else ())
        if isinstance(v, Mapping)
    )
    return PlacementView(region, region_from, _status(raw is not None), violations)


def _findings_by_asset(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        out[finding.asset_id].append(finding)
    return out


_LINEAGE_KINDS = (
    RelationKind.DERIVED_FROM,
    RelationKind.TRAINED_ON,
    RelationKind.READS,
    RelationKind.WRITES,
    RelationKind.SERVES,
)


def _has_lineage(graph: InventoryGraph) -> bool:
    """Lineage counts as analysed when any lineage edge or lineage job is in the graph."""
    if any(True for _ in graph.assets(AssetKind.DATA_JOB, AssetKind.TRAINING_JOB)):
        return True
    return any(r.kind in _LINEAGE_KINDS for r in graph.relations())


def _status(known: bool) -> Status:
    return "analysed" if known else "not_analysed"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set | frozenset):
        return [str(v) for v in value]
    return []


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
