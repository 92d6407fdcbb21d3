from __future__ import annotations

import types
from collections.abc import Iterator

import pytest

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.registry import checks_in_module, load_checks
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer, Severity


def test_builtin_checks_are_found_and_ids_unique() -> None:
    checks = load_checks()
    ids = [c.meta.id for c in checks]
    assert len(ids) == len(set(ids))
    assert "SW-MODEL-001" in ids


def test_checks_in_module_takes_only_concrete_checks_defined_there() -> None:
    module = types.ModuleType("plugin_mod")

    class Plugin(Check):
        meta = CheckMeta(
            id="P-1",
            title="t",
            severity=Severity.LOW,
            layer=Layer.CORE_AI,
            kinds=frozenset({AssetKind.MODEL_ARTIFACT}),
            refs=(nist("MAP 4.1"),),
            rationale="r",
            remediation="m",
        )

        def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
            return iter(())

    Plugin.__module__ = "plugin_mod"
    module.Plugin = Plugin  # type: ignore[attr-defined]
    module.Check = Check  # type: ignore[attr-defined]
    assert checks_in_module(module) == [Plugin]


@pytest.mark.parametrize(
    ("refs", "kinds", "message"),
    [
        ((owasp_llm("LLM03"),), frozenset({AssetKind.MODEL_ARTIFACT}), "ATLAS or NIST"),
        ((atlas("AML.T0011.000"),), frozenset(), "inspects no asset kind"),
    ],
)
def test_check_metadata_is_validated(refs, kinds, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        CheckMeta(
            id="X",
            title="t",
            severity=Severity.LOW,
            layer=Layer.CORE_AI,
            kinds=kinds,
            refs=refs,
            rationale="r",
            remediation="m",
        )
