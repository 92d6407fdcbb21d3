"""Sniffing by content first: magic bytes, archive layout read from bounded metadata."""

from __future__ import annotations

import os
import pickle
import struct
import time
import zipfile
from pathlib import Path

import pytest

from stackward.collectors.sniff import FileKind, open_regular, sniff, zip_names


def _sniff(path: Path) -> tuple[FileKind, str]:
    return sniff(path, path.stat().st_size)


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    return path


@pytest.mark.parametrize(
    ("name", "payload", "expected"),
    [
        (
            "model.txt",
            pickle.dumps({"a": [1]}, protocol=4),
            (FileKind.MODEL_ARTIFACT, "pickle protocol 4"),
        ),
        ("m.pkl", b"(dp0\nS'a'\np1\nI1\ns.", (FileKind.MODEL_ARTIFACT, "pickle protocol 0/1")),
        ("m.gguf", b"GGUF\x03\x00\x00\x00", (FileKind.MODEL_ARTIFACT, "gguf")),
        ("a.npy", b"\x93NUMPY\x01\x00", (FileKind.MODEL_ARTIFACT, "numpy npy")),
        ("w.h5", b"\x89HDF\r\n\x1a\n" + bytes(8), (FileKind.MODEL_ARTIFACT, "hdf5")),
        ("x.bin", struct.pack("<Q", 4) + b'{"a"', (FileKind.MODEL_ARTIFACT, "safetensors")),
        ("t.parquet", b"PAR1" + bytes(8) + b"PAR1", (FileKind.DATASET, "parquet")),
        ("n.json", b'{"cells": [], "nbformat": 4}', (FileKind.NOTEBOOK, "jupyter notebook")),
        (
            "jupyter_server_config.py",
            b"c.ServerApp.token = ''\n",
            (FileKind.CONFIG, "jupyter server config"),
        ),
        (".env", b"A=1\n", (FileKind.CONFIG, "dotenv")),
        (".env.production", b"A=1\n", (FileKind.CONFIG, "dotenv")),
        ("serving.log", b"ok\n", (FileKind.LOG, "log")),
        ("README", b"hello", (FileKind.OTHER, "no extension")),
    ],
)
def test_sniff_by_content_and_name(
    tmp_path: Path, name: str, payload: bytes, expected: tuple[FileKind, str]
) -> None:
    path = tmp_path / name
    path.write_bytes(payload)
    assert _sniff(path) == expected


def test_pytorch_zip_layout_is_recognised_under_any_name(tmp_path: Path) -> None:
    path = _zip(
        tmp_path / "weights.bin", {"archive/data.pkl": b"\x80\x02}q\x00.", "archive/version": b"3"}
    )
    assert _sniff(path) == (FileKind.MODEL_ARTIFACT, "pytorch zip")


def test_plain_zip_is_not_a_model(tmp_path: Path) -> None:
    path = _zip(tmp_path / "docs.zip", {"readme.md": b"hi"})
    assert _sniff(path)[0] is FileKind.BINARY


def test_zip_bomb_is_listed_not_extracted(tmp_path: Path) -> None:
    # 64 MiB of zeros deflates to ~64 KiB; sniffing must only read the directory.
    path = _zip(
        tmp_path / "bomb.pt", {"archive/data.pkl": bytes(64 * 1024 * 1024)}, zipfile.ZIP_DEFLATED
    )
    assert path.stat().st_size < 1024 * 1024
    started = time.monotonic()
    assert _sniff(path) == (FileKind.MODEL_ARTIFACT, "pytorch zip")
    assert time.monotonic() - started < 1.0


def test_listing_is_bounded_in_entries(tmp_path: Path) -> None:
    members = {f"junk/{i}.txt": b"" for i in range(6000)}
    members["archive/data.pkl"] = b"."
    path = _zip(tmp_path / "many.pt", members)
    names = zip_names(path, path.stat().st_size)
    assert names is not None and len(names) == 5000
    assert "archive/data.pkl" not in names
    assert zip_names(path, path.stat().st_size, max_names=10) == [
        f"junk/{i}.txt" for i in range(10)
    ]


def test_central_directory_claiming_more_than_the_file_holds(tmp_path: Path) -> None:
    # An end-of-directory record claiming a 4 GiB directory in a tiny file.
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFE, 0xFFFE, 0xFFFFFFF0, 0, 0)
    path = tmp_path / "liar.pt"
    path.write_bytes(b"PK\x03\x04" + bytes(64) + eocd)
    assert zip_names(path, path.stat().st_size) is None
    assert _sniff(path) == (
        FileKind.MODEL_ARTIFACT,
        "unrecognised content with model extension .pt",
    )


@pytest.mark.parametrize(
    "payload",
    [
        b"PK\x03\x04",  # truncated right after the signature
        b"PK\x03\x04" + b"\xff" * 200,  # no end-of-directory record
        b"PK\x03\x04" + bytes(30) + b"PK\x05\x06" + bytes(4),  # truncated end record
    ],
)
def test_corrupt_zips_do_not_raise(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "corrupt.ckpt"
    path.write_bytes(payload)
    kind, detail = _sniff(path)
    assert kind is FileKind.MODEL_ARTIFACT
    assert detail.startswith("unrecognised content")


def test_garbage_central_directory_entries_stop_the_listing(tmp_path: Path) -> None:
    path = _zip(tmp_path / "ok.pt", {"archive/data.pkl": b"."})
    raw = bytearray(path.read_bytes())
    at = raw.find(b"PK\x01\x02")
    raw[at : at + 4] = b"XXXX"
    path.write_bytes(bytes(raw))
    assert zip_names(path, len(raw)) == []


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "weights.pt"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        sniff(fifo, 0)


def test_open_regular_reads_regular_files(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"abc")
    with open_regular(path) as handle:
        assert handle.read() == b"abc"


@pytest.mark.parametrize(
    ("members", "detail"),
    [
        ({"v1/model.pkl": b"."}, "archive of pickled models"),
        ({"v1/model.safetensors": b"", "v1/README.md": b""}, "archive of models"),
        ({"w.npy": b"\x93NUMPY"}, "numpy npz"),
        ({"config.json": b"{}", "model.weights.h5": b""}, "keras zip"),
    ],
)
def test_archive_layouts(tmp_path: Path, members: dict[str, bytes], detail: str) -> None:
    path = _zip(tmp_path / "bundle.zip", members)
    assert _sniff(path) == (FileKind.MODEL_ARTIFACT, detail)


def test_zip64_end_record_is_followed(tmp_path: Path) -> None:
    # More than 65,535 members makes zipfile write a zip64 end-of-directory record.
    path = tmp_path / "many.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", b".")
        for i in range(0x10000):
            archive.writestr(zipfile.ZipInfo(f"{i:x}"), b"")
    tail = path.read_bytes()[-200:]
    assert b"PK\x06\x06" in tail and b"PK\x06\x07" in tail
    assert _sniff(path) == (FileKind.MODEL_ARTIFACT, "pytorch zip")
