"""Reproducible random samples of values and the words that describe what was read."""

from __future__ import annotations

import random
from typing import Generic, TypeVar

from stackward.dspm.readers.formats import size_text

T = TypeVar("T")


class Reservoir(Generic[T]):
    """A uniform sample of at most ``capacity`` items of a stream (Algorithm R), in stream order.

    The generator is seeded, so the same input and seed always give the same sample;
    ``capacity=None`` keeps everything (a full scan). Until the reservoir is full an item
    is one list append; the generator and the stream positions of the kept items are only
    set up at the first replacement.
    """

    __slots__ = ("_items", "_order", "_random", "capacity", "seed", "seen")

    def __init__(self, capacity: int | None, seed: int = 0) -> None:
        self.capacity = capacity
        self.seed = seed
        self.seen = 0
        self._items: list[T] = []
        self._order: list[int] | None = None
        """The stream position of each kept item, once items have been replaced."""
        self._random: random.Random | None = None

    def add(self, item: T) -> None:
        index = self.seen
        self.seen = index + 1
        if self.capacity is None or index < self.capacity:
            self._items.append(item)
            return
        if self._random is None or self._order is None:
            self._random = random.Random(self.seed)  # noqa: S311 - sampling, not security
            self._order = list(range(self.capacity))
        slot = self._random.randrange(index + 1)
        if slot < self.capacity:
            self._items[slot] = item
            self._order[slot] = index

    def extend(self, items: list[T]) -> None:
        """``add`` each of ``items`` in turn; those that fit a reservoir not yet full go in
        at once."""
        room = len(items) if self.capacity is None else max(0, self.capacity - self.seen)
        if room:
            self._items.extend(items[:room] if room < len(items) else items)
            self.seen += min(room, len(items))
        add = self.add
        for item in items[room:]:
            add(item)

    @property
    def sampled(self) -> bool:
        return self.capacity is not None and self.seen > self.capacity

    def items(self) -> list[T]:
        if self._order is None:
            return list(self._items)
        return [item for _, item in sorted(zip(self._order, self._items, strict=True), key=_first)]


def sample_list(items: list[T], capacity: int | None, seed: int) -> list[T]:
    """What a :class:`Reservoir` of ``capacity`` fed ``items`` in order would keep, for
    values collected in full first (cheaper per item than feeding a reservoir)."""
    if capacity is None or len(items) <= capacity:
        return list(items)
    order = list(range(capacity))
    randrange = random.Random(seed).randrange  # noqa: S311 - sampling, not security
    for index in range(capacity, len(items)):
        slot = randrange(index + 1)
        if slot < capacity:
            order[slot] = index
    order.sort()
    return [items[index] for index in order]


def _first(pair: tuple[int, object]) -> int:
    return pair[0]


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
