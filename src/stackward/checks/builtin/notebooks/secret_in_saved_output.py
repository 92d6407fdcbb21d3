"""Credentials printed into saved notebook outputs."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.files.secret_evidence import secret_hits, secret_violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer, Severity


class SecretInNotebookOutputCheck(Check):
    meta = CheckMeta(
        id="SW-NB-002",
        title="Secret saved in a notebook output",
        severity=Severity.HIGH,
        layer=Layer.EXPERIMENTATION,
        kinds=frozenset({AssetKind.NOTEBOOK}),
        refs=(
            atlas("AML.T0055"),
            atlas("AML.M0012"),
            nist("MEASURE 2.7"),
            nist("MANAGE 2.4"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "A token echoed by a cell (an environment dump, a client repr, a traceback) is"
            " stored in the .ipynb with the outputs, even when the code itself reads it safely."
        ),
        remediation=(
            "Rotate the credential, clear the outputs (jupyter nbconvert --clear-output) and"
            " strip outputs before commit (nbstripout); never print credentials."
        ),
        detection=True,
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        for hit in secret_hits(asset, where="output"):
            yield secret_violation(asset, hit)
