"""Ray dashboards bound on every interface with no authentication."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import ai_category, app_requires_auth
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity

ALL_INTERFACES = frozenset({"0.0.0.0", "::", "[::]"})  # noqa: S104 - values compared, not bound


class RayDashboardOnAllInterfacesCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-014",
        title="Ray dashboard listens on all interfaces without authentication",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.AI_SERVICE}),
        refs=(
            atlas("AML.T0050"),
            atlas("AML.T0049"),
            atlas("AML.M0019"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
        ),
        rationale=(
            "With --dashboard-host=0.0.0.0 (KubeRay's default) the dashboard and its Jobs API,"
            " which submits arbitrary shell commands, answer every pod that can reach the head"
            " node; Ray has no authentication unless token auth is turned on."
        ),
        remediation=(
            "Set rayStartParams dashboard-host to 127.0.0.1 and use kubectl port-forward, or"
            " enable RAY_AUTH_MODE=token and restrict the head pod with a NetworkPolicy."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        host = str(asset.prop("ray_dashboard_host") or "")
        if (
            ai_category(asset) != "distributed_compute"
            or host not in ALL_INTERFACES
            or app_requires_auth(asset)
        ):
            return
        yield Violation(
            Evidence(location=asset.source, snippet=f"dashboard-host={host}", key=asset.id),
            detail=f"dashboard-host={host}",
        )
