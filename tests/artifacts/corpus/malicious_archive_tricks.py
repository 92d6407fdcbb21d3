"""Payloads placed where a scanner that knows only the usual layout will not look: a
renamed torch archive root, TorchScript constants, LZMA-compressed zip members, tar
traversal and links, and multi-stream compressed files."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
from functools import cache

from tests.artifacts.corpus.assemble import os_system
from tests.artifacts.corpus.malicious_containers import inject, pickle_of_dict, torch_zip
from tests.artifacts.corpus.recipe import Recipe, bytes_writer, malicious


def _rezip(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            archive.writestr(info, data)
    return buffer.getvalue()


def _renamed_root() -> bytes:
    """``torch.load`` accepts any archive root name, not only ``archive/``."""
    with zipfile.ZipFile(io.BytesIO(torch_zip(inject))) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    return _rezip([("resnet_final/" + name.split("/", 1)[1], data) for name, data in members])


@cache
def _script_members() -> tuple[tuple[str, bytes], ...]:
    import torch

    torch.manual_seed(0)
    module = torch.jit.script(torch.nn.Sequential(torch.nn.Linear(4, 2), torch.nn.ReLU()))
    buffer = io.BytesIO()
    torch.jit.save(module, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return tuple((info.filename, archive.read(info)) for info in archive.infolist())


def _script_with_payload(member: str) -> bytes:
    return _rezip([(n, os_system() if n.endswith(member) else d) for n, d in _script_members()])


def _lzma_npz() -> bytes:
    """Python's zipfile (and so ``numpy.load``) reads LZMA members; torch's reader does not."""
    return _rezip([("labels.npy", _npy_object_payload())], zipfile.ZIP_LZMA)


def _npy_object_payload() -> bytes:
    from tests.artifacts.corpus.malicious_containers import npy_object

    return npy_object(os_system())


def _tar(members: list[tarfile.TarInfo], payloads: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for info in members:
            info.mtime = 0
            data = payloads.get(info.name)
            if data is not None:
                info.size = len(data)
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def _tar_traversal() -> bytes:
    return _tar([tarfile.TarInfo("../../model/data.pkl")], {"../../model/data.pkl": os_system()})


def _tar_symlink() -> bytes:
    link = tarfile.TarInfo("model/data.pkl")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    payload = tarfile.TarInfo("model/hooks.pkl")
    return _tar([link, payload], {"model/hooks.pkl": os_system()})


def _multi_stream(kind: str) -> bytes:
    """Benign first stream, payload in the second: readers that stop after one miss it."""
    first, second = pickle_of_dict(), os_system()
    if kind == "gzip":
        return gzip.compress(first, mtime=0) + gzip.compress(second, mtime=0)
    if kind == "bz2":
        return bz2.compress(first) + bz2.compress(second)
    return lzma.compress(first) + lzma.compress(second)


def archive_trick_recipes() -> list[Recipe]:
    return [
        malicious("renamed_root.pt", "pytorch-zip", "pytorch-zip",
                  "torch zip whose root is resnet_final/ instead of archive/",
                  bytes_writer(_renamed_root)),
        malicious("constants_pkl.pt", "torchscript-pickle", "torchscript",
                  "real torch.jit.save archive with constants.pkl replaced by the payload",
                  bytes_writer(lambda: _script_with_payload("/constants.pkl"))),
        malicious("data_pkl.pt", "torchscript-pickle", "torchscript",
                  "real torch.jit.save archive with data.pkl replaced by the payload",
                  bytes_writer(lambda: _script_with_payload("/data.pkl"))),
        malicious("lzma_member.npz", "zip-header-trick", "zip",
                  ".npz whose payload object array is an LZMA-compressed zip member",
                  bytes_writer(_lzma_npz)),
        malicious("traversal.tar", "tar-trick", "tar",
                  "payload member named ../../model/data.pkl", bytes_writer(_tar_traversal)),
        malicious("symlink.tar", "tar-trick", "tar",
                  "symlink member to /etc/passwd beside a payload pickle",
                  bytes_writer(_tar_symlink)),
        malicious("two_members.pkl.gz", "multi-stream-compression", "gzip",
                  "two gzip members: benign pickle, then the payload",
                  bytes_writer(lambda: _multi_stream("gzip"))),
        malicious("two_streams.pkl.bz2", "multi-stream-compression", "bz2",
                  "two bzip2 streams: benign pickle, then the payload",
                  bytes_writer(lambda: _multi_stream("bz2"))),
        malicious("two_streams.pkl.xz", "multi-stream-compression", "xz",
                  "two xz streams: benign pickle, then the payload",
                  bytes_writer(lambda: _multi_stream("xz"))),
    ]  # fmt: skip
