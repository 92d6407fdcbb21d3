from __future__ import annotations

from pathlib import Path

import pytest

from stackward.config import ConfigError, ScanConfig, load_config


def test_data_sources_and_policies_load(tmp_path: Path) -> None:
    config = load_config_text(
        tmp_path,
        """
data:
  sources:
    - path: lake
    - uri: s3://training-data/raw
      endpoint_url: http://127.0.0.1:8333
    - dsn_env: CRM_DSN
  policies:
    - name: training data holds no secrets
      stores: ["s3://training-*"]
      deny: ["secret.*", "pii.national_id.*"]
  sample_rows: 500
""",
    )
    assert [s.uri for s in config.data.sources] == [None, "s3://training-data/raw", None]
    assert config.data.policies[0].deny == ["secret.*", "pii.national_id.*"]
    assert config.data.sample_rows == 500


def load_config_text(tmp_path: Path, text: str) -> ScanConfig:
    path = tmp_path / "stackward.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param("{path: a, uri: 's3://b'}", "exactly one of", id="two-targets"),
        pytest.param("{}", "exactly one of", id="no-target"),
        pytest.param("{uri: 'http://b'}", "should match pattern", id="not-s3"),
        pytest.param("{dsn: 'mysql://h/db'}", "must start with postgresql", id="not-postgres"),
    ],
)
def test_bad_data_sources_are_named(tmp_path: Path, source: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config_text(tmp_path, f"data:\n  sources:\n    - {source}\n")


def test_a_password_in_a_dsn_is_refused_without_repeating_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config_text(
            tmp_path, "data:\n  sources:\n    - dsn: postgresql://app:Hunter2pw@db/crm\n"
        )
    assert "dsn_env" in str(raised.value)
    assert "Hunter2pw" not in str(raised.value)


@pytest.mark.parametrize("deny", ["secrets.*", "pii", "PII.email", "*"])
def test_unknown_deny_patterns_are_refused(tmp_path: Path, deny: str) -> None:
    text = f"data:\n  policies:\n    - name: abc\n      stores: [x]\n      deny: ['{deny}']\n"
    if deny == "pii":
        load_config_text(tmp_path, text)  # a whole family is fine
        return
    with pytest.raises(ConfigError, match="deny"):
        load_config_text(tmp_path, text)
