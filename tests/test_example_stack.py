"""The bundled example stack: every planted weakness is found; the fixed twin is clean."""

from __future__ import annotations

import re
from functools import cache

import pytest

from stackward.config import ScanConfig, load_config
from stackward.model import RelationKind
from stackward.report.data_map import build_data_map
from stackward.scan import ScanResult, run_scan
from tests.conftest import EXAMPLES

VULNERABLE = EXAMPLES / "ai-stack"
FIXED = EXAMPLES / "ai-stack-fixed"
FEATURES = "lineage:dataset/s3://acme-ml-training-data/features/churn"
MODEL = (
    "lineage:model/s3://acme-ml-model-artifacts/churn-xgb/churn-xgb-2026-11-02/output/model.tar.gz"
)
ENDPOINT = "tf:aws_sagemaker_endpoint.churn"
"""The endpoint the plan declares; the describe output of the same endpoint is merged into it."""
_ROW = re.compile(r"^\|\s*(SW-[A-Z0-9-]+)\s*\|\s*`?([^|`]+?)`?\s*\|")


def expected_rows() -> list[tuple[str, str]]:
    text = (VULNERABLE / "EXPECTED.md").read_text(encoding="utf-8")
    return [(m.group(1), m.group(2)) for line in text.splitlines() if (m := _ROW.match(line))]


@cache
def scan(path: str) -> ScanResult:
    """Scan one example stack with its own ``stackward.yaml`` when it has one."""
    own = EXAMPLES / path / "stackward.yaml"
    config = load_config(own) if own.is_file() else ScanConfig()
    sources = config.sources.model_copy(update={"paths": [EXAMPLES / path]})
    return run_scan(config.model_copy(update={"sources": sources}))


def test_expected_md_lists_planted_weaknesses() -> None:
    rows = expected_rows()
    assert len(rows) >= 30
    assert len(rows) == len(set(rows)), "duplicate rows in EXPECTED.md"


@pytest.mark.parametrize(("rule", "asset"), expected_rows())
def test_planted_weakness_is_reported(rule: str, asset: str) -> None:
    found = {(f.rule_id, f.asset_id) for f in scan("ai-stack").findings}
    assert (rule, asset) in found


def test_every_reported_finding_is_planted() -> None:
    planted = set(expected_rows())
    unexpected = sorted(
        (f.rule_id, f.asset_id)
        for f in scan("ai-stack").findings
        if (f.rule_id, f.asset_id) not in planted
    )
    assert unexpected == []


def test_fixed_twin_has_no_findings() -> None:
    result = scan("ai-stack-fixed")
    assert [(f.rule_id, f.asset_id, f.title) for f in result.findings] == []


def test_example_scans_are_complete_and_have_attack_paths() -> None:
    for name in ("ai-stack", "ai-stack-fixed"):
        assert scan(name).skipped == [], name
    assert scan("ai-stack").attack_paths
    assert len(scan("ai-stack").rules) >= 30
    assert len({meta.layer for meta in scan("ai-stack").rules.values()}) >= 6
    layers_with_findings = {f.layer for f in scan("ai-stack").findings}
    assert len(layers_with_findings) >= 6


def test_data_map_follows_the_customer_extract_out_of_the_eu() -> None:
    """The customer extract's card: where it lives, the features and model built from it,
    the endpoint serving that model (through the deployed model that loads the artifact), and
    where the residency policy broke (us-east-1)."""
    cards = build_data_map(scan("ai-stack"))
    key = (VULNERABLE / "datasets" / "customers.csv").resolve().as_uri()
    [customers] = cards.find(key)
    assert customers.placement.region == "eu-west-1"
    assert customers.placement.violations == ()
    assert {c.name for c in customers.classes} >= {"pii.email", "pii.person_name"}
    downstream = {node.id for node in customers.lineage.downstream}
    assert {FEATURES, MODEL, ENDPOINT} <= downstream
    for asset in (FEATURES, MODEL, ENDPOINT):
        [card] = cards.find(asset)
        assert card.placement.region == "us-east-1", asset
        assert [(v.policy, v.region) for v in card.placement.violations] == [
            ("personal data stays in the EU", "us-east-1")
        ], asset
        sources = {s for c in card.classes if c.name.startswith("pii.") for s in c.derived_from}
        assert sources == {customers.id}, asset
    [features] = cards.find(FEATURES)
    assert "SW-DATA-007" in {f.rule_id for f in features.findings}


def test_fixed_twin_trains_in_the_eu_on_pseudonymised_data() -> None:
    graph = scan("ai-stack-fixed").graph
    endpoint = graph[ENDPOINT]
    assert endpoint.prop("merged_from") == ["sagemaker:eu-west-1/endpoint/churn-scoring"]
    features = graph["lineage:dataset/s3://acme-ml-training-data-eu/features/churn"]
    assert endpoint.region == features.region == "eu-west-1"
    assert "derived_classes" not in endpoint.properties
    assert not [
        a.id for a in graph.assets() if a.region == "us-east-1" and a.id.startswith("sagemaker:")
    ]


@pytest.mark.parametrize(
    ("name", "region", "exposed", "authorizations"),
    [
        ("ai-stack", "us-east-1", True, ["NONE"]),
        ("ai-stack-fixed", "eu-west-1", False, ["AWS_IAM"]),
    ],
    ids=["public-api", "private-api"],
)
def test_churn_api_routes_to_the_one_merged_endpoint(
    name: str, region: str, exposed: bool, authorizations: list[str]
) -> None:
    """The plan's endpoint and the described one are one node; the API routes to it."""
    graph = scan(name).graph
    described = f"sagemaker:{region}/endpoint/churn-scoring"
    assert described not in graph
    endpoint = graph[ENDPOINT]
    assert endpoint.region == region
    assert endpoint.prop("resource_key") == f"aws:sagemaker:{region}:endpoint/churn-scoring"
    assert endpoint.prop("merged_from") == [described]
    assert f"sagemaker:{region}/model/churn-xgb" in {
        m.id for m in graph.successors(ENDPOINT, RelationKind.SERVES)
    }
    api = graph["tf:aws_api_gateway_rest_api.churn"]
    assert api.internet_exposed is exposed
    assert api.prop("authorizations") == authorizations
    assert api.prop("routes_to_endpoints") == ["churn-scoring"]
    assert [r.dst for r in graph.outgoing(api.id, RelationKind.ROUTES_TO)] == [ENDPOINT]


MLFLOW_MODEL = "mlflow:model/churn-xgb/1"
SNAPSHOT = "features/churn-snapshots/2026-11-02"


@pytest.mark.parametrize(
    ("name", "bucket", "pii_derived"),
    [
        ("ai-stack", "acme-ml-training-data", True),
        ("ai-stack-fixed", "acme-ml-training-data-eu", False),
    ],
    ids=["customer-extract", "pseudonymised"],
)
def test_mlflow_run_links_the_snapshot_to_the_registered_model(
    name: str, bucket: str, pii_derived: bool
) -> None:
    """The file store's run reads the snapshot and writes the registered version; only the
    vulnerable stack's snapshot carries the customer extract's personal data."""
    graph = scan(name).graph
    snapshot = f"lineage:dataset/s3://{bucket}/{SNAPSHOT}"
    [run] = [r.src for r in graph.incoming(MLFLOW_MODEL, RelationKind.WRITES)]
    assert run.startswith("mlflow:run/")
    assert graph[run].name == "churn-xgb-2026-11-02"
    assert [r.dst for r in graph.outgoing(run, RelationKind.READS)] == [snapshot]
    assert [r.dst for r in graph.outgoing(MLFLOW_MODEL, RelationKind.TRAINED_ON)] == [snapshot]
    model = graph[MLFLOW_MODEL]
    assert model.prop("version") == "1"
    assert model.prop("pii_derived", False) is pii_derived
    if pii_derived:
        key = (VULNERABLE / "datasets" / "customers.csv").resolve().as_uri()
        customers = {a.id for a in graph.assets() if a.prop("dataset_key") == key}
        classes = model.prop("derived_classes")
        assert set(classes) >= {"pii.email", "pii.person_name"}
        assert customers
        assert {s for sources in classes.values() for s in sources} == customers
    else:
        assert "derived_classes" not in model.properties


def test_mlflow_store_keeps_only_small_metadata() -> None:
    """The stores hold what mlflow wrote for metadata, no model files or large artifacts."""
    for name in ("ai-stack", "ai-stack-fixed"):
        files = [p for p in (EXAMPLES / name / "mlruns").rglob("*") if p.is_file()]
        assert any(p.name == "meta.yaml" for p in files), name
        assert [p for p in files if p.stat().st_size > 2048] == [], name
        assert not [p for p in files if p.parent.name == "artifacts" or p.suffix == ".pkl"], name


AGENT_FILES = [
    pytest.param(
        "code/support_agent/tools.py", "agent_tools", {"plan_price", "ticket_status"}, id="tools"
    ),
    pytest.param(
        "code/support_agent/agent.py", "ai_components", {"openai", "langchain_openai"}, id="sdks"
    ),
    pytest.param("code/support_agent/agent.py", "model_refs", {"gpt-4o-mini"}, id="model"),
    pytest.param(
        "code/pyproject.toml",
        "ai_dependencies",
        {"langchain-core", "langchain-openai", "mlflow", "openai", "torch", "transformers"},
        id="dependencies",
    ),
]


@pytest.mark.parametrize("name", ["ai-stack", "ai-stack-fixed"], ids=["vulnerable", "fixed"])
@pytest.mark.parametrize(("path", "prop", "names"), AGENT_FILES)
def test_support_agent_inventory_is_the_same_in_both_twins(
    name: str, path: str, prop: str, names: set[str]
) -> None:
    facts = scan(name).graph[f"file:{name}/{path}"].prop(prop) or []
    assert {entry["name"] for entry in facts} == names


@pytest.mark.parametrize(
    "path",
    [
        "code/support_agent/agent.py",
        "code/support_agent/settings.py",
        "code/scripts/setup_gpu_node.py",
        "code/scripts/export_features.py",
        "notebooks/03-ticket-triage.ipynb",
    ],
)
def test_code_risks_are_planted_only_in_the_vulnerable_twin(path: str) -> None:
    assert scan("ai-stack").graph[f"file:ai-stack/{path}"].prop("code_risks")
    assert not scan("ai-stack-fixed").graph[f"file:ai-stack-fixed/{path}"].prop("code_risks")


def test_system_prompts_are_fingerprinted_not_copied() -> None:
    agent = scan("ai-stack").graph["file:ai-stack/code/support_agent/agent.py"]
    prompts = agent.prop("prompts")
    assert [p["via"] for p in prompts] == ["SYSTEM_PROMPT", "system message"]
    text = (VULNERABLE / "code" / "support_agent" / "agent.py").read_text(encoding="utf-8")
    assert "Acme Analytics" in text
    assert "Acme Analytics" not in repr(agent.properties)


_URL = re.compile(r"https?://[^\s\"'|)]+")


@pytest.mark.parametrize("name", ["ai-stack", "ai-stack-fixed"], ids=["vulnerable", "fixed"])
def test_planted_downloads_point_nowhere(name: str) -> None:
    """Every URL the support-bot scripts and the triage notebook would fetch is on the
    reserved ``.invalid`` domain, so running one by mistake downloads nothing."""
    root = EXAMPLES / name
    files = [
        *(root / "code" / "scripts").glob("*.py"),
        root / "notebooks" / "03-ticket-triage.ipynb",
    ]
    urls = [url for path in files for url in _URL.findall(path.read_text(encoding="utf-8"))]
    assert urls
    assert [url for url in urls if not url.startswith("https://example.invalid/")] == []
