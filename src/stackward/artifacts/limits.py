"""Hard bounds that keep a hostile artifact from exhausting time, memory or disk."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True, slots=True)
class ScanLimits:
    max_depth: int = 6
    """Containers inside containers (zip in tar in gzip...) deeper than this are not opened."""
    max_members: int = 20_000
    """Members listed per archive; the rest are reported as unscanned."""
    max_expanded_bytes: int = 16 * GiB
    """Bytes decompressed for one top-level artifact, all members together."""
    max_ratio: int = 1_000
    """A member that expands more than this many times its compressed size (and past
    ``ratio_floor`` bytes) is treated as a decompression bomb."""
    ratio_floor: int = 64 * MiB
    max_in_memory: int = 256 * MiB
    """Largest single structure parsed in memory (a JSON header, a protobuf, a config)."""
    max_pickle_opcodes: int = 50_000_000
    """Opcodes read per pickle stream before the scanner stops and reports the rest unscanned."""
    max_retained_string: int = 4096
    """Longest string literal a pickle simulation keeps; longer ones are kept truncated."""
    max_nested_pickle: int = 64 * MiB
    """Largest bytes literal re-scanned as a pickle when it is handed to a deserializer."""
    seconds_per_artifact: float = 300.0
    """Wall-clock budget for one top-level artifact."""
