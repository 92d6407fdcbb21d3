"""Logins that reach sensitive data only through the roles they inherit, with each chain.

A grant to a role is visible where it is made; what it reaches is not: every member of the
role, and every member of those members, holds it. This check lists, per sensitive dataset,
the principals whose access runs through at least one inherited role and shows the chain,
so a reviewer sees who can really read the data. Access through ``PUBLIC`` is reported by
SW-DATA-003 and left out here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.data.public_sensitive_table import is_critical
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, RelationKind, Severity

PUBLIC = "PUBLIC"
MAX_CHAINS_SHOWN = 5


class InheritedSensitiveAccessCheck(Check):
    meta = CheckMeta(
        id="SW-DATA-012",
        title="Sensitive data readable through inherited roles",
        severity=Severity.LOW,
        layer=Layer.DATA_FOUNDATION,
        kinds=frozenset({AssetKind.DATASET}),
        refs=(atlas("AML.T0036"), nist("MEASURE 2.10"), owasp_llm("LLM02")),
        rationale=(
            "Role inheritance hides who can read a table: the grant names one role, and every"
            " login that is a member of it, directly or through other roles, holds the grant."
            " A pipeline or notebook login added to a broad group role for another reason can"
            " read personal data or secrets nobody meant to give it."
        ),
        remediation=(
            "Review each chain: revoke the membership that is not needed (REVOKE <role> FROM"
            " <login>), or grant the table to a narrower role that only its readers hold."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        found = asset.prop("data_classes", {})
        classes = sorted(str(c) for c in found) if isinstance(found, Mapping) else []
        if not classes:
            return
        chains: list[str] = []
        for relation in graph.incoming(asset.id, RelationKind.CAN_ACCESS):
            through = relation.properties.get("inherited_through") or ()
            if "read" not in relation.properties.get("access", ()) or not through:
                continue
            if PUBLIC in through or _everyone(graph.get(relation.src)):
                continue
            chains.append(_chain(relation.properties.get("via", ())))
        if not chains:
            return
        chains.sort()
        shown = "; ".join(chains[:MAX_CHAINS_SHOWN])
        more = (
            f" and {len(chains) - MAX_CHAINS_SHOWN} more" if len(chains) > MAX_CHAINS_SHOWN else ""
        )
        yield Violation(
            Evidence(
                location=str(asset.prop("path", asset.source)),
                snippet=chains[0][:200],
                key=f"inherited:{asset.id}",
            ),
            detail=(
                f"{len(chains)} principal(s) read {asset.name} ({', '.join(classes[:10])}) only"
                f" through inherited roles: {shown}{more}"
            ),
            severity=Severity.MEDIUM if any(is_critical(c) for c in classes) else Severity.LOW,
        )


def _everyone(principal: Asset | None) -> bool:
    return principal is not None and principal.prop("everyone") is True


def _chain(via: object) -> str:
    steps = [str(step) for step in via] if isinstance(via, Sequence) else []
    return " -> ".join(steps)
