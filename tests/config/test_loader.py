from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stackward.config import ConfigError, load_config
from stackward.config.loader import parse_config
from stackward.model import Evidence, Finding, Layer, Severity


def test_default_config_file_is_valid_and_matches_defaults(tmp_path: Path) -> None:
    from importlib import resources

    text = resources.files("stackward.config").joinpath("default.yaml").read_text()
    config = parse_config(text, "default.yaml")
    assert config.severity_threshold is Severity.LOW
    assert config.fail_on is None


def test_full_config_parses(tmp_path: Path) -> None:
    path = tmp_path / "stackward.yaml"
    path.write_text(
        "version: 1\n"
        "sources:\n"
        "  paths: [stack]\n"
        "  kubernetes_clusters:\n"
        "    - context: prod\n"
        "severity_threshold: medium\n"
        "fail_on: high\n"
        "suppressions:\n"
        "  - rule: SW-K8S-*\n"
        "    asset: 'k8s:deployment/ml/*'\n"
        "    reason: accepted until migration\n"
        "    expires: 2030-01-01\n"
        "store:\n"
        "  path: db/s.db\n"
    )
    config = load_config(path)
    assert config.sources.paths == [tmp_path / "stack"]
    assert config.store.path == tmp_path / "db" / "s.db"
    assert config.fail_on is Severity.HIGH
    assert config.sources.kubernetes_clusters[0].context == "prod"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "severity_threshold: huge\n",
            "x.yaml:1: severity_threshold: Value error, unknown severity",
        ),
        ("version: 1\nsources:\n  pathz: [a]\n", "x.yaml:3: sources.pathz: unknown setting"),
        (
            "suppressions:\n  - rule: X\n    reason: because\n",
            "x.yaml:2: suppressions.0.expires: Field required",
        ),
        (
            "suppressions:\n  - rule: X\n    reason: because\n    expires: someday\n",
            "x.yaml:4: suppressions.0.expires:",
        ),
        ("sources: [\n", "x.yaml:2: invalid YAML"),
        ("- just\n- a list\n", "x.yaml:1: the config must be a mapping"),
        ("version: 2\n", "x.yaml:1: version: Value error, only config version 1"),
    ],
)
def test_errors_name_file_line_and_problem(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "x.yaml")
    assert expected in str(info.value)


def test_unreadable_config_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path / "missing.yaml")
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(binary)


def test_suppression_matches_until_expiry() -> None:
    config = parse_config(
        "suppressions:\n  - rule: SW-K8S-*\n    asset: 'k8s:*'\n    reason: ok for now\n"
        "    expires: 2027-01-01\n",
        "x.yaml",
    )
    finding = Finding(
        rule_id="SW-K8S-003",
        asset_id="k8s:deployment/a/b",
        layer=Layer.INFRASTRUCTURE,
        severity=Severity.HIGH,
        title="t",
        evidence=Evidence("x"),
        remediation="r",
        refs=(),
    )
    rule = config.suppressions[0]
    assert rule.matches(finding, dt.date(2026, 12, 31))
    assert not rule.matches(finding, dt.date(2027, 1, 2))
