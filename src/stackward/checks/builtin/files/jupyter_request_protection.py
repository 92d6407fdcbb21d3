"""Jupyter servers with cross-site request protections switched off."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.files.jupyter_settings import (
    jupyter_settings,
    setting_evidence,
    setting_value,
)
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer, Severity


class JupyterRequestProtectionCheck(Check):
    meta = CheckMeta(
        id="SW-FILE-005",
        title="Jupyter server with cross-site request protection disabled",
        severity=Severity.MEDIUM,
        layer=Layer.EXPERIMENTATION,
        kinds=frozenset({AssetKind.CONFIG_FILE}),
        refs=(
            atlas("AML.T0049"),
            atlas("AML.M0019"),
            nist("MEASURE 2.7"),
        ),
        rationale=(
            "With XSRF checks disabled or any origin allowed, a web page the notebook user"
            " visits can send code to the kernel with the user's session."
        ),
        remediation=(
            "Remove disable_check_xsrf and set allow_origin to the exact origins that must"
            " reach the server."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        settings = jupyter_settings(asset)
        if setting_value(settings, "disable_check_xsrf") is True:
            yield Violation(
                setting_evidence(asset, settings, "disable_check_xsrf"),
                detail="disable_check_xsrf = True",
            )
        if setting_value(settings, "allow_origin") == "*":
            yield Violation(
                setting_evidence(asset, settings, "allow_origin"),
                detail="allow_origin = '*'",
            )
