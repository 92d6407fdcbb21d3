"""Public Ingresses in front of AI services that serve some hosts without TLS."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import ai_category, component_name
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, RelationKind, Severity


def ai_backends(ingress: Asset, graph: InventoryGraph) -> list[Asset]:
    return [
        workload
        for service in graph.successors(ingress.id, RelationKind.ROUTES_TO)
        for workload in graph.successors(service.id, RelationKind.ROUTES_TO)
        if ai_category(workload)
    ]


class IngressWithoutTLSCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-021",
        title="Public Ingress to an AI service without TLS",
        severity=Severity.MEDIUM,
        layer=Layer.INFRASTRUCTURE,
        kinds=frozenset({AssetKind.K8S_INGRESS}),
        refs=(
            atlas("AML.M0012"),
            atlas("AML.T0057"),
            atlas("AML.T0055"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.10"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "Prompts, completions, notebook sessions and the API keys or session cookies that"
            " protect them cross the internet in clear text when a host is served without TLS;"
            " anyone on the path reads or replays them."
        ),
        remediation=(
            "List every host under spec.tls with a certificate (cert-manager can issue it) and"
            " redirect plain HTTP to HTTPS."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("k8s_kind") != "Ingress" or not asset.internet_exposed:
            return
        backends = ai_backends(asset, graph)
        if not backends:
            return
        tls_hosts = set(asset.prop("tls_hosts") or ())
        hosts = [str(r.get("host") or "*") for r in asset.prop("rules") or ()]
        plain = [h for h in hosts if h not in tls_hosts] if asset.prop("tls") else hosts
        if not plain:
            return
        names = ", ".join(sorted({component_name(b) for b in backends}))
        yield Violation(
            Evidence(
                location=asset.source,
                snippet=f"hosts without TLS: {', '.join(plain)} (backends: {names})",
                key=asset.id,
            ),
            detail=", ".join(plain),
        )
