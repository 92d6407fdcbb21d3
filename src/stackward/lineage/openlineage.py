"""OpenLineage events: validated into small typed records, read from JSON Lines files.

Three event types of the 2-0 spec are accepted: ``RunEvent`` (has ``run``), ``DatasetEvent``
(has ``dataset``) and ``JobEvent`` (has ``job`` and no ``run``). Only what the inventory
needs is kept: job and dataset names, run state and time, schema field names, the
``columnLineage`` and ``dataSource`` facets, the ``jobType`` facet. A malformed event raises
:class:`EventError` naming the problem; the JSON Lines reader turns it into a problem with
``file:line`` and reads on, so no line is silently lost.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit, urlunsplit

import orjson

from stackward.lineage.naming import (
    dataset_key_for_relative_file,
    dataset_key_from_openlineage,
    is_relative_file_name,
)

EVENT_TYPES = frozenset({"START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"})
MAX_EVENT_BYTES = 4 * 1024 * 1024
MAX_FIELDS = 2_000
"""Schema fields and column-lineage entries kept per dataset; more are counted, not kept."""
MAX_NAME_CHARS = 2_048
KEY_CACHE_SIZE = 1 << 17
"""Datasets recur in every run of a job: their keys are computed once per name pair."""


class EventError(ValueError):
    """A malformed OpenLineage event; the message names the offending field."""


@dataclass(frozen=True, slots=True)
class DatasetRef:
    namespace: str
    name: str
    key: str
    fields: tuple[str, ...] = ()
    column_lineage: Mapping[str, tuple[str, ...]] | None = None
    """Output field → ``<input dataset key>#<field>`` it is computed from."""
    data_source: str | None = None
    """The ``dataSource`` facet's name or URI, credentials removed."""


@dataclass(frozen=True, slots=True)
class LineageEvent:
    kind: str
    """``run``, ``job`` or ``dataset``."""
    event_time: dt.datetime
    event_type: str | None = None
    run_id: str | None = None
    job_namespace: str = ""
    job_name: str = ""
    job_type: str | None = None
    """The ``jobType`` facet's ``jobType`` (``QUERY``, ``TRAINING``, …)."""
    inputs: tuple[DatasetRef, ...] = ()
    outputs: tuple[DatasetRef, ...] = ()


@dataclass(frozen=True, slots=True)
class LineProblem:
    location: str
    """``file:line``."""
    reason: str


def parse_event(raw: bytes | str | Mapping[str, Any]) -> LineageEvent:
    """One event from its JSON text or decoded object; :class:`EventError` if malformed."""
    if isinstance(raw, bytes | str):
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise EventError(f"not valid JSON: {exc}") from None
    else:
        obj = dict(raw) if isinstance(raw, Mapping) else raw
    if not isinstance(obj, dict):
        raise EventError("an event must be a JSON object")
    event_time = _event_time(obj.get("eventTime"))
    _optional_str(obj, "producer")
    _optional_str(obj, "schemaURL")
    if "run" in obj:
        return _run_event(obj, event_time)
    if "dataset" in obj:
        dataset = _dataset(obj["dataset"], "dataset")
        return LineageEvent("dataset", event_time, outputs=(dataset,))
    if "job" in obj:
        namespace, name, job_type = _job(obj["job"])
        return LineageEvent(
            "job",
            event_time,
            job_namespace=namespace,
            job_name=name,
            job_type=job_type,
            inputs=_datasets(obj, "inputs"),
            outputs=_datasets(obj, "outputs"),
        )
    raise EventError("no run, job or dataset: not an OpenLineage event")


def _run_event(obj: dict[str, Any], event_time: dt.datetime) -> LineageEvent:
    event_type = obj.get("eventType")
    if event_type is not None and (
        not isinstance(event_type, str) or event_type not in EVENT_TYPES
    ):
        raise EventError(f"eventType must be one of {', '.join(sorted(EVENT_TYPES))}")
    run = obj["run"]
    if not isinstance(run, dict):
        raise EventError("run must be an object")
    run_id = run.get("runId")
    if not isinstance(run_id, str) or not run_id or len(run_id) > MAX_NAME_CHARS:
        raise EventError("run.runId is missing or not a non-empty string")
    if "job" not in obj:
        raise EventError("job is missing")
    namespace, name, job_type = _job(obj["job"])
    return LineageEvent(
        "run",
        event_time,
        event_type=event_type,
        run_id=run_id,
        job_namespace=namespace,
        job_name=name,
        job_type=job_type,
        inputs=_datasets(obj, "inputs"),
        outputs=_datasets(obj, "outputs"),
    )


def _event_time(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise EventError("eventTime is missing or not a string")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise EventError(f"eventTime is not an ISO-8601 date-time: {value[:40]!r}") from None
    if parsed.tzinfo is None:
        raise EventError("eventTime has no time zone offset")
    return parsed.astimezone(dt.UTC)


def _optional_str(obj: dict[str, Any], key: str) -> None:
    if key in obj and not isinstance(obj[key], str):
        raise EventError(f"{key} must be a string")


def _name_pair(obj: object, where: str) -> tuple[str, str]:
    if not isinstance(obj, dict):
        raise EventError(f"{where} must be an object")
    namespace, name = obj.get("namespace"), obj.get("name")
    if not isinstance(namespace, str) or not namespace:
        raise EventError(f"{where}.namespace is missing or not a non-empty string")
    if not isinstance(name, str) or not name:
        raise EventError(f"{where}.name is missing or not a non-empty string")
    if len(namespace) > MAX_NAME_CHARS or len(name) > MAX_NAME_CHARS:
        raise EventError(f"{where} namespace or name is longer than {MAX_NAME_CHARS} characters")
    return namespace, name


def _facets(obj: dict[str, Any], where: str) -> dict[str, Any]:
    facets = obj.get("facets")
    if facets is None:
        return {}
    if not isinstance(facets, dict):
        raise EventError(f"{where}.facets must be an object")
    return facets


def _job(obj: object) -> tuple[str, str, str | None]:
    namespace, name = _name_pair(obj, "job")
    assert isinstance(obj, dict)  # checked by _name_pair
    job_type_facet = _facets(obj, "job").get("jobType")
    job_type = None
    if isinstance(job_type_facet, dict) and isinstance(job_type_facet.get("jobType"), str):
        job_type = job_type_facet["jobType"]
    return namespace, name, job_type


def _datasets(obj: dict[str, Any], key: str) -> tuple[DatasetRef, ...]:
    value = obj.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise EventError(f"{key} must be a list")
    return tuple([_dataset(item, key, i) for i, item in enumerate(value)])


def _dataset(obj: object, key: str, index: int | None = None) -> DatasetRef:
    if type(obj) is dict:  # the common cases, checked inline
        namespace, name = obj.get("namespace"), obj.get("name")
        if (
            type(namespace) is str
            and type(name) is str
            and 0 < len(namespace) <= MAX_NAME_CHARS
            and 0 < len(name) <= MAX_NAME_CHARS
        ):
            facets = obj.get("facets")
            if not facets:
                return _plain_ref(namespace, name)
            if (
                type(facets) is dict
                and "columnLineage" not in facets
                and "dataSource" not in facets
            ):
                return _schema_ref(namespace, name, _schema_fields(facets.get("schema")))
    where = key if index is None else f"{key}[{index}]"
    namespace, name = _name_pair(obj, where)
    assert isinstance(obj, dict)  # checked by _name_pair
    facets = _facets(obj, where)
    if not facets:
        return _plain_ref(namespace, name)
    return DatasetRef(
        namespace,
        name,
        _key(namespace, name),
        _schema_fields(facets.get("schema")),
        _column_lineage(facets.get("columnLineage")),
        _data_source(facets.get("dataSource")),
    )


@functools.lru_cache(maxsize=KEY_CACHE_SIZE)
def _key(namespace: str, name: str) -> str:
    return dataset_key_from_openlineage(namespace, name)


@functools.lru_cache(maxsize=KEY_CACHE_SIZE)
def _plain_ref(namespace: str, name: str) -> DatasetRef:
    """A dataset without facets; shared between events (the record is immutable)."""
    return DatasetRef(namespace, name, _key(namespace, name))


def _schema_fields(facet: object) -> tuple[str, ...]:
    if type(facet) is not dict:
        return ()
    fields = facet.get("fields")
    if type(fields) is not list:
        return ()
    return tuple(
        [
            name
            for field in fields[:MAX_FIELDS]
            if type(field) is dict and type(name := field.get("name")) is str
        ]
    )


@functools.lru_cache(maxsize=KEY_CACHE_SIZE)
def _schema_ref(namespace: str, name: str, fields: tuple[str, ...]) -> DatasetRef:
    """A dataset with only a schema facet; shared between events that repeat it."""
    return DatasetRef(namespace, name, _key(namespace, name), fields)


def _column_lineage(facet: object) -> Mapping[str, tuple[str, ...]] | None:
    if not isinstance(facet, dict) or not isinstance(facet.get("fields"), dict):
        return None
    lineage: dict[str, tuple[str, ...]] = {}
    for out_field, spec in list(facet["fields"].items())[:MAX_FIELDS]:
        if not isinstance(spec, dict) or not isinstance(spec.get("inputFields"), list):
            continue
        sources = []
        for src in spec["inputFields"][:MAX_FIELDS]:
            if not isinstance(src, dict):
                continue
            ns, nm, fld = src.get("namespace"), src.get("name"), src.get("field")
            if isinstance(ns, str) and isinstance(nm, str) and isinstance(fld, str):
                sources.append(f"{_key(ns, nm)}#{fld}")
        lineage[str(out_field)] = tuple(sorted(set(sources)))
    return lineage


def _data_source(facet: object) -> str | None:
    if not isinstance(facet, dict):
        return None
    uri, name = facet.get("uri"), facet.get("name")
    if isinstance(uri, str) and uri:
        return without_credentials(uri)
    return without_credentials(name) if isinstance(name, str) and name else None


def without_credentials(uri: str) -> str:
    """``uri`` with any ``user:password@`` removed (the user name is kept)."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "<unparseable uri>"
    if "@" not in parts.netloc:
        return uri
    user_info, _, host = parts.netloc.rpartition("@")
    user = user_info.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host))


def read_events(
    path: Path, max_event_bytes: int = MAX_EVENT_BYTES
) -> Iterator[LineageEvent | LineProblem]:
    """Every event of a ``.jsonl`` file (or a ``.json`` file holding one event or a list).

    Streams line by line: a line longer than ``max_event_bytes`` is reported and skipped
    without being held in memory; blank lines are ignored; every other bad line is a
    :class:`LineProblem`.
    """
    base = path.absolute().parent
    if path.suffix.lower() == ".json":
        items: Iterator[LineageEvent | LineProblem] = _read_json_document(path, max_event_bytes)
    else:
        items = _read_lines_of(path, max_event_bytes)
    for item in items:
        yield _relative_files_under(item, base) if isinstance(item, LineageEvent) else item


def _read_lines_of(path: Path, max_event_bytes: int) -> Iterator[LineageEvent | LineProblem]:
    with path.open("rb") as handle:
        yield from _read_lines(handle, str(path), max_event_bytes)


def _relative_files_under(event: LineageEvent, base: Path) -> LineageEvent:
    """Datasets named by a relative path in the ``file`` namespace, keyed under ``base``
    (see :func:`~stackward.lineage.naming.is_relative_file_name`)."""
    refs = (*event.inputs, *event.outputs)
    if not any(is_relative_file_name(r.namespace, r.name) for r in refs):
        return event
    rekeyed = {
        r.key: dataset_key_for_relative_file(r.name, base)
        for r in refs
        if is_relative_file_name(r.namespace, r.name)
    }

    def rebase(ref: DatasetRef) -> DatasetRef:
        lineage = ref.column_lineage
        if lineage is not None:
            lineage = {
                out: tuple(_rekey_field(source, rekeyed) for source in sources)
                for out, sources in lineage.items()
            }
        return replace(ref, key=rekeyed.get(ref.key, ref.key), column_lineage=lineage)

    return replace(
        event,
        inputs=tuple(rebase(r) for r in event.inputs),
        outputs=tuple(rebase(r) for r in event.outputs),
    )


def _rekey_field(source: str, rekeyed: Mapping[str, str]) -> str:
    key, sep, field = source.rpartition("#")
    return f"{rekeyed[key]}{sep}{field}" if key in rekeyed else source


def _read_lines(
    handle: BinaryIO, label: str, max_event_bytes: int
) -> Iterator[LineageEvent | LineProblem]:
    number = 0
    while line := handle.readline(max_event_bytes + 1):
        number += 1
        if len(line) > max_event_bytes and not line.endswith(b"\n"):
            while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield LineProblem(
                f"{label}:{number}", f"event longer than {max_event_bytes} bytes; not read"
            )
            continue
        if not line.strip():
            continue
        try:
            yield parse_event(line)
        except EventError as exc:
            yield LineProblem(f"{label}:{number}", str(exc))


def _read_json_document(path: Path, max_event_bytes: int) -> Iterator[LineageEvent | LineProblem]:
    if path.stat().st_size > max_event_bytes * 64:
        yield LineProblem(f"{path}:1", "JSON document too large; write events as JSON Lines")
        return
    try:
        document = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        yield LineProblem(f"{path}:1", f"not valid JSON: {exc}")
        return
    events = document if isinstance(document, list) else [document]
    for index, obj in enumerate(events):
        try:
            yield parse_event(obj)
        except EventError as exc:
            yield LineProblem(f"{path}:[{index}]", str(exc))
