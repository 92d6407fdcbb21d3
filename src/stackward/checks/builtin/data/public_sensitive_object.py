"""An S3 object holding sensitive data is readable by everybody: anonymous or any signed-in
caller, by bucket policy, ACL, store identity, or as an unsigned request showed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.data.public_sensitive_table import is_critical
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Relation, RelationKind, Severity


class PublicSensitiveObjectCheck(Check):
    meta = CheckMeta(
        id="SW-DATA-004",
        title="Sensitive S3 object readable by everyone",
        severity=Severity.HIGH,
        layer=Layer.DATA_FOUNDATION,
        kinds=frozenset({AssetKind.DATASET}),
        refs=(
            atlas("AML.T0036"),
            atlas("AML.T0057"),
            atlas("AML.T0025"),
            nist("MEASURE 2.10"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "An object anyone can read without credentials (a bucket policy for Principal *,"
            " an AllUsers or AuthenticatedUsers ACL grant, an anonymous identity of the store)"
            " is one URL away from whoever finds the bucket name: scanners enumerate buckets"
            " continuously, and training data, exports and backups copied there leak the"
            " personal data and secrets they hold."
        ),
        remediation=(
            "Remove the grant named in the finding: the bucket policy statement that allows"
            " Principal * (or add a condition on aws:SourceVpce / aws:SourceIp), the AllUsers /"
            " AuthenticatedUsers ACL grant (PutBucketAcl / PutObjectAcl with a private ACL), or"
            " the Read action of the store's anonymous identity; then turn on Block Public"
            " Access where the store has it, and grant named identities only what they need."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("public_access") is not True:
            return
        path = str(asset.prop("path", asset.source))
        if not path.startswith("s3://"):
            return
        found = asset.prop("data_classes", {})
        classes = sorted(str(c) for c in found) if isinstance(found, Mapping) else []
        if not classes:
            return
        edges = _public_edges(asset, graph)
        probe = asset.prop("anonymous_probe")
        proven = isinstance(probe, Mapping) and probe.get("get") == "allowed"
        proven = proven or any(r.properties.get("proven") is True for r in edges)
        chain = "; ".join(_chain(r) for r in edges[:2]) or "public_access"
        shown = ", ".join(classes[:10])
        proof = " (an unsigned request read it)" if proven else ""
        yield Violation(
            Evidence(
                location=path,
                snippet=f"{path}: {shown} readable by everyone via {chain}"[:300],
                key=f"public:{path}",
            ),
            detail=(
                f"Object {path} holds {shown} and everyone can read it{proof}; remove: "
                f"{_to_remove(edges)}"
            ),
            severity=Severity.CRITICAL
            if proven or any(is_critical(c) for c in classes)
            else Severity.HIGH,
        )


def _public_edges(asset: Asset, graph: InventoryGraph) -> list[Relation]:
    """The ``CAN_ACCESS`` edges that make the object public, proof first."""
    edges = [
        r
        for r in graph.incoming(asset.id, RelationKind.CAN_ACCESS)
        if r.properties.get("public") is True
    ]
    return sorted(edges, key=lambda r: (r.properties.get("proven") is not True, r.src))


def _chain(relation: Relation) -> str:
    """Every grant chain on the edge, configured ones first and the probe's proof last."""
    grants = [g for g in relation.properties.get("grants") or [] if isinstance(g, Mapping)]
    if not grants:
        grants = [relation.properties]
    grants.sort(key=lambda g: g.get("source") == "s3-probe")
    return "; ".join(
        f"{' -> '.join(str(v) for v in g.get('via') or [relation.src])} ({g.get('source', 's3')})"
        for g in grants
    )


def _to_remove(edges: list[Relation]) -> str:
    """The configured grants (the last link of each chain), not the probe's observation."""
    grants: dict[str, None] = {}
    for relation in edges:
        for grant in relation.properties.get("grants") or []:
            if not isinstance(grant, Mapping) or grant.get("source") == "s3-probe":
                continue
            via = grant.get("via")
            if isinstance(via, list) and via:
                grants[str(via[-1])] = None
    return "; ".join(grants) or "the grant that lets unsigned requests read it"
