"""A table holding sensitive data is readable by ``PUBLIC``, that is by every database role."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, RelationKind, Severity

CRITICAL_PREFIXES = ("secret.", "pii.national_id.")
CRITICAL_CLASSES = frozenset({"pii.payment_card"})


def is_critical(data_class: str) -> bool:
    """Credentials, national ids and card numbers: one leak is enough to do harm."""
    return data_class in CRITICAL_CLASSES or data_class.startswith(CRITICAL_PREFIXES)


class PublicSensitiveTableCheck(Check):
    meta = CheckMeta(
        id="SW-DATA-003",
        title="Sensitive table readable by every database role (PUBLIC)",
        severity=Severity.HIGH,
        layer=Layer.DATA_FOUNDATION,
        kinds=frozenset({AssetKind.DATASET}),
        refs=(
            atlas("AML.T0036"),
            atlas("AML.T0057"),
            nist("MEASURE 2.10"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "A privilege granted to PUBLIC is held by every role in the database, including"
            " every application, pipeline and notebook login and any role created later. Any"
            " of those credentials, once leaked or misused (an LLM agent with a SQL tool, a"
            " feature pipeline), reads the personal data or secrets in this table."
        ),
        remediation=(
            "REVOKE SELECT ON <schema>.<table> FROM PUBLIC; create a role for the readers that"
            " need it (GRANT SELECT ON <schema>.<table> TO <role>) and grant that role to"
            " their logins; check ALTER DEFAULT PRIVILEGES so new tables do not grant PUBLIC"
            " again."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("public_access") is not True or not _is_table(asset):
            return
        found = asset.prop("data_classes", {})
        classes = sorted(str(c) for c in found) if isinstance(found, Mapping) else []
        if not classes:
            return
        chain = _public_chain(asset, graph)
        table = asset.source.rsplit(" :: ", 1)[-1]
        critical = any(is_critical(c) for c in classes)
        yield Violation(
            Evidence(
                location=str(asset.prop("path", asset.source)),
                snippet=f"{table}: {', '.join(classes[:10])} readable by PUBLIC via {chain}"[:200],
                key=f"public:{table}",
            ),
            detail=(
                f"Table {table} holds {', '.join(classes[:10])} and every database role can"
                f" read it (grant chain: {chain})"
            ),
            severity=Severity.CRITICAL if critical else Severity.HIGH,
        )


def _public_chain(asset: Asset, graph: InventoryGraph) -> str:
    """The grant chain from the ``CAN_ACCESS`` edge of ``PUBLIC``, or a plain ``PUBLIC``."""
    for relation in graph.incoming(asset.id, RelationKind.CAN_ACCESS):
        principal = graph.get(relation.src)
        if principal is None or principal.name != "PUBLIC":
            continue
        via = relation.properties.get("via") or ["PUBLIC"]
        privileges = ",".join(str(p) for p in relation.properties.get("privileges", ()))
        return f"{' -> '.join(str(v) for v in via)} ({privileges or 'SELECT'})"
    return "PUBLIC"


def _is_table(asset: Asset) -> bool:
    """A table of a database source; public objects in S3 are SW-DATA-004's."""
    return str(asset.prop("format", "")).startswith("postgres")
