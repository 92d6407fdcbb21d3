"""An MLflow tracking server reports a version with published advisories."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class VulnerableMlflowServerCheck(Check):
    meta = CheckMeta(
        id="SW-MLF-004",
        title="MLflow tracking server version has known vulnerabilities",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.AI_SERVICE}),
        refs=(
            atlas("AML.T0049"),
            atlas("AML.T0010"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "Old MLflow servers let a client read or delete files on the server through path"
            " traversal in artifact and model-version handling: cloud keys, the backend store"
            " password and every model file the server can reach."
        ),
        remediation=(
            "Upgrade the server to a release at or above the highest fixed version listed, and"
            " keep it behind authentication while the upgrade is pending."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("service") != "mlflow":
            return
        advisories = asset.prop("advisories", ())
        for advisory in advisories if isinstance(advisories, list | tuple) else ():
            if not isinstance(advisory, Mapping):
                continue
            try:
                severity = Severity.parse(str(advisory.get("severity", "")))
            except ValueError:
                severity = self.meta.severity
            ident = str(advisory.get("id", "?"))
            yield Violation(
                Evidence(
                    location=str(asset.prop("url", asset.source)),
                    snippet=(f"version {asset.prop('version')} < {advisory.get('fixed')}: {ident}"),
                    key=ident,
                ),
                detail=f"{ident}: {advisory.get('summary', '')} (fixed in {advisory.get('fixed')})",
                severity=severity,
            )
