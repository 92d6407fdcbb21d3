from __future__ import annotations

import pytest

from stackward.checks import load_checks
from stackward.frameworks import (
    UnknownControlError,
    atlas,
    atlas_catalog,
    nist,
    nist_catalog,
    owasp_catalog,
    owasp_llm,
)
from stackward.model.refs import Framework


def test_pinned_catalog_sizes_match_the_releases() -> None:
    catalog = atlas_catalog()
    assert catalog.version == "5.6.0"
    assert len(catalog.tactics) == 16
    assert len(catalog.techniques) == 101 + 69
    assert len(catalog.mitigations) == 35
    subcategories = [k for k in nist_catalog() if k.count(".") == 1]
    assert len(subcategories) == 72
    assert sorted(owasp_catalog()) == [f"LLM{i:02d}" for i in range(1, 11)]


@pytest.mark.parametrize(
    ("helper", "good", "bad"),
    [
        (atlas, "AML.T0011.000", "AML.T9999"),
        (atlas, "AML.M0014", "AML.M0999"),
        (nist, "MANAGE 2.4", "MANAGE 9.9"),
        (owasp_llm, "LLM03", "LLM11"),
    ],
)
def test_helpers_accept_pinned_ids_and_reject_others(helper, good, bad) -> None:  # type: ignore[no-untyped-def]
    assert helper(good).id == good
    with pytest.raises(UnknownControlError):
        helper(bad)


def test_subtechniques_inherit_parent_tactics() -> None:
    assert atlas_catalog().tactics_of("AML.T0011.000") == atlas_catalog().tactics_of("AML.T0011")


def test_every_check_reference_exists_and_each_check_has_atlas_or_nist() -> None:
    lookups = {
        Framework.ATLAS: lambda i: atlas_catalog().name_of(i),
        Framework.NIST_AI_RMF: lambda i: nist_catalog().get(i),
        Framework.OWASP_LLM: lambda i: owasp_catalog().get(i),
    }
    checks = load_checks()
    assert checks
    for check in checks:
        frameworks = {ref.framework for ref in check.meta.refs}
        assert frameworks & {Framework.ATLAS, Framework.NIST_AI_RMF}, check.meta.id
        for ref in check.meta.refs:
            assert lookups[ref.framework](ref.id) == ref.name, (check.meta.id, ref)
