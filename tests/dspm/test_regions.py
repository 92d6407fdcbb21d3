"""Region names, the jurisdiction table, and S3 bucket regions (against a real SeaweedFS)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from stackward.collectors.data import DataCollector
from stackward.collectors.terraform import TerraformCollector
from stackward.config.schema import DataSource, ScanConfig
from stackward.dspm.regions import (
    RegionLookupError,
    bucket_region,
    is_aws_endpoint,
    jurisdictions_of,
    normalise_region,
    provider_of,
    region_from_location,
    region_table,
    source_region,
    table_from_yaml,
)
from stackward.model import AssetKind
from stackward.scan import run_scan
from tests.seaweedfs import SeaweedFS, seaweedfs_server, use_credentials  # noqa: F401 - fixture

TERRAFORM_FIXTURES = Path(__file__).resolve().parents[1] / "collectors" / "terraform" / "fixtures"
EXAMPLE_PLAN = Path(__file__).resolve().parents[2] / "examples" / "ai-stack" / "terraform"
CUSTOMERS = "id,email\n" + "".join(f"{i},user{i}@example.org\n" for i in range(40))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("eu-west-1", "eu-west-1", id="aws"),
        pytest.param("  EU-WEST-1 ", "eu-west-1", id="aws-upper-padded"),
        pytest.param("eu-west-1a", "eu-west-1", id="aws-zone"),
        pytest.param("us-gov-west-1b", "us-gov-west-1", id="aws-govcloud-zone"),
        pytest.param("europe-west4", "europe-west4", id="gcp"),
        pytest.param("europe-west4-a", "europe-west4", id="gcp-zone"),
        pytest.param("West Europe", "westeurope", id="azure-display-name"),
        pytest.param("germany_west_central", "germanywestcentral", id="azure-underscores"),
        pytest.param("mars-north-9", "mars-north-9", id="unknown-kept-not-guessed"),
        pytest.param("mars-north-9z", "mars-north-9z", id="unknown-zone-kept"),
        pytest.param("", None, id="empty"),
        pytest.param("eu/west;1", None, id="not-a-name"),
        pytest.param("x" * 200, None, id="huge"),
        pytest.param(None, None, id="none"),
        pytest.param(42, None, id="not-a-string"),
    ],
)
def test_normalise_region(raw: object, expected: str | None) -> None:
    assert normalise_region(raw) == expected


@pytest.mark.parametrize(
    ("region", "provider", "expected"),
    [
        pytest.param("eu-west-1", "aws", {"IE", "EU", "EEA"}, id="aws-ireland"),
        pytest.param("eu-west-2", "aws", {"GB", "UK"}, id="aws-london-not-eu"),
        pytest.param("eu-central-2", "aws", {"CH"}, id="aws-zurich-not-eu"),
        pytest.param("us-east-1", "aws", {"US"}, id="aws-virginia"),
        pytest.param("europe-west4", "gcp", {"NL", "EU", "EEA"}, id="gcp-netherlands"),
        pytest.param("europe-west6", "gcp", {"CH"}, id="gcp-zurich"),
        pytest.param("europe-west2", "gcp", {"GB", "UK"}, id="gcp-london"),
        pytest.param("westeurope", "azure", {"NL", "EU", "EEA"}, id="azure-netherlands"),
        pytest.param("norwayeast", "azure", {"NO", "EEA"}, id="azure-norway-eea-only"),
        pytest.param("uksouth", "azure", {"GB", "UK"}, id="azure-uk"),
        pytest.param("eu", "gcp", {"EU", "EEA"}, id="gcp-multi-region-eu"),
        pytest.param("eur4", "gcp", {"EU", "EEA"}, id="gcp-dual-region-eu"),
        pytest.param("us", "gcp", {"US"}, id="gcp-multi-region-us"),
        pytest.param("mars-north-9", None, set(), id="unknown"),
    ],
)
def test_jurisdictions(region: str, provider: str | None, expected: set[str]) -> None:
    assert provider_of(region) == provider
    assert jurisdictions_of(region) == expected


def test_table_is_consistent() -> None:
    table = region_table()
    assert set(table.providers.values()) == {"aws", "gcp", "azure"}
    assert table.groups["EU"] < table.groups["EEA"]
    assert "GB" not in table.groups["EU"] and "CH" not in table.groups["EEA"]
    assert all(normalise_region(r) == r for r in table.countries)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param([], "not a mapping", id="not-mapping"),
        pytest.param({"aws": {}, "gcp": {}, "groups": {}}, "azure", id="provider-missing"),
        pytest.param(
            {"aws": {"x-1": "Ireland"}, "gcp": {}, "azure": {}, "groups": {}},
            "bad country",
            id="bad-country",
        ),
        pytest.param(
            {"aws": {"x-1": "IE"}, "gcp": {"x-1": "IE"}, "azure": {}, "groups": {}},
            "twice",
            id="duplicate",
        ),
        pytest.param({"aws": {}, "gcp": {}, "azure": {}}, "groups", id="groups-missing"),
    ],
)
def test_malformed_table_is_refused(raw: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        table_from_yaml(raw)


@pytest.mark.parametrize(
    ("location", "aws", "expected"),
    [
        pytest.param(None, True, "us-east-1", id="aws-empty-is-virginia"),
        pytest.param("", True, "us-east-1", id="aws-blank-is-virginia"),
        pytest.param("EU", True, "eu-west-1", id="aws-legacy-eu"),
        pytest.param("eu-central-1", True, "eu-central-1", id="aws-region"),
        pytest.param(None, False, None, id="other-store-empty-unknown"),
        pytest.param("EU", False, "eu", id="other-store-eu-not-mapped"),
        pytest.param("westeurope", False, "westeurope", id="other-store-region"),
        pytest.param(["eu"], True, None, id="malformed"),
    ],
)
def test_region_from_location(location: object, aws: bool, expected: str | None) -> None:
    assert region_from_location(location, aws=aws) == expected


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        pytest.param(None, True, id="sdk-default"),
        pytest.param("https://s3.eu-west-1.amazonaws.com", True, id="aws-regional"),
        pytest.param("https://s3.cn-north-1.amazonaws.com.cn", True, id="aws-china"),
        pytest.param("http://127.0.0.1:8333", False, id="local"),
        pytest.param("https://amazonaws.com.evil.example", False, id="lookalike"),
        pytest.param("https://minio.internal:9000/path", False, id="minio"),
    ],
)
def test_is_aws_endpoint(endpoint: str | None, expected: bool) -> None:
    assert is_aws_endpoint(endpoint) is expected


class _AwsAnswers:
    """Stands in for AWS's GetBucketLocation, which cannot be called here; the answers are the
    shapes AWS documents (empty for us-east-1, ``EU`` for old Ireland buckets)."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers

    def get_bucket_location(self, Bucket: str) -> dict[str, Any]:  # the boto3 keyword
        return {"LocationConstraint": self.answers[Bucket]}


@pytest.mark.parametrize(
    ("bucket", "expected"),
    [
        pytest.param("virginia", "us-east-1", id="empty"),
        pytest.param("old-ireland", "eu-west-1", id="legacy-eu"),
        pytest.param("frankfurt", "eu-central-1", id="region"),
    ],
)
def test_bucket_region_on_aws(bucket: str, expected: str) -> None:
    client = _AwsAnswers({"virginia": None, "old-ireland": "EU", "frankfurt": "eu-central-1"})
    assert bucket_region(client, bucket, None) == expected


@pytest.fixture(scope="module")
def bucket(seaweedfs: SeaweedFS) -> str:
    name = f"residency-{uuid.uuid4().hex[:12]}"
    client = seaweedfs.client()
    client.create_bucket(Bucket=name)
    client.put_object(Bucket=name, Key="crm/customers.csv", Body=CUSTOMERS.encode())
    return name


def test_seaweedfs_reports_no_location(seaweedfs: SeaweedFS, bucket: str) -> None:
    """SeaweedFS answers GetBucketLocation with an empty LocationConstraint; on a store that
    is not AWS that says nothing, so the region stays unknown rather than us-east-1."""
    assert seaweedfs.client().get_bucket_location(Bucket=bucket).get("LocationConstraint") is None
    assert bucket_region(seaweedfs.client(), bucket, seaweedfs.endpoint_url) is None


def test_missing_bucket_is_a_lookup_error(seaweedfs: SeaweedFS) -> None:
    with pytest.raises(RegionLookupError, match=r"s3://no-such-residency-bucket: .*NoSuchBucket"):
        bucket_region(seaweedfs.client(), "no-such-residency-bucket", seaweedfs.endpoint_url)


@pytest.mark.parametrize(
    ("configured", "bucket_name", "expected", "problem"),
    [
        pytest.param("EU-Central-1", None, "eu-central-1", "", id="configured-wins"),
        pytest.param(None, None, None, "", id="store-says-nothing-no-error"),
        pytest.param(None, "no-such-residency-bucket", None, "NoSuchBucket", id="lookup-fails"),
        pytest.param("eu/1", None, None, "not a region name", id="configured-garbage"),
    ],
)
def test_source_region_on_seaweedfs(
    seaweedfs: SeaweedFS,
    bucket: str,
    configured: str | None,
    bucket_name: str | None,
    expected: str | None,
    problem: str,
) -> None:
    source = DataSource(
        uri=f"s3://{bucket_name or bucket}/crm",
        endpoint_url=seaweedfs.endpoint_url,
        region=configured,
    )
    region, why = source_region(source, str(source.uri), seaweedfs.client())
    assert region == expected
    assert problem in why
    assert bool(why) is bool(problem)


def test_source_region_of_postgres_is_config_only() -> None:
    assert source_region(DataSource(dsn="postgresql://db/crm"), "postgresql://db/crm") == (None, "")
    configured = DataSource(dsn="postgresql://db/crm", region="westeurope")
    assert source_region(configured, "postgresql://db/crm") == ("westeurope", "")


@pytest.mark.parametrize(
    ("bucket_name", "configured", "expected", "skipped"),
    [
        pytest.param(None, "eu-central-1", "eu-central-1", False, id="configured-region"),
        pytest.param(None, None, None, False, id="store-says-nothing"),
        pytest.param("no-such-residency-bucket", None, None, True, id="lookup-fails-skipped"),
    ],
)
def test_data_collector_places_store_and_datasets(
    seaweedfs: SeaweedFS,
    bucket: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    bucket_name: str | None,
    configured: str | None,
    expected: str | None,
    skipped: bool,
) -> None:
    use_credentials(monkeypatch, seaweedfs, tmp_path)
    source: dict[str, Any] = {
        "uri": f"s3://{bucket_name or bucket}/crm",
        "endpoint_url": seaweedfs.endpoint_url,
    }
    if configured:
        source["region"] = configured
    config = ScanConfig.model_validate(
        {
            "sources": {"paths": []},
            "store": {"path": str(tmp_path / "state" / "stackward.db")},
            "data": {
                "sources": [source],
                "jobs": 1,
                "residency": [
                    {"name": "eu personal data", "classes": ["pii.*"], "regions": ["eu-*"]}
                ],
            },
        }
    )
    result = run_scan(config, collectors=[DataCollector()], checks=[])
    notes = [s for s in result.skipped if "bucket location" in s.reason]
    assert bool(notes) is skipped
    assert all("NoSuchBucket" in s.reason for s in notes)
    stores = [a.region for a in result.graph.assets(AssetKind.DATA_STORE)]
    assert stores == [expected]
    datasets = list(result.graph.assets(AssetKind.DATASET))
    assert len(datasets) == (0 if bucket_name else 1)
    assert [(d.region, d.prop("residency_region")) for d in datasets] == [
        (expected, expected) for _ in datasets
    ]


@pytest.mark.parametrize(
    ("path", "kinds"),
    [
        pytest.param(
            EXAMPLE_PLAN,
            {AssetKind.OBJECT_BUCKET, AssetKind.MODEL_ARTIFACT, AssetKind.MODEL_ENDPOINT,
             AssetKind.LLM_SERVICE},
            id="aws-s3-sagemaker-bedrock",
        ),
        pytest.param(
            TERRAFORM_FIXTURES / "gcp_plan.json",
            {AssetKind.OBJECT_BUCKET, AssetKind.DATASET, AssetKind.MODEL_ENDPOINT},
            id="gcp-storage-vertex",
        ),
        pytest.param(
            TERRAFORM_FIXTURES / "azure_plan.json",
            {AssetKind.OBJECT_BUCKET, AssetKind.AI_SERVICE, AssetKind.LLM_SERVICE},
            id="azure-storage-openai",
        ),
    ],
)  # fmt: skip
def test_terraform_stores_and_ai_resources_have_known_regions(
    path: Path, kinds: set[AssetKind], tmp_path: Path
) -> None:
    """Every bucket and AI resource these plans place gets a region the table knows."""
    config = ScanConfig.model_validate(
        {"sources": {"paths": [str(path)]}, "store": {"path": str(tmp_path / "s.db")}}
    )
    graph = run_scan(config, collectors=[TerraformCollector()], checks=[]).graph
    placed = [a for a in graph.assets(*kinds) if a.region is not None]
    assert {a.kind for a in placed} == kinds
    unknown = {a.region for a in placed if not jurisdictions_of(normalise_region(a.region) or "")}
    assert unknown == set()
