"""MLflow server versions against the shared advisory file, read through the collector's view
and through the fingerprinter's: both must flag the same versions."""

from __future__ import annotations

import pytest

from stackward.collectors.mlflow.advisories import affecting, mlflow_advisories
from stackward.fingerprint import advisories_for

ALL = {"CVE-2023-1177", "CVE-2023-2780", "CVE-2023-6831", "CVE-2023-6753", "CVE-2024-1483"}


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        pytest.param("2.2.0", ALL, id="2.2.0-all"),
        pytest.param("2.2.1", ALL - {"CVE-2023-1177"}, id="2.2.1-first-fixed"),
        pytest.param("2.3.1", {"CVE-2023-6831", "CVE-2023-6753", "CVE-2024-1483"}, id="2.3.1"),
        pytest.param("2.9.2", {"CVE-2024-1483"}, id="2.9.2-still-1483"),
        pytest.param("2.10.0", set(), id="2.10.0-clean"),
        pytest.param("3.17.2", set(), id="current"),
        pytest.param(
            "2.9.2rc1", {"CVE-2023-6831", "CVE-2023-6753", "CVE-2024-1483"}, id="pre-release"
        ),
        pytest.param("not-a-version", set(), id="unparsable"),
        pytest.param(None, set(), id="unknown"),
    ],
)
def test_collector_and_fingerprinter_flag_the_same_versions(
    version: str | None, expected: set[str]
) -> None:
    from_collector = [a.cve for a in affecting(version)]
    from_fingerprint = [m.cve for m in advisories_for("mlflow", version)]
    assert set(from_collector) == expected
    assert from_collector == from_fingerprint


def test_collector_evidence_keeps_the_keys_the_check_reads() -> None:
    (entry,) = [a.as_dict() for a in affecting("2.9.2")]
    assert entry["id"] == entry["cve"] == "CVE-2024-1483"
    assert entry["fixed"] == "2.10.0"
    assert {"severity", "summary", "advisory", "affected", "checked"} <= set(entry)


def test_every_mlflow_advisory_cites_a_page() -> None:
    advisories = mlflow_advisories()
    assert len(advisories) == len(ALL)
    assert {a.cve for a in advisories} == ALL
    for advisory in advisories:
        assert advisory.advisory.startswith("https://")
        assert advisory.fixed is not None
