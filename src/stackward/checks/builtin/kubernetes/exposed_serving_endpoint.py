"""LLM and model serving endpoints reachable from outside the cluster without credentials."""

from __future__ import annotations

from stackward.checks.base import CheckMeta
from stackward.checks.builtin.kubernetes.exposure_base import UnauthenticatedExposureCheck
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.model import AssetKind, Layer, Severity


class ExposedServingEndpointCheck(UnauthenticatedExposureCheck):
    categories = frozenset({"llm_serving", "model_serving", "llm_app"})
    meta = CheckMeta(
        id="SW-K8S-001",
        title="AI serving endpoint exposed outside the cluster without authentication",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.LLM_SERVICE, AssetKind.MODEL_ENDPOINT, AssetKind.AI_SERVICE}),
        refs=(
            atlas("AML.T0040"),
            atlas("AML.T0049"),
            atlas("AML.T0034"),
            atlas("AML.T0024.002"),
            atlas("AML.M0019"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
            owasp_llm("LLM10"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "vLLM, Ollama, TGI, Triton and most inference servers answer anyone who can reach"
            " them. Published through a LoadBalancer, NodePort or Ingress with no auth step,"
            " they give the internet free inference (cost harvesting, denial of service), model"
            " extraction and, for servers with management APIs (Ollama pull/delete, Triton model"
            " control), tampering with the served model."
        ),
        remediation=(
            "Keep the serving Service ClusterIP and publish it only through an authenticating"
            " gateway: an Ingress with an auth-url / OIDC annotation, an oauth2-proxy sidecar the"
            " Service targets, or the server's own API key (vLLM --api-key, LiteLLM master key)."
        ),
    )
