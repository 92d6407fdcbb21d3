"""The lineage model: jobs, the datasets they read and write, and each job's last run.

Events are folded in as they are read, so memory grows with the number of jobs and datasets,
never with the number of events: a million runs of the same nightly job cost one record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from stackward.lineage.openlineage import DatasetRef, LineageEvent


@dataclass(slots=True)
class JobRecord:
    namespace: str
    name: str
    origin: str
    """Where the job was learned from: ``openlineage`` or a dbt manifest path."""
    inputs: set[str] = field(default_factory=set)
    outputs: set[str] = field(default_factory=set)
    job_type: str | None = None
    last_state: str | None = None
    last_time: dt.datetime | None = None
    last_run_id: str | None = None
    events: int = 0


@dataclass(slots=True)
class DatasetRecord:
    key: str
    namespace: str
    name: str
    fields: tuple[str, ...] = ()
    column_lineage: Mapping[str, tuple[str, ...]] | None = None
    data_source: str | None = None


class LineageModel:
    """Jobs by ``(namespace, name)`` and datasets by dataset key."""

    def __init__(self) -> None:
        self.jobs: dict[tuple[str, str], JobRecord] = {}
        self.datasets: dict[str, DatasetRecord] = {}

    def add_event(self, event: LineageEvent, origin: str = "openlineage") -> None:
        if event.kind == "dataset":
            self._datasets(event.outputs)
            return
        job = self.job(event.job_namespace, event.job_name, origin)
        job.events += 1
        if event.job_type is not None:
            job.job_type = event.job_type
        if event.inputs:
            job.inputs.update(self._datasets(event.inputs))
        if event.outputs:
            job.outputs.update(self._datasets(event.outputs))
        if event.kind == "run" and (job.last_time is None or event.event_time >= job.last_time):
            job.last_time = event.event_time
            job.last_state = event.event_type
            job.last_run_id = event.run_id

    def add_job(
        self,
        namespace: str,
        name: str,
        origin: str,
        inputs: Iterable[DatasetRef],
        outputs: Iterable[DatasetRef],
        job_type: str | None = None,
    ) -> JobRecord:
        """A job known from a definition (a dbt model) rather than from a run."""
        job = self.job(namespace, name, origin)
        job.inputs.update(self._datasets(inputs))
        job.outputs.update(self._datasets(outputs))
        job.job_type = job_type or job.job_type
        return job

    def job(self, namespace: str, name: str, origin: str) -> JobRecord:
        key = (namespace, name)
        job = self.jobs.get(key)
        if job is None:
            job = self.jobs[key] = JobRecord(namespace, name, origin)
        return job

    def _datasets(self, refs: Iterable[DatasetRef]) -> list[str]:
        keys = []
        datasets = self.datasets
        for ref in refs:
            record = datasets.get(ref.key)
            if record is None:
                record = datasets[ref.key] = DatasetRecord(ref.key, ref.namespace, ref.name)
            if ref.fields:
                record.fields = ref.fields
            if ref.column_lineage is not None:
                record.column_lineage = ref.column_lineage
            if ref.data_source is not None:
                record.data_source = ref.data_source
            keys.append(ref.key)
        return keys
