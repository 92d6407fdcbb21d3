"""The receiver with the official openlineage-python client, and what it refuses."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import http.client
import json
import ssl
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.transport.http import (
    ApiKeyTokenProvider,
    HttpCompression,
    HttpConfig,
    HttpTransport,
)

from stackward.config.schema import ScanConfig
from stackward.lineage.collector import LineageCollector
from stackward.lineage.receiver import ReceiverError, make_receiver
from stackward.model import AssetKind, RelationKind
from stackward.scan import run_scan
from stackward.tls import ReceiverTls
from tests.lineage.events import run_event
from tests.lineage.receiver_server import TOKEN, running_receiver, url_of
from tests.tls_certs import make_tls_files

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def _client(url: str, token: str = TOKEN, gzip_body: bool = False) -> OpenLineageClient:
    config = HttpConfig(
        url=url,
        auth=ApiKeyTokenProvider({"apiKey": token}),
        compression=HttpCompression.GZIP if gzip_body else None,
        retry={"total": 0},
    )
    return OpenLineageClient(transport=HttpTransport(config))


def _emit_run(client: OpenLineageClient, job: str, inputs: list[str], outputs: list[str]) -> None:
    run = Run(runId=str(uuid.uuid4()))
    for state, minutes in ((RunState.START, 0), (RunState.COMPLETE, 5)):
        client.emit(
            RunEvent(
                eventType=state,
                eventTime=(NOW + dt.timedelta(minutes=minutes)).isoformat(),
                run=run,
                job=Job(namespace="pipelines", name=job),
                inputs=[InputDataset(namespace="s3://lake", name=n) for n in inputs],
                outputs=[OutputDataset(namespace="s3://lake", name=n) for n in outputs],
            )
        )


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("POST", "/api/v1/lineage", body=body, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def _spooled(spool: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for f in sorted(spool.glob("*.jsonl"))
        for line in f.read_text().splitlines()
    ]


def test_official_client_events_become_lineage_in_the_next_scan(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    with running_receiver(spool) as server:
        client = _client(url_of(server))
        _emit_run(client, "clean_customers", ["raw/customers.csv"], ["clean/customers"])
        _emit_run(client, "train_churn", ["clean/customers"], ["models/churn/model.safetensors"])
        _emit_run(
            _client(url_of(server), gzip_body=True),
            "daily_report",
            ["clean/customers"],
            ["reports/daily"],
        )
    assert len(_spooled(spool)) == 6
    config = ScanConfig.model_validate(
        {"sources": {"paths": []}, "lineage": {"receiver_dir": str(spool)}}
    )
    graph = run_scan(config, collectors=[LineageCollector()], checks=[]).graph
    edges = {(r.src, r.kind, r.dst) for r in graph.relations()}
    etl, train = "lineage:job/pipelines/clean_customers", "lineage:job/pipelines/train_churn"
    raw, clean = (
        "lineage:dataset/s3://lake/raw/customers.csv",
        "lineage:dataset/s3://lake/clean/customers",
    )
    model = "lineage:model/s3://lake/models/churn/model.safetensors"
    assert {
        (etl, RelationKind.READS, raw),
        (etl, RelationKind.WRITES, clean),
        (clean, RelationKind.DERIVED_FROM, raw),
        (train, RelationKind.READS, clean),
        (train, RelationKind.WRITES, model),
        (model, RelationKind.TRAINED_ON, clean),
    } <= edges
    assert graph[etl].kind is AssetKind.DATA_JOB
    assert graph[train].kind is AssetKind.TRAINING_JOB
    assert graph[model].kind is AssetKind.MODEL_ARTIFACT
    assert graph[etl].prop("last_run_state") == "COMPLETE"
    assert "lineage:job/pipelines/daily_report" in graph


def test_malformed_event_gets_400_and_the_spool_keeps_every_earlier_event(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    with running_receiver(spool) as server:
        _emit_run(_client(url_of(server)), "etl", ["a"], ["b"])
        bad = run_event("etl", [], [])
        del bad["run"]["runId"]
        status, body = _post(url_of(server), json.dumps(bad).encode(), auth)
        assert status == 400
        assert "run.runId is missing" in body["error"]
        status, body = _post(url_of(server), b'{"eventTime": ', auth)
        assert (status, body["error"].split(":")[0]) == (400, "body is not valid JSON")
    assert [e["eventType"] for e in _spooled(spool)] == ["START", "COMPLETE"]


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"Authorization": "Bearer wrong-token-0123456789"}, None, 401),
        ({}, None, 401),
        ({"Authorization": f"Basic {TOKEN}"}, None, 401),
        ({"Authorization": f"Bearer {TOKEN}", "Content-Encoding": "br"}, None, 415),
        ({"Authorization": f"Bearer {TOKEN}", "Content-Encoding": "gzip"}, b"not gzip", 400),
        (
            {"Authorization": f"Bearer {TOKEN}", "Content-Encoding": "gzip"},
            gzip.compress(b" " * 3000 + json.dumps(run_event("j", [], [])).encode()),
            413,
        ),
        ({"Authorization": f"Bearer {TOKEN}"}, b" " * 3000, 413),
    ],
    ids=[
        "wrong-token",
        "no-token",
        "basic-scheme",
        "unknown-encoding",
        "bad-gzip",
        "gzip-bomb",
        "too-large",
    ],
)
def test_refused_requests_write_nothing(
    tmp_path: Path, headers: dict[str, str], body: bytes | None, status: int
) -> None:
    spool = tmp_path / "spool"
    payload = body if body is not None else json.dumps(run_event("j", [], [])).encode()
    with running_receiver(spool, max_body_bytes=2048) as server:
        got, reply = _post(url_of(server), payload, headers)
    assert got == status and reply["error"]
    assert _spooled(spool) == []


def test_wrong_token_from_the_official_client_is_refused(tmp_path: Path) -> None:
    with running_receiver(tmp_path / "spool") as server:
        client = _client(url_of(server), token="not-the-token-at-all")
        with pytest.raises(Exception, match="401"):
            _emit_run(client, "etl", ["a"], ["b"])
    assert not (tmp_path / "spool").exists()


def test_concurrent_posts_are_all_spooled_whole(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    statuses: list[int] = []
    with running_receiver(spool) as server:

        def post_some(worker: int) -> None:
            for i in range(10):
                event = run_event(f"job-{worker}-{i}", [], [])
                statuses.append(_post(url_of(server), json.dumps(event).encode(), auth)[0])

        threads = [threading.Thread(target=post_some, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert statuses == [201] * 80
    assert sorted(e["job"]["name"] for e in _spooled(spool)) == sorted(
        f"job-{w}-{i}" for w in range(8) for i in range(10)
    )


@pytest.mark.parametrize(
    ("host", "token", "insecure", "problem"),
    [
        ("127.0.0.1", None, False, "no token"),
        ("0.0.0.0", None, True, "only allowed on a loopback"),  # noqa: S104 - refused, never bound
        ("127.0.0.1", "short", False, "shorter than 16"),
    ],
    ids=["no-token", "insecure-off-loopback", "short-token"],
)
def test_unsafe_configurations_refuse_to_start(
    tmp_path: Path, host: str, token: str | None, insecure: bool, problem: str
) -> None:
    with pytest.raises(ReceiverError, match=problem):
        make_receiver(host, 0, tmp_path, token, insecure_no_auth=insecure)


def test_insecure_no_auth_on_loopback_starts(tmp_path: Path) -> None:
    server = make_receiver("127.0.0.1", 0, tmp_path, None, insecure_no_auth=True)
    server.server_close()


def test_an_event_that_cannot_be_stored_is_not_acknowledged(tmp_path: Path) -> None:
    blocked = tmp_path / "spool"
    blocked.write_text("a file where the spool directory should be", encoding="utf-8")
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    with running_receiver(blocked) as server:
        status, body = _post(url_of(server), json.dumps(run_event("j", [], [])).encode(), auth)
    assert status == 503
    assert body["error"].startswith("the event could not be stored")


def test_https_with_client_certificates(tmp_path: Path) -> None:
    """Over HTTPS a verified client with the required certificate is spooled; a client
    without one, or speaking plain HTTP, writes nothing and is counted, not printed."""
    certs = make_tls_files(tmp_path / "tls")
    spool = tmp_path / "spool"
    server = make_receiver(
        "127.0.0.1",
        0,
        spool,
        TOKEN,
        tls=ReceiverTls(certs.server_cert, certs.server_key, certs.ca),
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    url = f"https://localhost:{server.server_address[1]}/api/v1/lineage"
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    event = json.dumps(run_event("tls-job", [], [])).encode()
    signed = ssl.create_default_context(cafile=str(certs.ca))
    signed.load_cert_chain(str(certs.client_cert), str(certs.client_key))
    anonymous = ssl.create_default_context(cafile=str(certs.ca))
    try:
        with httpx.Client(verify=signed, timeout=10) as client:
            assert client.post(url, content=event, headers=headers).status_code == 201
        with httpx.Client(verify=anonymous, timeout=10) as client, pytest.raises(httpx.HTTPError):
            client.post(url, content=event, headers=headers)
        with httpx.Client(timeout=10) as plain, contextlib.suppress(httpx.HTTPError):
            plain.post(url.replace("https:", "http:"), content=event, headers=headers)
        deadline = time.monotonic() + 10
        while server.failed_connections < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert [e["job"]["name"] for e in _spooled(spool)] == ["tls-job"]
    assert server.failed_connections == 2


def test_unreadable_tls_file_refuses_to_start(tmp_path: Path) -> None:
    missing = tmp_path / "none.pem"
    with pytest.raises(ReceiverError, match=f"cannot read certificate {missing}"):
        make_receiver("127.0.0.1", 0, tmp_path, TOKEN, tls=ReceiverTls(missing, missing))
