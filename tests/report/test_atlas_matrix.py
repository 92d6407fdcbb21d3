"""The ATLAS matrix: every tactic and parent technique, hits rolled up from sub-techniques."""

from __future__ import annotations

from stackward.frameworks import atlas, atlas_catalog, nist
from stackward.model import ControlRef, Evidence, Finding, Layer, Severity
from stackward.report.atlas_matrix import TechniqueCell, atlas_matrix


def finding(severity: Severity, *refs: ControlRef, asset: str = "a") -> Finding:
    return Finding(
        rule_id="R",
        asset_id=asset,
        layer=Layer.CORE_AI,
        severity=severity,
        title="t",
        evidence=Evidence("x"),
        remediation="r",
        refs=(*refs, nist("MANAGE 2.4")),
    )


def cells(findings: list[Finding]) -> dict[tuple[str, str], TechniqueCell]:
    return {(col.id, cell.id): cell for col in atlas_matrix(findings) for cell in col.techniques}


def test_columns_are_the_tactics_in_order_with_every_parent_technique() -> None:
    catalog = atlas_catalog()
    matrix = atlas_matrix([])
    assert [c.id for c in matrix] == [t.id for t in catalog.tactics]
    parents = {t.id for t in catalog.techniques.values() if t.parent is None}
    assert {cell.id for col in matrix for cell in col.techniques} == parents
    assert all(cell.hits.count == 0 for col in matrix for cell in col.techniques)


def test_a_technique_lights_every_tactic_it_belongs_to() -> None:
    got = cells([finding(Severity.HIGH, atlas("AML.T0049"))])
    assert got[("AML.TA0004", "AML.T0049")].hits.count == 1
    assert got[("AML.TA0004", "AML.T0049")].hits.max_severity is Severity.HIGH
    lit = [key for key, cell in got.items() if cell.hits.count]
    assert lit == [("AML.TA0004", "AML.T0049")]


def test_sub_techniques_roll_into_the_parent_and_are_listed() -> None:
    got = cells(
        [
            finding(Severity.LOW, atlas("AML.T0011.000"), asset="a"),
            finding(Severity.CRITICAL, atlas("AML.T0011.000"), atlas("AML.T0011"), asset="b"),
        ]
    )
    cell = got[("AML.TA0005", "AML.T0011")]
    assert (cell.hits.count, cell.hits.max_severity) == (2, Severity.CRITICAL)
    assert [(s.id, s.hits.count) for s in cell.sub_techniques] == [("AML.T0011.000", 2)]


def test_mitigations_and_other_frameworks_do_not_light_cells() -> None:
    got = cells([finding(Severity.HIGH, atlas("AML.M0019"))])
    assert not any(cell.hits.count for cell in got.values())


def test_column_count_sums_its_cells() -> None:
    matrix = atlas_matrix(
        [finding(Severity.HIGH, atlas("AML.T0049")), finding(Severity.LOW, atlas("AML.T0049"))]
    )
    initial_access = next(c for c in matrix if c.id == "AML.TA0004")
    assert initial_access.count == 2
