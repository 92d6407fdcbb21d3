"""The collector and the SW-MLF checks against real ``mlflow server`` processes."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.mlflow.production_model_unverified import (
    UnverifiedProductionModelCheck,
)
from stackward.checks.builtin.mlflow.secret_in_run import SecretInMlflowRunCheck
from stackward.checks.builtin.mlflow.unauthenticated_server import (
    UnauthenticatedMlflowServerCheck,
)
from stackward.checks.builtin.mlflow.vulnerable_server import VulnerableMlflowServerCheck
from stackward.collectors.base import CollectContext
from stackward.collectors.mlflow import MlflowCollector
from stackward.collectors.mlflow.transform import MlflowInventory, server_label
from stackward.config.schema import MlflowSource, ScanConfig
from stackward.model import AssetKind, RelationKind, Severity
from tests.collectors.mlflow.conftest import DATASET_URI, Planted
from tests.collectors.mlflow.server import MlflowServer
from tests.conftest import findings_of, graph_of


def _read(
    url: str, token_env: str | None = None, environ: dict[str, str] | None = None
) -> MlflowInventory:
    collector = MlflowCollector(environ=environ or {})
    return collector.read_server(MlflowSource(url=url, token_env=token_env))


@pytest.fixture(scope="module")
def inventory(planted_server: Planted) -> MlflowInventory:
    return _read(planted_server.server.url)


def _ids(inv: MlflowInventory, planted: Planted) -> dict[str, str]:
    base = f"mlflow:{server_label(planted.server.url)}"
    return {
        "server": base,
        "experiment": f"{base}/experiment/{planted.experiment}",
        "leaky": f"{base}/run/{planted.leaky_run}",
        "clean": f"{base}/run/{planted.clean_run}",
        "prod": f"{base}/model/fraud-model/1",
        "staging": f"{base}/model/fraud-model/2",
        "tampered": f"{base}/model/scoring-model/1",
        "proxied": f"{base}/model/proxied-model/1",
        "ranking": f"{base}/model/ranking-model/1",
        "draft": f"{base}/logged-model/{planted.draft_model}",
        "logged_run": f"{base}/run/{planted.logged_run}",
        "dataset": f"lineage:dataset/{DATASET_URI}",
    }


def test_server_asset_reports_version_and_open_api(
    inventory: MlflowInventory, planted_server: Planted
) -> None:
    import mlflow

    server = inventory.assets[_ids(inventory, planted_server)["server"]]
    assert server.kind is AssetKind.AI_SERVICE
    assert server.prop("version") == mlflow.__version__
    assert server.prop("auth_required") is False
    assert server.prop("address") == "127.0.0.1"
    assert server.internet_exposed is False
    assert server.prop("advisories") == []
    assert inventory.skipped == []


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        pytest.param("experiment", AssetKind.PIPELINE, id="experiment"),
        pytest.param("leaky", AssetKind.TRAINING_JOB, id="leaky-run"),
        pytest.param("clean", AssetKind.TRAINING_JOB, id="clean-run"),
        pytest.param("prod", AssetKind.MODEL_ARTIFACT, id="production-version"),
        pytest.param("staging", AssetKind.MODEL_ARTIFACT, id="staging-version"),
        pytest.param("tampered", AssetKind.MODEL_ARTIFACT, id="tampered-version"),
        pytest.param("proxied", AssetKind.MODEL_ARTIFACT, id="proxied-version"),
        pytest.param("dataset", AssetKind.DATASET, id="training-dataset"),
    ],
)
def test_planted_assets_are_found(
    inventory: MlflowInventory, planted_server: Planted, key: str, kind: AssetKind
) -> None:
    asset = inventory.assets[_ids(inventory, planted_server)[key]]
    assert asset.kind is kind


@pytest.mark.parametrize(
    ("src", "kind", "dst"),
    [
        pytest.param("server", RelationKind.CONTAINS, "experiment", id="server-contains-exp"),
        pytest.param("experiment", RelationKind.CONTAINS, "leaky", id="exp-contains-run"),
        pytest.param("leaky", RelationKind.WRITES, "prod", id="run-writes-version"),
        pytest.param("clean", RelationKind.WRITES, "staging", id="clean-writes-v2"),
        pytest.param("leaky", RelationKind.READS, "dataset", id="run-reads-dataset"),
        pytest.param("prod", RelationKind.TRAINED_ON, "dataset", id="model-trained-on"),
    ],
)
def test_lineage_edges(
    inventory: MlflowInventory,
    planted_server: Planted,
    src: str,
    kind: RelationKind,
    dst: str,
) -> None:
    ids = _ids(inventory, planted_server)
    edges = {(r.src, r.kind, r.dst) for r in inventory.relations}
    assert (ids[src], kind, ids[dst]) in edges


def test_clean_run_has_no_trained_on_edge(
    inventory: MlflowInventory, planted_server: Planted
) -> None:
    ids = _ids(inventory, planted_server)
    assert not [
        r
        for r in inventory.relations
        if r.src == ids["staging"] and r.kind is RelationKind.TRAINED_ON
    ]


def test_parameter_classes_without_values(
    inventory: MlflowInventory, planted_server: Planted
) -> None:
    ids = _ids(inventory, planted_server)
    leaky = inventory.assets[ids["leaky"]]
    clean = inventory.assets[ids["clean"]]
    assert leaky.prop("param_classes") == [
        {
            "name": "openai_api_key",
            "where": "param",
            "classes": ["secret.openai_api_key"],
            "confidence": leaky.prop("param_classes")[0]["confidence"],
        }
    ]
    assert clean.prop("param_classes") == []
    assert leaky.prop("param_names") == ["learning_rate", "openai_api_key"]
    everything = repr((list(inventory.assets.values()), inventory.relations, inventory.skipped))
    assert planted_server.key not in everything
    assert planted_server.key[:20] not in everything


def test_production_alias_and_artifact_scan(
    inventory: MlflowInventory, planted_server: Planted
) -> None:
    ids = _ids(inventory, planted_server)
    prod, staging, tampered = (inventory.assets[ids[k]] for k in ("prod", "staging", "tampered"))
    assert (prod.prop("aliases"), prod.prop("production")) == (["production"], True)
    assert (staging.prop("aliases"), staging.prop("production")) == (["staging"], False)
    assert tampered.prop("production") is True
    assert prod.prop("artifact_scan") == "scanned"
    assert prod.prop("artifact_issues") == []
    assert [i["kind"] for i in tampered.prop("artifact_issues")] == ["code_execution"]
    assert prod.prop("dataset_key").startswith("file:///")


def test_proxied_artifacts_are_downloaded_and_scanned(
    inventory: MlflowInventory, planted_server: Planted
) -> None:
    proxied = inventory.assets[_ids(inventory, planted_server)["proxied"]]
    assert proxied.prop("model_source").startswith("mlflow-artifacts:/proxied/")
    assert "dataset_key" not in proxied.properties
    assert proxied.prop("artifact_scan") == "scanned"
    assert proxied.prop("artifact_files") == ["model.pkl"]
    assert [(i["kind"], i["member"]) for i in proxied.prop("artifact_issues")] == [
        ("code_execution", "model.pkl")
    ]


def test_mlflow3_logged_models_are_scanned_where_their_files_are(
    inventory: MlflowInventory, planted_server: Planted
) -> None:
    """A version whose source is ``models:/m-…`` is scanned at the logged model's
    ``artifact_uri``; a logged model no version points to is a model of its own."""
    ids = _ids(inventory, planted_server)
    ranking, draft = inventory.assets[ids["ranking"]], inventory.assets[ids["draft"]]
    assert ranking.prop("logged_model_id") == planted_server.logged_model
    assert ranking.prop("production") is True
    assert ranking.prop("model_source").endswith(f"/{planted_server.logged_model}/artifacts")
    assert ranking.prop("artifact_scan") == "scanned"
    assert [i["kind"] for i in ranking.prop("artifact_issues")] == ["code_execution"]
    assert draft.kind is AssetKind.MODEL_ARTIFACT
    assert draft.name == f"draft ({planted_server.draft_model})"
    assert (draft.prop("production"), draft.prop("artifact_scan")) == (False, "scanned")
    assert draft.prop("artifact_issues") == []
    logged_ids = [a.prop("logged_model_id") for a in inventory.assets.values()]
    assert logged_ids.count(planted_server.logged_model) == 1  # the version, not twice
    edges = {(r.src, r.dst, r.kind) for r in inventory.relations}
    assert (ids["logged_run"], ids["ranking"], RelationKind.WRITES) in edges
    assert (ids["logged_run"], ids["draft"], RelationKind.WRITES) in edges
    assert (ids["experiment"], ids["draft"], RelationKind.CONTAINS) in edges


def test_findings_on_the_open_server(inventory: MlflowInventory, planted_server: Planted) -> None:
    ids = _ids(inventory, planted_server)
    graph = graph_of(inventory.assets.values(), inventory.relations)
    open_api = findings_of(UnauthenticatedMlflowServerCheck, graph)
    assert [(f.asset_id, f.severity) for f in open_api] == [(ids["server"], Severity.HIGH)]
    secrets = findings_of(SecretInMlflowRunCheck, graph)
    assert [(f.asset_id, f.evidence.key) for f in secrets] == [
        (ids["leaky"], "param:openai_api_key")
    ]
    assert planted_server.key not in repr(secrets)
    production = findings_of(UnverifiedProductionModelCheck, graph)
    assert sorted((f.asset_id, f.evidence.key, f.severity) for f in production) == sorted(
        [
            (ids["prod"], "unsigned", Severity.MEDIUM),
            (ids["tampered"], "unsafe", Severity.CRITICAL),
            (ids["tampered"], "unsigned", Severity.MEDIUM),
            (ids["proxied"], "unsafe", Severity.CRITICAL),
            (ids["proxied"], "unsigned", Severity.MEDIUM),
            (ids["ranking"], "unsafe", Severity.CRITICAL),
            (ids["ranking"], "unsigned", Severity.MEDIUM),
        ]
    )
    assert findings_of(VulnerableMlflowServerCheck, graph) == []


def test_collect_reads_servers_from_config(planted_server: Planted) -> None:
    config = ScanConfig.model_validate(
        {"services": {"mlflow": [{"url": planted_server.server.url, "max_runs": 1}]}}
    )
    result = MlflowCollector(environ={}).collect(CollectContext(config=config, files=()))
    runs = [a for a in result.assets if a.kind is AssetKind.TRAINING_JOB]
    assert len(runs) == 1
    assert any("max_runs" in s.reason or "more than 1" in s.reason for s in result.skipped)


@pytest.mark.parametrize(
    ("credential", "auth_required", "runs", "skip_text"),
    [
        pytest.param(None, True, 0, "requires authentication", id="no-credential"),
        pytest.param("admin:wrong-password", True, 0, "401", id="wrong-password"),
        pytest.param("GOOD", True, 1, None, id="admin-credential"),
    ],
)
def test_basic_auth_twin(
    locked_server: MlflowServer,
    credential: str | None,
    auth_required: bool,
    runs: int,
    skip_text: str | None,
) -> None:
    """``--app-name basic-auth``: the probe sees 401, a credential from ``token_env`` reads."""
    if credential == "GOOD":
        credential = f"{locked_server.username}:{locked_server.password}"
    environ = {"MLFLOW_SCAN_TOKEN": credential} if credential else {}
    inv = _read(locked_server.url, token_env="MLFLOW_SCAN_TOKEN", environ=environ)
    server = inv.assets[f"mlflow:{server_label(locked_server.url)}"]
    assert server.prop("auth_required") is auth_required
    found = [a for a in inv.assets.values() if a.kind is AssetKind.TRAINING_JOB]
    assert len(found) == runs
    if skip_text is None:
        assert not [s for s in inv.skipped if "401" in s.reason or "authentication" in s.reason]
    else:
        assert any(skip_text in s.reason for s in inv.skipped), inv.skipped
    graph = graph_of(inv.assets.values(), inv.relations)
    assert findings_of(UnauthenticatedMlflowServerCheck, graph) == []
    assert str(locked_server.password) not in repr((list(inv.assets.values()), inv.skipped))
