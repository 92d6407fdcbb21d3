"""Model objects for the object-store tests, built as bytes (never loaded).

The malicious pickle calls ``os.system("touch stackward-payload-marker")``: harmless even if
something loaded it by mistake.
"""

from __future__ import annotations

import io
import json
import pickle
import struct
import zipfile

PAYLOAD_COMMAND = b"touch stackward-payload-marker"
MALICIOUS_PICKLE = (
    b"\x80\x02cos\nsystem\nX"
    + struct.pack("<I", len(PAYLOAD_COMMAND))
    + PAYLOAD_COMMAND
    + b"\x85R."
)
"""PROTO 2, GLOBAL os.system, BINUNICODE command, TUPLE1, REDUCE, STOP."""


def torch_style_zip(data_pkl: bytes) -> bytes:
    """The ``torch.save`` zip layout around a given ``data.pkl``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data.pkl", data_pkl)
        archive.writestr("archive/byteorder", "little")
        archive.writestr("archive/data/0", b"\x00" * 64)
        archive.writestr("archive/version", "3\n")
    return buffer.getvalue()


def malicious_torch_zip() -> bytes:
    return torch_style_zip(MALICIOUS_PICKLE)


def benign_torch_zip() -> bytes:
    """What ``torch.save`` writes for a small state dict; the same layout by hand (a plain
    data pickle) when torch is not installed."""
    try:
        import torch
    except ImportError:
        return torch_style_zip(pickle.dumps({"w": [0.0] * 16}, protocol=2))
    buffer = io.BytesIO()
    torch.save({"w": torch.zeros(4, 4), "b": torch.ones(3)}, buffer)
    return buffer.getvalue()


def safetensors_bytes(total_size: int, pad_header_to: int = 256) -> bytes:
    """A safetensors file of exactly ``total_size`` bytes: one U8 tensor filling the rest."""
    header_len = pad_header_to
    data_len = total_size - 8 - header_len
    header = json.dumps(
        {
            "__metadata__": {"format": "pt"},
            "w": {"dtype": "U8", "shape": [data_len], "data_offsets": [0, data_len]},
        }
    ).encode()
    if len(header) > header_len:
        raise ValueError("header does not fit its padding")
    return struct.pack("<Q", header_len) + header.ljust(header_len) + bytes(data_len)
