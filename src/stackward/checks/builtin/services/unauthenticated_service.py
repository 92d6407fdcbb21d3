"""A self-hosted AI service answered a read-only request that should need credentials."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.services.kinds import SERVICE_KINDS, entries, severity_of
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence, Layer, Severity


class UnauthenticatedAIServiceCheck(Check):
    meta = CheckMeta(
        id="SW-SVC-001",
        title="AI service answers without authentication",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=SERVICE_KINDS,
        refs=(
            atlas("AML.T0049"),
            atlas("AML.T0040"),
            atlas("AML.T0044"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
            owasp_llm("LLM10"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "The service was asked, anonymously and read-only, for something only its users"
            " should see, and it answered. Whoever reaches the port can do the same and more:"
            " Ray's Jobs API and Jupyter kernels run arbitrary code, TorchServe's management"
            " API and Ollama load and delete models, model APIs give free inference and model"
            " extraction, vector stores and trackers give away the data they hold."
        ),
        remediation=(
            "Turn on the product's own authentication (Jupyter token or password, vLLM"
            " --api-key, LiteLLM master key, Qdrant/Chroma API keys, MLflow basic auth,"
            " TorchServe token authorization) or put an authenticating proxy in front, and bind"
            " management ports (TorchServe 8081, Ray dashboard 8265) to localhost."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        exposures = entries(asset, "exposures")
        if not exposures:
            return
        worst = max(severity_of(e.get("severity"), Severity.HIGH) for e in exposures)
        proofs = "; ".join(
            f"{e.get('request')} -> {e.get('summary')}"
            + (f" ({e.get('cve')})" if e.get("cve") else "")
            for e in exposures
        )
        product = str(asset.prop("product_name", asset.prop("product", "service")))
        yield Violation(
            Evidence(location=asset.source, snippet=proofs[:300], key="unauthenticated"),
            detail=f"{product} at {asset.source}: {exposures[0].get('proves', '')}"[:400],
            severity=worst,
        )
