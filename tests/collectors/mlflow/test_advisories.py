"""Server versions against the advisories file."""

from __future__ import annotations

import pytest

from stackward.collectors.mlflow.advisories import affecting, mlflow_advisories


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        pytest.param(
            "2.2.0",
            {"CVE-2023-1177", "CVE-2023-2780", "CVE-2023-6831", "CVE-2023-6753", "CVE-2024-1483"},
            id="2.2.0-all",
        ),
        pytest.param(
            "2.2.1",
            {"CVE-2023-2780", "CVE-2023-6831", "CVE-2023-6753", "CVE-2024-1483"},
            id="2.2.1-first-fixed",
        ),
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
def test_affecting(version: str | None, expected: set[str]) -> None:
    assert {a.id for a in affecting(version)} == expected


def test_every_advisory_cites_a_reference() -> None:
    advisories = mlflow_advisories()
    assert len({a.id for a in advisories}) == len(advisories)
    for advisory in advisories:
        assert advisory.references and all(r.startswith("https://") for r in advisory.references)
        assert advisory.severity in {"low", "medium", "high", "critical"}
