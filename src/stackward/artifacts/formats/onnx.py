"""ONNX models (``ModelProto``), read as protobuf without the ``onnx`` package.

An ONNX file holds no code, but its loader acts on two things in it: operators from a
custom domain make the runtime look for a native custom-op library, and tensors stored as
external data make it open whatever path ``location`` names. Both are checked here, through
the main graph, every subgraph held in node attributes (``If``/``Loop``/``Scan`` bodies),
model-local functions and training graphs.

Field numbers follow ``onnx/onnx.proto3``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stackward.artifacts.context import ScanContext
from stackward.artifacts.formats.onnx_external import judge_external_location
from stackward.artifacts.formats.protowire import (
    LENGTH_DELIMITED,
    VARINT,
    Message,
    ProtobufError,
    read_varint,
)
from stackward.artifacts.issues import IssueKind
from stackward.artifacts.source import ByteSource
from stackward.model import Severity

# ModelProto
MODEL_IR_VERSION, MODEL_PRODUCER, MODEL_GRAPH, MODEL_OPSET = 1, 2, 7, 8
MODEL_TRAINING_INFO, MODEL_FUNCTIONS = 20, 25
# GraphProto
GRAPH_NODE, GRAPH_INITIALIZER, GRAPH_SPARSE_INITIALIZER = 1, 5, 15
# NodeProto
NODE_NAME, NODE_OP_TYPE, NODE_ATTRIBUTE, NODE_DOMAIN = 3, 4, 5, 7
# AttributeProto
ATTR_TENSOR, ATTR_GRAPH, ATTR_TENSORS, ATTR_GRAPHS = 5, 6, 10, 11
ATTR_SPARSE_TENSOR, ATTR_SPARSE_TENSORS = 22, 23
# TensorProto / SparseTensorProto / StringStringEntryProto / OperatorSetIdProto
TENSOR_NAME, TENSOR_EXTERNAL_DATA, TENSOR_DATA_LOCATION = 8, 13, 14
SPARSE_VALUES, SPARSE_INDICES = 1, 2
ENTRY_KEY, ENTRY_VALUE = 1, 2
OPSET_DOMAIN, OPSET_VERSION = 1, 2
# FunctionProto / TrainingInfoProto
FUNCTION_NAME, FUNCTION_NODE, FUNCTION_DOMAIN = 1, 7, 10
TRAINING_INITIALIZATION, TRAINING_ALGORITHM = 1, 2
DATA_LOCATION_EXTERNAL = 1

STANDARD_DOMAINS = frozenset(
    {
        "",
        "ai.onnx",
        "ai.onnx.ml",
        "ai.onnx.training",
        "ai.onnx.preview.training",
        "com.microsoft",
        "com.microsoft.nchwc",
        "com.microsoft.experimental",
        "com.ms.internal.nhwc",
    }
)
"""Domains implemented by the ONNX specification and ONNX Runtime itself."""
FALLBACK_DOMAINS = frozenset({"org.pytorch.aten"})
"""Domains a runtime serves from a known framework (PyTorch ATen fallback), not a plugin."""

MAX_NODES = 5_000_000
MAX_DISTINCT_OPS = 10_000

_MODEL_FIELDS = {1: VARINT, 2: 2, 3: 2, 4: 2, 5: VARINT, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2}
"""ModelProto field number -> wire type, for the structural check on a file's head."""
_TEXT_FIELDS = frozenset({2, 3, 4})


def _plausible_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return text.isprintable()


def looks_like_onnx(head: bytes) -> bool:
    """Whether ``head`` (the first bytes of a file) is the start of an ONNX ModelProto.

    Protobuf has no magic number, so this checks the structure: ``ir_version`` first, then
    only ModelProto fields with their proper wire types, text where text belongs, and at
    least one of producer, graph or opsets. A SavedModel (schema version, then a nested
    MetaGraphDef where ONNX has the producer string) and random bytes fail it.
    """
    if len(head) < 4 or head[0] != 0x08:
        return False
    pos, seen = 0, set()
    try:
        while pos < len(head):
            tag, pos = read_varint(head, pos)
            number, wire_type = tag >> 3, tag & 7
            if _MODEL_FIELDS.get(number) != wire_type:
                return False
            value, pos = read_varint(head, pos)
            if number == MODEL_IR_VERSION and not 1 <= value <= 64:
                return False
            if wire_type == LENGTH_DELIMITED:
                payload = head[pos : pos + value]
                if number in _TEXT_FIELDS and not _plausible_text(payload[:1024]):
                    return False
                if number == MODEL_OPSET and payload[:1] not in (b"\x0a", b"\x10", b""):
                    return False
                pos += value
            seen.add(number)
    except ProtobufError:
        if pos < len(head) - 10:
            return False
    return MODEL_IR_VERSION in seen and bool(seen & {MODEL_PRODUCER, MODEL_GRAPH, MODEL_OPSET})


@dataclass(slots=True)
class _Inventory:
    """What the walk found; judged once at the end so local functions can be resolved."""

    node_count: int = 0
    ops: dict[tuple[str, str], str] = field(default_factory=dict)
    """(domain, op_type) -> the first node (or function) that uses it."""
    local_functions: set[tuple[str, str]] = field(default_factory=set)
    locations: set[str] = field(default_factory=set)


class _NodeLimit(Exception):
    """More nodes than :data:`MAX_NODES`; the walk stops and says so."""


def _scan_tensor(tensor: Message, inventory: _Inventory, ctx: ScanContext) -> None:
    ctx.check_time()
    name, location, external = "", "", False
    for item in tensor.fields():
        if item.number == TENSOR_NAME and item.is_bytes:
            name = item.text(1024)
        elif item.number == TENSOR_DATA_LOCATION and item.wire_type == VARINT:
            external = item.value == DATA_LOCATION_EXTERNAL
        elif item.number == TENSOR_EXTERNAL_DATA and item.is_bytes:
            entry = item.message()
            if entry.text(ENTRY_KEY, limit=64) == "location":
                location = entry.text(ENTRY_VALUE, limit=4096)
    if not external:
        return
    if not location:
        ctx.issue(
            IssueKind.MALFORMED,
            Severity.LOW,
            f"tensor {name!r} is stored externally but names no location",
            symbol=f"tensor {name}",
        )
        return
    if location not in inventory.locations:
        inventory.locations.add(location)
        judge_external_location(location, name, ctx)


def _scan_sparse(sparse: Message, inventory: _Inventory, ctx: ScanContext) -> None:
    for item in sparse.fields():
        if item.number in (SPARSE_VALUES, SPARSE_INDICES) and item.is_bytes:
            _scan_tensor(item.message(), inventory, ctx)


def _scan_attribute(attribute: Message, inventory: _Inventory, ctx: ScanContext) -> None:
    for item in attribute.fields():
        if not item.is_bytes:
            continue
        if item.number in (ATTR_GRAPH, ATTR_GRAPHS):
            _scan_graph(item.message(), inventory, ctx)
        elif item.number in (ATTR_TENSOR, ATTR_TENSORS):
            _scan_tensor(item.message(), inventory, ctx)
        elif item.number in (ATTR_SPARSE_TENSOR, ATTR_SPARSE_TENSORS):
            _scan_sparse(item.message(), inventory, ctx)


def _scan_node(node: Message, where: str, inventory: _Inventory, ctx: ScanContext) -> None:
    if inventory.node_count >= MAX_NODES:
        raise _NodeLimit
    inventory.node_count += 1
    if inventory.node_count % 4096 == 0:
        ctx.check_time()
    name = op_type = domain = ""
    for item in node.fields():
        if not item.is_bytes:
            continue
        if item.number == NODE_NAME:
            name = item.text(1024)
        elif item.number == NODE_OP_TYPE:
            op_type = item.text(256)
        elif item.number == NODE_DOMAIN:
            domain = item.text(256)
        elif item.number == NODE_ATTRIBUTE:
            _scan_attribute(item.message(), inventory, ctx)
    key = (domain, op_type)
    if key not in inventory.ops and len(inventory.ops) < MAX_DISTINCT_OPS:
        inventory.ops[key] = f"node {name!r} in {where}" if name else where


def _scan_graph(graph: Message, inventory: _Inventory, ctx: ScanContext) -> None:
    for item in graph.fields():
        if not item.is_bytes:
            continue
        if item.number == GRAPH_NODE:
            _scan_node(item.message(), "the graph", inventory, ctx)
        elif item.number == GRAPH_INITIALIZER:
            _scan_tensor(item.message(), inventory, ctx)
        elif item.number == GRAPH_SPARSE_INITIALIZER:
            _scan_sparse(item.message(), inventory, ctx)


def _scan_function(function: Message, inventory: _Inventory, ctx: ScanContext) -> None:
    name = domain = ""
    nodes: list[Message] = []
    for item in function.fields():
        if not item.is_bytes:
            continue
        if item.number == FUNCTION_NAME:
            name = item.text(1024)
        elif item.number == FUNCTION_DOMAIN:
            domain = item.text(256)
        elif item.number == FUNCTION_NODE:
            nodes.append(item.message())
    inventory.local_functions.add((domain, name))
    for node in nodes:
        _scan_node(node, f"function {domain}.{name}", inventory, ctx)


def _opset(entry: Message) -> tuple[str, int]:
    domain, version = "", 0
    for item in entry.fields():
        if item.number == OPSET_DOMAIN and item.is_bytes:
            domain = item.text(256)
        elif item.number == OPSET_VERSION and item.wire_type == VARINT:
            version = item.value
    return domain, version


def _judge_ops(inventory: _Inventory, ctx: ScanContext) -> None:
    for (domain, op_type), where in sorted(inventory.ops.items()):
        if domain in STANDARD_DOMAINS or (domain, op_type) in inventory.local_functions:
            continue
        symbol = f"{domain}::{op_type}"
        if domain in FALLBACK_DOMAINS:
            ctx.issue(
                IssueKind.UNSAFE_OPERATOR,
                Severity.LOW,
                f"{where} uses {op_type} from {domain}, which only runtimes with the PyTorch"
                " ATen fallback can execute",
                symbol=symbol,
            )
            continue
        ctx.issue(
            IssueKind.UNSAFE_OPERATOR,
            Severity.HIGH,
            f"{where} uses {op_type} from custom domain {domain!r}; running the model needs a"
            " native custom-op library that is loaded into the process",
            symbol=symbol,
        )


def _walk_model(model: Message, inventory: _Inventory, ctx: ScanContext) -> None:
    opsets: dict[str, int] = {}
    for item in model.fields():
        if item.number == MODEL_IR_VERSION and item.wire_type == VARINT:
            ctx.report.properties["onnx_ir_version"] = item.value
        elif not item.is_bytes:
            continue
        elif item.number == MODEL_PRODUCER:
            ctx.report.properties["producer"] = item.text(256)
        elif item.number == MODEL_OPSET and len(opsets) < 256:
            domain, version = _opset(item.message())
            opsets[domain or "ai.onnx"] = version
        elif item.number == MODEL_GRAPH:
            _scan_graph(item.message(), inventory, ctx)
        elif item.number == MODEL_FUNCTIONS:
            _scan_function(item.message(), inventory, ctx)
        elif item.number == MODEL_TRAINING_INFO:
            for graph_field in item.message().fields():
                if graph_field.number in (TRAINING_INITIALIZATION, TRAINING_ALGORITHM):
                    _scan_graph(graph_field.message(), inventory, ctx)
    ctx.report.properties["onnx_opsets"] = opsets


def scan_onnx(source: ByteSource, ctx: ScanContext) -> None:
    """Walk the whole model; flag custom-domain operators and escaping external data."""
    inventory = _Inventory()
    try:
        _walk_model(Message.of(source), inventory, ctx)
    except _NodeLimit:
        ctx.unscannable(
            f"model has more than {MAX_NODES} nodes; the rest were not inspected",
            symbol="node limit",
            severity=Severity.MEDIUM,
        )
    except ProtobufError as exc:
        ctx.issue(
            IssueKind.MALFORMED,
            Severity.MEDIUM,
            f"ONNX protobuf is malformed ({exc}); content after this point was not inspected",
            symbol="protobuf",
            offset=exc.offset,
        )
    _judge_ops(inventory, ctx)
    ctx.report.properties["onnx_node_count"] = inventory.node_count
    ctx.report.properties["onnx_ops"] = sorted(
        f"{domain}::{op}" if domain else op for domain, op in inventory.ops
    )[:512]
    if inventory.locations:
        ctx.report.properties["onnx_external_data"] = sorted(inventory.locations)[:256]
