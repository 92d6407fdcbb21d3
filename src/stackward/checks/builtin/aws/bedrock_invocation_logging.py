"""Bedrock used without model-invocation logging.

Invocation logging is one setting per account and region, not per model, so the finding
belongs to the ``aws:bedrock/<region>`` asset the Terraform collector records for every
region in which the plan uses Bedrock (Bedrock resources, or IAM grants of Bedrock
actions). It is clean when that asset ``LOGS_TO`` an invocation-logging configuration.
"""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, RelationKind, Severity


class BedrockInvocationLoggingCheck(Check):
    meta = CheckMeta(
        id="SW-AWS-005",
        title="Amazon Bedrock is used without model invocation logging",
        severity=Severity.MEDIUM,
        layer=Layer.LOGGING_MONITORING,
        kinds=frozenset({AssetKind.LLM_SERVICE}),
        refs=(
            atlas("AML.T0051"),
            atlas("AML.T0034"),
            atlas("AML.M0024"),
            nist("MEASURE 2.4"),
            nist("MANAGE 4.1"),
            owasp_llm("LLM01"),
            owasp_llm("LLM10"),
        ),
        rationale=(
            "Without model invocation logging no record of prompts, responses or the caller"
            " exists, so prompt injection, data leakage through the model and stolen-credential"
            " abuse (LLMjacking) cannot be detected or investigated."
        ),
        remediation=(
            "Add an aws_bedrock_model_invocation_logging_configuration in each region that"
            " uses Bedrock, delivering text data to a KMS-encrypted CloudWatch log group or"
            " S3 bucket with restricted access."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("resource_type") != "aws_bedrock_usage":
            return
        logs = [
            target
            for target in graph.successors(asset.id, RelationKind.LOGS_TO)
            if target.kind is AssetKind.LOG_CONFIG
        ]
        if not logs:
            users = list(asset.prop("used_by") or [])
            yield Violation(
                Evidence(
                    location=f"{asset.source}#{asset.region or 'unknown-region'}",
                    snippet="used by " + ", ".join(u.removeprefix("tf:") for u in users[:5]),
                    key="invocation_logging",
                )
            )
