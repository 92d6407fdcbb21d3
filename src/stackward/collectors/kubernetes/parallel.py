"""Parses many manifest files on several cores.

YAML construction is CPU-bound Python, so a large tree (tens of thousands of objects in
hundreds of files) is parsed by a process pool; small inputs, and any environment where a
pool cannot start, are parsed in this process. The result is the same either way, in input
order.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial

from stackward.collectors.kubernetes.manifests import LoadResult, load_manifest_file
from stackward.collectors.walk import FileEntry

PARALLEL_MIN_BYTES = 8 * 1024 * 1024
PARALLEL_MIN_FILES = 8
MAX_WORKERS = 8


def load_manifest_files(
    entries: Sequence[FileEntry],
    max_bytes: int,
    min_parallel_bytes: int = PARALLEL_MIN_BYTES,
    min_parallel_files: int = PARALLEL_MIN_FILES,
) -> list[LoadResult]:
    """Every file's objects and skips, in input order; in parallel when the input is large."""
    load = partial(load_manifest_file, max_bytes=max_bytes)
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    total = sum(e.size for e in entries if e.size <= max_bytes)
    if workers < 2 or len(entries) < min_parallel_files or total < min_parallel_bytes:
        return [load(e) for e in entries]
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(load, entries, chunksize=max(1, len(entries) // (workers * 4))))
    except (OSError, BrokenProcessPool, PermissionError):
        return [load(e) for e in entries]
