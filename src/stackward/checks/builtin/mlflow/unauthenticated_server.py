"""An MLflow tracking server answers API requests from anyone who can reach it."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class UnauthenticatedMlflowServerCheck(Check):
    meta = CheckMeta(
        id="SW-MLF-001",
        title="MLflow tracking server accepts requests without authentication",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.AI_SERVICE}),
        refs=(
            atlas("AML.T0049"),
            atlas("AML.T0044"),
            atlas("AML.T0010"),
            nist("MANAGE 2.4"),
            nist("GOVERN 6.1"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "MLflow's server has no authentication unless it is started with --app-name"
            " basic-auth or put behind an authenticating proxy. Anyone who reaches it reads every"
            " run's parameters and every registered model, and can register a new model version"
            " or move the production alias to one they uploaded."
        ),
        remediation=(
            "Start the server with --app-name basic-auth (or an OIDC plugin) or put an"
            " authenticating reverse proxy in front of it; keep it off public addresses and"
            " give the scanner a read-only account through services.mlflow[].token_env."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("service") != "mlflow" or asset.prop("auth_required") is not False:
            return
        exposed = asset.internet_exposed
        yield Violation(
            Evidence(
                location=str(asset.prop("url", asset.source)),
                snippet=(
                    "GET /api/2.0/mlflow/experiments/search answered without credentials"
                    + (f" from public address {asset.prop('address')}" if exposed else "")
                ),
                key="unauthenticated",
            ),
            detail=(
                "reachable from the internet with no authentication"
                if exposed
                else "no authentication on the tracking and registry API"
            ),
            severity=Severity.CRITICAL if exposed else None,
        )
