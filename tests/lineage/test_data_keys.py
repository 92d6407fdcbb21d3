"""Dataset keys on classified data, and lineage merged into it, on a real PostgreSQL server
and on local files."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg import sql

from stackward.collectors.data import DataCollector
from stackward.config.schema import ScanConfig
from stackward.lineage.collector import LineageCollector
from stackward.model import AssetKind, RelationKind
from stackward.scan import ScanResult, run_scan
from tests.lineage.events import dataset, run_event
from tests.postgres import (
    OWNER_PASSWORD,
    PostgresServer,
    postgres_server,  # noqa: F401 - pytest fixture
)

DSN_VARIABLE = "STACKWARD_TEST_LINEAGE_DSN"
ROWS = [(i, f"user{i}@example.org") for i in range(50)]


@pytest.fixture(scope="module")
def schema(postgres: PostgresServer) -> Iterator[str]:
    name = f"lin{uuid.uuid4().hex[:8]}"
    with postgres.connect_as_owner() as conn:
        try:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
            for table in ("customers", "empty_twin"):
                ident = sql.Identifier(name, table)
                conn.execute(sql.SQL("CREATE TABLE {} (id int, email text)").format(ident))
            with conn.cursor() as cur:
                cur.executemany(
                    sql.SQL("INSERT INTO {} VALUES (%s, %s)").format(
                        sql.Identifier(name, "customers")
                    ),
                    ROWS,
                )
            yield name
        finally:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


def _scan(tmp_path: Path, data: dict[str, object], events: list[dict[str, object]]) -> ScanResult:
    (tmp_path / "events.jsonl").write_text(
        "".join(json.dumps(e) + "\n" for e in events), encoding="utf-8"
    )
    config = ScanConfig.model_validate(
        {
            "sources": {"paths": []},
            "store": {"path": str(tmp_path / "state" / "stackward.db")},
            "data": {**data, "jobs": 1},
            "lineage": {
                "openlineage": [str(tmp_path / "events.jsonl")],
                "receiver_dir": str(tmp_path / "no-spool"),
            },
        }
    )
    return run_scan(config, collectors=[DataCollector(), LineageCollector()], checks=[])


def test_postgres_table_key_and_lineage_merge(
    postgres: PostgresServer, schema: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DSN_VARIABLE, postgres.owner_dsn)
    namespace = f"postgres://{postgres.host}:{postgres.port}"
    events = [
        run_event("export", [dataset(namespace, f"{postgres.database}.{schema}.customers")], [dataset("s3://out", "c")]),
        run_event("export_twin", [dataset(namespace, f"{postgres.database}.{schema}.empty_twin")], [dataset("s3://out", "t")]),
    ]  # fmt: skip
    graph = _scan(tmp_path, {"sources": [{"dsn_env": DSN_VARIABLE}]}, events).graph
    server_key = f"postgresql://{postgres.host.lower()}:{postgres.port}/{postgres.database}"
    table = next(
        a for a in graph.assets(AssetKind.DATASET) if a.id.endswith(f"::{schema}.customers")
    )
    assert table.prop("dataset_key") == f"{server_key}/{schema}.customers"
    store = graph[table.prop("store")]
    assert store.prop("dataset_key") == server_key
    assert OWNER_PASSWORD not in json.dumps(
        [dict(table.properties), dict(store.properties)], default=str
    )
    readers = [e.src for e in graph.incoming(table.id, RelationKind.READS)]
    assert readers == ["lineage:job/etl/export"]
    assert f"lineage:dataset/{server_key}/{schema}.customers" not in graph
    # the twin holds nothing sensitive, so it is no classified dataset: its lineage node stays
    assert f"lineage:dataset/{server_key}/{schema}.empty_twin" in graph


def test_file_keys_on_dataset_and_store(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    (lake / "raw").mkdir(parents=True)
    (lake / "raw" / "people.csv").write_text(
        "id,email\n" + "".join(f"{i},user{i}@example.org\n" for i in range(30)), encoding="utf-8"
    )
    events = [
        run_event(
            "clean",
            [dataset("file", str(lake / "raw" / "people.csv"))],
            [dataset("file", str(lake / "clean"))],
        )
    ]
    graph = _scan(tmp_path, {"sources": [{"path": str(lake)}]}, events).graph
    (item,) = graph.assets(AssetKind.DATASET)
    assert item.prop("dataset_key") == f"file://{lake}/raw/people.csv"
    assert graph[item.prop("store")].prop("dataset_key") == f"file://{lake}"
    # the output is inside the classified directory: merged into the store
    assert [e.dst for e in graph.outgoing("lineage:job/etl/clean", RelationKind.WRITES)] == [
        item.prop("store")
    ]
    assert [e.dst for e in graph.outgoing("lineage:job/etl/clean", RelationKind.READS)] == [item.id]
