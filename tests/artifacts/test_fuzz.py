"""Mutation fuzzing: hostile variants of every corpus format never crash or hang the scanner.

Each example takes a real corpus sample of one format and damages it the ways hostile or
corrupt files are damaged (bit flips, inserted and deleted bytes, truncation, splices of two
samples, length fields set to extremes). ``scan_path`` must return a report within the
per-artifact time budget plus a margin, and must not raise.
"""

from __future__ import annotations

import struct
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackward.artifacts import ArtifactReport, ScanLimits, scan_path
from tests.artifacts.corpus.build import all_samples
from tests.artifacts.corpus.recipe import Sample

BUDGET_SECONDS = 2.0
MARGIN_SECONDS = 8.0
"""Budget checks happen between units of work; one unit may overrun a little."""
MAX_SEED_BYTES = 256 * 1024
EXAMPLES_PER_FORMAT = 40

FORMATS = sorted({s.format for s in all_samples()})

EXTREMES = (0, 1, 0x7F, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 2**63 - 1, 2**64 - 1)


def _seeds(samples: list[Sample], root: Path, fmt: str) -> list[tuple[Sample, bytes]]:
    """Up to four small samples of ``fmt``, malicious and benign."""
    chosen = [
        s for s in samples if s.format == fmt and (root / s.path).stat().st_size <= MAX_SEED_BYTES
    ]
    chosen.sort(key=lambda s: ((root / s.path).stat().st_size, s.path))
    return [(s, (root / s.path).read_bytes()) for s in chosen[:4]]


@st.composite
def mutations(draw: st.DrawFn, data: bytes, other: bytes) -> bytes:
    """One to three stacked mutations of ``data``."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "splice", "length"]))
        position = draw(st.integers(0, max(len(out) - 1, 0)))
        if kind == "flip" and out:
            out[position] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            out[position:position] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del out[position : position + draw(st.integers(1, 256))]
        elif kind == "truncate":
            del out[position:]
        elif kind == "splice" and other:
            cut = draw(st.integers(0, len(other) - 1))
            out[position:] = other[cut:]
        elif kind == "length":
            width, code = draw(st.sampled_from([(1, "<B"), (2, "<H"), (4, "<I"), (8, "<Q")]))
            value = draw(st.sampled_from(EXTREMES)) & ((1 << (8 * width)) - 1)
            value = draw(st.sampled_from([value, len(out) + 1, max(len(out) - 1, 0)]))
            value &= (1 << (8 * width)) - 1
            out[position : position + width] = struct.pack(code, value)
    return bytes(out)


def _scan_within_budget(path: Path) -> ArtifactReport:
    started = time.monotonic()
    report = scan_path(path, limits=ScanLimits(seconds_per_artifact=BUDGET_SECONDS))
    elapsed = time.monotonic() - started
    assert elapsed < BUDGET_SECONDS + MARGIN_SECONDS, f"{path.name}: took {elapsed:.1f} s"
    return report


@pytest.mark.parametrize("fmt", FORMATS)
def test_mutated_samples_never_crash_or_hang(
    corpus: tuple[Path, list[Sample]], tmp_path_factory: pytest.TempPathFactory, fmt: str
) -> None:
    root, samples = corpus
    seeds = _seeds(samples, root, fmt)
    if not seeds:
        pytest.skip(f"no {fmt} sample small enough to fuzz")
    workdir = tmp_path_factory.mktemp(f"fuzz-{fmt}")

    @settings(
        max_examples=EXAMPLES_PER_FORMAT,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        sample, raw = data.draw(st.sampled_from(seeds))
        _, other = data.draw(st.sampled_from(seeds))
        mutated = data.draw(mutations(raw, other))
        target = workdir / Path(sample.path).name
        target.write_bytes(mutated)
        report = _scan_within_budget(target)
        assert report.size == len(mutated)
        assert all(issue.reason for issue in report.issues)

    run()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.pkl", b""),
        ("proto_only.pkl", b"\x80\x05"),
        ("huge_frame.pkl", b"\x80\x04\x95" + struct.pack("<Q", 2**63 - 1)),
        ("huge_binunicode.pkl", b"\x80\x02X\xff\xff\xff\xff"),
        ("deep_marks.pkl", b"\x80\x02" + b"(" * 100_000 + b"."),
        ("deep_lists.pkl", b"\x80\x02" + b"]" * 100_000 + b"a" * 99_999 + b"."),
        ("zip_eocd_only.zip", b"PK\x05\x06" + b"\xff" * 18),
        ("safetensors_huge_header.safetensors", struct.pack("<Q", 2**63) + b"{"),
        ("gguf_huge_counts.gguf", b"GGUF\x03\x00\x00\x00" + b"\xff" * 16),
        ("npy_bad_header.npy", b"\x93NUMPY\x01\x00\xff\xff{"),
        ("gzip_garbage.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 32),
        ("hdf5_magic_only.h5", b"\x89HDF\r\n\x1a\n"),
        ("tar_header_only.tar", b"x" * 257 + b"ustar" + b"\x00" * 250),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_degenerate_inputs_are_reported_not_raised(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    report = _scan_within_budget(path)
    assert report.size == len(content)
