"""Classified data, or a model built from it, crosses a residency boundary along lineage."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity

DOWNSTREAM_KINDS = frozenset(
    {
        AssetKind.DATASET,
        AssetKind.OBJECT_BUCKET,
        AssetKind.MODEL_ARTIFACT,
        AssetKind.MODEL_ENDPOINT,
        AssetKind.MODEL_REGISTRY,
        AssetKind.VECTOR_STORE,
        AssetKind.AI_SERVICE,
        AssetKind.LLM_SERVICE,
    }
)
"""Kinds that data or a model can flow into along lineage edges."""


class ResidencyBoundaryFlowCheck(Check):
    meta = CheckMeta(
        id="SW-DATA-007",
        title="Classified data flows across a residency boundary",
        severity=Severity.HIGH,
        layer=Layer.DATA_FOUNDATION,
        kinds=DOWNSTREAM_KINDS,
        refs=(nist("GOVERN 1.1"), nist("MAP 4.1"), owasp_llm("LLM02")),
        rationale=(
            "Data kept in an allowed region leaves it when a job copies it, a model is trained"
            " on it elsewhere, or an endpoint in another region serves that model. A model can"
            " memorise and repeat what it was trained on, so moving the model moves the data"
            " as far as residency law is concerned."
        ),
        remediation=(
            "Run the job, training or serving in an allowed region, or train on data"
            " pseudonymised or filtered before it leaves; if the transfer is lawful, record the"
            " basis and widen the policy."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        found = asset.prop("residency_flows", ())
        for entry in found if isinstance(found, list | tuple) else ():
            if not isinstance(entry, Mapping):
                continue
            classes = ", ".join(str(c) for c in list(entry.get("classes", ()))[:10])
            source = str(entry.get("from"))
            from_region = entry.get("from_region") or "unknown region"
            region = str(entry.get("region"))
            path = " -> ".join(_names(entry.get("path", ()), graph))
            policy = str(entry.get("policy"))
            allowed = ", ".join(str(a) for a in entry.get("allowed", ()))
            yield Violation(
                Evidence(
                    location=str(asset.prop("path", asset.source)),
                    snippet=f"{from_region} -> {region}: {path} ({classes})"[:200],
                    key=f"{policy}:{source}",
                ),
                detail=(
                    f"{classes} from {source} ({from_region}) reaches {asset.name} in {region}"
                    f" via {entry.get('via')}; residency policy {policy!r} allows only"
                    f" {allowed}"
                ),
            )


def _names(path: object, graph: InventoryGraph) -> list[str]:
    """Asset names along the path, upstream first (the id when the asset is not in the graph)."""
    ids = [str(p) for p in path] if isinstance(path, list | tuple) else []
    return [(found.name if (found := graph.get(i)) is not None else i) for i in ids[:5]]
