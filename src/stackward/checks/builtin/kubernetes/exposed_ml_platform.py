"""Model registries, experiment trackers and ML pipelines reachable from outside without auth."""

from __future__ import annotations

from stackward.checks.base import CheckMeta
from stackward.checks.builtin.kubernetes.exposure_base import UnauthenticatedExposureCheck
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.model import AssetKind, Layer, Severity


class ExposedMLPlatformServiceCheck(UnauthenticatedExposureCheck):
    categories = frozenset({"model_registry", "experiment_tracking", "pipeline"})
    meta = CheckMeta(
        id="SW-K8S-004",
        title="Model registry, tracker or ML pipeline exposed outside the cluster without authentication",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.MODEL_REGISTRY, AssetKind.AI_SERVICE, AssetKind.PIPELINE}),
        refs=(
            atlas("AML.T0049"),
            atlas("AML.T0044"),
            atlas("AML.T0010.003"),
            atlas("AML.T0018"),
            atlas("AML.M0005"),
            nist("MANAGE 2.4"),
            nist("MAP 4.1"),
            owasp_llm("LLM03"),
            owasp_llm("LLM04"),
        ),
        rationale=(
            "An MLflow server has no authentication unless started with --app-name basic-auth;"
            " reachable from outside, anyone downloads every registered model and artifact, or"
            " registers a poisoned model version that production then loads. Pipeline"
            " orchestrators with their API open run arbitrary DAGs with the pipeline's credentials."
        ),
        remediation=(
            "Keep the Service ClusterIP, put an authenticating gateway in front, and turn on the"
            " tool's own authentication (MLflow basic-auth or an OIDC plugin; Airflow session or"
            " basic_auth API backends)."
        ),
    )
