"""Dataset keys: every finder spells the same data the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackward.lineage.naming import (
    dataset_key_for_path,
    dataset_key_for_postgres,
    dataset_key_for_postgres_dsn,
    dataset_key_for_s3,
    dataset_key_from_openlineage,
    is_under,
    normalise_dataset_key,
)


@pytest.mark.parametrize(
    ("namespace", "name", "key"),
    [
        (
            "postgres://DB.internal:5432",
            "crm.public.customers",
            "postgresql://db.internal:5432/crm/public.customers",
        ),
        (
            "postgres://db.internal",
            "crm.public.customers",
            "postgresql://db.internal:5432/crm/public.customers",
        ),
        ("postgresql://db:6543", "crm.sales.orders", "postgresql://db:6543/crm/sales.orders"),
        ("postgres://db:5432", "orders", "postgresql://db:5432/orders"),
        ("s3://lake", "raw/customers.csv", "s3://lake/raw/customers.csv"),
        ("s3://lake", "/raw/customers/", "s3://lake/raw/customers"),
        ("s3a://lake", "raw/x.parquet", "s3://lake/raw/x.parquet"),
        ("s3://lake/raw", "x.csv", "s3://lake/raw/x.csv"),
        ("file", "/data/in.csv", "file:///data/in.csv"),
        ("file://localhost", "/data/../data/in.csv", "file:///data/in.csv"),
        ("file://", "/data/in.csv", "file:///data/in.csv"),
        ("file://worker-1", "/data/in.csv", "file://worker-1/data/in.csv"),
        ("gs://bucket", "path/to/x", "gs://bucket/path/to/x"),
        ("abfss://c@acct.dfs.core.windows.net", "p/x", "abfss://c@acct.dfs.core.windows.net/p/x"),
        ("bigquery", "proj.ds.table", "bigquery/proj.ds.table"),
        ("snowflake://org-acct", "DB.SCHEMA.T", "snowflake://org-acct/DB.SCHEMA.T"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_openlineage_names_become_keys(namespace: str, name: str, key: str) -> None:
    assert dataset_key_from_openlineage(namespace, name) == key


@pytest.mark.parametrize(
    ("uri", "key"),
    [
        ("s3://lake/raw/", "s3://lake/raw"),
        ("s3n://lake", "s3://lake"),
        ("postgres://DB:5432/crm/public.t", "postgresql://db:5432/crm/public.t"),
        ("postgresql://db/crm", "postgresql://db:5432/crm"),
        ("file:///data//x.csv", "file:///data/x.csv"),
        ("gs://bucket/x/", "gs://bucket/x"),
        ("bigquery/p.d.t", "bigquery/p.d.t"),
    ],
    ids=lambda v: v[:28],
)
def test_normalise(uri: str, key: str) -> None:
    assert normalise_dataset_key(uri) == key


def test_builders() -> None:
    assert dataset_key_for_s3("b") == "s3://b"
    assert dataset_key_for_s3("b", "/k/") == "s3://b/k"
    assert dataset_key_for_postgres("DB", None, "crm") == "postgresql://db:5432/crm"
    assert dataset_key_for_postgres("db", 1, "crm", "s", "t") == "postgresql://db:1/crm/s.t"
    assert dataset_key_for_path(Path("/data/./a/../b.csv")) == "file:///data/b.csv"


@pytest.mark.parametrize(
    ("dsn", "key"),
    [
        ("postgresql://u:secret@DB.internal:6000/crm", "postgresql://db.internal:6000/crm/s.t"),
        ("postgresql://u@db/crm", "postgresql://db:5432/crm/s.t"),
        ("host=db port=7000 dbname=crm password=secret", "postgresql://db:7000/crm/s.t"),
        ("host=/var/run/postgresql dbname=crm", "postgresql://localhost:5432/crm/s.t"),
        ("postgresql:///crm", "postgresql://localhost:5432/crm/s.t"),
        ("user=alice", "postgresql://localhost:5432/alice/s.t"),
    ],
    ids=["uri-with-password", "no-port", "keyword-form", "socket-dir", "no-host", "db-from-user"],
)
def test_postgres_dsn_keys_never_hold_the_password(dsn: str, key: str) -> None:
    got = dataset_key_for_postgres_dsn(dsn, "s", "t")
    assert got == key
    assert "secret" not in got


def test_unparseable_dsn_gives_none() -> None:
    assert dataset_key_for_postgres_dsn("host='unterminated") is None


@pytest.mark.parametrize(
    ("key", "prefix", "under"),
    [
        ("s3://bucket-a/x", "s3://bucket-a", True),
        ("s3://bucket-ab/x", "s3://bucket-a", False),
        ("s3://bucket-a", "s3://bucket-a", True),
        ("file:///data/a.csv", "file:///data", True),
        ("file:///database/a.csv", "file:///data", False),
        ("bigquery/p.d.t", "bigquery/p", False),
    ],
    ids=["under", "sibling-bucket", "equal", "file-dir", "sibling-dir", "not-a-path"],
)
def test_is_under_respects_path_boundaries(key: str, prefix: str, under: bool) -> None:
    assert is_under(key, prefix) is under
