from __future__ import annotations

import pytest

from stackward.checks.builtin.artifacts.pickle_model_format import PickleModelFormatCheck
from stackward.model import Asset, AssetKind, Layer
from tests.conftest import findings_of, graph_of


def _model(fmt: str) -> Asset:
    return Asset(
        id=f"file:stack/models/m-{fmt}",
        kind=AssetKind.MODEL_ARTIFACT,
        layer=Layer.CORE_AI,
        name="m",
        source="stack/models/m",
        properties={"format": fmt, "path": "stack/models/m"},
    )


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("pickle protocol 4", 1),
        ("pickle protocol 0/1", 1),
        ("pytorch zip", 1),
        ("archive of pickled models", 1),
        ("archive of models", 0),
        ("unrecognised content with model extension .pkl", 0),
        ("safetensors", 0),
        ("gguf", 0),
        ("onnx", 0),
    ],
)
def test_pickle_model_format(fmt: str, expected: int) -> None:
    findings = findings_of(PickleModelFormatCheck, graph_of([_model(fmt)]))
    assert len(findings) == expected
    if expected:
        assert findings[0].rule_id == "SW-MODEL-001"
