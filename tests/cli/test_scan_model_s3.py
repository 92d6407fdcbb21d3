"""``stackward scan-model s3://bucket/prefix/`` end to end against a real SeaweedFS."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stackward.cli.app import app
from stackward.cli.exit_codes import FINDINGS_AT_OR_ABOVE_FAIL_ON, OK
from tests.collectors.objectstore.models import benign_torch_zip, malicious_torch_zip
from tests.seaweedfs import SeaweedFS, seaweedfs_server, use_credentials  # noqa: F401 - fixture

README = b"Weights of the nightly fine-tuning run.\n"


@pytest.fixture(scope="module")
def models(seaweedfs: SeaweedFS) -> str:
    name = f"cli-{uuid.uuid4().hex[:12]}"
    client = seaweedfs.client()
    client.create_bucket(Bucket=name)
    client.put_object(Bucket=name, Key="models/evil.pt", Body=malicious_torch_zip())
    client.put_object(Bucket=name, Key="models/clean/good.pt", Body=benign_torch_zip())
    client.put_object(Bucket=name, Key="models/README.txt", Body=README)
    return name


@pytest.fixture
def bucket(
    seaweedfs: SeaweedFS, models: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[SeaweedFS, str]:
    use_credentials(monkeypatch, seaweedfs, tmp_path)
    monkeypatch.chdir(tmp_path)  # no ./stackward.yaml from wherever the tests run
    return seaweedfs, models


def _scan_model(server: SeaweedFS, uri: str) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(
        app,
        ["scan-model", uri, "--s3-endpoint", server.endpoint_url, "--no-store", "-f", "json"],
    )
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize(
    ("path", "expected_code", "expected_severity"),
    [
        pytest.param(
            "models/",
            FINDINGS_AT_OR_ABOVE_FAIL_ON,
            {"models/evil.pt": "critical", "models/clean/good.pt": None},
            id="prefix-with-a-malicious-model",
        ),
        pytest.param(
            "models/clean/",
            OK,
            {"models/clean/good.pt": None},
            id="prefix-with-only-a-benign-model",
        ),
    ],
)
def test_scan_model_reports_each_object_of_a_prefix(
    bucket: tuple[SeaweedFS, str],
    path: str,
    expected_code: int,
    expected_severity: dict[str, str | None],
) -> None:
    server, name = bucket
    code, document = _scan_model(server, f"s3://{name}/{path}")
    artifacts = document["artifacts"]
    assert isinstance(artifacts, list)
    by_location = {a["location"]: a for a in artifacts}
    expected = {f"s3://{name}/{key}": sev for key, sev in expected_severity.items()}
    assert {loc: a["max_severity"] for loc, a in by_location.items()} == expected
    assert document["skipped"] == []
    assert code == expected_code
    for location, severity in expected.items():
        rules = {f["rule_id"] for f in by_location[location]["findings"]}
        assert bool(rules) is (severity is not None), rules
