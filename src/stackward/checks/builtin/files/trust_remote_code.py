"""Model loading that runs code shipped with the model repository."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.files.unsafe_load_facts import load_evidence, place, unsafe_loads
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer, Severity


class TrustRemoteCodeCheck(Check):
    meta = CheckMeta(
        id="SW-FILE-003",
        title="Model loaded with trust_remote_code=True",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.SOURCE_FILE, AssetKind.CONFIG_FILE, AssetKind.NOTEBOOK}),
        refs=(
            atlas("AML.T0010.003"),
            atlas("AML.T0011.000"),
            atlas("AML.M0014"),
            nist("MAP 4.1"),
            nist("GOVERN 6.1"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "trust_remote_code=True imports and runs the Python files of the model repository"
            " at load time; whoever can change that repository (or a revision it resolves to)"
            " runs code in the serving or training process."
        ),
        remediation=(
            "Use a model class built into the library, or vendor the reviewed modelling code"
            " and pin the repository to a commit hash (revision=...) after review."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        for load in unsafe_loads(asset, "trust_remote_code"):
            yield Violation(load_evidence(asset, load), detail=place(load))
