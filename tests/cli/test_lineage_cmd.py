"""``stackward lineage`` on a small project: a classified CSV, ETL and training events."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from stackward.cli.app import app
from stackward.cli.exit_codes import OK, USAGE_OR_CONFIG_ERROR
from tests.lineage.events import dataset, run_event

runner = CliRunner()
CUSTOMERS = "id,email\n" + "".join(f"{i},user{i}@example.org\n" for i in range(40))
MODEL_KEY = "s3://lake/models/churn.safetensors"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "lake").mkdir(parents=True)
    (root / "lake" / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    raw = dataset("file", str(root / "lake" / "customers.csv"))
    clean = dataset("s3://lake", "clean/customers")
    events = [
        run_event("clean_customers", [raw], [clean]),
        run_event("train_churn", [clean], [dataset("s3://lake", "models/churn.safetensors")]),
    ]
    (root / "events.jsonl").write_text(
        "".join(json.dumps(e) + "\n" for e in events), encoding="utf-8"
    )
    config = {
        "sources": {"paths": []},
        "store": {"path": str(tmp_path / "state" / "stackward.db")},
        "data": {"sources": [{"path": str(root / "lake")}], "jobs": 1},
        "lineage": {
            "openlineage": [str(root / "events.jsonl")],
            "receiver_dir": str(tmp_path / "none"),
        },
    }
    (root / "stackward.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root


def _lineage(project: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(
        app,
        ["lineage", *args, str(project / "events.jsonl"), "-c", str(project / "stackward.yaml")],
    )
    return result.exit_code, result.stdout if "--json" in args else result.output


def test_upstream_of_a_model_reaches_the_classified_csv(project: Path) -> None:
    code, out = _lineage(project, MODEL_KEY, "--upstream", "--json")
    assert code == OK, out
    tree = json.loads(out)
    nodes = {n["id"]: n for n in tree["nodes"]}
    csv = next(
        n for n in tree["nodes"] if n["dataset_key"] == f"file://{project}/lake/customers.csv"
    )
    assert csv["id"].startswith("data:") and csv["data_classes"] == ["pii.email"]
    assert nodes["lineage:job/etl/train_churn"]["kind"] == "ai.training_job"
    assert nodes[f"lineage:model/{MODEL_KEY}"]["depth"] == 0
    assert {
        "src": "lineage:job/etl/clean_customers",
        "dst": csv["id"],
        "kind": "READS",
        "properties": {},
    } in tree["edges"]


@pytest.mark.parametrize(
    "named_as",
    [
        pytest.param(lambda root: f"file://{root}/lake/customers.csv", id="dataset-key"),
        pytest.param(lambda root: f"{root}/lake/customers.csv", id="local-path"),
    ],
)
def test_downstream_text_tree_of_the_csv(project: Path, named_as: Callable[[Path], str]) -> None:
    code, out = _lineage(project, named_as(project), "--downstream", "--depth", "2")
    assert code == OK, out
    lines = out.splitlines()
    assert "classes: pii.email" in lines[0] and "region: unknown" in lines[0]
    assert any("READS: lineage:job/etl/clean_customers [data.job]" in line for line in lines)
    assert any("lineage:dataset/s3://lake/clean/customers" in line for line in lines)
    assert not any("train_churn" in line for line in lines)  # beyond --depth 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("no-such-asset",), "no asset 'no-such-asset'"),
        ((MODEL_KEY, "--upstream", "--downstream"), "not both"),
    ],
    ids=["unknown-asset", "both-directions"],
)
def test_usage_errors(project: Path, args: tuple[str, ...], message: str) -> None:
    code, out = _lineage(project, *args)
    assert code == USAGE_OR_CONFIG_ERROR
    assert message in out
