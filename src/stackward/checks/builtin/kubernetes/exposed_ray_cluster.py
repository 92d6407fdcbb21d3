"""Ray dashboard / client / jobs API reachable from outside the cluster."""

from __future__ import annotations

from stackward.checks.base import CheckMeta
from stackward.checks.builtin.kubernetes.exposure_base import UnauthenticatedExposureCheck
from stackward.frameworks import atlas, nist
from stackward.model import AssetKind, Layer, Severity


class ExposedRayClusterCheck(UnauthenticatedExposureCheck):
    categories = frozenset({"distributed_compute"})
    meta = CheckMeta(
        id="SW-K8S-003",
        title="Ray cluster exposed outside the cluster without authentication",
        severity=Severity.CRITICAL,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.AI_SERVICE}),
        refs=(
            atlas("AML.T0049"),
            atlas("AML.T0050"),
            atlas("AML.T0034"),
            atlas("AML.M0019"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
        ),
        rationale=(
            "The Ray dashboard (8265) and client port (10001) have no authentication by default,"
            " and the Jobs API runs arbitrary commands on the cluster (CVE-2023-48022,"
            " exploited in the wild as ShadowRay). Reachable from outside, the Ray cluster is"
            " remote code execution on GPU nodes with every credential they hold."
        ),
        remediation=(
            "Keep the KubeRay head Service ClusterIP (headGroupSpec.serviceType), reach the"
            " dashboard through kubectl port-forward or an authenticating proxy, and enable Ray"
            " token authentication (RAY_AUTH_MODE=token) where the Ray version supports it."
        ),
    )
