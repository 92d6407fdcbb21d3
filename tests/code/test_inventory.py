"""The files collector with code reading, end to end over a small synthetic repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackward.checks.engine import run_checks
from stackward.checks.registry import load_checks
from stackward.collectors.base import CollectContext, CollectResult
from stackward.collectors.files import FilesCollector
from stackward.collectors.walk import walk_tree
from stackward.config.schema import ScanConfig, Sources
from stackward.graph.inventory import InventoryGraph
from stackward.model import AssetKind, RelationKind

REPO = Path(__file__).resolve().parent / "fixtures" / "repo"


@pytest.fixture(scope="module")
def collected() -> CollectResult:
    config = ScanConfig(sources=Sources(paths=[REPO]))
    return FilesCollector().collect(CollectContext(config=config, files=walk_tree(REPO).files))


def test_referenced_models_and_datasets_are_one_asset_each(collected: CollectResult) -> None:
    kinds = {a.id: a.kind for a in collected.assets if not a.id.startswith("file:")}
    assert kinds == {
        "model:provider/openai/gpt-4o": AssetKind.AI_SERVICE,
        "model:hf/mistralai/Mistral-7B-v0.1": AssetKind.MODEL_ARTIFACT,
        "dataset:hf/tatsu-lab/alpaca": AssetKind.DATASET,
    }
    gpt = next(a for a in collected.assets if a.id == "model:provider/openai/gpt-4o")
    assert gpt.prop("reference_count") == 3
    assert gpt.prop("model_ref") == "provider" and gpt.prop("provider") == "openai"
    alpaca = next(a for a in collected.assets if a.id == "dataset:hf/tatsu-lab/alpaca")
    assert alpaca.prop("dataset_key") == "huggingface/tatsu-lab/alpaca"


def test_files_reference_what_they_name(collected: CollectResult) -> None:
    edges = sorted((r.src, r.dst) for r in collected.relations if r.kind is RelationKind.REFERENCES)
    assert edges == [
        ("file:repo/notebooks/finetune.ipynb", "dataset:hf/tatsu-lab/alpaca"),
        ("file:repo/notebooks/finetune.ipynb", "model:hf/mistralai/Mistral-7B-v0.1"),
        ("file:repo/notebooks/finetune.ipynb", "model:provider/openai/gpt-4o"),
        ("file:repo/src/agent.py", "model:provider/openai/gpt-4o"),
        ("file:repo/src/safe_twin.py", "model:provider/openai/gpt-4o"),
    ]


def test_dependency_file_lists_pinned_ai_packages(collected: CollectResult) -> None:
    requirements = next(a for a in collected.assets if a.id == "file:repo/requirements.txt")
    deps = [(d["name"], d["pinned"]) for d in requirements.prop("ai_dependencies")]
    assert deps == [("langchain-core", None), ("openai", "1.40.0"), ("transformers", "4.44.2")]


def _findings(collected: CollectResult) -> list[tuple[str, str, int | None]]:
    graph = InventoryGraph()
    graph.extend(collected.assets, collected.relations)
    run = run_checks(graph, load_checks())
    assert not run.skipped, run.skipped
    return sorted(
        (f.rule_id, f.asset_id, f.evidence.line)
        for f in run.findings
        if f.rule_id.startswith("SW-CODE") or not f.asset_id.startswith("file:")
    )


def test_planted_exposures_are_found_and_the_locked_down_twin_is_clean(
    collected: CollectResult,
) -> None:
    assert _findings(collected) == [
        ("SW-CODE-001", "file:repo/src/agent.py", 25),
        ("SW-CODE-002", "file:repo/notebooks/finetune.ipynb", 2),
        ("SW-CODE-002", "file:repo/src/agent.py", 33),
        ("SW-CODE-003", "file:repo/src/agent.py", 29),
    ]


def test_agent_file_inventory(collected: CollectResult) -> None:
    agent = next(a for a in collected.assets if a.id == "file:repo/src/agent.py")
    assert [t["name"] for t in agent.prop("agent_tools")] == ["lookup_order"]
    assert [p["via"] for p in agent.prop("prompts")] == ["SYSTEM_PROMPT"]
    assert "Example Corp" not in repr(dict(agent.properties))
    assert [c["name"] for c in agent.prop("ai_components")] == ["langchain_core", "openai"]
