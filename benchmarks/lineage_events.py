"""OpenLineage run events shaped as the official client sends them, for the lineage benchmark.

``jobs`` pipeline jobs over ``datasets`` S3 datasets: job ``j`` reads two datasets and writes
a third, so every dataset is read and written by some job and lineage chains run through the
whole set. Each job runs ``runs_per_job`` times, each run a START and a COMPLETE event with
a fresh run id, schema facets on its datasets and the producer and schema URLs the Python
client sets. Seeded: the same arguments write the same file.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from pathlib import Path

import orjson

PRODUCER = "https://github.com/OpenLineage/OpenLineage/tree/1.54.0/client/python"
SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
SCHEMA_FACET = (
    "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet"
)
NAMESPACE = "s3://bench-lake"
SEED = 20261126


@dataclass(frozen=True, slots=True)
class EventShape:
    events: int = 1_000_000
    datasets: int = 100_000
    runs_per_job: int = 10

    @property
    def jobs(self) -> int:
        return self.events // (2 * self.runs_per_job)


def dataset_name(index: int) -> str:
    return f"zone{index % 20}/table{index}"


def write_events(path: Path, shape: EventShape) -> int:
    """Write the events as JSON Lines; returns the bytes written."""
    rng = random.Random(SEED)
    written = 0
    with path.open("wb") as out:
        for job in range(shape.jobs):
            inputs = [rng.randrange(shape.datasets), rng.randrange(shape.datasets)]
            output = (job * 7919) % shape.datasets
            for run in range(shape.runs_per_job):
                run_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                for state, minute in (("START", 0), ("COMPLETE", 5)):
                    event = _event(job, run, run_id, state, minute, inputs, output)
                    line = orjson.dumps(event) + b"\n"
                    out.write(line)
                    written += len(line)
    return written


def _dataset(index: int) -> dict[str, object]:
    return {
        "namespace": NAMESPACE,
        "name": dataset_name(index),
        "facets": {
            "schema": {
                "_producer": PRODUCER,
                "_schemaURL": SCHEMA_FACET,
                "fields": [
                    {"name": "id", "type": "bigint"},
                    {"name": "email", "type": "string"},
                    {"name": "amount", "type": "double"},
                ],
            }
        },
    }


def _event(
    job: int, run: int, run_id: str, state: str, minute: int, inputs: list[int], output: int
) -> dict[str, object]:
    day = 1 + run % 28
    return {
        "eventType": state,
        "eventTime": f"2026-11-{day:02d}T0{job % 10}:{minute:02d}:00.000000+00:00",
        "run": {"runId": run_id, "facets": {}},
        "job": {
            "namespace": "airflow-prod",
            "name": f"dag{job // 10}.task{job % 10}",
            "facets": {},
        },
        "inputs": [_dataset(i) for i in inputs],
        "outputs": [_dataset(output)],
        "producer": PRODUCER,
        "schemaURL": SCHEMA_URL,
    }
