from __future__ import annotations

import json
import os
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest

from stackward.artifacts import ArtifactReport, IssueKind, scan_artifact, scan_path
from stackward.artifacts.formats import keras as keras_format
from stackward.artifacts.source import BytesSource
from stackward.model import Severity
from tests.artifacts.formats.pbwrite import ld, vint

Finding = tuple[IssueKind, Severity, str]


def _findings(report: ArtifactReport) -> set[Finding]:
    return {(i.kind, i.severity, i.symbol) for i in report.issues}


def scan_json(config: object, name: str = "config.json") -> ArtifactReport:
    data = json.dumps(config).encode()
    report = scan_artifact(BytesSource(data, name), compute_hash=False)
    assert report.format == "keras-config"
    return report


def dense(name: str = "dense", activation: object = "relu") -> dict[str, Any]:
    return {
        "module": "keras.layers",
        "class_name": "Dense",
        "config": {"name": name, "units": 2, "activation": activation},
        "registered_name": None,
    }


def sequential(*layers: dict[str, Any], name: str = "sequential") -> dict[str, Any]:
    return {
        "module": "keras",
        "class_name": "Sequential",
        "config": {"name": name, "layers": list(layers)},
        "registered_name": None,
    }


KERAS3_LAMBDA = {
    "module": "keras.layers",
    "class_name": "Lambda",
    "config": {
        "name": "sneaky",
        "function": {
            "class_name": "__lambda__",
            "config": {"code": "4wEAAAAAAAAA", "defaults": None, "closure": None},
        },
        "arguments": {},
    },
    "registered_name": None,
}
KERAS2_LAMBDA = {
    "class_name": "Lambda",
    "config": {
        "name": "legacy_lambda",
        "function": [
            "4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMEAAAAfABTACkBTqkAKQHaAXhyAQAAAHIBAAAA",
            None,
            None,
        ],
        "function_type": "lambda",
        "module": "__main__",
        "output_shape": None,
        "output_shape_type": "raw",
        "output_shape_module": None,
        "arguments": {},
    },
}
KERAS2_NAMED_FUNCTION = {
    "class_name": "Lambda",
    "config": {"name": "shell", "function": "system", "function_type": "function", "module": "os"},
}
INJECTED_EXEC = {
    "module": "builtins",
    "class_name": "function",
    "config": "exec",
    "registered_name": "exec",
}


def tf_op_lambda(function: str) -> dict[str, Any]:
    return {"class_name": "TFOpLambda", "config": {"name": "tf_op", "function": function}}


CONFIG_CASES = [
    ("benign-dense", sequential(dense()), set()),
    ("benign-keras-activation", sequential(dense(activation={
        "module": "keras.activations", "class_name": "function", "config": "relu",
        "registered_name": "relu"})), set()),
    ("benign-tf-keras-module", sequential({"module": "tf_keras.layers", "class_name": "Dense",
        "config": {"name": "d"}}), set()),
    ("benign-tf-op", sequential(tf_op_lambda("math.add"), tf_op_lambda("__operators__.add")),
     set()),
    ("keras3-lambda", sequential(dense(), KERAS3_LAMBDA),
     {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "sneaky")}),
    ("keras2-lambda", sequential(KERAS2_LAMBDA),
     {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "legacy_lambda")}),
    ("keras2-named-os-function", sequential(KERAS2_NAMED_FUNCTION),
     {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "shell")}),
    ("nested-lambda", sequential(dense(), sequential(sequential(KERAS3_LAMBDA, name="inner"),
        name="middle")), {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "sneaky")}),
    ("wrapped-lambda", sequential({"module": "keras.layers", "class_name": "TimeDistributed",
        "config": {"name": "td", "layer": KERAS3_LAMBDA}}),
     {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "sneaky")}),
    ("lambda-as-activation", sequential(dense("d1", activation={"class_name": "__lambda__",
        "config": {"code": "4wEAAAA="}})), {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "d1")}),
    ("cve-2025-1550-builtins-exec", sequential(dense("d2", activation=INJECTED_EXEC)),
     {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "builtins.exec")}),
    ("keras-get-file", sequential(dense("d3", activation={"module": "keras.utils",
        "class_name": "function", "config": "get_file", "registered_name": "get_file"})),
     {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "keras.utils.get_file")}),
    ("keras-disable-safe-mode", sequential(dense("d4", activation={"module": "keras.config",
        "class_name": "function", "config": "enable_unsafe_deserialization"})),
     {(IssueKind.CODE_EXECUTION, Severity.CRITICAL,
       "keras.config.enable_unsafe_deserialization")}),
    ("keras2-output-shape-lambda", sequential({"class_name": "Lambda", "config": {
        "name": "shape_fn", "function": "relu", "function_type": "function",
        "module": "keras.activations", "output_shape": ["4wEAAAA=", None, None],
        "output_shape_type": "lambda"}}),
     {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "shape_fn")}),
    ("keras2-named-keras-function", sequential({"class_name": "Lambda", "config": {
        "name": "act", "function": "relu", "function_type": "function",
        "module": "keras.activations"}}),
     {(IssueKind.CODE_EXECUTION, Severity.HIGH, "act")}),
    ("subprocess-class", {"module": "subprocess", "class_name": "Popen", "config": {}},
     {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "subprocess.Popen")}),
    ("unknown-module", sequential({"module": "acme_layers.blocks", "class_name": "Fancy",
        "config": {"name": "f"}}),
     {(IssueKind.UNAPPROVED_IMPORT, Severity.HIGH, "acme_layers.blocks.Fancy")}),
    ("custom-registered", sequential({"module": None, "class_name": "MyLayer",
        "config": {"name": "mine"}, "registered_name": "MyPackage>MyLayer"}),
     {(IssueKind.UNAPPROVED_IMPORT, Severity.MEDIUM, "MyPackage>MyLayer")}),
    ("tf-op-read-file", sequential(tf_op_lambda("io.read_file")),
     {(IssueKind.UNSAFE_OPERATOR, Severity.HIGH, "tf_op:io.read_file")}),
    ("tf-op-py-function", sequential(tf_op_lambda("py_function")),
     {(IssueKind.UNSAFE_OPERATOR, Severity.CRITICAL, "tf_op:py_function")}),
    ("tf-op-os", sequential(tf_op_lambda("os.system")),
     {(IssueKind.UNSAFE_OPERATOR, Severity.HIGH, "tf_op:os.system")}),
    ("tf-op-garbage", sequential(tf_op_lambda("__import__('os')")),
     {(IssueKind.UNSAFE_OPERATOR, Severity.HIGH, "tf_op:__import__('os')")}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("config", "expected"), [c[1:] for c in CONFIG_CASES], ids=[c[0] for c in CONFIG_CASES]
)
def test_config_findings(config: object, expected: set[Finding]) -> None:
    assert _findings(scan_json(config)) == expected


@pytest.mark.parametrize(
    ("data", "kind", "severity"),
    [
        (b'{"class_name": "Sequential", "config": {', IssueKind.MALFORMED, Severity.LOW),
        (b'{"class_name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", IssueKind.MALFORMED,
         Severity.MEDIUM),
    ],
    ids=["truncated-json", "deep-json"],
)  # fmt: skip
def test_bad_json_is_reported_not_raised(data: bytes, kind: IssueKind, severity: Severity) -> None:
    report = scan_artifact(BytesSource(data, "config.json"), compute_hash=False)
    assert {(i.kind, i.severity) for i in report.issues} == {(kind, severity)}


def test_config_depth_is_bounded() -> None:
    config: dict[str, Any] = dense()
    for _ in range(300):
        config = {"class_name": "Wrapper", "config": {"layer": config}}
    report = scan_json(config)
    assert {(i.kind, i.severity) for i in report.issues} == {
        (IssueKind.UNSCANNABLE, Severity.MEDIUM)
    }


# ---- HDF5 ---------------------------------------------------------------------------------


def _h5(path: Path, **attrs: object) -> Path:
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w") as handle:
        for key, value in attrs.items():
            handle.attrs[key] = value
        handle.create_group("model_weights").create_dataset("w", data=list(range(64)))
    return path


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        ({"model_config": json.dumps(sequential(dense()))}, set()),
        ({"keras_version": "2.15.0"}, set()),
        ({"model_config": json.dumps(sequential(KERAS2_LAMBDA))},
         {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "legacy_lambda")}),
        ({"model_config": json.dumps(sequential(dense())),
          "training_config": json.dumps({"loss": INJECTED_EXEC})},
         {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "builtins.exec")}),
        ({"model_config": "not json at all"},
         {(IssueKind.UNSCANNABLE, Severity.MEDIUM, "model_config")}),
    ],
    ids=["benign-config", "weights-only", "lambda", "training-config-injection", "undecodable"],
)  # fmt: skip
def test_hdf5_attributes(tmp_path: Path, attrs: dict[str, object], expected: set[Finding]) -> None:
    report = scan_path(_h5(tmp_path / "m.h5", **attrs))
    assert report.format == "hdf5"
    assert _findings(report) == expected


def test_hdf5_config_across_read_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keras_format, "SCAN_CHUNK", 7)
    monkeypatch.setattr(keras_format, "FIRST_WINDOW", 16)
    payload = b"\x89HDF\r\n\x1a\n" + b"\0" * 50 + b"model_config\0"
    payload += json.dumps(sequential(dense(), KERAS3_LAMBDA)).encode() + b"\0" * 30
    report = scan_artifact(BytesSource(payload, "m.h5"), compute_hash=False)
    assert _findings(report) == {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "sneaky")}


def test_hdf5_fake_openings_exhaust_a_bounded_search(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keras_format, "MAX_JSON", 64 * 1024)
    payload = b"\x89HDF\r\n\x1a\n" + b"\0" * 8 + b'{"class_name": [' * 20_000
    report = scan_artifact(BytesSource(payload, "m.h5"), compute_hash=False)
    assert _findings(report) == {(IssueKind.UNSCANNABLE, Severity.MEDIUM, "config search")}


# ---- keras_metadata.pb --------------------------------------------------------------------


def _metadata(*layers: dict[str, Any]) -> bytes:
    nodes = [
        ld(1, vint(2, i) + ld(3, f"root.layer-{i}") + ld(4, "_tf_keras_layer")
           + ld(5, json.dumps(layer)))
        for i, layer in enumerate(layers)
    ]  # fmt: skip
    return b"".join(nodes)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_metadata(dense(), dense("d2")), set()),
        (_metadata(dense(), KERAS2_LAMBDA),
         {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "legacy_lambda")}),
        (b"\x0a\xff\xff\x0f" + json.dumps(KERAS2_LAMBDA).encode(),
         {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "legacy_lambda"),
          (IssueKind.MALFORMED, Severity.MEDIUM, "protobuf")}),
    ],
    ids=["benign", "lambda", "malformed-falls-back-to-raw-search"],
)  # fmt: skip
def test_keras_metadata(data: bytes, expected: set[Finding]) -> None:
    report = scan_artifact(BytesSource(data, "keras_metadata.pb"), compute_hash=False)
    assert report.format == "keras-metadata"
    assert _findings(report) == expected


# ---- real Keras 3 models ------------------------------------------------------------------


@pytest.fixture(scope="module")
def keras() -> Any:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    return pytest.importorskip("keras")


def _save(model: Any, path: Path) -> Path:
    """Keras emits deprecation and legacy-format warnings of its own while saving."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save(path)
    return path


def _nested_functional(keras: Any, with_lambda: bool) -> Any:
    layers = keras.layers
    inner_layers = [keras.Input((4,)), layers.Dense(3, activation="relu")]
    if with_lambda:
        inner_layers.append(layers.Lambda(lambda x: x * 2, name="double"))
    inner = keras.Sequential(inner_layers, name="inner")
    inputs = keras.Input((5, 4))
    x = layers.TimeDistributed(layers.Dense(4))(inputs)
    x = layers.Bidirectional(layers.LSTM(2))(x)
    x = layers.Dense(4)(x)
    model = keras.Model(inputs, inner(x))
    model.compile(optimizer="adam", loss="mse")
    return model


@pytest.mark.parametrize(
    ("with_lambda", "expected"),
    [(False, set()), (True, {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "double")})],
    ids=["benign", "lambda"],
)
def test_real_keras_models(
    keras: Any, tmp_path: Path, with_lambda: bool, expected: set[Finding]
) -> None:
    model = _nested_functional(keras, with_lambda)
    config = zipfile.ZipFile(_save(model, tmp_path / "m.keras")).read("config.json")
    report = scan_artifact(BytesSource(config, "config.json"), compute_hash=False)
    assert _findings(report) == expected
    assert {"Functional", "Sequential", "TimeDistributed", "Bidirectional"} <= set(
        report.properties["keras_classes"]  # type: ignore[call-overload]
    )
    h5_report = scan_path(_save(model, tmp_path / "m.h5"))
    assert h5_report.format == "hdf5"
    assert _findings(h5_report) == expected


@pytest.mark.parametrize(
    ("with_lambda", "expected"),
    [(False, set()), (True, {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "double")})],
    ids=["benign", "lambda"],
)
def test_real_keras_archive_through_zip_scanner(
    keras: Any, tmp_path: Path, with_lambda: bool, expected: set[Finding]
) -> None:
    pytest.importorskip("stackward.artifacts.formats.zip_archive")
    report = scan_path(_save(_nested_functional(keras, with_lambda), tmp_path / "m.keras"))
    assert report.format == "zip"
    assert _findings(report) == expected
    assert all(i.member == "config.json" for i in report.issues)


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (b"\x00\x00", {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "sneaky")}),
        (b"\x00\x10", {(IssueKind.CODE_EXECUTION, Severity.CRITICAL, "sneaky")}),
        (b"\x00a", {(IssueKind.UNSCANNABLE, Severity.MEDIUM, "model_config")}),
    ],
    ids=["after-nul", "after-length-byte", "inside-text-not-a-start"],
)
def test_hdf5_config_with_reordered_keys(prefix: bytes, expected: set[Finding]) -> None:
    hidden_lambda = {
        "config": {
            "name": "sneaky",
            "function": {"config": {"code": "4wE="}, "class_name": "__lambda__"},
        },
        "class_name": "Lambda",
    }
    config = {"config": {"name": "seq", "layers": [hidden_lambda]}, "class_name": "Sequential"}
    payload = b"\x89HDF\r\n\x1a\n" + b"\0" * 40 + b"model_config" + prefix
    payload += json.dumps(config).encode() + b"\0" * 16
    assert b'{"class_name"' not in payload
    report = scan_artifact(BytesSource(payload, "m.h5"), compute_hash=False)
    assert _findings(report) == expected
