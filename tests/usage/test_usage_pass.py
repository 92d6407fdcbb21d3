"""The usage pass on hand-built graphs: events matched to datasets, buckets, secrets and
principals; the window, the baseline and what is reported as not used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stackward.config.schema import (
    DataSettings,
    DataSource,
    ScanConfig,
    UsageLog,
    UsageSettings,
)
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer
from stackward.scan.passes import apply_passes, builtin_passes
from stackward.usage import UsagePass
from tests.conftest import graph_of

LABEL = "postgresql (from $PG)"
CUSTOMERS = f"data:{LABEL}::public.customers"
ORDERS = f"data:{LABEL}::crm.orders"
ALICE = f"pgrole:{LABEL}/alice"
DATASET_S3 = "data:s3://training::raw"
BUCKET = "tf:aws_s3_bucket.training"
SECRET = "k8s:secret/ml/db-creds"
TRAINER = "k8s:serviceaccount/ml/trainer"
ROLE_ARN = "arn:aws:iam::123456789012:role/trainer"
ROLE_ID = "tf:aws_iam_role.trainer"


def _asset(asset_id: str, kind: AssetKind, layer: Layer, **props: Any) -> Asset:
    return Asset(asset_id, kind, layer, asset_id.rsplit("/", 1)[-1], "test", props, sensitive=True)


def _graph() -> InventoryGraph:
    data = Layer.DATA_FOUNDATION
    return graph_of(
        [
            _asset(CUSTOMERS, AssetKind.DATASET, data, path="postgresql://db:5432/shop/x"),
            _asset(ORDERS, AssetKind.DATASET, data, path="postgresql://db:5432/shop/y"),
            _asset(DATASET_S3, AssetKind.DATASET, data, path="s3://training/raw"),
            _asset(BUCKET, AssetKind.OBJECT_BUCKET, data, dataset_key="s3://training"),
            _asset(SECRET, AssetKind.K8S_SECRET, Layer.IDENTITY),
            _asset(ROLE_ID, AssetKind.IAM_ROLE, Layer.IDENTITY, arn=ROLE_ARN),
        ]
    )


def _config(tmp_path: Path, logs: dict[str, tuple[str, str]], **usage: Any) -> ScanConfig:
    specs = []
    for name, (fmt, text) in logs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        store = "PG" if fmt.startswith("postgres") else None
        specs.append(UsageLog(path=str(tmp_path / name), format=fmt, store=store))
    return ScanConfig(
        data=DataSettings(
            sources=[DataSource(dsn_env="PG")], usage=UsageSettings(logs=specs, **usage)
        )
    )


def _pg(day: int, user: str, sql: str, database: str = "shop") -> str:
    return f"2026-11-{day:02d} 10:00:00.000 UTC [{day}] {user}@{database} LOG:  statement: {sql}\n"


def _usage(graph: InventoryGraph, asset_id: str) -> dict[str, dict[str, Any]]:
    return {u["principal"]: dict(u) for u in graph[asset_id].prop("usage", [])}


def test_postgres_events_match_tables_of_the_store(tmp_path: Path) -> None:
    log = (
        _pg(1, "bob", "SELECT 1")
        + _pg(2, "alice", "SELECT * FROM customers")
        + _pg(3, "alice", "SELECT * FROM customers c JOIN crm.orders o ON o.c = c.id")
        + _pg(4, "bob", "INSERT INTO crm.orders VALUES (1)")
        + _pg(5, "eve", "SELECT * FROM customers", database="other")
    )
    graph = _graph()
    skipped = UsagePass().apply(graph, _config(tmp_path, {"pg.log": ("postgres", log)}))
    assert skipped == []
    customers = _usage(graph, CUSTOMERS)
    assert set(customers) == {ALICE}  # eve read a table of the same name in another database
    assert customers[ALICE]["reads"] == 2
    assert customers[ALICE]["first_seen"] == "2026-11-02T10:00:00Z"
    assert customers[ALICE]["last_seen"] == "2026-11-03T10:00:00Z"
    assert customers[ALICE]["first_event"]["line"] == 2
    orders = _usage(graph, ORDERS)
    assert orders[f"pgrole:{LABEL}/bob"]["writes"] == 1
    window = graph[CUSTOMERS].prop("usage_window")
    assert window["start"] == "2026-11-01T10:00:00Z" and window["end"] == "2026-11-05T10:00:00Z"
    assert window["logs"] == [str(tmp_path / "pg.log")]
    assert graph[DATASET_S3].prop("usage_window") is None  # no log covers the bucket


def _s3(key: str, status: str = "200", requester: str = ROLE_ARN, bucket: str = "training") -> str:
    return (
        f"owner {bucket} [20/Nov/2026:10:00:00 +0000] 192.0.2.3 {requester} REQ REST.GET.OBJECT"
        f' {key} "GET /{bucket}/{key} HTTP/1.1" {status} - 5 5 1 1 "-" "cli" -\n'
    )


def test_s3_objects_match_the_classified_prefix_and_the_bucket(tmp_path: Path) -> None:
    log = _s3("raw/users.csv") + _s3("raw/a.csv", "403", "-") + _s3("raw/x", bucket="other")
    graph = _graph()
    UsagePass().apply(graph, _config(tmp_path, {"s3.log": ("s3_access", log)}))
    assert set(_usage(graph, DATASET_S3)) == {ROLE_ID}  # matched to the role asset by ARN
    assert set(_usage(graph, BUCKET)) == {ROLE_ID}
    assert graph[BUCKET].prop("usage_window")["logs"] == [str(tmp_path / "s3.log")]
    assert graph[CUSTOMERS].prop("usage") is None


def test_k8s_service_account_reading_a_secret(tmp_path: Path) -> None:
    event = {
        "kind": "Event",
        "stage": "ResponseComplete",
        "verb": "get",
        "user": {"username": "system:serviceaccount:ml:trainer"},
        "objectRef": {"resource": "secrets", "namespace": "ml", "name": "db-creds"},
        "responseStatus": {"code": 200},
        "stageTimestamp": "2026-11-20T10:00:00Z",
    }
    graph = _graph()
    UsagePass().apply(graph, _config(tmp_path, {"audit.log": ("k8s_audit", json.dumps(event))}))
    assert _usage(graph, SECRET)[TRAINER]["reads"] == 1


@pytest.mark.parametrize(
    ("window_days", "baseline_days", "principals", "baseline_end"),
    [
        pytest.param(90, 30, {ALICE}, "2026-01-31T10:00:00Z", id="both-days-in-window"),
        pytest.param(10, 3, set(), "2026-03-25T10:00:00Z", id="old-event-outside-window"),
    ],
)
def test_window_counts_back_from_the_newest_event(
    tmp_path: Path,
    window_days: int,
    baseline_days: int,
    principals: set[str],
    baseline_end: str,
) -> None:
    log = (
        "2026-01-01 10:00:00.000 UTC [1] alice@shop LOG:  statement: SELECT * FROM customers\n"
        "2026-04-01 10:00:00.000 UTC [1] bob@shop LOG:  statement: SELECT * FROM crm.orders\n"
    )
    config = _config(
        tmp_path,
        {"pg.log": ("postgres", log)},
        window_days=window_days,
        baseline_days=baseline_days,
    )
    graph = _graph()
    UsagePass().apply(graph, config)
    assert set(_usage(graph, CUSTOMERS)) == principals
    assert graph[CUSTOMERS].prop("usage_window")["baseline_end"] == baseline_end


def test_bad_input_is_reported_not_raised(tmp_path: Path) -> None:
    log = "garbage line\n" + _pg(2, "alice", "SELEC x FROM") + _pg(3, "alice", "SELECT 1")
    config = _config(tmp_path, {"pg.log": ("postgres", log), "t.json": ("cloudtrail", "{")})
    missing = UsageLog(path=str(tmp_path / "none-*.log"), format="s3_access")
    usage = config.data.usage.model_copy(update={"logs": [*config.data.usage.logs, missing]})
    config = config.model_copy(update={"data": config.data.model_copy(update={"usage": usage})})
    skipped = apply_passes(_graph(), config, [UsagePass()])
    reasons = {Path(s.location).name: s.reason for s in skipped}
    assert reasons["pg.log"].startswith("2 line(s) not used (first 2: line 1:")
    assert "line 2: statement not parsed" in reasons["pg.log"]
    assert "not JSON" in reasons["t.json"]
    assert reasons["none-*.log"] == "no log file matches this path"


def test_no_logs_configured_changes_nothing() -> None:
    graph = _graph()
    assert UsagePass().apply(graph, ScanConfig()) == []
    assert all(a.prop("usage") is None for a in graph.assets())


def test_usage_pass_is_registered() -> None:
    assert any(isinstance(p, UsagePass) for p in builtin_passes())


@pytest.mark.parametrize(
    ("fmt", "store", "valid"),
    [
        pytest.param("postgres", "PG", True, id="postgres-with-store"),
        pytest.param("postgres_csv", None, False, id="postgres-without-store"),
        pytest.param("s3_access", None, True, id="s3-needs-no-store"),
        pytest.param("syslog", None, False, id="unknown-format"),
    ],
)
def test_log_settings_are_validated(fmt: str, store: str | None, valid: bool) -> None:
    from pydantic import ValidationError

    try:
        UsageLog(path="x.log", format=fmt, store=store)
    except ValidationError:
        assert not valid
    else:
        assert valid
