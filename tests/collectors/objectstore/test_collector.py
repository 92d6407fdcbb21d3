"""The object-store collector against a real SeaweedFS bucket."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from stackward.artifacts.s3 import make_client
from stackward.collectors.base import CollectContext, CollectResult
from stackward.collectors.objectstore import ObjectStoreCollector
from stackward.config.schema import ArtifactSettings, ObjectStoreSource, ScanConfig
from stackward.model import Asset, AssetKind
from tests.collectors.objectstore.models import (
    MALICIOUS_PICKLE,
    benign_torch_zip,
    malicious_torch_zip,
    safetensors_bytes,
)
from tests.seaweedfs import SeaweedFS, seaweedfs_server, use_credentials  # noqa: F401 - fixture

MODELS = {
    "models/evil.pt": malicious_torch_zip,
    "models/good.pt": benign_torch_zip,
    "models/weights.safetensors": lambda: safetensors_bytes(4096),
    "models/nested/evil.pkl": lambda: MALICIOUS_PICKLE,
    "models/checkpoint": lambda: MALICIOUS_PICKLE,
}
"""Objects that become assets: model extensions, and model content without an extension."""
NOT_MODELS = {
    "models/README.txt": b"These weights come from the fine-tuning run of 2026-11-01.\n",
    "models/config.json": b'{"hidden_size": 16}',
    "models/LICENSE": b"Apache License\nVersion 2.0, January 2004\n",
}


@dataclass(frozen=True, slots=True)
class Bucket:
    server: SeaweedFS
    name: str


@pytest.fixture(scope="module")
def bucket(seaweedfs: SeaweedFS) -> Iterator[Bucket]:
    client = seaweedfs.client()
    name = f"collector-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    for key, build in MODELS.items():
        client.put_object(Bucket=name, Key=key, Body=build())
    for key, body in NOT_MODELS.items():
        client.put_object(Bucket=name, Key=key, Body=body)
    yield Bucket(seaweedfs, name)


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch, seaweedfs: SeaweedFS, tmp_path: Path) -> None:
    use_credentials(monkeypatch, seaweedfs, tmp_path)


@pytest.fixture(scope="module")
def models_prefix(bucket: Bucket, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Asset]:
    """One collection of ``models/``, shared by the tests that look at single assets."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_credentials(monkeypatch, bucket.server, tmp_path_factory.mktemp("aws"))
        result = _collect(_store(bucket, "models/"))
    assert result.skipped == []
    return {a.id.removeprefix(f"s3:{bucket.name}/"): a for a in result.assets}


def _collect(*stores: ObjectStoreSource) -> CollectResult:
    config = ScanConfig(artifacts=ArtifactSettings(object_stores=list(stores)))
    return ObjectStoreCollector().collect(CollectContext(config=config, files=[]))


def _store(bucket: Bucket, path: str) -> ObjectStoreSource:
    return ObjectStoreSource(
        uri=f"s3://{bucket.name}/{path}", endpoint_url=bucket.server.endpoint_url
    )


def _issue_kinds(asset: Asset) -> set[str]:
    return {str(issue["kind"]) for issue in asset.prop("artifact_issues", [])}


def _severities(asset: Asset) -> set[str]:
    return {str(issue["severity"]) for issue in asset.prop("artifact_issues", [])}


@pytest.mark.usefixtures("credentials")
@pytest.mark.parametrize(
    ("path", "expected_keys"),
    [
        pytest.param("models/", set(MODELS), id="prefix-lists-models-only"),
        pytest.param("models/LICENSE", set(), id="single-non-model-object"),
        pytest.param("models/evil.pt", {"models/evil.pt"}, id="single-object"),
        pytest.param("models/go", {"models/good.pt"}, id="prefix-without-slash"),
        pytest.param("", set(MODELS), id="whole-bucket"),
        pytest.param("elsewhere/", set(), id="empty-prefix"),
    ],
)
def test_one_asset_per_model_object(bucket: Bucket, path: str, expected_keys: set[str]) -> None:
    result = _collect(_store(bucket, path))
    assert result.skipped == []
    assert {a.id for a in result.assets} == {f"s3:{bucket.name}/{k}" for k in expected_keys}
    assert all(a.kind is AssetKind.MODEL_ARTIFACT for a in result.assets)


@pytest.mark.parametrize(
    ("key", "code_execution", "worst"),
    [
        pytest.param("models/evil.pt", True, {"critical"}, id="malicious-torch-zip"),
        pytest.param("models/nested/evil.pkl", True, {"critical"}, id="malicious-raw-pickle"),
        pytest.param("models/checkpoint", True, {"critical"}, id="pickle-without-extension"),
        pytest.param("models/good.pt", False, set(), id="benign-torch-zip"),
        pytest.param("models/weights.safetensors", False, set(), id="benign-safetensors"),
    ],
)
def test_code_execution_is_reported_only_for_malicious_objects(
    models_prefix: dict[str, Asset], key: str, code_execution: bool, worst: set[str]
) -> None:
    asset = models_prefix[key]
    assert ("code_execution" in _issue_kinds(asset)) is code_execution
    assert _severities(asset) & {"critical", "high"} == worst


def test_asset_properties_describe_the_object_and_the_reads(
    bucket: Bucket, models_prefix: dict[str, Asset]
) -> None:
    asset = models_prefix["models/good.pt"]
    uri = f"s3://{bucket.name}/models/good.pt"
    assert (asset.name, asset.source, asset.prop("path")) == ("good.pt", uri, uri)
    assert asset.sensitive
    assert (asset.prop("format"), asset.prop("artifact_format")) == ("zip", "zip")
    etag = asset.prop("etag")
    assert isinstance(etag, str) and len(etag) == 32
    assert asset.prop("content_digest") in (f"etag:{etag}", asset.prop("sha256"))
    assert 1 <= int(asset.prop("range_requests")) <= 4
    assert 0 < int(asset.prop("bytes_fetched")) <= int(asset.prop("size"))


@pytest.mark.usefixtures("credentials")
@pytest.mark.parametrize(
    "case",
    ["missing-bucket", "wrong-endpoint", "wrong-credentials"],
)
def test_an_unreachable_store_is_skipped_with_its_uri(
    bucket: Bucket, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(bucket, "models/")
    if case == "missing-bucket":
        store = ObjectStoreSource(
            uri="s3://no-such-bucket-stackward/models/", endpoint_url=store.endpoint_url
        )
    elif case == "wrong-endpoint":
        store = ObjectStoreSource(uri=store.uri, endpoint_url=f"http://127.0.0.1:{_closed_port()}")
    else:
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    result = _collect(store)
    assert result.assets == []
    assert [s.location for s in result.skipped] == [store.uri]
    assert all(s.collector == "objectstore" for s in result.skipped)


@pytest.mark.usefixtures("credentials")
def test_one_unreachable_store_does_not_hide_the_others(bucket: Bucket) -> None:
    broken = ObjectStoreSource(
        uri="s3://no-such-bucket-stackward/", endpoint_url=bucket.server.endpoint_url
    )
    result = _collect(broken, _store(bucket, "models/evil.pt"))
    assert [a.id for a in result.assets] == [f"s3:{bucket.name}/models/evil.pt"]
    assert [s.location for s in result.skipped] == [broken.uri]


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _HeadFailsFor:
    """A real client whose HeadObject fails for one key, as when an object is deleted
    between the listing and the read."""

    def __init__(self, inner: Any, key: str) -> None:
        self._inner = inner
        self._key = key

    def head_object(self, **params: Any) -> Any:
        if params["Key"] == self._key:
            raise RuntimeError("NoSuchKey: the object vanished")
        return self._inner.head_object(**params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.mark.usefixtures("credentials")
def test_an_object_that_vanishes_after_listing_is_skipped_alone(bucket: Bucket) -> None:
    vanished = "models/good.pt"

    def factory(endpoint: str | None, region: str | None, profile: str | None) -> Any:
        return _HeadFailsFor(make_client(endpoint, region, profile), vanished)

    config = ScanConfig(artifacts=ArtifactSettings(object_stores=[_store(bucket, "models/")]))
    result = ObjectStoreCollector(factory).collect(CollectContext(config=config, files=[]))
    expected = {f"s3:{bucket.name}/{k}" for k in MODELS if k != vanished}
    assert {a.id for a in result.assets} == expected
    assert [s.location for s in result.skipped] == [f"s3://{bucket.name}/{vanished}"]
