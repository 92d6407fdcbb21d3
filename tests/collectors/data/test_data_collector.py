"""`stackward scan` with ``data.sources``: classified stores in the inventory, policy findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackward.checks.builtin.data.forbidden_data_class import ForbiddenDataClassCheck
from stackward.collectors.data import DataCollector
from stackward.config.schema import ScanConfig
from stackward.model import AssetKind
from stackward.scan import run_scan

CUSTOMERS = "id,email,ssn,amount\n" + "".join(
    f"{i},user{i}@example.org,{100 + i:03d}-{10 + i % 80:02d}-{1000 + i:04d},{i * 3}.50\n"
    for i in range(60)
)
SETTINGS = "DEBUG = True\nGITHUB = 'ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'\n"


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    root = tmp_path / "lake"
    (root / "training").mkdir(parents=True)
    (root / "serving").mkdir()
    (root / "training" / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (root / "serving" / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (root / "training" / "notes.txt").write_text("nothing to see here\n", encoding="utf-8")
    return root


def _config(lake: Path, tmp_path: Path) -> ScanConfig:
    return ScanConfig.model_validate(
        {
            "sources": {"paths": []},
            "store": {"path": str(tmp_path / "state" / "stackward.db")},
            "data": {
                "sources": [{"path": str(lake)}],
                "policies": [
                    {
                        "name": "training data holds no national ids",
                        "stores": [f"{lake}/training/*"],
                        "deny": ["pii.national_id.*", "secret.*"],
                    }
                ],
                "jobs": 1,
            },
        }
    )


def test_classified_items_and_store_join_the_inventory(lake: Path, tmp_path: Path) -> None:
    result = run_scan(
        _config(lake, tmp_path), collectors=[DataCollector()], checks=[ForbiddenDataClassCheck()]
    )
    datasets = {a.id: a for a in result.graph.assets(AssetKind.DATASET)}
    stores = list(result.graph.assets(AssetKind.DATA_STORE))
    assert len(stores) == 1
    assert stores[0].prop("data_classes")["pii.email"] > 0
    by_prefix = stores[0].prop("data_classes_by_prefix")
    assert set(by_prefix) == {"training/", "serving/"}
    assert set(by_prefix["training/"]) == {"pii.email", "pii.national_id.us_ssn"}
    classes = {
        a.source.rsplit(" :: ", 1)[1]: set(a.prop("data_classes")) for a in datasets.values()
    }
    assert classes == {
        "training/customers.csv": {"pii.email", "pii.national_id.us_ssn"},
        "serving/customers.csv": {"pii.email", "pii.national_id.us_ssn"},
    }
    rules = {(f.rule_id, f.asset_id.rsplit("::", 1)[1]) for f in result.findings}
    assert rules == {("SW-DATA-002", "training/customers.csv")}
    (finding,) = result.findings
    assert "ssn" in finding.evidence.snippet
    assert "@example.org" not in str(finding)


def test_unset_dsn_variable_is_skipped_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_SUCH_DSN_VARIABLE", raising=False)
    config = ScanConfig.model_validate(
        {
            "sources": {"paths": []},
            "store": {"path": str(tmp_path / "s.db")},
            "data": {"sources": [{"dsn_env": "NO_SUCH_DSN_VARIABLE"}]},
        }
    )
    result = run_scan(config, collectors=[DataCollector()], checks=[])
    assert any("NO_SUCH_DSN_VARIABLE" in str(s) for s in result.skipped)
