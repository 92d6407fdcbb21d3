from __future__ import annotations

import pytest

from stackward.dspm.records import Location
from stackward.dspm.results import ItemResult, OccurrenceFinding
from stackward.dspm.rollup import prefixes, rollup


@pytest.mark.parametrize(
    ("source", "item", "depth", "expected"),
    [
        ("s3://bucket", "raw/2024/a.csv", 2, ["", "raw/", "raw/2024/"]),
        ("s3://bucket", "raw/2024/a.csv", 1, ["", "raw/"]),
        ("s3://bucket", "a.csv", 2, [""]),
        ("data", "x/y/z/w.txt", 2, ["", "x/", "x/y/"]),
        ("postgresql://reader@db/crm", "public.users", 2, ["", "public."]),
        ("postgres://db/crm", "nodot", 2, [""]),
    ],
)
def test_prefixes(source: str, item: str, depth: int, expected: list[str]) -> None:
    assert prefixes(source, item, depth) == expected


def _item(source: str, name: str, classes: list[str], kind: str = "text") -> ItemResult:
    result = ItemResult(Location(source, name), kind, bytes_read=100)
    for cls in classes:
        result.occurrences.append(
            OccurrenceFinding(cls, f"{cls}.d", None, 1, 0.9, "f" * 16, "x", ())
        )
    return result


def test_rollup_counts_items_data_and_classes_per_group() -> None:
    groups = rollup(
        [
            _item("s3://b", "raw/a.txt", ["pii.email", "pii.email"]),
            _item("s3://b", "raw/b.txt", []),
            _item("s3://b", "curated/c.txt", ["secret.jwt"]),
            _item("s3://b", "raw/", [], kind="s3.listing"),
            _item("postgresql://db/crm", "public.users", ["pii.phone"]),
        ]
    )
    table = {(g.source, g.prefix): (g.items, g.items_with_data, g.classes) for g in groups}
    assert table == {
        ("s3://b", ""): (3, 2, {"pii.email": 2, "secret.jwt": 1}),
        ("s3://b", "curated/"): (1, 1, {"secret.jwt": 1}),
        ("s3://b", "raw/"): (2, 1, {"pii.email": 2}),
        ("postgresql://db/crm", ""): (1, 1, {"pii.phone": 1}),
        ("postgresql://db/crm", "public."): (1, 1, {"pii.phone": 1}),
    }
    assert [g.source for g in groups][:3] == ["s3://b"] * 3  # sources keep their order
    assert groups[0].to_json()["bytes_read"] == 300


def test_class_summary_follows_findings_appended_after_it_was_asked_for() -> None:
    item = _item("s3://b", "raw/a.txt", ["pii.email"])
    first = item.classes()
    assert item.classes() is first  # computed once while nothing is added
    item.occurrences.append(OccurrenceFinding("pii.phone", "p", None, 2, 0.8, "e" * 16, "9", ()))
    assert {cls: s.count for cls, s in item.classes().items()} == {"pii.email": 1, "pii.phone": 1}
