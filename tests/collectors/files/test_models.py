from __future__ import annotations

from stackward.collectors.files.models import read_architecture, read_model
from tests.collectors.files.helpers import entry_for

LIMIT = 1024 * 1024


def test_safetensors_header_is_summarised() -> None:
    props = read_model(entry_for("models/tiny.safetensors"), LIMIT).properties
    assert props["tensor_count"] == 2
    assert props["dtypes"] == ["F16", "F32"]
    assert props["parameter_count"] == 10
    assert props["safetensors_metadata"] == {"format": "pt"}


def test_safetensors_header_bigger_than_the_limit_is_not_read() -> None:
    reading = read_model(entry_for("models/tiny.safetensors"), limit=16)
    assert "tensor_count" not in reading.properties
    assert "exceeds the parse limit" in reading.skipped[0].reason


def test_safetensors_with_an_impossible_header_length_is_not_called_safetensors() -> None:
    entry = entry_for("models/bad-length.safetensors")
    assert entry.detail == "unrecognised content with model extension .safetensors"
    assert read_model(entry, LIMIT).skipped == []


def test_safetensors_with_broken_json_or_shape_is_skipped() -> None:
    broken = read_model(entry_for("models/not-json.safetensors"), LIMIT)
    assert "not valid JSON" in broken.skipped[0].reason
    shape = read_model(entry_for("models/bad-shape.safetensors"), LIMIT)
    assert "no valid shape" in shape.skipped[0].reason


def test_pickle_protocol_only() -> None:
    props = read_model(entry_for("models/plain.pkl"), LIMIT).properties
    assert props["pickle_protocol"] == 4


def test_pytorch_zip_and_garbage_are_inventoried() -> None:
    assert entry_for("models/torch-layout.pt").detail == "pytorch zip"
    garbage = entry_for("models/garbage.onnx")
    assert garbage.detail.startswith("unrecognised content")
    assert read_model(garbage, LIMIT).properties["size_human"] == "1.0 KiB"


def test_architecture_from_config_json() -> None:
    props = read_architecture(entry_for("models/config.json"), LIMIT).properties
    assert props == {"architecture": "BertForSequenceClassification", "model_type": "bert"}
