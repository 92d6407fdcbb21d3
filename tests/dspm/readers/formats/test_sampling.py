from __future__ import annotations

import pytest

from stackward.dspm.readers.formats import size_text
from stackward.dspm.readers.formats.sampling import Reservoir, describe


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
