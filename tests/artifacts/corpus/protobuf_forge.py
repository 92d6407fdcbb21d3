"""Just enough protobuf wire encoding to hand-build TensorFlow SavedModel graphs.

The corpus must not depend on TensorFlow, so ``saved_model.pb`` files are encoded field by
field from the field numbers in ``tensorflow/core/protobuf/saved_model.proto``,
``meta_graph.proto``, ``graph.proto``, ``node_def.proto``, ``function.proto`` and
``attr_value.proto``.
"""

from __future__ import annotations

from tests.artifacts.formats.pbwrite import ld, vint

DT_FLOAT = 1
DT_STRING = 7


def field_varint(number: int, value: int) -> bytes:
    return vint(number, value)


def field_bytes(number: int, value: bytes | str) -> bytes:
    return ld(number, value)


def attr_string(value: bytes | str) -> bytes:
    """AttrValue{s}."""
    return field_bytes(2, value)


def attr_type(dtype: int) -> bytes:
    """AttrValue{type}."""
    return field_varint(6, dtype)


def attr_type_list(*dtypes: int) -> bytes:
    """AttrValue{list{type}}."""
    return field_bytes(1, b"".join(field_varint(6, d) for d in dtypes))


def attr_string_tensor(*values: bytes) -> bytes:
    """AttrValue{tensor: TensorProto{dtype: DT_STRING, string_val...}}."""
    tensor = field_varint(1, DT_STRING) + field_bytes(2, b"")
    tensor += b"".join(field_bytes(8, v) for v in values)
    return field_bytes(8, tensor)


def node(name: str, op: str, inputs: tuple[str, ...] = (), **attrs: bytes) -> bytes:
    """NodeDef{name, op, input, attr}."""
    out = field_bytes(1, name) + field_bytes(2, op)
    out += b"".join(field_bytes(3, i) for i in inputs)
    for key, value in sorted(attrs.items()):
        out += field_bytes(5, field_bytes(1, key) + field_bytes(2, value))
    return out


def const_string(name: str, value: bytes) -> bytes:
    return node(name, "Const", dtype=attr_type(DT_STRING), value=attr_string_tensor(value))


def function(name: str, nodes: list[bytes]) -> bytes:
    """FunctionDef{signature: OpDef{name}, node_def...}."""
    return field_bytes(1, field_bytes(1, name)) + b"".join(field_bytes(3, n) for n in nodes)


def saved_model(nodes: list[bytes], functions: tuple[bytes, ...] = ()) -> bytes:
    """SavedModel{schema 1, one MetaGraphDef{meta_info_def{tags: serve}, graph_def}}."""
    graph = b"".join(field_bytes(1, n) for n in nodes)
    if functions:
        graph += field_bytes(2, b"".join(field_bytes(1, f) for f in functions))
    graph += field_bytes(4, field_varint(1, 1087))
    meta_info = field_bytes(4, "serve") + field_bytes(5, "2.16.1")
    meta_graph = field_bytes(1, meta_info) + field_bytes(2, graph)
    return field_varint(1, 1) + field_bytes(2, meta_graph)
