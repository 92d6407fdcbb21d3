"""TensorFlow SavedModel graphs (``saved_model.pb``), read as protobuf without TensorFlow.

Loading a SavedModel runs its graph functions. Most operators compute on tensors; a few
reach outside the process: ``PyFunc`` calls back into Python, ``ReadFile``/``WriteFile`` and
the file readers touch the host file system. Those are the findings here. The operators of
the standard saver functions (``SaveV2``, ``RestoreV2``...) are in every SavedModel and are
expected.

Field numbers follow ``tensorflow/core/protobuf/saved_model.proto``, ``meta_graph.proto``,
``framework/graph.proto``, ``function.proto``, ``node_def.proto`` and ``op_def.proto``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from stackward.artifacts.context import ScanContext
from stackward.artifacts.formats.onnx import looks_like_onnx, scan_onnx
from stackward.artifacts.formats.protowire import (
    LENGTH_DELIMITED,
    VARINT,
    Message,
    ProtobufError,
)
from stackward.artifacts.issues import IssueKind
from stackward.artifacts.source import ByteSource
from stackward.model import Severity

SAVED_MODEL_META_GRAPHS = 2
META_GRAPH_GRAPH_DEF = 2
META_GRAPH_SAVER_DEF = 3
SAVER_DEF_SAVE_TENSOR = 2
GRAPH_NODES = 1
GRAPH_LIBRARY = 2
LIBRARY_FUNCTIONS = 1
FUNCTION_SIGNATURE = 1
FUNCTION_NODES = 3
OP_DEF_NAME = 1
NODE_NAME = 1
NODE_OP = 2

MAX_RECORDED_OPS = 512
MAX_NODES = 5_000_000

CODE_EXECUTING_OPS = frozenset({"PyFunc", "PyFuncStateless", "EagerPyFunc"})
"""Operators whose kernel calls a Python function registered by the loading process."""

FILE_SYSTEM_OPS: dict[str, str] = {
    "ReadFile": "reads any file the loading process can read",
    "WriteFile": "writes any file the loading process can write",
    "MatchingFiles": "lists files matching a glob on the host",
    "PrintV2": "can print tensors to a file given by its output_stream attribute",
    "ImmutableConst": "memory-maps a file named in the graph",
    "InitializeTableFromTextFile": "initialises a lookup table from a file on the host",
    "InitializeTableFromTextFileV2": "initialises a lookup table from a file on the host",
    "WholeFileReader": "reads whole files from the host",
    "WholeFileReaderV2": "reads whole files from the host",
    "TextLineReader": "reads files from the host",
    "TextLineReaderV2": "reads files from the host",
    "FixedLengthRecordReader": "reads files from the host",
    "FixedLengthRecordReaderV2": "reads files from the host",
    "TFRecordReader": "reads files from the host",
    "TFRecordReaderV2": "reads files from the host",
    "TextLineDataset": "reads files from the host",
    "TFRecordDataset": "reads files from the host",
    "TFRecordDatasetV2": "reads files from the host",
    "FixedLengthRecordDataset": "reads files from the host",
    "FixedLengthRecordDatasetV2": "reads files from the host",
    "CSVDataset": "reads files from the host",
    "CSVDatasetV2": "reads files from the host",
    "ExperimentalCSVDataset": "reads files from the host",
    "SqlDataset": "opens a database named in the graph",
    "ExperimentalSqlDataset": "opens a database named in the graph",
    "DatasetToTFRecord": "writes a dataset to a file on the host",
    "ExperimentalDatasetToTFRecord": "writes a dataset to a file on the host",
    "SaveDataset": "writes a dataset to a directory on the host",
    "SaveDatasetV2": "writes a dataset to a directory on the host",
    "LoadDataset": "reads a dataset from a directory on the host",
    "SnapshotDataset": "writes dataset snapshots to a directory on the host",
    "SnapshotDatasetV2": "writes dataset snapshots to a directory on the host",
    "LoadAndRemapMatrix": "reads a checkpoint file named in the graph",
    "CreateSummaryFileWriter": "writes event files to a directory on the host",
    "WriteSummary": "writes event files to a directory on the host",
    "DeleteFile": "deletes files on the host",
}
"""Operators that reach the host file system from inside the graph."""

SAVER_SCOPED_OPS: dict[str, str] = {
    "Save": "writes tensors to a file named in the graph",
    "SaveSlices": "writes tensors to a file named in the graph",
    "Restore": "reads tensors from a file named in the graph",
    "RestoreSlice": "reads tensors from a file named in the graph",
}
"""Legacy checkpoint operators: expected inside the saver, file access anywhere else."""

DEBUG_OP_PREFIX = "Debug"
"""``DebugIdentity*``, ``DebugNanCount``... write tensors to debug URLs (files, gRPC)."""

SAVER_FUNCTION_MARKERS = ("_traced_save", "_traced_restore")
"""Names TensorFlow gives the save/restore functions it writes into every SavedModel."""


@dataclass(frozen=True, slots=True)
class GraphNode:
    """One operator use: where it is (``function`` is empty for the main graph)."""

    name: str
    op: str
    function: str


def _read_node(message: Message) -> tuple[str, str]:
    name = op = ""
    for field in message.fields():
        if field.wire_type != LENGTH_DELIMITED:
            continue
        if field.number == NODE_NAME:
            name = field.text(1024)
        elif field.number == NODE_OP:
            op = field.text(256)
    return name, op


def _function_name(function: Message) -> str:
    signature = function.first(FUNCTION_SIGNATURE)
    return signature.message().text(OP_DEF_NAME, limit=1024) if signature else ""


def iter_graph_nodes(graph: Message) -> Iterator[GraphNode]:
    """Every node of a GraphDef: the main graph, then each library function's body."""
    for field in graph.fields():
        if field.number == GRAPH_NODES:
            yield GraphNode(*_read_node(field.message()), function="")
        elif field.number == GRAPH_LIBRARY:
            for function in field.message().messages(LIBRARY_FUNCTIONS):
                function_name = _function_name(function)
                for node in function.messages(FUNCTION_NODES):
                    yield GraphNode(*_read_node(node), function=function_name)


def _saver_scope(meta_graph: Message) -> str:
    """The name scope of a TF1 saver (``save/`` from ``save/Const:0``), if declared."""
    saver = meta_graph.first(META_GRAPH_SAVER_DEF)
    if saver is None:
        return ""
    tensor = saver.message().text(SAVER_DEF_SAVE_TENSOR, limit=1024)
    return tensor.rsplit("/", 1)[0] + "/" if "/" in tensor else ""


def _in_saver(node: GraphNode, saver_scope: str) -> bool:
    if any(marker in node.function for marker in SAVER_FUNCTION_MARKERS):
        return True
    return bool(saver_scope) and node.name.startswith(saver_scope)


def _where(node: GraphNode) -> str:
    return f"function {node.function!r}" if node.function else "the main graph"


def judge_node(node: GraphNode, saver_scope: str, ctx: ScanContext) -> None:
    """Record an issue if ``node`` runs Python or reaches the host file system."""
    symbol = f"{node.op} ({node.name})"
    if node.op in CODE_EXECUTING_OPS:
        ctx.issue(
            IssueKind.CODE_EXECUTION,
            Severity.CRITICAL,
            f"node {node.name!r} in {_where(node)} uses {node.op}, which calls arbitrary Python"
            " code when the graph runs",
            symbol=symbol,
        )
        return
    effect = FILE_SYSTEM_OPS.get(node.op)
    if effect is None and node.op in SAVER_SCOPED_OPS and not _in_saver(node, saver_scope):
        effect = SAVER_SCOPED_OPS[node.op] + " outside the model's saver"
    if effect is None and node.op.startswith(DEBUG_OP_PREFIX):
        effect = "writes tensors to debug URLs (files or network endpoints)"
    if effect is not None:
        ctx.issue(
            IssueKind.UNSAFE_OPERATOR,
            Severity.HIGH,
            f"node {node.name!r} in {_where(node)} uses {node.op}, which {effect}",
            symbol=symbol,
        )


def _scan_graph(graph: Message, saver_scope: str, ops: set[str], ctx: ScanContext) -> None:
    for count, node in enumerate(iter_graph_nodes(graph)):
        if count >= MAX_NODES:
            ctx.unscannable(
                f"graph has more than {MAX_NODES} nodes; the rest were not inspected",
                symbol="node limit",
                severity=Severity.MEDIUM,
            )
            return
        if count % 4096 == 0:
            ctx.check_time()
        ops.add(node.op)
        judge_node(node, saver_scope, ctx)


_LAYOUT_FIELDS = 4
SAVED_MODEL_LAYOUT = frozenset({(1, VARINT), (SAVED_MODEL_META_GRAPHS, LENGTH_DELIMITED)})


def _layout(root: Message) -> str:
    """``graph_def`` for a bare GraphDef (a frozen graph: node messages in field 1),
    ``saved_model`` for a schema version and meta graphs, ``other`` for any other protobuf
    (``fingerprint.pb`` and friends, which hold no operators)."""
    seen: list[tuple[int, int]] = []
    try:
        seen.extend((f.number, f.wire_type) for f in islice(root.fields(), _LAYOUT_FIELDS))
    except ProtobufError:
        if not seen:
            raise  # the scan reports it; later corruption is reported when reached
    if not seen:
        return "other"
    if seen[0] == (GRAPH_NODES, LENGTH_DELIMITED):
        return "graph_def"
    return "saved_model" if SAVED_MODEL_LAYOUT.issuperset(seen) else "other"


def _graphs(root: Message, layout: str) -> Iterator[tuple[Message, str]]:
    """The (graph_def, saver scope) pairs to scan."""
    if layout == "graph_def":
        yield root, ""
    if layout != "saved_model":
        return
    for meta_graph in root.messages(SAVED_MODEL_META_GRAPHS):
        scope = _saver_scope(meta_graph)
        for graph in meta_graph.messages(META_GRAPH_GRAPH_DEF):
            yield graph, scope


def scan_saved_model(source: ByteSource, ctx: ScanContext) -> None:
    """List every operator of every graph and function; flag the ones that reach out."""
    if looks_like_onnx(source.read_at(0, 4096)):
        scan_onnx(source, ctx)
        return
    ops: set[str] = set()
    root = Message.of(source)
    try:
        layout = _layout(root)
        ctx.report.properties["tf_protobuf"] = layout
        for graph, scope in _graphs(root, layout):
            _scan_graph(graph, scope, ops, ctx)
    except ProtobufError as exc:
        ctx.issue(
            IssueKind.MALFORMED,
            Severity.MEDIUM,
            f"SavedModel protobuf is malformed ({exc}); operators after this point were not"
            " inspected",
            symbol="protobuf",
            offset=exc.offset,
        )
    ops.discard("")
    ctx.report.properties["tf_ops"] = sorted(ops)[:MAX_RECORDED_OPS]
    ctx.report.properties["tf_op_count"] = len(ops)
