"""Credentials typed into notebook code cells."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.files.secret_evidence import secret_hits, secret_violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer, Severity


class SecretInNotebookCodeCheck(Check):
    meta = CheckMeta(
        id="SW-NB-001",
        title="Hard-coded secret in a notebook code cell",
        severity=Severity.HIGH,
        layer=Layer.EXPERIMENTATION,
        kinds=frozenset({AssetKind.NOTEBOOK}),
        refs=(
            atlas("AML.T0055"),
            atlas("AML.T0012"),
            atlas("AML.M0012"),
            nist("MEASURE 2.7"),
            nist("GOVERN 1.6"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "Notebooks are shared, committed and exported far more freely than code; a key in"
            " a cell is readable by everyone who ever gets the file and stays in its history."
        ),
        remediation=(
            "Revoke and rotate the credential, remove it from the notebook and its history,"
            " and read it at run time from the environment or a secret manager."
        ),
        detection=True,
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        for hit in secret_hits(asset, where="code"):
            yield secret_violation(asset, hit)
