"""Credentials hard-coded in source code, configuration and .env files."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.files.secret_evidence import secret_hits, secret_violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer, Severity


class HardcodedSecretCheck(Check):
    meta = CheckMeta(
        id="SW-FILE-001",
        title="Hard-coded secret in a source or configuration file",
        severity=Severity.HIGH,
        layer=Layer.SUPPORTIVE,
        kinds=frozenset({AssetKind.SOURCE_FILE, AssetKind.CONFIG_FILE}),
        refs=(
            atlas("AML.T0055"),
            atlas("AML.T0012"),
            atlas("AML.M0012"),
            nist("MEASURE 2.7"),
            nist("GOVERN 1.6"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "API keys, cloud keys and database passwords in files give whoever reads the"
            " repository or the image the same access as the service: model APIs, training"
            " data, model registries."
        ),
        remediation=(
            "Rotate the credential, delete it from the file and its history, and inject it at"
            " run time from a secret manager or the deployment's secret store."
        ),
        detection=True,
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        for hit in secret_hits(asset):
            yield secret_violation(asset, hit)
