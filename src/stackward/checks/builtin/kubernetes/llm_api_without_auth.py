"""LLM inference APIs that accept requests without any credential, even inside the cluster."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import (
    WORKLOAD_KINDS,
    ai_category,
    app_requires_auth,
    auth_summary,
    component_name,
    has_auth_proxy,
)
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence, Layer, Severity


class UnauthenticatedLLMApiCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-017",
        title="LLM inference API without authentication or an auth proxy",
        severity=Severity.MEDIUM,
        layer=Layer.CORE_AI,
        kinds=WORKLOAD_KINDS,
        refs=(
            atlas("AML.T0040"),
            atlas("AML.T0034"),
            atlas("AML.M0019"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
            owasp_llm("LLM10"),
        ),
        rationale=(
            "Ollama has no authentication at all and vLLM, TGI or llama.cpp only with an API key."
            " Without one, and without an authenticating proxy, every pod and every user with"
            " network reach can run, pull, delete or exhaust models, and nothing attributes use."
        ),
        remediation=(
            "Configure the server's API key from a Secret (vLLM --api-key / VLLM_API_KEY,"
            " LiteLLM master key) or put an authenticating proxy sidecar (oauth2-proxy) in front"
            " and point the Service at it."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if ai_category(asset) != "llm_serving" or app_requires_auth(asset) or has_auth_proxy(asset):
            return
        yield Violation(
            Evidence(
                location=asset.source,
                snippet=f"{component_name(asset)}: {auth_summary(asset)}",
                key=asset.id,
            ),
            detail=component_name(asset),
        )
