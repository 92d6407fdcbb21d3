"""The package's public names stay what the documentation and the collector rely on."""

from __future__ import annotations

import stackward.code as code


def test_public_api() -> None:
    assert sorted(code.__all__) == [
        "CodeFacts",
        "CodeRisk",
        "Component",
        "Dependency",
        "ModelName",
        "RISK_KINDS",
        "SdkCatalog",
        "analyse_cells",
        "analyse_python",
        "classify_model",
        "is_dependency_file",
        "load_catalog",
        "read_dependencies",
    ]
    assert all(hasattr(code, name) for name in code.__all__)


def test_catalog_entries_are_well_formed() -> None:
    catalog = code.load_catalog()
    assert len(catalog.entries) >= 40
    for entry in catalog.entries:
        assert entry.modules or entry.distributions, entry.family
        assert entry.category.islower(), entry.family
    assert catalog.for_import("agents") is None
    assert catalog.for_distribution("LangChain_Community") is not None
