"""A principal can read or change sensitive data and never did so in the access-log window."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, RelationKind, Severity
from stackward.usage.properties import edge_access, usage_entries, usage_window

DATA_KINDS = frozenset(
    {
        AssetKind.DATASET,
        AssetKind.OBJECT_BUCKET,
        AssetKind.K8S_SECRET,
        AssetKind.MODEL_ARTIFACT,
        AssetKind.MODEL_ENDPOINT,
        AssetKind.VECTOR_STORE,
    }
)
_PRIVILEGED_REASONS = frozenset({"owner", "superuser"})


class UnusedSensitiveAccessCheck(Check):
    meta = CheckMeta(
        id="SW-DATA-010",
        title="Access to sensitive data not used in the log window",
        severity=Severity.MEDIUM,
        layer=Layer.DATA_FOUNDATION,
        kinds=DATA_KINDS,
        refs=(
            atlas("AML.T0036"),
            nist("GOVERN 1.4"),
            nist("MANAGE 1.3"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "Every grant on sensitive data is a credential an attacker can use: a leaked"
            " application password, a compromised pipeline or an LLM agent with a data tool"
            " reads whatever its principal may read. A grant nobody used for the whole log"
            " window is access the work does not need. Principals that stand for everyone,"
            " superusers and owners are left to other checks: their access is not removed by"
            " revoking one grant."
        ),
        remediation=(
            "Revoke the grant (REVOKE SELECT ... FROM <role>; remove the bucket-policy"
            " statement; delete the RoleBinding) or, if the principal needs it only rarely,"
            " grant it through a time-bound role that is requested when needed."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        window = usage_window(asset)
        if not asset.sensitive or window is None:
            return
        used = {str(entry["principal"]) for entry in usage_entries(asset)}
        for relation in graph.incoming(asset.id, RelationKind.CAN_ACCESS):
            access = edge_access(relation.properties) & {"read", "write"}
            principal = graph.get(relation.src)
            if not access or relation.src in used or _privileged(relation.properties, principal):
                continue
            name = principal.name if principal is not None else relation.src
            logs = ", ".join(str(log) for log in window.get("logs", ()))[:150]
            span = f"{window.get('start')} .. {window.get('end')}"
            yield Violation(
                Evidence(
                    location=relation.src,
                    snippet=f"{name} may {'/'.join(sorted(access))}; no use {span}"[:200],
                    key=f"unused:{relation.src}",
                ),
                detail=(
                    f"{name} may {' and '.join(sorted(access))} {asset.name} but the access"
                    f" logs ({logs}) show no use from {span}"
                ),
            )


def _privileged(properties: Mapping[str, Any], principal: Asset | None) -> bool:
    """Everyone-principals, superusers and owners: other checks cover them."""
    if str(properties.get("reason")) in _PRIVILEGED_REASONS:
        return True
    if principal is None:
        return False
    return principal.prop("everyone") is True or principal.prop("superuser") is True
