"""The ML-BOM of real scans: the bundled example stack, and a stack with planted secrets and
personal data whose values must never reach the BOM."""

from __future__ import annotations

import csv
import json
import pickle
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from cyclonedx.validation.xml import XmlValidator

from stackward.config import load_config
from stackward.report.bom import BomFormat, render_bom
from stackward.scan import ScanResult, run_scan
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "ai-stack"
CHURN_MODEL = (
    "lineage:model/s3://acme-ml-model-artifacts/churn-xgb/churn-xgb-2026-11-02/output/model.tar.gz"
)
CHURN_FEATURES = "lineage:dataset/s3://acme-ml-training-data/features/churn"

# Synthetic values planted in the tmp stack; none may appear in the BOM.
PLANTED_SECRET = "sk-proj-Qx7vR2mN9pL4kT8wZ3yB6cD1fG5hJ0aS"
PLANTED_PASSWORD = "Tr0ub4dor-and-3-horses"
PLANTED_ROWS = [
    ("Oriane Castellanos", "oriane.castellanos@example.net", "+44 20 7946 0958", "1984-07-19"),
    ("Tobiah Lindqvist", "tobiah.lindqvist@example.net", "+44 20 7946 0347", "1991-02-03"),
    ("Marisol Okonkwo", "marisol.okonkwo@example.net", "+44 20 7946 0712", "1977-12-28"),
    ("Henrike Bauval", "henrike.bauval@example.net", "+44 20 7946 0164", "2000-05-11"),
]


def _scan_with_config(root: Path, config_file: Path) -> ScanResult:
    config = load_config(config_file)
    sources = config.sources.model_copy(update={"paths": [root]})
    return run_scan(config.model_copy(update={"sources": sources}))


@cache
def example_result() -> ScanResult:
    return _scan_with_config(EXAMPLE, EXAMPLE / "stackward.yaml")


@cache
def example_bom(fmt: BomFormat) -> str:
    return render_bom(example_result(), fmt, deterministic=True)


@pytest.mark.parametrize(
    ("fmt", "validator"),
    [
        (BomFormat.JSON, JsonStrictValidator(SchemaVersion.V1_6)),
        (BomFormat.XML, XmlValidator(SchemaVersion.V1_6)),
    ],
    ids=["json", "xml"],
)
def test_example_stack_bom_validates(
    fmt: BomFormat, validator: JsonStrictValidator | XmlValidator
) -> None:
    assert validator.validate_str(example_bom(fmt)) is None


def _example_refs() -> dict[str, dict[str, Any]]:
    document = json.loads(example_bom(BomFormat.JSON))
    refs = {c["bom-ref"]: c for c in document["components"]}
    return refs | {s["bom-ref"]: s for s in document["services"]}


EXAMPLE_ELEMENTS = [
    pytest.param(CHURN_MODEL, "machine-learning-model", id="lineage-model"),
    pytest.param("file:ai-stack/models/churn-classifier.pkl", "machine-learning-model", id="pkl"),
    pytest.param(CHURN_FEATURES, "data", id="features"),
    pytest.param("pkg:pypi/transformers", "library", id="transformers"),
    pytest.param("pkg:pypi/langchain-core", "library", id="langchain-core"),
    pytest.param("pkg:pypi/langchain-openai", "library", id="langchain-openai"),
    pytest.param("pkg:pypi/openai", "library", id="openai"),
    pytest.param("mlflow:model/churn-xgb/1", "machine-learning-model", id="mlflow-model"),
    pytest.param("k8s:deployment/ml-serving/vllm", None, id="vllm-service"),
    pytest.param("tf:aws_sagemaker_endpoint.churn", None, id="sagemaker-endpoint"),
]


@pytest.mark.parametrize(("ref", "kind"), EXAMPLE_ELEMENTS)
def test_example_stack_elements(ref: str, kind: str | None) -> None:
    assert _example_refs()[ref].get("type") == kind


@pytest.mark.parametrize(
    "ref",
    ["k8s:secret/ml-platform/mlflow-db", "tf:aws_kms_key.ml", "k8s:service/ml-serving/vllm"],
    ids=["secret", "kms-key", "k8s-service"],
)
def test_example_stack_infrastructure_is_not_in_the_bom(ref: str) -> None:
    assert ref not in _example_refs()


def test_example_churn_model_card_names_its_training_data() -> None:
    model = _example_refs()[CHURN_MODEL]
    assert model["modelCard"]["modelParameters"]["datasets"] == [{"ref": CHURN_FEATURES}]
    features = _example_refs()[CHURN_FEATURES]
    assert "pii.email" in features["data"][0]["sensitiveData"]


def test_example_mlflow_model_card_names_its_snapshot_and_classes() -> None:
    """The registered version from the MLflow file store: trained on the feature snapshot,
    carrying the customer extract's classes."""
    model = _example_refs()["mlflow:model/churn-xgb/1"]
    assert model["version"] == "1"
    assert model["modelCard"]["modelParameters"]["datasets"] == [
        {"ref": "lineage:dataset/s3://acme-ml-training-data/features/churn-snapshots/2026-11-02"}
    ]
    properties = {p["name"]: p["value"] for p in model["properties"]}
    assert "pii.email" in properties["stackward:derived_classes"]


def test_example_unauthenticated_vllm_is_marked() -> None:
    assert _example_refs()["k8s:deployment/ml-serving/vllm"]["authenticated"] is False


@pytest.mark.parametrize("fmt", list(BomFormat), ids=str)
def test_example_data_values_never_reach_the_bom(fmt: BomFormat) -> None:
    with (EXAMPLE / "datasets" / "customers.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    values = {row[column] for row in rows for column in ("full_name", "email", "phone")}
    text = example_bom(fmt)
    assert values
    assert [v for v in values if v in text] == []


@pytest.fixture(scope="module")
def planted_stack(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    root = tmp_path_factory.mktemp("planted") / "stack"
    (root / "code").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "models").mkdir()
    (root / "code" / "serve.py").write_text(
        "import sklearn\nimport torch\n\n"
        f'OPENAI_API_KEY = "{PLANTED_SECRET}"\n'
        f'DATABASE_URL = "postgresql://app:{PLANTED_PASSWORD}@db.internal:5432/ml"\n'
        'model = torch.load("models/model.pkl")\n',
        encoding="utf-8",
    )
    with (root / "data" / "customers.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["full_name", "email", "phone", "date_of_birth"])
        writer.writerows(PLANTED_ROWS * 5)
    # Plain data only: harmless even if someone loads it.
    (root / "models" / "model.pkl").write_bytes(pickle.dumps({"w": [0.1]}, protocol=4))
    config = root.parent / "stackward.yaml"
    config.write_text("version: 1\ndata:\n  sources:\n    - path: stack/data\n", encoding="utf-8")
    return _scan_with_config(root, config)


def test_planted_secret_and_data_were_found_by_the_scan(planted_stack: ScanResult) -> None:
    """The scan saw what was planted, so the absence checks below mean something."""
    code = planted_stack.graph.get("file:stack/code/serve.py")
    assert code is not None
    assert code.prop("secrets")
    classified = [a for a in planted_stack.graph.assets() if a.prop("data_classes")]
    assert any("pii.email" in a.prop("data_classes") for a in classified)


@pytest.mark.parametrize("fmt", list(BomFormat), ids=str)
def test_planted_values_never_reach_the_bom(planted_stack: ScanResult, fmt: BomFormat) -> None:
    text = render_bom(planted_stack, fmt, deterministic=True)
    planted = [PLANTED_SECRET, PLANTED_SECRET[:16], PLANTED_PASSWORD]
    planted += [value for row in PLANTED_ROWS for value in row]
    assert [value for value in planted if value in text] == []
    assert "pkg:pypi/scikit-learn" in text
    assert "pii.email" in text
