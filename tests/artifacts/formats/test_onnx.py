from __future__ import annotations

import random
import warnings
from pathlib import Path
from typing import Any

import pytest

from stackward.artifacts import ArtifactReport, IssueKind, scan_artifact, scan_path
from stackward.artifacts.context import ScanContext
from stackward.artifacts.formats.onnx import looks_like_onnx, scan_onnx
from stackward.artifacts.formats.onnx_external import judge_external_location
from stackward.artifacts.source import BytesSource
from stackward.model import Severity
from tests.artifacts.formats.pbwrite import ld, vint

onnx = pytest.importorskip("onnx")
np = pytest.importorskip("numpy")
helper = onnx.helper
TP = onnx.TensorProto


def _value(name: str, shape: list[int]) -> Any:
    return helper.make_tensor_value_info(name, TP.FLOAT, shape)


def _weights(name: str, shape: tuple[int, ...]) -> Any:
    return onnx.numpy_helper.from_array(np.ones(shape, dtype=np.float32), name)


def conv_gemm_relu() -> Any:
    nodes = [
        helper.make_node("Conv", ["X", "W"], ["C"], name="conv", kernel_shape=[3, 3]),
        helper.make_node("Flatten", ["C"], ["F"], name="flatten"),
        helper.make_node("Gemm", ["F", "G"], ["H"], name="gemm"),
        helper.make_node("Relu", ["H"], ["Y"], name="relu"),
    ]
    graph = helper.make_graph(
        nodes,
        "cnn",
        [_value("X", [1, 1, 5, 5])],
        [_value("Y", [1, 4])],
        [_weights("W", (2, 1, 3, 3)), _weights("G", (18, 4))],
    )
    return helper.make_model(graph, producer_name="stackward-tests")


def _branch(name: str, op: str, domain: str = "") -> Any:
    node = helper.make_node(op, ["X"], [f"{name}_out"], name=f"{name}_node", domain=domain)
    return helper.make_graph([node], name, [], [_value(f"{name}_out", [1])])


def with_if(then_op: str = "Relu", then_domain: str = "") -> Any:
    cond = helper.make_tensor_value_info("cond", TP.BOOL, [])
    node = helper.make_node(
        "If",
        ["cond"],
        ["Y"],
        name="branch",
        then_branch=_branch("then", then_op, then_domain),
        else_branch=_branch("else", "Neg"),
    )
    graph = helper.make_graph([node], "if", [cond, _value("X", [1])], [_value("Y", [1])])
    opsets = [helper.make_opsetid("", 17)]
    if then_domain:
        opsets.append(helper.make_opsetid(then_domain, 1))
    return helper.make_model(graph, opset_imports=opsets)


def with_domains(*ops: tuple[str, str]) -> Any:
    nodes = [
        helper.make_node(op, ["X"], [f"out{i}"], name=f"n{i}", domain=domain)
        for i, (op, domain) in enumerate(ops)
    ]
    graph = helper.make_graph(nodes, "g", [_value("X", [1, 4])], [_value("out0", [1, 4])])
    opsets = [helper.make_opsetid(d or "", 1 if d else 17) for d in {d for _, d in ops}]
    return helper.make_model(graph, opset_imports=opsets)


def with_local_function(node_domain: str = "local.fn") -> Any:
    function = helper.make_function(
        "local.fn",
        "Double",
        ["x"],
        ["y"],
        [helper.make_node("Add", ["x", "x"], ["y"])],
        [helper.make_opsetid("", 17)],
    )
    graph = helper.make_graph(
        [helper.make_node("Double", ["X"], ["Y"], name="call", domain=node_domain)],
        "g",
        [_value("X", [1])],
        [_value("Y", [1])],
    )
    return helper.make_model(
        graph,
        functions=[function],
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(node_domain, 1)],
    )


def _findings(report: ArtifactReport) -> set[tuple[IssueKind, Severity, str]]:
    return {(i.kind, i.severity, i.symbol) for i in report.issues}


def scan_model(model: Any, name: str = "model.onnx") -> ArtifactReport:
    data = model.SerializeToString()
    return scan_artifact(BytesSource(data, name), compute_hash=False)


BENIGN = [
    ("conv-gemm-relu", conv_gemm_relu),
    ("if-subgraph", with_if),
    ("microsoft-and-ml", lambda: with_domains(
        ("Relu", ""), ("FusedMatMul", "com.microsoft"), ("Normalizer", "ai.onnx.ml"),
        ("NchwcConv", "com.microsoft.nchwc"))),
    ("local-function", with_local_function),
]  # fmt: skip


@pytest.mark.parametrize("build", [b for _, b in BENIGN], ids=[i for i, _ in BENIGN])
def test_benign_models_are_clean(build: Any) -> None:
    model = build()
    onnx.checker.check_model(model)
    report = scan_model(model)
    assert report.format == "onnx"
    assert report.issues == []
    assert report.properties["onnx_node_count"]


def test_facts_recorded() -> None:
    report = scan_model(conv_gemm_relu())
    assert report.properties["producer"] == "stackward-tests"
    assert report.properties["onnx_ops"] == ["Conv", "Flatten", "Gemm", "Relu"]
    assert report.properties["onnx_node_count"] == 4
    assert isinstance(report.properties["onnx_opsets"], dict)


def test_torch_export_is_clean(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.Flatten())
    path = tmp_path / "torch.onnx"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, (torch.zeros(1, 1, 5, 5),), str(path), dynamo=False)
    except Exception as exc:  # exporter extras missing in this environment
        pytest.skip(f"torch.onnx.export unavailable: {exc}")
    report = scan_path(path)
    assert report.format == "onnx"
    assert report.issues == []
    assert report.properties["producer"] == "pytorch"


CUSTOM = [
    ("main-graph", lambda: with_domains(("Relu", ""), ("Backdoor", "evil.ops")),
     "evil.ops::Backdoor", Severity.HIGH),
    ("if-branch", lambda: with_if("Shell", "com.attacker"), "com.attacker::Shell",
     Severity.HIGH),
    ("undefined-local-function", lambda: with_local_function("other.fn"), "other.fn::Double",
     Severity.HIGH),
    ("aten-fallback", lambda: with_domains(("ATen", "org.pytorch.aten")),
     "org.pytorch.aten::ATen", Severity.LOW),
]  # fmt: skip


@pytest.mark.parametrize(
    ("build", "symbol", "severity"), [c[1:] for c in CUSTOM], ids=[c[0] for c in CUSTOM]
)
def test_custom_domain_operators(build: Any, symbol: str, severity: Severity) -> None:
    report = scan_model(build())
    assert _findings(report) == {(IssueKind.UNSAFE_OPERATOR, severity, symbol)}


def test_custom_op_inside_loop_inside_function() -> None:
    body = helper.make_graph(
        [helper.make_node("Exec", ["x"], ["y"], name="inner", domain="bad.domain")],
        "body",
        [],
        [_value("y", [1])],
    )
    loop = helper.make_node("Loop", ["m", "c"], ["out"], name="loop", body=body)
    function = helper.make_function("local.fn", "Wrap", ["m", "c"], ["out"], [loop], [])
    graph = helper.make_graph(
        [helper.make_node("Wrap", ["M", "C"], ["Y"], domain="local.fn")],
        "g",
        [],
        [_value("Y", [1])],
    )
    model = helper.make_model(graph, functions=[function])
    assert _findings(scan_model(model)) == {
        (IssueKind.UNSAFE_OPERATOR, Severity.HIGH, "bad.domain::Exec")
    }


def _point_external(tensor: Any, location: str) -> None:
    tensor.ClearField("raw_data")
    tensor.data_location = TP.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", location


def external_model(location: str, where: str = "initializer") -> Any:
    model = conv_gemm_relu()
    if where == "initializer":
        _point_external(model.graph.initializer[0], location)
    elif where == "constant":
        value = _weights("k", (2,))
        _point_external(value, location)
        model.graph.node.append(helper.make_node("Constant", [], ["K"], value=value))
    elif where == "sparse":
        values = _weights("sv", (1,))
        _point_external(values, location)
        indices = onnx.numpy_helper.from_array(np.zeros((1,), dtype=np.int64), "si")
        model.graph.sparse_initializer.append(helper.make_sparse_tensor(values, indices, [4]))
    return model


ESCAPES = [
    ("absolute-etc", "/etc/passwd", "initializer", Severity.CRITICAL),
    ("traversal-ssh", "../../../../home/user/.ssh/id_rsa", "initializer", Severity.CRITICAL),
    ("proc", "/proc/self/environ", "constant", Severity.CRITICAL),
    ("traversal-plain", "../outside.bin", "initializer", Severity.HIGH),
    ("hidden-traversal", "sub/../../x.bin", "sparse", Severity.HIGH),
    ("windows-drive", "C:\\Users\\me\\secret.bin", "initializer", Severity.HIGH),
    ("aws-credentials", "../../.aws/credentials", "constant", Severity.CRITICAL),
    ("absolute-other", "/opt/data/weights.bin", "initializer", Severity.HIGH),
]


@pytest.mark.parametrize(
    ("location", "where", "severity"), [c[1:] for c in ESCAPES], ids=[c[0] for c in ESCAPES]
)
def test_external_data_escapes(location: str, where: str, severity: Severity) -> None:
    report = scan_model(external_model(location, where))
    assert _findings(report) == {(IssueKind.EXTERNAL_REFERENCE, severity, location)}
    assert location in report.properties["onnx_external_data"]  # type: ignore[operator]


def test_saved_external_data_is_clean(tmp_path: Path) -> None:
    model = conv_gemm_relu()
    onnx.save_model(
        model, str(tmp_path / "m.onnx"), save_as_external_data=True, location="m.data",
        size_threshold=0,
    )  # fmt: skip
    report = scan_path(tmp_path / "m.onnx")
    assert report.issues == []
    assert report.properties["onnx_external_data"] == ["m.data"]


@pytest.mark.parametrize(
    ("location", "create", "expected"),
    [
        ("w.bin", True, set()),
        ("sub/../w.bin", True, set()),
        ("w.bin", False, {(IssueKind.EXTERNAL_REFERENCE, Severity.LOW, "w.bin")}),
    ],
    ids=["present", "inner-dotdot", "missing"],
)
def test_external_data_on_disk(
    tmp_path: Path, location: str, create: bool, expected: set[object]
) -> None:
    (tmp_path / "sub").mkdir()
    if create:
        (tmp_path / "w.bin").write_bytes(b"\0" * 72)
    (tmp_path / "m.onnx").write_bytes(external_model(location).SerializeToString())
    assert _findings(scan_path(tmp_path / "m.onnx")) == expected


@pytest.mark.parametrize(
    ("target", "severity"),
    [("outside/weights.bin", Severity.HIGH), ("outside/.ssh/id_rsa", Severity.CRITICAL)],
    ids=["plain", "sensitive"],
)
def test_symlink_escape(tmp_path: Path, target: str, severity: Severity) -> None:
    secret = tmp_path / target
    secret.parent.mkdir(parents=True)
    secret.write_bytes(b"secret")
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "w.bin").symlink_to(secret)
    (model_dir / "m.onnx").write_bytes(external_model("w.bin").SerializeToString())
    report = scan_path(model_dir / "m.onnx")
    assert _findings(report) == {(IssueKind.EXTERNAL_REFERENCE, severity, "w.bin")}


@pytest.mark.parametrize(
    ("siblings", "expected"),
    [
        (frozenset({"pkg/m.onnx", "pkg/w.bin"}), set()),
        (frozenset({"pkg/m.onnx"}), {(IssueKind.EXTERNAL_REFERENCE, Severity.LOW, "w.bin")}),
    ],
    ids=["sibling-present", "sibling-missing"],
)
def test_external_data_inside_archive(siblings: frozenset[str], expected: set[object]) -> None:
    report = ArtifactReport(location="bundle.zip", size=0)
    ctx = ScanContext.start(report, base_dir=Path("/nonexistent")).child(
        "pkg/m.onnx", "zip", siblings
    )
    data = external_model("w.bin").SerializeToString()
    scan_onnx(BytesSource(data, "bundle.zip!pkg/m.onnx"), ctx)
    assert _findings(report) == expected


def test_external_without_location_is_malformed_low() -> None:
    model = conv_gemm_relu()
    model.graph.initializer[0].data_location = TP.EXTERNAL
    report = scan_model(model)
    assert {(i.kind, i.severity) for i in report.issues} == {(IssueKind.MALFORMED, Severity.LOW)}


def test_large_embedded_weights_are_skipped_not_hidden() -> None:
    model = with_domains(("Relu", ""), ("Backdoor", "evil.ops"))
    model.graph.initializer.insert(0, _weights("big", (512, 1024)))
    data = model.SerializeToString()
    assert len(data) > 2 * 1024 * 1024
    report = scan_artifact(BytesSource(data, "m.onnx"), compute_hash=False)
    assert _findings(report) == {(IssueKind.UNSAFE_OPERATOR, Severity.HIGH, "evil.ops::Backdoor")}


def test_onnx_named_pb_is_scanned_as_onnx() -> None:
    report = scan_model(with_domains(("Backdoor", "evil.ops")), name="model.pb")
    assert _findings(report) == {(IssueKind.UNSAFE_OPERATOR, Severity.HIGH, "evil.ops::Backdoor")}


SAVED_MODEL_HEAD = vint(1, 1) + ld(2, ld(1, ld(4, "serve")) + ld(2, ld(1, ld(1, "x"))))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (conv_gemm_relu().SerializeToString()[:4096], True),
        (with_if().SerializeToString(), True),
        (vint(1, 9) + ld(8, ld(1, "") + vint(2, 17)), True),
        (SAVED_MODEL_HEAD, False),
        (b"", False),
        (b"\x08\x07", False),
        (vint(1, 9) + ld(99, "x") + ld(7, b""), False),
        (vint(1, 9) + ld(2, b"\x00\x01binary"), False),
        (vint(1, 1000) + ld(2, "pytorch"), False),
        (b'{"class_name": "Sequential"}', False),
        (b"\x80\x04\x95" + bytes(range(64)), False),
        (random.Random(7).randbytes(4096), False),
    ],
    ids=[
        "real-model-head",
        "real-small-model",
        "opset-only",
        "saved-model",
        "empty",
        "ir-version-only",
        "unknown-field",
        "binary-producer",
        "absurd-ir-version",
        "json",
        "pickle",
        "random",
    ],
)
def test_looks_like_onnx(head: bytes, expected: bool) -> None:
    assert looks_like_onnx(head) is expected


def test_truncated_model_is_malformed_not_raised() -> None:
    data = conv_gemm_relu().SerializeToString()[:-9]
    report = scan_artifact(BytesSource(data, "m.onnx"), compute_hash=False)
    assert {i.kind for i in report.issues} == {IssueKind.MALFORMED}


def test_mutated_models_never_crash_the_scanner() -> None:
    rng = random.Random(99)
    base = with_if("Shell", "com.attacker").SerializeToString()
    for _ in range(300):
        data = bytearray(base)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        report = scan_artifact(BytesSource(bytes(data), "m.onnx"), compute_hash=False)
        assert all(i.kind is not IssueKind.UNSCANNABLE for i in report.issues), report.issues


def _nested_if(levels: int) -> bytes:
    graph = ld(1, ld(4, "Relu"))
    for _ in range(levels):
        attribute = ld(1, "then_branch") + ld(6, graph)
        graph = ld(1, ld(4, "If") + ld(5, attribute))
    return vint(1, 9) + ld(7, graph) + ld(8, vint(2, 17))


@pytest.mark.parametrize(
    ("levels", "expected"),
    [(15, set()), (40, {IssueKind.MALFORMED})],
    ids=["realistic-depth", "hostile-depth"],
)
def test_subgraph_nesting_is_bounded(levels: int, expected: set[IssueKind]) -> None:
    report = scan_artifact(BytesSource(_nested_if(levels), "m.onnx"), compute_hash=False)
    assert {i.kind for i in report.issues} == expected
    if not expected:
        assert report.properties["onnx_node_count"] == levels + 1


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("weights.bin", None),
        ("a/./b/../c.bin", None),
        ("~/.ssh/id_rsa", None),
        ("..\\..\\secret.bin", Severity.HIGH),
        ("\\\\server\\share\\w.bin", Severity.HIGH),
        ("data/../../../etc/shadow", Severity.CRITICAL),
        ("/ETC/passwd", Severity.CRITICAL),
        ("/etc", Severity.CRITICAL),
        ("w.bin\x00.txt", Severity.HIGH),
    ],
    ids=[
        "plain",
        "inner-dotdot",
        "tilde-is-relative",
        "backslash-traversal",
        "unc-path",
        "deep-traversal-sensitive",
        "uppercase-etc",
        "bare-etc",
        "nul-byte",
    ],
)
def test_judge_external_location_paths(location: str, expected: Severity | None) -> None:
    report = ArtifactReport(location="m.onnx", size=0)
    judge_external_location(location, "t", ScanContext.start(report))
    assert [i.severity for i in report.issues] == ([expected] if expected else [])


def test_node_limit_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from stackward.artifacts.formats import onnx as onnx_format

    monkeypatch.setattr(onnx_format, "MAX_NODES", 2)
    report = scan_model(conv_gemm_relu())
    assert _findings(report) == {(IssueKind.UNSCANNABLE, Severity.MEDIUM, "node limit")}
    assert report.properties["onnx_node_count"] == 2
