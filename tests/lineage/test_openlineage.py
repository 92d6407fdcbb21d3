"""OpenLineage events: each type parsed, each malformation named, no bad line lost."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from stackward.lineage.openlineage import (
    EventError,
    LineageEvent,
    LineProblem,
    parse_event,
    read_events,
    without_credentials,
)
from tests.lineage.events import PRODUCER, dataset, run_event

ETL = run_event(
    "load_customers",
    [dataset("postgres://db:5432", "crm.public.customers", ("id", "email"))],
    [dataset("s3://lake", "clean/customers.parquet")],
)


def _with(path: str, value: Any) -> dict[str, Any]:
    event = copy.deepcopy(ETL)
    *parents, last = path.split(".")
    node = event
    for part in parents:
        node = node[part]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return event


_DELETE = object()


def test_run_event_keeps_names_keys_fields_and_state() -> None:
    event = parse_event(json.dumps(ETL))
    assert event.kind == "run" and event.event_type == "COMPLETE"
    assert event.event_time == dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
    assert (event.job_namespace, event.job_name) == ("etl", "load_customers")
    assert [d.key for d in event.inputs] == ["postgresql://db:5432/crm/public.customers"]
    assert event.inputs[0].fields == ("id", "email")
    assert [d.key for d in event.outputs] == ["s3://lake/clean/customers.parquet"]


@pytest.mark.parametrize("event_type", ["START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"])
def test_every_run_state_is_accepted(event_type: str) -> None:
    assert parse_event(_with("eventType", event_type)).event_type == event_type


def test_dataset_and_job_events_of_the_2_0_spec() -> None:
    dataset_event = {
        "eventTime": "2026-11-20T10:00:00+01:00",
        "producer": PRODUCER,
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": dataset("s3://lake", "raw/a.csv", ("x",)),
    }
    parsed = parse_event(dataset_event)
    assert parsed.kind == "dataset" and parsed.outputs[0].fields == ("x",)
    job_event = {
        "eventTime": "2026-11-20T10:00:00Z",
        "producer": PRODUCER,
        "job": {"namespace": "etl", "name": "j", "facets": {"jobType": {"jobType": "QUERY"}}},
        "inputs": [dataset("s3://lake", "a")],
        "outputs": [dataset("s3://lake", "b")],
    }
    parsed = parse_event(job_event)
    assert (parsed.kind, parsed.job_type, parsed.run_id) == ("job", "QUERY", None)


def test_column_lineage_and_data_source_facets_without_credentials() -> None:
    out = dataset("s3://lake", "clean/c")
    out["facets"] = {
        "columnLineage": {
            "fields": {
                "email_hash": {
                    "inputFields": [
                        {
                            "namespace": "postgres://db:5432",
                            "name": "crm.public.c",
                            "field": "email",
                        }
                    ]
                }
            }
        },
        "dataSource": {"name": "lake", "uri": "s3://key:topsecret@minio:9000/lake"},
    }
    parsed = parse_event(run_event("j", [], [out]))
    ref = parsed.outputs[0]
    assert ref.column_lineage == {"email_hash": ("postgresql://db:5432/crm/public.c#email",)}
    assert ref.data_source == "s3://key@minio:9000/lake"
    assert "topsecret" not in str(ref)


@pytest.mark.parametrize(
    ("event", "problem"),
    [
        (_with("run.runId", _DELETE), "run.runId is missing"),
        (_with("run.runId", ""), "run.runId is missing"),
        (_with("run", "abc"), "run must be an object"),
        (_with("eventTime", "yesterday"), "eventTime is not an ISO-8601"),
        (_with("eventTime", "2026-11-20T10:00:00"), "no time zone"),
        (_with("eventTime", _DELETE), "eventTime is missing"),
        (_with("eventType", "DONE"), "eventType must be one of"),
        (_with("eventType", ["START"]), "eventType must be one of"),
        (_with("outputs", {"namespace": "s3://x", "name": "y"}), "outputs must be a list"),
        (_with("inputs", [{"namespace": "s3://x"}]), "inputs[0].name is missing"),
        (_with("inputs", ["s3://x/y"]), "inputs[0] must be an object"),
        (_with("job.name", 7), "job.name is missing"),
        (_with("job", _DELETE), "job is missing"),
        (_with("producer", 1), "producer must be a string"),
        ([ETL], "must be a JSON object"),
        ({"eventTime": "2026-11-20T10:00:00Z"}, "not an OpenLineage event"),
    ],
    ids=[
        "missing-runId", "empty-runId", "run-not-object", "bad-eventTime", "naive-eventTime",
        "missing-eventTime", "unknown-eventType", "eventType-list", "outputs-not-list", "input-without-name",
        "input-not-object", "job-name-not-string", "missing-job", "producer-not-string",
        "list-not-object", "no-run-job-or-dataset",
    ],
)  # fmt: skip
def test_malformed_events_name_the_problem(event: Any, problem: str) -> None:
    with pytest.raises(EventError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        parse_event(event)


def test_invalid_json_text_is_an_event_error() -> None:
    with pytest.raises(EventError, match="not valid JSON"):
        parse_event(json.dumps(ETL)[:-10])


def test_jsonl_reader_reports_bad_lines_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    good = json.dumps(ETL)
    huge = json.dumps(_with("job.name", "x" * 2000)) + " " * 5000
    path.write_text(
        "\n".join([good, "", good[:-15], huge, json.dumps(_with("run.runId", _DELETE)), good]),
        encoding="utf-8",
    )
    items = list(read_events(path, max_event_bytes=4096))
    events = [i for i in items if isinstance(i, LineageEvent)]
    problems = [i for i in items if isinstance(i, LineProblem)]
    assert len(events) == 2
    assert [(p.location, p.reason.split(":")[0]) for p in problems] == [
        (f"{path}:3", "not valid JSON"),
        (f"{path}:4", "event longer than 4096 bytes; not read"),
        (f"{path}:5", "run.runId is missing or not a non-empty string"),
    ]


def test_truncated_last_line_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(ETL) + "\n" + json.dumps(ETL)[:40], encoding="utf-8")
    items = list(read_events(path))
    assert isinstance(items[0], LineageEvent)
    assert isinstance(items[1], LineProblem) and items[1].location.endswith(":2")


def test_json_document_with_a_list_of_events(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    path.write_text(json.dumps([ETL, {"eventTime": 1}]), encoding="utf-8")
    items = list(read_events(path))
    assert isinstance(items[0], LineageEvent)
    assert isinstance(items[1], LineProblem) and items[1].location == f"{path}:[1]"


@pytest.mark.parametrize(
    ("uri", "clean"),
    [
        ("postgresql://u:pw@db:5432/x", "postgresql://u@db:5432/x"),
        ("postgresql://:pw@db/x", "postgresql://db/x"),
        ("s3://lake/x", "s3://lake/x"),
    ],
    ids=["user-and-password", "password-only", "no-credentials"],
)
def test_without_credentials(uri: str, clean: str) -> None:
    assert without_credentials(uri) == clean
