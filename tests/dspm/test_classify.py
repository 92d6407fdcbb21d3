from __future__ import annotations

from pathlib import Path

import pytest

from stackward.dspm.classify import Settings, batches, classify_files
from stackward.dspm.readers.files import walk_files
from stackward.dspm.records import Location, ReadLimits


def _tasks(root: Path, sizes: dict[str, int]) -> list[tuple[Path, Location]]:
    for name, size in sizes.items():
        (root / name).write_text("x" * size, encoding="utf-8")
    return [(root / name, Location(str(root), name)) for name in sizes]


@pytest.mark.parametrize(
    ("sizes", "jobs", "expected"),
    [
        pytest.param(
            {"a": 10, "b": 3_000_000, "c": 20}, 2, [["b"], ["c", "a"]], id="big-file-first-alone"
        ),
        pytest.param(
            {f"f{i:03d}": 1 for i in range(70)}, 2, [64, 6], id="at-most-64-files-a-batch"
        ),
        pytest.param({}, 2, [], id="nothing"),
    ],
)
def test_batches_put_large_files_first_and_group_small_ones(
    tmp_path: Path, sizes: dict[str, int], jobs: int, expected: list[object]
) -> None:
    grouped = batches(_tasks(tmp_path, sizes), jobs)
    if expected and isinstance(expected[0], int):
        assert [len(b) for b in grouped] == expected
    else:
        assert [[location.item for _, _, location in b] for b in grouped] == expected
    indexes = sorted(index for b in grouped for index, _, _ in b)
    assert indexes == list(range(len(sizes)))  # every file once


def test_two_workers_give_the_results_of_one_in_the_same_order(tmp_path: Path) -> None:
    lines = [
        "contact ana.silva@example.org today",
        "card 4111 1111 1111 1111 on file",
        "nothing here",
    ]
    for index in range(40):
        body = "\n".join(lines[: index % 3 + 1]) + "\n" + "filler words\n" * (index * 50)
        (tmp_path / f"note_{index:02d}.txt").write_text(body, encoding="utf-8")
    tasks = list(walk_files(tmp_path, ReadLimits()))
    key = b"k" * 32

    def summary(jobs: int) -> list[tuple[str, list[str]]]:
        results = classify_files(tasks, Settings(jobs=jobs), key)
        return [(r.location.item, [o.data_class for o in r.occurrences]) for r in results]

    one, two = summary(1), summary(2)
    assert two == one
    assert [item for item, _ in one] == [location.item for _, location in tasks]
    assert ("note_01.txt", ["pii.email", "pii.payment_card"]) in one
