from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.artifacts.signature_mismatch import SignatureMismatchCheck
from stackward.checks.builtin.artifacts.tampered import TamperedArtifactCheck
from stackward.checks.builtin.artifacts.unsigned_served import UnsignedServedModelCheck
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind, Severity
from tests.conftest import findings_of, graph_of

A = "a" * 64
B = "b" * 64


def _model(**props: Any) -> Asset:
    return Asset(
        id="file:stack/models/m.safetensors",
        kind=AssetKind.MODEL_ARTIFACT,
        layer=Layer.CORE_AI,
        name="m.safetensors",
        source="stack/models/m.safetensors",
        properties={"path": "stack/models/m.safetensors", **props},
    )


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        pytest.param({"sha256": B, "baseline_sha256": A}, 1, id="changed-unsigned"),
        pytest.param(
            {"sha256": B, "baseline_sha256": A, "signature": {"status": "unverified"}},
            1,
            id="changed-signature-unverified",
        ),
        pytest.param(
            {"sha256": B, "baseline_sha256": A, "signature": {"status": "verified"}},
            0,
            id="changed-and-re-signed",
        ),
        pytest.param({"sha256": A, "baseline_sha256": A}, 0, id="unchanged"),
        pytest.param({"sha256": A}, 0, id="first-seen"),
        pytest.param(
            {"content_digest": "etag:2", "baseline_sha256": "etag:1"}, 1, id="object-etag-changed"
        ),
        pytest.param({"baseline_sha256": A}, 0, id="not-hashed-this-time"),
    ],
)
def test_tampering_against_the_baseline(props: dict[str, Any], expected: int) -> None:
    findings = findings_of(TamperedArtifactCheck, graph_of([_model(**props)]))
    assert len(findings) == expected
    if expected:
        assert findings[0].rule_id == "SW-MODEL-010"


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        pytest.param({"signature": {"status": "digest-mismatch", "path": "m.sig"}}, 1, id="digest"),
        pytest.param({"signature": {"status": "invalid", "path": "m.sig"}}, 1, id="bad-crypto"),
        pytest.param({"signature": {"status": "verified"}}, 0, id="verified"),
        pytest.param({"signature": {"status": "unverified"}}, 0, id="no-key-configured"),
        pytest.param({"signature": {"status": "not-covered"}}, 0, id="not-covered"),
        pytest.param({}, 0, id="no-signature"),
        pytest.param(
            {"hub_cache": {"status": "digest-mismatch", "repo": "org/m", "blob": A}},
            1,
            id="hub-blob-changed",
        ),
        pytest.param({"hub_cache": {"status": "verified", "blob": A}}, 0, id="hub-blob-intact"),
    ],
)
def test_signature_and_published_digest_mismatch(props: dict[str, Any], expected: int) -> None:
    findings = findings_of(SignatureMismatchCheck, graph_of([_model(**props)]))
    assert len(findings) == expected
    if expected:
        assert findings[0].severity is Severity.CRITICAL


def _loader(kind: AssetKind, name: str) -> Asset:
    return Asset(id=f"x:{name}", kind=kind, layer=Layer.CORE_AI, name=name, source=name)


@pytest.mark.parametrize(
    ("loader", "signature", "expected"),
    [
        pytest.param(_loader(AssetKind.SOURCE_FILE, "serve.py"), None, Severity.MEDIUM, id="serve"),
        pytest.param(_loader(AssetKind.K8S_WORKLOAD, "vllm"), None, Severity.MEDIUM, id="workload"),
        pytest.param(
            _loader(AssetKind.SOURCE_FILE, "inference_handler.py"),
            {"status": "unverified"},
            Severity.LOW,
            id="signed-not-verified",
        ),
        pytest.param(
            _loader(AssetKind.SOURCE_FILE, "serve.py"), {"status": "verified"}, None, id="verified"
        ),
        pytest.param(_loader(AssetKind.SOURCE_FILE, "train.py"), None, None, id="training-code"),
        pytest.param(_loader(AssetKind.NOTEBOOK, "explore.ipynb"), None, None, id="notebook"),
    ],
)
def test_unsigned_served_model(
    loader: Asset, signature: dict[str, str] | None, expected: Severity | None
) -> None:
    model = _model(**({"signature": signature} if signature else {}))
    graph = graph_of([model, loader], [Relation(loader.id, model.id, RelationKind.LOADS_MODEL)])
    findings = findings_of(UnsignedServedModelCheck, graph)
    assert [f.severity for f in findings] == ([expected] if expected else [])


def test_unloaded_model_needs_no_signature() -> None:
    assert findings_of(UnsignedServedModelCheck, graph_of([_model()])) == []
