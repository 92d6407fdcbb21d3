"""IAM policies granting every SageMaker, Bedrock or S3 action (or everything) on ``*``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity

BROAD_ACTIONS = frozenset({"*", "*:*", "sagemaker:*", "bedrock:*", "s3:*"})


def broad_grant(statement: Mapping[str, Any]) -> str | None:
    """What an Allow statement grants too broadly on every resource, or None."""
    if statement.get("effect") != "Allow":
        return None
    resources = statement.get("resources") or []
    if "*" not in resources and not statement.get("not_resources"):
        return None
    if statement.get("not_actions"):
        return "every action except " + ", ".join(statement["not_actions"])
    broad = [a for a in statement.get("actions") or [] if a.lower() in BROAD_ACTIONS]
    return ", ".join(broad) if broad else None


class IamWildcardAiPermissionsCheck(Check):
    meta = CheckMeta(
        id="SW-AWS-008",
        title="IAM policy grants all SageMaker, Bedrock or S3 actions on every resource",
        severity=Severity.HIGH,
        layer=Layer.IDENTITY,
        kinds=frozenset({AssetKind.IAM_POLICY}),
        refs=(
            atlas("AML.T0012"),
            atlas("AML.T0044"),
            atlas("AML.T0035"),
            atlas("AML.M0019"),
            atlas("AML.M0026"),
            nist("MANAGE 2.4"),
            nist("GOVERN 1.4"),
            owasp_llm("LLM06"),
        ),
        rationale=(
            'A statement allowing sagemaker:*, bedrock:*, s3:* or * on Resource "*" (or'
            " NotAction) lets anyone who gets the role read every model and dataset, replace"
            " models behind endpoints and run any foundation model at the account's expense."
        ),
        remediation=(
            "List the actions the workload calls and the ARNs it needs (the training bucket,"
            " the model ARN, the endpoint) instead of wildcards; use IAM Access Analyzer"
            " policy generation from CloudTrail to find them."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        for position, statement in enumerate(asset.prop("statements") or ()):
            if not isinstance(statement, Mapping):
                continue
            grant = broad_grant(statement)
            if grant is None:
                continue
            label = statement.get("sid") or f"statement {position}"
            yield Violation(
                Evidence(
                    location=f"{asset.source}#{asset.prop('address', asset.id)}",
                    snippet=f"{label}: Allow {grant} on Resource *",
                    key=f"statement-{position}",
                ),
                detail=grant,
            )
