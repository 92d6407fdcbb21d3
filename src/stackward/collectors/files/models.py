"""Reads what can be learned from a model artifact without loading it.

Safetensors headers are JSON behind an 8-byte length, parsed with strict bounds; pickles
are described by their protocol byte only (they are never unpickled). A Hugging Face
``config.json`` beside the weights names the architecture.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from stackward.collectors.files.content import Reading, human_size, read_head
from stackward.collectors.walk import FileEntry

MAX_SAFETENSORS_HEADER = 100 * 1024 * 1024
"""The safetensors reference implementation refuses headers above 100 MB; so do we."""
_PICKLE_PROTOCOL = re.compile(r"pickle protocol (\d)")


def read_model(entry: FileEntry, limit: int) -> Reading:
    reading = Reading()
    reading.properties["size_human"] = human_size(entry.size)
    protocol = _PICKLE_PROTOCOL.match(entry.detail)
    if protocol:
        reading.properties["pickle_protocol"] = int(protocol.group(1))
    if entry.detail == "safetensors":
        _read_safetensors(entry, limit, reading)
    return reading


def _read_safetensors(entry: FileEntry, limit: int, reading: Reading) -> None:
    prefix = read_head(entry, 8, reading)
    if prefix is None:
        return
    header_len = int.from_bytes(prefix, "little") if len(prefix) == 8 else -1
    bound = min(limit, MAX_SAFETENSORS_HEADER)
    if header_len < 2 or header_len > entry.size - 8:
        reading.skip(entry, f"safetensors header length {header_len} does not fit the file")
        return
    if header_len > bound:
        reading.skip(
            entry,
            f"safetensors header of {human_size(header_len)} exceeds the parse limit of"
            f" {human_size(bound)}; header not read",
        )
        return
    raw = read_head(entry, 8 + header_len, reading)
    if raw is None:
        return
    try:
        header = json.loads(raw[8:].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        reading.skip(entry, f"safetensors header is not valid JSON ({exc})")
        return
    if not isinstance(header, dict):
        reading.skip(entry, "safetensors header is not a JSON object")
        return
    _describe_tensors(entry, header, reading)


def _describe_tensors(entry: FileEntry, header: dict[str, Any], reading: Reading) -> None:
    dtypes: set[str] = set()
    params = 0
    tensors = 0
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        shape = spec.get("shape") if isinstance(spec, dict) else None
        if not isinstance(shape, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape
        ):
            reading.skip(entry, f"safetensors tensor {name[:80]!r} has no valid shape")
            return
        tensors += 1
        dtypes.add(str(spec.get("dtype", "unknown")))
        params += math.prod(shape)
    metadata = header.get("__metadata__")
    reading.properties.update(
        {
            "tensor_count": tensors,
            "dtypes": sorted(dtypes),
            "parameter_count": params,
            "safetensors_metadata": (
                {str(k)[:64]: str(v)[:200] for k, v in list(metadata.items())[:20]}
                if isinstance(metadata, dict)
                else {}
            ),
        }
    )


def read_architecture(config: FileEntry, limit: int) -> Reading:
    """``architectures`` / ``model_type`` from a Hugging Face ``config.json``."""
    reading = Reading()
    raw = read_head(config, min(limit, 1024 * 1024) + 1, reading)
    if raw is None or len(raw) > min(limit, 1024 * 1024):
        return reading
    try:
        document = json.loads(raw.decode("utf-8", errors="replace"))
    except (json.JSONDecodeError, RecursionError):
        return reading
    if not isinstance(document, dict):
        return reading
    architectures = document.get("architectures")
    if isinstance(architectures, list) and architectures:
        reading.properties["architecture"] = str(architectures[0])
    if isinstance(document.get("model_type"), str):
        reading.properties["model_type"] = document["model_type"]
    return reading
