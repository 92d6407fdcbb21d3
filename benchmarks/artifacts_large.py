"""Throughput on multi-GB artifacts written on the fly: a PyTorch ZIP checkpoint and safetensors.

The files are written by the real libraries (``torch.save`` and
``safetensors.torch.save_file`` of the same state dict of random float32 tensors) with the
project's own interpreter, which has both. Each tool runs ``RUNS`` times per file and the
median counts, twice over: with a warm page cache (the file read once untimed first), and
cold, with the file's pages dropped from the cache (``posix_fadvise(DONTNEED)``, no root
needed) before every run, so a tool that reads the whole file pays the disk. The raw read
speed of the same file (8 MB reads in Python, and ``cat > /dev/null``) is measured the same
ways, so "disk speed" is a number next to the tools'.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.artifacts_results import Throughput
from benchmarks.artifacts_run import run_tool
from benchmarks.artifacts_tools import Tool

RUNS = 3
CHUNK = 8 * 1024 * 1024
TENSOR_MB = 256
SLOW_RUN_S = 120.0
"""A run slower than this is not repeated: the median of one is reported."""

_GENERATE = """
import sys, torch
from safetensors.torch import save_file
total_mb, tensor_mb, pt_path, st_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
gen = torch.Generator().manual_seed(1234)
per = tensor_mb * 1024 * 1024 // 4
state = {}
left = total_mb * 1024 * 1024 // 4
i = 0
while left > 0:
    n = min(per, left)
    state[f"layers.{i}.weight"] = torch.randn(n, generator=gen)
    left -= n
    i += 1
torch.save(state, pt_path)
save_file(state, st_path)
"""


class GenerationError(RuntimeError):
    """The large artifacts could not be written."""


@dataclass(frozen=True, slots=True)
class LargeFile:
    name: str
    path: Path

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def generate(directory: Path, gigabytes: float, python: Path) -> list[LargeFile]:
    """Write ``checkpoint.pt`` and ``model.safetensors`` of about ``gigabytes`` GB each."""
    pt = directory / "checkpoint.pt"
    st = directory / "model.safetensors"
    megabytes = max(1, int(gigabytes * 1024))
    proc = subprocess.run(
        [str(python), "-c", _GENERATE, str(megabytes), str(TENSOR_MB), str(pt), str(st)],
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    if proc.returncode != 0:
        raise GenerationError(f"generating large artifacts failed: {proc.stderr.strip()[-500:]}")
    return [
        LargeFile("PyTorch ZIP checkpoint (torch.save)", pt),
        LargeFile("safetensors (safetensors.torch.save_file)", st),
    ]


def write_tiny_pickle(directory: Path) -> LargeFile:
    """A 30-byte plain-data pickle: timing a tool on it measures that tool's start-up."""
    path = directory / "tiny.pkl"
    path.write_bytes(pickle.dumps({"weights": [0.5, 1.5]}, protocol=4))
    return LargeFile("tiny pickle", path)


def evict(path: Path) -> None:
    """Drop ``path``'s pages from the page cache, so the next read comes from the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
        os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(descriptor)


def read_through(path: Path) -> float:
    """Seconds to read ``path`` to the end in 8 MB chunks (the Python reader's speed)."""
    started = time.perf_counter()
    with path.open("rb", buffering=0) as handle:
        while handle.read(CHUNK):
            pass
    return time.perf_counter() - started


def _cat(path: Path) -> float:
    started = time.perf_counter()
    with Path("/dev/null").open("wb") as sink:
        subprocess.run(["cat", str(path)], stdout=sink, check=True, timeout=3600)
    return time.perf_counter() - started


def disk_speed(large: LargeFile, *, cold: bool = False, runs: int = RUNS) -> list[Throughput]:
    readers: tuple[tuple[str, Callable[[Path], float]], ...] = (
        ("disk: Python reads of 8 MB", read_through),
        ("disk: `cat FILE > /dev/null`", _cat),
    )
    timings = []
    for label, reader in readers:
        times = []
        for _ in range(runs):
            if cold:
                evict(large.path)
            times.append(reader(large.path))
        cache = "cold" if cold else "warm"
        timings.append(Throughput(large.name, large.size, label, tuple(times), cache=cache))
    return timings


def time_tool(
    label: str,
    tool: Tool,
    bin_dir: Path,
    large: LargeFile,
    *,
    timeout_s: float,
    out_dir: Path,
    cold: bool = False,
    runs: int = RUNS,
) -> Throughput:
    """``runs`` timed runs of ``tool`` on ``large``; a timeout stops the series. ``cold``
    drops the file from the page cache before each run."""
    times: list[float] = []
    state = note = ""
    cache = "cold" if cold else "warm"
    slug = "".join(c if c.isalnum() else "-" for c in f"{label}-{large.path.stem}-{cache}")
    for attempt in range(runs):
        if cold:
            evict(large.path)
        result = run_tool(
            tool,
            bin_dir,
            large.path,
            timeout_s=timeout_s,
            out_dir=out_dir,
            label=f"{slug}-{attempt}",
        )
        if result.timed_out:
            note = f"timed out after {timeout_s:.0f} s"
            break
        state = str(tool.views[0].rule.state(result.output))
        if result.output.detail and state != "clean":
            note = result.output.detail
        times.append(result.wall_s)
        if result.wall_s > SLOW_RUN_S and attempt + 1 < runs:
            note = f"one run only (it took over {SLOW_RUN_S:.0f} s); {note}".rstrip("; ")
            break
    return Throughput(large.name, large.size, label, tuple(times), state, note, cache)
