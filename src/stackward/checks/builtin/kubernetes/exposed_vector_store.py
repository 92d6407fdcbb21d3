"""Vector databases reachable from outside the cluster without credentials."""

from __future__ import annotations

from stackward.checks.base import CheckMeta
from stackward.checks.builtin.kubernetes.exposure_base import UnauthenticatedExposureCheck
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.model import AssetKind, Layer, Severity


class ExposedVectorStoreCheck(UnauthenticatedExposureCheck):
    categories = frozenset({"vector_db"})
    meta = CheckMeta(
        id="SW-K8S-005",
        title="Vector database exposed outside the cluster without authentication",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.VECTOR_STORE}),
        refs=(
            atlas("AML.T0085.000"),
            atlas("AML.T0070"),
            atlas("AML.T0049"),
            atlas("AML.M0019"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.10"),
            owasp_llm("LLM08"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "Qdrant, Chroma, Milvus and Weaviate accept unauthenticated reads and writes by"
            " default. Exposed, they leak the documents behind retrieval-augmented generation and"
            " let an attacker plant content that the LLM will retrieve and trust (RAG poisoning)."
        ),
        remediation=(
            "Keep the Service ClusterIP, enable the database's API-key or OIDC authentication"
            " (QDRANT__SERVICE__API_KEY, Chroma auth provider, Milvus authorizationEnabled,"
            " Weaviate API keys with anonymous access off) and restrict clients by NetworkPolicy."
        ),
    )
