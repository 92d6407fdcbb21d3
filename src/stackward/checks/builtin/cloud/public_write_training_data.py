"""Anyone can write to a bucket that holds training data or models."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, RelationKind, Severity

_READERS = (RelationKind.TRAINED_ON, RelationKind.READS)


def ai_data_reason(asset: Asset, graph: InventoryGraph) -> str | None:
    """Why the bucket counts as training data or models, or None when nothing says so."""
    for relation in graph.incoming(asset.id, *_READERS):
        reader = graph.get(relation.src)
        verb = "trains on" if relation.kind is RelationKind.TRAINED_ON else "reads"
        return f"{reader.name if reader else relation.src} {verb} it"
    if asset.sensitive:
        reasons = asset.prop("sensitive_reasons") or ["it holds AI data"]
        return str(reasons[0])
    return None


class PublicWriteTrainingDataCheck(Check):
    meta = CheckMeta(
        id="SW-CLOUD-001",
        title="Anyone can write to a bucket holding training data or models",
        severity=Severity.CRITICAL,
        layer=Layer.DATA_FOUNDATION,
        kinds=frozenset({AssetKind.OBJECT_BUCKET}),
        refs=(
            atlas("AML.T0020"),
            atlas("AML.T0018"),
            atlas("AML.M0005"),
            nist("MEASURE 2.7"),
            nist("MANAGE 2.2"),
            owasp_llm("LLM04"),
        ),
        rationale=(
            'A bucket policy allowing Principal "*" (or a public-read-write ACL, or a grant to'
            " allUsers) to put or delete objects lets anyone on the internet plant poisoned"
            " records or backdoored weights where the next training run, fine-tuning job or"
            " deployment picks them up, without any credential of the organisation."
        ),
        remediation=(
            "Remove the public write grant (the bucket policy statement, the ACL or the IAM"
            " binding), turn on the public access block, and let only the roles of the"
            " pipelines that produce the data write to it; turn on versioning to recover."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        why = None
        for relation in graph.incoming(asset.id, RelationKind.CAN_ACCESS):
            principal = graph.get(relation.src)
            props = relation.properties
            if principal is None or principal.prop("everyone") is not True:
                continue
            if "write" not in (props.get("access") or ()):
                continue
            why = why or ai_data_reason(asset, graph)
            if why is None:
                return
            via = " -> ".join(str(v) for v in props.get("via") or [principal.name])
            writes = ", ".join(str(p) for p in props.get("privileges") or ())
            conditional = props.get("conditional") is True
            yield Violation(
                Evidence(
                    location=f"{asset.source}#{asset.prop('address', asset.id)}",
                    snippet=f"{principal.name} can {writes} via {via}"[:200],
                    key=f"{principal.id}:{props.get('source')}:{via}",
                ),
                detail=(
                    f"{principal.name} can write to {asset.name} ({writes}) and {why}"
                    + (", if the statement's Condition holds" if conditional else "")
                ),
                severity=Severity.HIGH if conditional else None,
            )
