"""Jupyter servers configured to accept requests without a token or password."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.files.jupyter_settings import (
    ALL_INTERFACES,
    jupyter_settings,
    setting_evidence,
    setting_value,
)
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer, Severity


class JupyterWithoutAuthCheck(Check):
    meta = CheckMeta(
        id="SW-FILE-002",
        title="Jupyter server configured without authentication",
        severity=Severity.HIGH,
        layer=Layer.EXPERIMENTATION,
        kinds=frozenset({AssetKind.CONFIG_FILE}),
        refs=(
            atlas("AML.T0049"),
            atlas("AML.T0036"),
            atlas("AML.M0019"),
            nist("MEASURE 2.7"),
            nist("MANAGE 2.4"),
        ),
        rationale=(
            "A Jupyter server runs any code it is sent. With an empty token and no password,"
            " anyone who reaches the port gets a shell with the notebook user's data, keys and"
            " model access; listening on every interface makes that anyone on the network."
        ),
        remediation=(
            "Remove the empty token (Jupyter then generates one) or set a hashed password,"
            " bind to 127.0.0.1 and reach the server through an authenticating proxy or a tunnel."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        settings = jupyter_settings(asset)
        if setting_value(settings, "token") != "empty":
            return
        if setting_value(settings, "password") == "set":
            return
        if setting_value(settings, "hashed_password") == "set":
            return
        ip = setting_value(settings, "ip")
        exposed = isinstance(ip, str) and ip in ALL_INTERFACES
        yield Violation(
            setting_evidence(asset, settings, "token"),
            detail=f"empty token, no password, listening on {ip!r}"
            if exposed
            else "empty token, no password",
            severity=Severity.CRITICAL if exposed else None,
        )
