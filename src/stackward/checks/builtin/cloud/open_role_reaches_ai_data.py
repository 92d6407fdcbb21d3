"""A role whose trust policy lets anyone assume it, and that reaches AI data or models."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, RelationKind, Severity

_AI_KINDS = frozenset(
    {AssetKind.MODEL_ARTIFACT, AssetKind.MODEL_ENDPOINT, AssetKind.LLM_SERVICE, AssetKind.DATASET}
)


def anyone_may_assume(role: Asset) -> bool:
    """``Principal "*"`` in an Allow of the trust policy with no Condition to narrow it."""
    return any(
        isinstance(entry, Mapping)
        and entry.get("type") == "everyone"
        and entry.get("conditional") is not True
        for entry in role.prop("assumable_by") or ()
    )


class OpenRoleReachesAiDataCheck(Check):
    meta = CheckMeta(
        id="SW-CLOUD-002",
        title="Role anyone can assume reaches training data, models or model endpoints",
        severity=Severity.CRITICAL,
        layer=Layer.IDENTITY,
        kinds=frozenset({AssetKind.IAM_ROLE}),
        refs=(
            atlas("AML.T0012"),
            atlas("AML.T0036"),
            atlas("AML.T0020"),
            atlas("AML.M0005"),
            nist("MEASURE 2.7"),
            nist("GOVERN 1.4"),
            owasp_llm("LLM02"),
            owasp_llm("LLM04"),
        ),
        rationale=(
            'A trust policy allowing sts:AssumeRole to Principal "*" without a Condition lets'
            " any AWS account take the role; whatever the role may read, write or invoke (here"
            " training data, models or endpoints) is then open to everyone with an AWS account."
        ),
        remediation=(
            "Name the accounts, roles or service principals that need the role in its trust"
            " policy, or add conditions (aws:PrincipalOrgID, sts:ExternalId, aws:SourceArn)"
            " that restrict who can assume it."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if not anyone_may_assume(asset):
            return
        reached: dict[str, set[str]] = {}
        for relation in graph.outgoing(asset.id, RelationKind.CAN_ACCESS):
            target = graph.get(relation.dst)
            access = relation.properties.get("access")
            if target is None or not access:
                continue
            if target.sensitive or target.kind in _AI_KINDS:
                reached.setdefault(target.name, set()).update(str(a) for a in access)
        if not reached:
            return
        names = sorted(reached)
        summary = ", ".join(f"{n} ({'/'.join(sorted(reached[n]))})" for n in names[:5])
        more = f" and {len(names) - 5} more" if len(names) > 5 else ""
        yield Violation(
            Evidence(
                location=f"{asset.source}#{asset.prop('address', asset.id)}",
                snippet=f'trust policy allows Principal "*"; reaches {summary}{more}'[:200],
                key="anyone-may-assume",
            ),
            detail=f"anyone can assume {asset.name}, which reaches {summary}{more}",
        )
