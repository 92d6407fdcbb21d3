"""Model files deserialised with loaders that can run code (torch.load, pickle.load)."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.files.unsafe_load_facts import load_evidence, place, unsafe_loads
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer, Severity


class UnsafeModelDeserializationCheck(Check):
    meta = CheckMeta(
        id="SW-FILE-004",
        title="Model deserialised with a code-executing loader",
        severity=Severity.MEDIUM,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.SOURCE_FILE, AssetKind.NOTEBOOK}),
        refs=(
            atlas("AML.T0011.000"),
            atlas("AML.T0010.003"),
            atlas("AML.M0014"),
            nist("MANAGE 2.4"),
            nist("MAP 4.1"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "pickle.load and torch.load with weights_only=False run arbitrary code embedded in"
            " the file; a model file swapped in storage or a registry becomes code execution"
            " in the loading process. torch.load without the argument is only safe from"
            " PyTorch 2.6, where weights_only defaults to True."
        ),
        remediation=(
            "Store weights as safetensors and load them with safetensors, or call"
            " torch.load(..., weights_only=True); never unpickle model files from storage"
            " others can write."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        for load in unsafe_loads(asset, "torch_load_without_weights_only"):
            explicit = load.get("weights_only") == "false"
            yield Violation(
                load_evidence(asset, load),
                detail=(
                    f"torch.load with weights_only=False at {place(load)}"
                    if explicit
                    else f"torch.load without weights_only=True at {place(load)}"
                ),
                severity=Severity.HIGH if explicit else None,
            )
        for load in unsafe_loads(asset, "pickle_load"):
            if load.get("model_path") is True:
                yield Violation(
                    load_evidence(asset, load), detail=f"pickle load of a model at {place(load)}"
                )
