"""A self-hosted AI service reports a version that a published advisory marks as affected."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.services.kinds import SERVICE_KINDS, entries, severity_of
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence, Layer, Severity


class VulnerableAIServiceVersionCheck(Check):
    meta = CheckMeta(
        id="SW-SVC-002",
        title="AI service runs a version with a known vulnerability",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=SERVICE_KINDS,
        refs=(
            atlas("AML.T0049"),
            nist("MANAGE 2.4"),
            nist("GOVERN 6.1"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "The version the service reports about itself falls in the affected range of a"
            " published advisory. Public exploits exist for several of them (Ollama path"
            " traversal, MLflow file read, TorchServe SSRF to model loading), and these"
            " servers are often reachable from far more of the network than intended."
        ),
        remediation=(
            "Upgrade to the fixed version named in the advisory; until then restrict who can"
            " reach the port."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        version = asset.prop("version")
        product = str(asset.prop("product_name", asset.prop("product", "service")))
        for advisory in entries(asset, "advisories"):
            cve = str(advisory.get("cve", ""))
            if not cve:
                continue
            yield Violation(
                Evidence(
                    location=asset.source,
                    snippet=(
                        f"{product} {version}: {cve} (affected {advisory.get('affected')})"
                        f" {advisory.get('advisory')}"
                    )[:300],
                    key=cve,
                ),
                detail=f"{product} {version} at {asset.source}: {cve}: {advisory.get('summary')}"[
                    :400
                ],
                severity=severity_of(advisory.get("severity"), Severity.HIGH),
            )
