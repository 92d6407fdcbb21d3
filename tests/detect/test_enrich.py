"""Enrichment from a real stored scan of ``examples/ai-stack``: which alert values find which
assets, one hop on, owners and attack paths; and a locked-down twin with no attack path."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stackward.cli.app import build_app
from stackward.detect.alert import Alert, Enrichment
from stackward.detect.enrich import Enricher
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind
from stackward.scan.result import ScanResult
from stackward.store import open_store
from tests.conftest import EXAMPLES
from tests.detect.alert_builders import event_ref, make_alert


@pytest.fixture(scope="module")
def ai_stack_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("store") / "stackward.db"
    result = CliRunner().invoke(
        build_app(["scan"]),
        ["scan", str(EXAMPLES / "ai-stack"), "--store", str(db), "--format", "json"],
    )
    assert db.is_file(), result.output
    return db


@pytest.fixture(scope="module")
def enricher(ai_stack_store: Path) -> Enricher:
    return Enricher(ai_stack_store)


def _alert(target: str = "", actor: str = "") -> Alert:
    return make_alert(target=target, actor=actor, events=(), evidence={})


MATCHES = [
    pytest.param(
        "churn-scoring",
        "",
        {"tf:aws_sagemaker_endpoint.churn": "target", "tf:aws_sagemaker_model.churn": "serves"},
        id="endpoint-name-and-the-model-it-serves",
    ),
    pytest.param(
        "arn:aws:sagemaker:us-east-1:111122223333:endpoint/churn-scoring",
        "",
        {"tf:aws_sagemaker_endpoint.churn": "target"},
        id="endpoint-arn",
    ),
    pytest.param(
        "",
        "arn:aws:sts::111122223333:assumed-role/sagemaker-execution/session-7",
        {"tf:aws_iam_role.sagemaker_execution": "actor"},
        id="assumed-role-actor",
    ),
    pytest.param(
        "s3://acme-ml-training-data/features/churn/part-0001.parquet",
        "",
        {
            "lineage:dataset/s3://acme-ml-training-data/features/churn": "target",
            "tf:aws_s3_bucket.training_data": "target",
        },
        id="object-under-a-dataset-prefix",
    ),
    pytest.param(
        "acme-ml-training-data/features/churn-snapshots/2026-11-02/rows.csv",
        "",
        {
            "lineage:dataset/s3://acme-ml-training-data/features/churn-snapshots/2026-11-02": "target"
        },
        id="bucket-slash-key",
    ),
    pytest.param(
        "https://llm.example.com/v1/chat/completions",
        "",
        {"k8s:ingress/ml-serving/llm-api": "target", "k8s:service/ml-serving/vllm": "routes_to"},
        id="ingress-url",
    ),
    pytest.param(
        "vllm.ml-serving.svc.cluster.local:80",
        "",
        {"k8s:service/ml-serving/vllm": "target", "k8s:deployment/ml-serving/vllm": "routes_to"},
        id="service-dns-host-port",
    ),
    pytest.param(
        "ml-serving/vllm",
        "",
        {"k8s:deployment/ml-serving/vllm": "target", "k8s:service/ml-serving/vllm": "target"},
        id="namespace-slash-name",
    ),
    pytest.param(
        "",
        "system:serviceaccount:notebooks:jupyter",
        {"k8s:serviceaccount/notebooks/jupyter": "actor"},
        id="service-account",
    ),
    pytest.param(
        "meta-llama/Llama-3.1-8B-Instruct",
        "",
        {"k8s:deployment/ml-serving/vllm": "target"},
        id="model-id-served-by-vllm",
    ),
    pytest.param(
        "gpt-4o-mini", "", {"model:provider/openai/gpt-4o-mini": "target"}, id="provider-model"
    ),
    pytest.param(
        "mlflow:model/churn-xgb/1",
        "",
        {
            "mlflow:model/churn-xgb/1": "target",
            "lineage:dataset/s3://acme-ml-training-data/features/churn-snapshots/2026-11-02": (
                "trained_on"
            ),
        },
        id="model-id-and-its-training-data",
    ),
]


@pytest.mark.parametrize(("target", "actor", "expected"), MATCHES)
def test_matches(enricher: Enricher, target: str, actor: str, expected: dict[str, str]) -> None:
    found = {a.id: a.role for a in enricher.enrich(_alert(target, actor)).assets}
    assert {k: found.get(k) for k in expected} == expected


NO_MATCH = [
    pytest.param("unknown-model-x", "", id="unknown-name"),
    pytest.param("s3://someone-elses-bucket/features/churn/x.parquet", "", id="other-bucket"),
    pytest.param("", "arn:aws:sts::111122223333:assumed-role/nobody/s", id="unknown-role"),
    pytest.param("evil.example.net:443", "", id="unknown-host"),
    pytest.param("ml-serving/not-there", "", id="unknown-k8s-name"),
    pytest.param("", "system:serviceaccount:notebooks", id="truncated-service-account"),
    pytest.param("", "", id="nothing-named"),
]


@pytest.mark.parametrize(("target", "actor"), NO_MATCH)
def test_hard_negatives_enrich_nothing(enricher: Enricher, target: str, actor: str) -> None:
    assert enricher.enrich(_alert(target, actor)) == Enrichment()


@pytest.mark.parametrize(
    ("target", "actor", "owner"),
    [
        pytest.param("churn-scoring", "", "ml-platform", id="owner-label"),
        pytest.param("", "system:serviceaccount:notebooks:jupyter", "research", id="ns-team"),
    ],
)
def test_owners(enricher: Enricher, target: str, actor: str, owner: str) -> None:
    assert owner in enricher.enrich(_alert(target, actor)).owners


def test_exposed_endpoint_is_on_attack_paths(enricher: Enricher) -> None:
    enrichment = enricher.enrich(_alert("llm.example.com:443"))
    assert enrichment.on_attack_path
    assert all(p.startswith("path-") for p in enrichment.attack_paths)
    assert 0 < enrichment.max_path_risk <= 10


def test_evidence_and_excerpt_values_are_matched(enricher: Enricher) -> None:
    alert = make_alert(
        target="",
        actor="",
        evidence={"model": "gpt-4o-mini"},
        events=(event_ref(1, excerpt={"bucket": "acme-ml-model-artifacts"}),),
    )
    ids = {a.id for a in enricher.enrich(alert).assets}
    assert {"model:provider/openai/gpt-4o-mini", "tf:aws_s3_bucket.model_artifacts"} <= ids


def test_lookups_are_cached(enricher: Enricher) -> None:
    alert = _alert("churn-scoring")
    assert enricher.enrich(alert) is enricher.enrich(dataclasses.replace(alert, uid="other"))


@pytest.mark.parametrize(
    ("make_store", "problem"),
    [
        pytest.param(lambda p: p / "absent.db", "no scan store", id="no-store"),
        pytest.param(
            lambda p: _write(p / "junk.db", b"not a database" * 100), "cannot read", id="not-sqlite"
        ),
        pytest.param(lambda p: _empty_store(p / "empty.db"), "no scan yet", id="no-scan"),
    ],
)
def test_without_inventory_enrichment_is_empty(
    tmp_path: Path, make_store: object, problem: str
) -> None:
    enricher = Enricher(make_store(tmp_path))  # type: ignore[operator]
    assert enricher.enrich(_alert("churn-scoring")) == Enrichment()
    assert problem in enricher.problem


def test_no_store_path_at_all() -> None:
    assert Enricher(None).enrich(_alert("churn-scoring")) == Enrichment()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _empty_store(path: Path) -> Path:
    open_store(path).close()
    return path


def _store_with_endpoint(path: Path, exposed: bool) -> Path:
    graph = InventoryGraph()
    graph.extend(
        [
            Asset(
                id="ep:fraud",
                kind=AssetKind.MODEL_ENDPOINT,
                layer=Layer.CORE_AI,
                name="fraud-scoring",
                source="t",
                internet_exposed=exposed,
            ),
            Asset(
                id="model:fraud",
                kind=AssetKind.MODEL_ARTIFACT,
                layer=Layer.CORE_AI,
                name="fraud-xgb",
                source="t",
                sensitive=True,
                labels={"Owner": "risk-team"},
            ),
        ],
        [Relation("ep:fraud", "model:fraud", RelationKind.SERVES)],
    )
    now = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    store = open_store(path)
    store.record_scan(ScanResult("/twin", now, now, graph, [], [], []))
    store.close()
    return path


@pytest.mark.parametrize(
    ("exposed", "on_path"), [(True, True), (False, False)], ids=["exposed", "locked-down-twin"]
)
def test_attack_path_only_when_exposed(tmp_path: Path, exposed: bool, on_path: bool) -> None:
    enricher = Enricher(_store_with_endpoint(tmp_path / "twin.db", exposed))
    enrichment = enricher.enrich(_alert("fraud-scoring"))
    assert [a.id for a in enrichment.assets] == ["ep:fraud", "model:fraud"]
    assert enrichment.owners == ("risk-team",)
    assert enrichment.on_attack_path is on_path


def test_store_is_opened_read_only(ai_stack_store: Path) -> None:
    before = ai_stack_store.read_bytes()
    Enricher(ai_stack_store).enrich(_alert("churn-scoring"))
    assert ai_stack_store.read_bytes() == before
