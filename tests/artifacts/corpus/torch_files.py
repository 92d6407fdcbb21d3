"""Reproducible legacy (pre-zip) ``torch.save`` output.

The legacy format names each storage by its memory address and writes the storages in
address order. Storages are renamed by their order of first use in the object pickle
(zero-padded to the same length, so no pickle length field changes) and written in that
order; the storage-key list is re-pickled the way ``torch.save`` pickles it. Nothing is
ever loaded to do it.
"""

from __future__ import annotations

import io
import pickle
import pickletools
import re
import struct
from typing import Any

LEGACY_PICKLES = 5
"""magic number, protocol version, sys_info, the object, the storage keys."""

ELEMENT_SIZES = {
    "DoubleStorage": 8, "FloatStorage": 4, "HalfStorage": 2, "BFloat16Storage": 2,
    "LongStorage": 8, "IntStorage": 4, "ShortStorage": 2, "CharStorage": 1, "ByteStorage": 1,
    "BoolStorage": 1,
}  # fmt: skip


def pickle_ends(data: bytes, count: int) -> list[int]:
    """Offsets just past each of the first ``count`` pickles (parsed, never loaded)."""
    ends: list[int] = []
    stream = io.BytesIO(data)
    for _ in range(count):
        for opcode, _arg, _pos in pickletools.genops(stream):
            if opcode.name == "STOP":
                break
        ends.append(stream.tell())
    return ends


def _strings(pickle_bytes: bytes) -> list[str]:
    return [
        str(arg)
        for opcode, arg, _pos in pickletools.genops(pickle_bytes)
        if opcode.name in {"BINUNICODE", "SHORT_BINUNICODE", "UNICODE"}
    ]


def _storage_use_order(object_pickle: bytes, keys: set[str]) -> dict[str, int]:
    """Storage key -> element size, in order of first use in the object pickle."""
    order: dict[str, int] = {}
    storage_type = ""
    for opcode, arg, _pos in pickletools.genops(object_pickle):
        if opcode.name == "GLOBAL":
            storage_type = str(arg).rsplit(" ", 1)[-1]
        elif isinstance(arg, str) and arg in keys and arg not in order:
            order[arg] = ELEMENT_SIZES[storage_type]
    return order


def legacy_save(obj: Any) -> bytes:
    import torch

    buffer = io.BytesIO()
    torch.save(obj, buffer, _use_new_zipfile_serialization=False)
    data = buffer.getvalue()
    ends = pickle_ends(data, LEGACY_PICKLES)
    saved_keys = _strings(data[ends[3] : ends[4]])
    if pickle.dumps(saved_keys, protocol=2) != data[ends[3] : ends[4]]:
        raise ValueError("unexpected legacy storage-key pickle; torch changed its format")
    sizes = _storage_use_order(data[ends[2] : ends[3]], set(saved_keys))
    blocks: dict[str, bytes] = {}
    offset = ends[4]
    for key in saved_keys:
        (count,) = struct.unpack_from("<q", data, offset)
        length = 8 + count * sizes[key]
        blocks[key] = data[offset : offset + length]
        offset += length
    if offset != len(data):
        raise ValueError("unexpected bytes after the legacy storages")
    renames = {key: str(index).zfill(len(key)) for index, key in enumerate(sizes)}
    head = data[: ends[3]]
    if renames:
        pattern = re.compile("|".join(re.escape(k) for k in sorted(renames, key=len)[::-1]))
        head = pattern.sub(lambda m: renames[m.group(0)], head.decode("latin-1")).encode("latin-1")
    keys_pickle = pickle.dumps([renames[key] for key in sizes], protocol=2)
    return head + keys_pickle + b"".join(blocks[key] for key in sizes)
