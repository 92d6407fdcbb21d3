"""SageMaker models whose containers may reach the network."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class SageMakerModelNetworkIsolationCheck(Check):
    meta = CheckMeta(
        id="SW-AWS-004",
        title="SageMaker model runs without network isolation",
        severity=Severity.MEDIUM,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.MODEL_ARTIFACT}),
        refs=(
            atlas("AML.T0011.000"),
            atlas("AML.T0025"),
            atlas("AML.M0019"),
            nist("MEASURE 2.7"),
            nist("MANAGE 2.4"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "A model container without enable_network_isolation can open outbound"
            " connections, so a backdoored model artifact or inference image can call home,"
            " fetch a second stage or exfiltrate the requests it serves."
        ),
        remediation=(
            "Set enable_network_isolation = true on the aws_sagemaker_model (and give it a"
            " vpc_config); load everything the container needs from the model artifact."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("resource_type") != "aws_sagemaker_model":
            return
        if not asset.prop("enable_network_isolation"):
            yield Violation(
                Evidence(
                    location=f"{asset.source}#{asset.prop('address')}",
                    snippet="enable_network_isolation = false",
                    key="enable_network_isolation",
                )
            )
