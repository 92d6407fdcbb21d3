from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.collectors.base import CollectContext, CollectResult
from stackward.config import ScanConfig
from stackward.config.schema import ChecksPolicy, Sources
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Relation, RelationKind, Severity
from stackward.scan import run_scan


def _meta(check_id: str, severity: Severity = Severity.HIGH) -> CheckMeta:
    return CheckMeta(
        id=check_id,
        title=f"title {check_id}",
        severity=severity,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.MODEL_ARTIFACT}),
        refs=(atlas("AML.T0011.000"), nist("MANAGE 2.4")),
        rationale="r",
        remediation="fix",
    )


class AlwaysHigh(Check):
    meta = _meta("T-HIGH")

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        yield Violation(Evidence(asset.id))


class AlwaysLow(Check):
    meta = _meta("T-LOW", Severity.LOW)

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        yield Violation(Evidence(asset.id))


class Broken(Check):
    meta = _meta("T-BROKEN")

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        raise KeyError("missing property")


class TwoModels:
    """A collector yielding two models, one of them reachable from the internet."""

    name = "two-models"

    def collect(self, ctx: CollectContext) -> CollectResult:
        def model(asset_id: str) -> Asset:
            return Asset(
                asset_id, AssetKind.MODEL_ARTIFACT, Layer.CORE_AI, asset_id, "t", sensitive=True
            )

        gateway = Asset(
            "gw", AssetKind.K8S_SERVICE, Layer.INFRASTRUCTURE, "gw", "t", internet_exposed=True
        )
        return CollectResult(
            assets=[model("exposed-model"), model("internal-model"), gateway],
            relations=[Relation("gw", "exposed-model", RelationKind.LOADS_MODEL)],
        )


class Exploding:
    name = "exploding"

    def collect(self, ctx: CollectContext) -> CollectResult:
        raise RuntimeError("boom")


def _config(tmp_path: Path, **kw: object) -> ScanConfig:
    return ScanConfig(sources=Sources(paths=[tmp_path]), **kw)  # type: ignore[arg-type]


def test_findings_on_attack_paths_rank_first(tmp_path: Path) -> None:
    result = run_scan(_config(tmp_path), collectors=[TwoModels()], checks=[AlwaysHigh()])
    assert [f.asset_id for f in result.findings] == ["exposed-model", "internal-model"]
    top, other = result.findings
    assert top.risk_score > other.risk_score and top.attack_path_ids
    assert [p.target_id for p in result.attack_paths] == ["exposed-model"]


def test_broken_check_and_collector_become_skipped_and_scan_goes_on(tmp_path: Path) -> None:
    result = run_scan(
        _config(tmp_path), collectors=[Exploding(), TwoModels()], checks=[Broken(), AlwaysHigh()]
    )
    assert len(result.findings) == 2
    reasons = [s.reason for s in result.skipped]
    assert any("collector failed: RuntimeError: boom" in r for r in reasons)
    assert sum("check T-BROKEN failed: KeyError" in r for r in reasons) == 2
    assert result.partial


def test_threshold_and_check_policy(tmp_path: Path) -> None:
    checks = [AlwaysHigh(), AlwaysLow()]
    result = run_scan(
        _config(tmp_path, severity_threshold=Severity.MEDIUM),
        collectors=[TwoModels()],
        checks=checks,
    )
    assert {f.rule_id for f in result.findings} == {"T-HIGH"}
    result = run_scan(
        _config(tmp_path, checks=ChecksPolicy(disable=["T-H*"])),
        collectors=[TwoModels()],
        checks=checks,
    )
    assert {f.rule_id for f in result.findings} == {"T-LOW"}
    result = run_scan(
        _config(tmp_path, checks=ChecksPolicy(only=["T-HIGH"])),
        collectors=[TwoModels()],
        checks=checks,
    )
    assert result.checks_run == 1


def test_suppressions_apply_with_today(tmp_path: Path) -> None:
    config = ScanConfig.model_validate(
        {
            "sources": {"paths": [str(tmp_path)]},
            "suppressions": [
                {
                    "rule": "T-HIGH",
                    "asset": "internal-*",
                    "reason": "accepted",
                    "expires": "2030-01-01",
                }
            ],
        }
    )
    result = run_scan(config, [TwoModels()], [AlwaysHigh()], today=dt.date(2029, 1, 1))
    assert [f.asset_id for f in result.findings] == ["exposed-model"]
    assert [f.asset_id for f in result.suppressed] == ["internal-model"]
    result = run_scan(config, [TwoModels()], [AlwaysHigh()], today=dt.date(2031, 1, 1))
    assert len(result.findings) == 2 and not result.suppressed
