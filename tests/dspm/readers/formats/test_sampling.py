from __future__ import annotations

import random

import pytest

from stackward.dspm.readers.formats import size_text
from stackward.dspm.readers.formats.sampling import Reservoir, describe, sample_list


def test_reservoir_keeps_everything_when_small() -> None:
    sample: Reservoir[int] = Reservoir(10, seed=1)
    for i in range(5):
        sample.add(i)
    assert sample.items() == [0, 1, 2, 3, 4] and not sample.sampled


def test_reservoir_is_seeded_ordered_and_bounded() -> None:
    def run(seed: int) -> list[int]:
        sample: Reservoir[int] = Reservoir(10, seed=seed)
        for i in range(1000):
            sample.add(i)
        return sample.items()

    assert run(1) == run(1) != run(2)
    assert len(run(1)) == 10 and run(1) == sorted(run(1)) and max(run(1)) > 100


def test_reservoir_without_capacity_keeps_all() -> None:
    sample: Reservoir[int] = Reservoir(None)
    for i in range(5000):
        sample.add(i)
    assert len(sample.items()) == 5000 and not sample.sampled


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((100, 100, 5, 5), "full"),
        ((1 << 20, 3 << 30, 5, 5), "first 1 MiB of 3 GiB"),
        ((100, 100, 10, 500), "10 of 500 rows at random (seed 0)"),
        ((1024, 4096, 10, 500), "first 1 KiB of 4 KiB; 10 of 500 rows at random (seed 0)"),
    ],
    ids=["full", "head", "rows", "both"],
)
def test_describe(args: tuple[int, int, int, int], text: str) -> None:
    assert describe(*args, seed=0, unit="rows") == text


@pytest.mark.parametrize(
    ("size", "text"),
    [(10, "10 B"), (1536, "1.5 KiB"), (16 << 20, "16 MiB"), (int(2.1 * (1 << 30)), "2.1 GiB")],
    ids=["bytes", "kib", "mib", "gib"],
)
def test_size_text(size: int, text: str) -> None:
    assert size_text(size) == text


def reference_sample(items: list[int], capacity: int | None, seed: int) -> list[int]:
    """Algorithm R spelled out: what every faster path must keep."""
    kept: list[tuple[int, int]] = []
    chooser = random.Random(seed)
    for index, item in enumerate(items):
        if capacity is None or index < capacity:
            kept.append((index, item))
        elif (slot := chooser.randrange(index + 1)) < capacity:
            kept[slot] = (index, item)
    return [item for _, item in sorted(kept)]


@pytest.mark.parametrize(
    ("count", "capacity", "seed"),
    [(0, 3, 0), (3, 3, 0), (4, 3, 0), (500, 7, 1), (500, 7, 2), (50, None, 0), (1, 1, 9)],
    ids=["empty", "exactly-full", "one-over", "sampled-seed-1", "sampled-seed-2", "no-cap", "one"],
)
def test_every_sampling_path_keeps_what_algorithm_r_keeps(
    count: int, capacity: int | None, seed: int
) -> None:
    items = [item * 3 for item in range(count)]
    expected = reference_sample(items, capacity, seed)
    assert sample_list(items, capacity, seed) == expected
    added: Reservoir[int] = Reservoir(capacity, seed)
    for item in items:
        added.add(item)
    assert added.items() == expected and added.seen == count
    extended: Reservoir[int] = Reservoir(capacity, seed)
    for start in range(0, count, 4):  # in uneven batches, some across the point it fills up
        extended.extend(items[start : start + 4])
    assert extended.items() == expected and extended.seen == count
    assert extended.sampled == (capacity is not None and count > capacity)
