from __future__ import annotations

import random

import pytest

from stackward.artifacts import ArtifactReport, IssueKind, scan_artifact
from stackward.artifacts.source import BytesSource
from stackward.model import Severity
from tests.artifacts.formats.pbwrite import ld, vint


def node(name: str, op: str, *inputs: str) -> bytes:
    attr = ld(5, ld(1, "T") + ld(2, vint(6, 1)))
    return b"".join([ld(1, name), ld(2, op), *(ld(3, i) for i in inputs), attr])


def function(name: str, *nodes: bytes) -> bytes:
    signature = ld(1, name) + ld(2, ld(1, "args_0") + vint(3, 1))
    return ld(1, signature) + b"".join(ld(3, n) for n in nodes)


SERVING = function(
    "__inference_serving_default_1234",
    node("MatMul/ReadVariableOp", "ReadVariableOp", "matmul_readvariableop_resource"),
    node("MatMul", "MatMul", "args_0", "MatMul/ReadVariableOp"),
    node("BiasAdd", "BiasAdd", "MatMul", "bias"),
    node("Relu", "Relu", "BiasAdd"),
    node("Identity", "Identity", "Relu"),
)
TRACED_SAVE = function(
    "__inference__traced_save_5678",
    node("StaticRegexFullMatch", "StaticRegexFullMatch", "file_prefix"),
    node("Const", "Const"),
    node("Select", "Select", "StaticRegexFullMatch", "Const"),
    node("StringJoin", "StringJoin", "file_prefix", "Select"),
    node("ShardedFilename", "ShardedFilename", "StringJoin"),
    node("SaveV2", "SaveV2", "ShardedFilename"),
    node("MergeV2Checkpoints", "MergeV2Checkpoints", "SaveV2"),
    node("Identity", "Identity", "file_prefix"),
    node("NoOp", "NoOp"),
)
TRACED_RESTORE = function(
    "__inference__traced_restore_9012",
    node("RestoreV2", "RestoreV2", "file_prefix"),
    node("AssignVariableOp", "AssignVariableOp", "RestoreV2"),
    node("Identity_1", "Identity", "file_prefix"),
    node("NoOp_1", "NoOp"),
)
MAIN_NODES = (
    node("serving_default_args_0", "Placeholder"),
    node("dense/kernel", "VarHandleOp"),
    node("StatefulPartitionedCall", "StatefulPartitionedCall", "serving_default_args_0"),
    node("saver_filename", "Placeholder"),
    node("StatefulPartitionedCall_1", "StatefulPartitionedCall", "saver_filename"),
    node("NoOp", "NoOp"),
    node("Const", "Const"),
)


def graph_def(nodes: tuple[bytes, ...], functions: tuple[bytes, ...]) -> bytes:
    library = b"".join(ld(1, f) for f in functions)
    return b"".join(ld(1, n) for n in nodes) + ld(2, library) + ld(4, vint(1, 1882))


def saved_model(
    nodes: tuple[bytes, ...] = MAIN_NODES,
    functions: tuple[bytes, ...] = (SERVING, TRACED_SAVE, TRACED_RESTORE),
    saver_tensor: str = "",
) -> bytes:
    meta_info = ld(1, ld(4, "serve") + ld(5, "2.16.1") + ld(6, "unknown"))
    saver = ld(3, ld(1, "save/Const:0") + ld(2, saver_tensor)) if saver_tensor else b""
    signature = ld(5, ld(1, "serving_default") + ld(2, ld(3, "tensorflow/serving/predict")))
    meta_graph = meta_info + ld(2, graph_def(nodes, functions)) + saver + signature
    return vint(1, 1) + ld(2, meta_graph)


def scan(data: bytes, name: str = "saved_model.pb") -> ArtifactReport:
    return scan_artifact(BytesSource(data, name), compute_hash=False)


def _findings(report: ArtifactReport) -> set[tuple[IssueKind, Severity, str]]:
    return {(i.kind, i.severity, i.symbol) for i in report.issues}


def test_benign_saved_model_with_saver_functions_is_clean() -> None:
    report = scan(saved_model())
    assert report.format == "tf-savedmodel"
    assert report.issues == []
    ops = report.properties["tf_ops"]
    assert isinstance(ops, list)
    assert {"MatMul", "SaveV2", "RestoreV2", "MergeV2Checkpoints", "StringJoin"} <= set(ops)
    assert ops == sorted(ops)


def test_tf1_saver_scope_allows_legacy_save_ops() -> None:
    nodes = (*MAIN_NODES, node("save/SaveV2", "Save"), node("save/RestoreV2", "RestoreSlice"))
    report = scan(saved_model(nodes, saver_tensor="save/control_dependency:0"))
    assert report.issues == []


UNSAFE = [
    ("main-readfile", (node("leak", "ReadFile", "path"),), (), IssueKind.UNSAFE_OPERATOR,
     Severity.HIGH, "ReadFile (leak)"),
    ("main-writefile", (node("drop", "WriteFile", "path", "contents"),), (),
     IssueKind.UNSAFE_OPERATOR, Severity.HIGH, "WriteFile (drop)"),
    ("main-pyfunc", (node("hook", "PyFunc"),), (), IssueKind.CODE_EXECUTION,
     Severity.CRITICAL, "PyFunc (hook)"),
    ("fn-eager-pyfunc", (), (function("__inference_call_1", node("cb", "EagerPyFunc")),),
     IssueKind.CODE_EXECUTION, Severity.CRITICAL, "EagerPyFunc (cb)"),
    ("fn-writefile", (), (function("__inference_call_2", node("w", "WriteFile")),),
     IssueKind.UNSAFE_OPERATOR, Severity.HIGH, "WriteFile (w)"),
    ("fn-matching-files", (), (function("f", node("ls", "MatchingFiles")),),
     IssueKind.UNSAFE_OPERATOR, Severity.HIGH, "MatchingFiles (ls)"),
    ("dataset", (node("ds", "TextLineDataset"),), (), IssueKind.UNSAFE_OPERATOR,
     Severity.HIGH, "TextLineDataset (ds)"),
    ("lookup-table", (node("t", "InitializeTableFromTextFileV2"),), (),
     IssueKind.UNSAFE_OPERATOR, Severity.HIGH, "InitializeTableFromTextFileV2 (t)"),
    ("debug", (node("d", "DebugIdentityV2"),), (), IssueKind.UNSAFE_OPERATOR, Severity.HIGH,
     "DebugIdentityV2 (d)"),
    ("save-outside-saver", (node("exfil", "Save"),), (), IssueKind.UNSAFE_OPERATOR,
     Severity.HIGH, "Save (exfil)"),
    ("print-v2", (node("p", "PrintV2"),), (), IssueKind.UNSAFE_OPERATOR, Severity.HIGH,
     "PrintV2 (p)"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("extra_nodes", "extra_functions", "kind", "severity", "symbol"),
    [case[1:] for case in UNSAFE],
    ids=[case[0] for case in UNSAFE],
)
def test_unsafe_ops_are_reported(
    extra_nodes: tuple[bytes, ...],
    extra_functions: tuple[bytes, ...],
    kind: IssueKind,
    severity: Severity,
    symbol: str,
) -> None:
    data = saved_model(
        (*MAIN_NODES, *extra_nodes), (SERVING, TRACED_SAVE, TRACED_RESTORE, *extra_functions)
    )
    report = scan(data)
    assert _findings(report) == {(kind, severity, symbol)}
    where = "function" if extra_functions else "the main graph"
    assert where in report.issues[0].reason


def test_every_meta_graph_is_scanned() -> None:
    second = ld(2, ld(2, graph_def((node("r", "ReadFile"),), ())))
    report = scan(saved_model() + second)
    assert _findings(report) == {(IssueKind.UNSAFE_OPERATOR, Severity.HIGH, "ReadFile (r)")}


@pytest.mark.parametrize(
    ("nodes", "expected"),
    [
        ((node("a", "Const"), node("b", "Identity", "a")), set()),
        (
            (node("a", "Const"), node("b", "ReadFile", "a")),
            {(IssueKind.UNSAFE_OPERATOR, Severity.HIGH, "ReadFile (b)")},
        ),
    ],
    ids=["benign", "readfile"],
)
def test_bare_graph_def(nodes: tuple[bytes, ...], expected: set[object]) -> None:
    report = scan(graph_def(nodes, ()))
    assert report.format == "tf-savedmodel"
    assert _findings(report) == expected


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (
            "fingerprint.pb",
            vint(1, 2**63) + vint(2, 5) + vint(3, 6) + vint(5, 7) + ld(6, vint(1, 1)),
        ),
        ("other.pb", vint(1, 3) + ld(9, "not a graph")),
    ],
    ids=["fingerprint", "unrelated-protobuf"],
)
def test_other_protobufs_are_not_findings(name: str, data: bytes) -> None:
    report = scan(data, name=name)
    assert report.format == "tf-savedmodel"
    assert report.issues == []
    assert report.properties["tf_protobuf"] == "other"


@pytest.mark.parametrize(
    "data",
    [
        saved_model()[:-7],
        vint(1, 1) + ld(2, b"\x12\xff\xff\xff\x0f"),
        vint(1, 1) + b"\x13\x00",
    ],
    ids=["truncated", "inner-length-lies", "group-tag"],
)
def test_malformed_protobuf_is_reported_not_raised(data: bytes) -> None:
    report = scan(data)
    assert {i.kind for i in report.issues} == {IssueKind.MALFORMED}
    assert all(i.severity <= Severity.MEDIUM for i in report.issues)


def test_ops_seen_before_corruption_are_still_judged() -> None:
    data = saved_model((node("r", "ReadFile"), *MAIN_NODES)) + ld(2, saved_model())[:-20]
    report = scan(data)
    kinds = {i.kind for i in report.issues}
    assert kinds == {IssueKind.UNSAFE_OPERATOR, IssueKind.MALFORMED}


def test_random_bytes_never_raise() -> None:
    rng = random.Random(1234)
    base = saved_model((*MAIN_NODES, node("r", "ReadFile")))
    for _ in range(300):
        data = bytearray(base)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        report = scan(b"\x08\x01" + bytes(data[2:]))
        assert all(i.kind is not IssueKind.UNSCANNABLE for i in report.issues), report.issues


def test_node_limit_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from stackward.artifacts.formats import tensorflow as tf_format

    monkeypatch.setattr(tf_format, "MAX_NODES", 3)
    report = scan(saved_model())
    assert _findings(report) == {(IssueKind.UNSCANNABLE, Severity.MEDIUM, "node limit")}
