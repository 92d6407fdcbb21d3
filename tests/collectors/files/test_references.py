from __future__ import annotations

from pathlib import Path

import pytest

from stackward.collectors.files.references import TargetIndex, relations_for
from stackward.collectors.sniff import FileKind
from stackward.collectors.walk import FileEntry
from stackward.model import RelationKind


def _entry(rel: str, kind: FileKind) -> FileEntry:
    return FileEntry(path=Path("/nonexistent") / rel, rel=rel, size=1, kind=kind)


ENTRIES = [
    _entry("stack/datasets/train.csv", FileKind.DATASET),
    _entry("stack/data/eu/customers.csv", FileKind.DATASET),
    _entry("stack/data/us/customers.csv", FileKind.DATASET),
    _entry("stack/models/bot/model.safetensors", FileKind.MODEL_ARTIFACT),
    _entry("stack/models/bot/extra.safetensors", FileKind.MODEL_ARTIFACT),
    _entry("stack/code/serve.py", FileKind.SOURCE_CODE),
]
INDEX = TargetIndex(ENTRIES)


@pytest.mark.parametrize(
    ("literal", "from_rel", "expected"),
    [
        ("../datasets/train.csv", "stack/code/serve.py", ["stack/datasets/train.csv"]),
        ("datasets/train.csv", "stack/code/serve.py", ["stack/datasets/train.csv"]),
        ("/mnt/data/datasets/train.csv", "stack/code/serve.py", ["stack/datasets/train.csv"]),
        ("train.csv", "stack/code/serve.py", ["stack/datasets/train.csv"]),
        (
            "models/bot",
            "stack/code/serve.py",
            ["stack/models/bot/extra.safetensors", "stack/models/bot/model.safetensors"],
        ),
        ("customers.csv", "stack/code/serve.py", []),  # ambiguous: two files end this way
        ("eu/customers.csv", "stack/code/serve.py", ["stack/data/eu/customers.csv"]),
        ("../../../etc/passwd", "stack/code/serve.py", []),
        ("code/serve.py", "stack/code/serve.py", []),  # only datasets and models are targets
        (".", "stack/code/serve.py", []),
        ("", "stack/code/serve.py", []),
    ],
)
def test_resolve(literal: str, from_rel: str, expected: list[str]) -> None:
    assert [e.rel for e in INDEX.resolve(literal, from_rel)] == expected


def test_relation_kinds_follow_the_target() -> None:
    source = ENTRIES[-1]
    relations = relations_for(
        source, "file:stack/code/serve.py", ["train.csv", "models/bot/model.safetensors"], INDEX
    )
    assert {(r.dst, r.kind) for r in relations} == {
        ("file:stack/datasets/train.csv", RelationKind.READS),
        ("file:stack/models/bot/model.safetensors", RelationKind.LOADS_MODEL),
    }
    assert all(r.src == "file:stack/code/serve.py" for r in relations)
