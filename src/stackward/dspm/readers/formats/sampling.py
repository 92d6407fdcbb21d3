"""Reproducible random samples of values and the words that describe what was read."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from stackward.dspm.readers.formats import size_text

T = TypeVar("T")


@dataclass(slots=True)
class Reservoir(Generic[T]):
    """A uniform sample of at most ``capacity`` items of a stream (Algorithm R), in stream order.

    The generator is seeded, so the same input and seed always give the same sample;
    ``capacity=None`` keeps everything (a full scan).
    """

    capacity: int | None
    seed: int = 0
    seen: int = 0
    _items: list[tuple[int, T]] = field(default_factory=list)
    _random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # noqa: S311 - sampling, not security

    def add(self, item: T) -> None:
        index = self.seen
        self.seen += 1
        if self.capacity is None or len(self._items) < self.capacity:
            self._items.append((index, item))
            return
        slot = self._random.randrange(index + 1)
        if slot < self.capacity:
            self._items[slot] = (index, item)

    @property
    def sampled(self) -> bool:
        return self.capacity is not None and self.seen > self.capacity

    def items(self) -> list[T]:
        return [item for _, item in sorted(self._items, key=lambda pair: pair[0])]


def capacity(sample_rows: int, full_scan: bool) -> int | None:
    """The reservoir size the limits ask for (``None``: keep everything)."""
    return None if full_scan else max(1, sample_rows)


def head_limit(size: int, max_bytes: int, full_scan: bool) -> int:
    """How many leading bytes of an item of ``size`` bytes a text reader reads."""
    return size if full_scan else min(size, max_bytes)


def describe(read: int, total: int, rows_kept: int, rows_seen: int, seed: int, unit: str) -> str:
    """``full``, or e.g. ``first 16 MiB of 2.1 GiB; 1,000 of 52,000 rows at random (seed 0)``."""
    parts = []
    if read < total:
        parts.append(f"first {size_text(read)} of {size_text(total)}")
    if rows_kept < rows_seen:
        parts.append(f"{rows_kept:,} of {rows_seen:,} {unit} at random (seed {seed})")
    return "; ".join(parts) if parts else "full"
