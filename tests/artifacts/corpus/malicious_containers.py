"""Payload pickles hidden in real containers: PyTorch files, archives, joblib, NumPy.

Containers are produced by the real libraries (``torch.save``, ``joblib.dump``) and then
opened as plain archives/streams to splice the payload in; nothing is ever loaded.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from functools import cache, partial
from unittest import mock

from tests.artifacts.corpus.assemble import append_before_stop, os_system, system_ops
from tests.artifacts.corpus.recipe import Recipe, Writer, bytes_writer, malicious
from tests.artifacts.corpus.torch_files import legacy_save, pickle_ends
from tests.artifacts.corpus.zip_forge import (
    DEFLATED,
    FLAG_DATA_DESCRIPTOR,
    FLAG_ENCRYPTED,
    Entry,
    forge_zip,
)


@cache
def _torch_zip_members() -> tuple[tuple[str, bytes], ...]:
    """The members of a real ``torch.save`` zip of a small state dict."""
    import torch

    torch.manual_seed(0)
    buffer = io.BytesIO()
    torch.save(torch.nn.Linear(3, 2).state_dict(), buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return tuple((info.filename, archive.read(info)) for info in archive.infolist())


def torch_zip(
    transform: Callable[[bytes], bytes], extra: tuple[tuple[str, bytes], ...] = ()
) -> bytes:
    """A real torch zip whose ``data.pkl`` is passed through ``transform``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in (*_torch_zip_members(), *extra):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, transform(data) if name.endswith("/data.pkl") else data)
    return buffer.getvalue()


def inject(pickle_bytes: bytes) -> bytes:
    return append_before_stop(pickle_bytes, system_ops(2))


@cache
def _torch_legacy() -> bytes:
    import torch

    torch.manual_seed(0)
    return legacy_save(torch.nn.Linear(3, 2).state_dict())


def _legacy_with_payload(index: int) -> bytes:
    """Inject into the ``index``-th pickle of a legacy file (0 magic, 1 protocol,
    2 sys_info, 3 the object, 4 storage keys)."""
    data = _torch_legacy()
    ends = pickle_ends(data, index + 1)
    start = ends[index - 1] if index else 0
    return data[:start] + inject(data[start : ends[index]]) + data[ends[index] :]


def _torch_tar(payload_member: str) -> bytes:
    """The pre-1.6 ``torch.save`` tar layout; ``payload_member`` carries the payload."""
    import pickle

    members = {
        "sys_info": pickle.dumps({"protocol_version": 1001, "little_endian": True}, 2),
        "pickle": pickle.dumps({"epoch": 3}, 2),
        "storages": pickle.dumps(0, 2),
        "tensors": pickle.dumps(0, 2),
    }
    members[payload_member] = inject(members[payload_member])
    return tar_of(members)


def tar_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _pytorch() -> list[Recipe]:
    return [
        malicious(
            "data_pkl_injected.pt",
            "pytorch-zip",
            "pytorch-zip",
            "real torch.save zip, os.system spliced into data.pkl before STOP",
            bytes_writer(lambda: torch_zip(inject)),
        ),
        malicious(
            "data_pkl_replaced.pt",
            "pytorch-zip",
            "pytorch-zip",
            "real torch.save zip, data.pkl replaced by the payload",
            bytes_writer(lambda: torch_zip(lambda _: os_system())),
        ),
        malicious(
            "extra_pickle_member.pt",
            "pytorch-zip",
            "pytorch-zip",
            "real torch.save zip plus an extra archive/extra/hooks.pkl payload member",
            bytes_writer(
                lambda: torch_zip(lambda data: data, (("archive/extra/hooks.pkl", os_system()),))
            ),
        ),
        malicious(
            "main_pickle.pt",
            "pytorch-legacy",
            "pytorch-legacy",
            "legacy torch.save stream, payload in the object pickle",
            bytes_writer(lambda: _legacy_with_payload(3)),
        ),
        malicious(
            "sys_info_pickle.pt",
            "pytorch-legacy",
            "pytorch-legacy",
            "legacy torch.save stream, payload in the sys_info pickle",
            bytes_writer(lambda: _legacy_with_payload(2)),
        ),
        malicious(
            "pickle_member.tar",
            "pytorch-tar",
            "tar",
            "pre-1.6 torch tar layout, payload in the 'pickle' member",
            bytes_writer(lambda: _torch_tar("pickle")),
        ),
        malicious(
            "storages_member.tar",
            "pytorch-tar",
            "tar",
            "pre-1.6 torch tar layout, payload in the 'storages' member",
            bytes_writer(lambda: _torch_tar("storages")),
        ),
    ]


_CONFIG = Entry("archive/config.json", b'{"name": "classifier"}')


def _zip_tricks() -> list[Recipe]:
    cls = "zip-header-trick"

    def zip_of(*entries: Entry) -> Writer:
        return bytes_writer(lambda: forge_zip([_CONFIG, *entries]))

    payload = os_system()
    return [
        malicious(
            "crc_mismatch.zip",
            cls,
            "zip",
            "payload member whose CRC-32 is wrong",
            zip_of(Entry("archive/data.pkl", payload, crc=0xDEADBEEF)),
        ),
        malicious(
            "encrypted_flag.zip",
            cls,
            "zip",
            "encrypted bit set on a plain payload member (scanners skip, loaders read)",
            zip_of(Entry("archive/data.pkl", payload, flags=FLAG_ENCRYPTED)),
        ),
        malicious(
            "data_descriptor.zip",
            cls,
            "zip",
            "data-descriptor bit, sizes zero in the local header, deflated payload",
            zip_of(Entry("archive/data.pkl", payload, flags=FLAG_DATA_DESCRIPTOR, method=DEFLATED)),
        ),
        malicious(
            "name_mismatch.zip",
            cls,
            "zip",
            "local header says data.pkl, central directory says notes.txt",
            zip_of(Entry("archive/data.pkl", payload, central_name="archive/notes.txt")),
        ),
        malicious(
            "hidden_local_member.zip",
            cls,
            "zip",
            "payload member with a local header but no directory entry",
            zip_of(Entry("archive/data.pkl", payload, in_central=False)),
        ),
        malicious(
            "duplicate_names.zip",
            cls,
            "zip",
            "two members named data.pkl: benign first, payload second",
            zip_of(Entry("archive/data.pkl", pickle_of_dict()), Entry("archive/data.pkl", payload)),
        ),
        malicious(
            "path_traversal.zip",
            cls,
            "zip",
            "payload member named ../../payload.pkl escapes the extraction directory",
            zip_of(Entry("../../payload.pkl", payload)),
        ),
    ]


def pickle_of_dict() -> bytes:
    import pickle

    return pickle.dumps({"weights": [0.5, 1.5]}, 2)


def _seven_zip() -> bytes:
    import py7zr
    from py7zr.helpers import ArchiveTimestamp

    def epoch() -> ArchiveTimestamp:
        return ArchiveTimestamp.from_datetime(0.0)

    buffer = io.BytesIO()
    # py7zr stamps in-memory members with the current time; pin it for reproducibility
    pinned = mock.patch.object(ArchiveTimestamp, "from_now", staticmethod(epoch))
    with pinned, py7zr.SevenZipFile(buffer, "w") as archive:
        archive.writestr(os_system(), "model/data.pkl")
    return buffer.getvalue()


def _zip_tar_gzip() -> bytes:
    inner = forge_zip([_CONFIG, Entry("archive/data.pkl", os_system(), method=DEFLATED)])
    return gzip.compress(tar_of({"bundle/model.zip": inner}), mtime=0)


def _nested() -> list[Recipe]:
    cls = "nested-archive"
    return [
        malicious(
            "pickle_in.7z",
            cls,
            "7z",
            "7z archive holding a payload pickle",
            bytes_writer(_seven_zip),
        ),
        malicious(
            "zip_in_tar_in_gzip.tar.gz",
            cls,
            "gzip",
            "gzip of a tar holding a zip holding the payload pickle",
            bytes_writer(_zip_tar_gzip),
        ),
        malicious(
            "torch_zip_in_zip.zip",
            cls,
            "zip",
            "a malicious torch zip stored in a zip",
            bytes_writer(lambda: forge_zip([Entry("checkpoints/model.pt", torch_zip(inject))])),
        ),
    ]


def _safetensors_with_pickle() -> bytes:
    header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
    header += b" " * (-len(header) % 8)
    body = struct.pack("<Q", len(header)) + header + struct.pack("<2f", 1.0, 2.0)
    return body + os_system()


def _polyglots() -> list[Recipe]:
    cls = "polyglot"
    return [
        malicious(
            "pickle_then_zip.pt",
            cls,
            "pickle",
            "payload pickle first, a benign zip after it: legacy loaders run the pickle",
            bytes_writer(
                lambda: forge_zip([Entry("archive/data.pkl", pickle_of_dict())], prefix=os_system())
            ),
        ),
        malicious(
            "benign_pickle_then_malicious_zip.pt",
            cls,
            "pickle",
            "benign pickle first, a zip with a payload data.pkl after it",
            bytes_writer(
                lambda: forge_zip([Entry("archive/data.pkl", os_system())], prefix=pickle_of_dict())
            ),
        ),
        malicious(
            "trailing_pickle.safetensors",
            cls,
            "safetensors",
            "valid safetensors with a payload pickle appended after the tensors",
            bytes_writer(_safetensors_with_pickle),
        ),
    ]


def _wrong_extensions() -> list[Recipe]:
    cls = "wrong-extension"
    named = [
        malicious(
            f"payload.{ext}", cls, "pickle", f"payload pickle named .{ext}", bytes_writer(os_system)
        )
        for ext in ("safetensors", "json", "txt", "onnx")
    ]
    return [
        *named,
        malicious(
            "pytorch_model.bin",
            cls,
            "pytorch-zip",
            "malicious torch zip named pytorch_model.bin",
            bytes_writer(lambda: torch_zip(inject)),
        ),
    ]


@cache
def _joblib_pickle(array: str) -> bytes:
    """A real uncompressed ``joblib.dump``: NumPy array bytes sit inside the pickle stream."""
    import joblib
    import numpy as np

    rng = np.random.default_rng(0)
    arrays = {
        "random": rng.standard_normal(64),
        # bytes a naive opcode walker mistakes for STOP, GLOBAL, PROTO and REDUCE
        "opcode-like": np.frombuffer(b".c\x80\x02R." * 32, dtype=np.uint8).copy(),
    }
    buffer = io.BytesIO()
    joblib.dump({"coef": arrays[array], "classes": ["cat", "dog"]}, buffer)
    return buffer.getvalue()


def _joblib_with_payload(array: str) -> bytes:
    return inject(_joblib_pickle(array))


def _compressed_joblib(
    compress: Callable[[bytes], bytes], decompress: Callable[[bytes], bytes], method: str
) -> Writer:
    def make() -> bytes:
        import joblib
        import numpy as np

        buffer = io.BytesIO()
        joblib.dump({"coef": np.arange(16.0)}, buffer, compress=(method, 3))
        return compress(inject(decompress(buffer.getvalue())))

    return bytes_writer(make)


def _lz4_compress(data: bytes) -> bytes:
    import lz4.frame

    compressed: bytes = lz4.frame.compress(data)
    return compressed


def _lz4_decompress(data: bytes) -> bytes:
    import lz4.frame

    plain: bytes = lz4.frame.decompress(data)
    return plain


def _joblib() -> list[Recipe]:
    cls = "joblib-compressed"
    codecs: dict[str, tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]] = {
        "zlib": (zlib.compress, zlib.decompress),
        "gzip": (lambda d: gzip.compress(d, mtime=0), gzip.decompress),
        "bz2": (bz2.compress, bz2.decompress),
        "xz": (lzma.compress, lzma.decompress),
        "lzma": (lambda d: lzma.compress(d, format=lzma.FORMAT_ALONE), lzma.decompress),
        "lz4": (_lz4_compress, _lz4_decompress),
    }
    recipes = [
        malicious(
            f"model.joblib.{method}",
            cls,
            method,
            f"real joblib.dump(compress='{method}'), payload injected, recompressed",
            _compressed_joblib(*codec, method),
        )
        for method, codec in codecs.items()
    ]
    recipes += [
        malicious(
            f"after_{array.replace('-', '_')}_array.joblib",
            "joblib-after-array",
            "pickle",
            f"real joblib.dump, payload after the embedded {array} array bytes",
            bytes_writer(partial(_joblib_with_payload, array)),
        )
        for array in ("random", "opcode-like")
    ]
    return recipes


def npy_object(payload: bytes) -> bytes:
    header = b"{'descr': '|O', 'fortran_order': False, 'shape': (2,), }"
    header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + payload


def _npz(compressed: bool) -> Writer:
    method = DEFLATED if compressed else 0
    plain = (
        b"\x93NUMPY\x01\x00"
        + struct.pack("<H", 118)
        + (b"{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }".ljust(117) + b"\n")
        + struct.pack("<d", 1.0)
    )
    return bytes_writer(
        lambda: forge_zip(
            [
                Entry("weights.npy", plain, method=method),
                Entry("labels.npy", npy_object(os_system()), method=method),
            ]
        )
    )


def _numpy() -> list[Recipe]:
    cls = "numpy-object-array"
    return [
        malicious(
            "object_array.npy",
            cls,
            "npy",
            ".npy with dtype object whose pickle is a payload",
            bytes_writer(lambda: npy_object(os_system())),
        ),
        malicious(
            "object_array_p4.npy",
            cls,
            "npy",
            ".npy object array, protocol 4 payload",
            bytes_writer(lambda: npy_object(os_system(4))),
        ),
        malicious(
            "object_array.npz",
            cls,
            "zip",
            ".npz holding a payload object array",
            _npz(compressed=False),
        ),
        malicious(
            "object_array_compressed.npz",
            cls,
            "zip",
            "savez_compressed-style .npz holding a payload object array",
            _npz(compressed=True),
        ),
    ]


def container_recipes() -> list[Recipe]:
    return [
        *_pytorch(),
        *_zip_tricks(),
        *_nested(),
        *_polyglots(),
        *_wrong_extensions(),
        *_joblib(),
        *_numpy(),
    ]
