"""``file`` datasets named by a relative path are keyed under the event file's directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stackward.lineage.naming import is_relative_file_name
from stackward.lineage.openlineage import LineageEvent, read_events
from tests.lineage.events import dataset, run_event


@pytest.mark.parametrize(
    ("namespace", "name", "expected"),
    [
        ("file", "datasets/customers.csv", True),
        ("file", "../datasets/customers.csv", True),
        (" file ", "customers.csv", True),
        ("file", "/srv/data/customers.csv", False),
        ("file://etl-host", "datasets/customers.csv", False),
        ("s3://lake", "raw/customers.csv", False),
        ("postgres://db:5432", "app.public.customers", False),
    ],
    ids=["relative", "parent", "padded", "absolute", "remote-host", "s3", "postgres"],
)
def test_is_relative_file_name(namespace: str, name: str, expected: bool) -> None:
    assert is_relative_file_name(namespace, name) is expected


def _read(path: Path, events: list[dict[str, Any]]) -> list[LineageEvent]:
    if path.suffix == ".json":
        path.write_text(json.dumps(events), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    read = list(read_events(path))
    assert all(isinstance(e, LineageEvent) for e in read)
    return [e for e in read if isinstance(e, LineageEvent)]


@pytest.mark.parametrize("suffix", [".jsonl", ".json"], ids=["jsonl", "json"])
@pytest.mark.parametrize(
    ("namespace", "name", "expected"),
    [
        ("file", "../data/customers.csv", "file://{root}/data/customers.csv"),
        ("file", "customers.csv", "file://{root}/lineage/customers.csv"),
        ("file", "/srv/data/customers.csv", "file:///srv/data/customers.csv"),
        ("s3://lake", "raw/customers.csv", "s3://lake/raw/customers.csv"),
        ("file://etl-host", "data/customers.csv", "file://etl-host/data/customers.csv"),
    ],
    ids=["parent-dir", "same-dir", "absolute-kept", "s3-kept", "remote-host-kept"],
)
def test_input_key(tmp_path: Path, suffix: str, namespace: str, name: str, expected: str) -> None:
    folder = tmp_path / "lineage"
    folder.mkdir()
    event = run_event("etl.build", [dataset(namespace, name)], [dataset("s3://lake", "out")])
    [read] = _read(folder / f"events{suffix}", [event])
    assert read.inputs[0].key == expected.format(root=tmp_path.as_posix())
    assert read.inputs[0].name == name
    assert read.outputs[0].key == "s3://lake/out"


def test_column_lineage_follows_the_rekeyed_input(tmp_path: Path) -> None:
    output = dataset("file", "features.csv", ("email_domain",))
    output["facets"]["columnLineage"] = {
        "fields": {
            "email_domain": {
                "inputFields": [
                    {"namespace": "file", "name": "customers.csv", "field": "email"},
                    {"namespace": "s3://lake", "name": "raw/x", "field": "id"},
                ]
            }
        }
    }
    event = run_event("etl.build", [dataset("file", "customers.csv")], [output])
    [read] = _read(tmp_path / "events.jsonl", [event])
    assert read.outputs[0].key == f"file://{tmp_path.as_posix()}/features.csv"
    assert read.outputs[0].column_lineage == {
        "email_domain": (f"file://{tmp_path.as_posix()}/customers.csv#email", "s3://lake/raw/x#id")
    }
