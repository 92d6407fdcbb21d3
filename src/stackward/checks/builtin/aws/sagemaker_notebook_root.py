"""SageMaker notebook instances that give users root."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class SageMakerNotebookRootAccessCheck(Check):
    meta = CheckMeta(
        id="SW-AWS-002",
        title="SageMaker notebook instance grants root access",
        severity=Severity.MEDIUM,
        layer=Layer.EXPERIMENTATION,
        kinds=frozenset({AssetKind.NOTEBOOK_INSTANCE}),
        refs=(
            atlas("AML.T0050"),
            atlas("AML.T0037"),
            atlas("AML.M0026"),
            nist("MEASURE 2.7"),
            nist("GOVERN 1.4"),
        ),
        rationale=(
            "Root on the notebook (the provider default) lets any user or any code they run"
            " change the instance, disable its controls, read every user's files and persist"
            " across restarts through lifecycle hooks."
        ),
        remediation=(
            'Set root_access = "Disabled"; install system packages through a reviewed'
            " lifecycle configuration instead."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("resource_type") != "aws_sagemaker_notebook_instance":
            return
        if asset.prop("root_access") == "Enabled":
            yield Violation(
                Evidence(
                    location=f"{asset.source}#{asset.prop('address')}",
                    snippet='root_access = "Enabled"',
                    key="root_access",
                )
            )
