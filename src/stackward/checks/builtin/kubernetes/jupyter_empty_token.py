"""Jupyter servers started with an empty token."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import ai_category, component_name
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class JupyterWithoutTokenCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-013",
        title="Jupyter server runs with an empty token",
        severity=Severity.HIGH,
        layer=Layer.EXPERIMENTATION,
        kinds=frozenset({AssetKind.NOTEBOOK_INSTANCE}),
        refs=(
            atlas("AML.T0050"),
            atlas("AML.T0012"),
            atlas("AML.M0019"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
        ),
        rationale=(
            "--ServerApp.token='' (or NotebookApp / IdentityProvider, JUPYTER_TOKEN=\"\", or"
            " c.ServerApp.token = '' in a config file) turns off Jupyter's only authentication:"
            " anyone who reaches the port, from the internet or any pod in the cluster, runs code"
            " as the notebook."
        ),
        remediation=(
            "Keep the generated token or set one from a Secret (JUPYTER_TOKEN via secretKeyRef),"
            " or run notebooks behind JupyterHub or an authenticating proxy."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        auth = asset.prop("auth") or {}
        if ai_category(asset) != "notebook" or auth.get("state") != "disabled":
            return
        yield Violation(
            Evidence(
                location=asset.source,
                snippet=f"{component_name(asset)}: {auth.get('evidence', '')}",
                key=asset.id,
            ),
            detail=str(auth.get("evidence", "")),
        )
