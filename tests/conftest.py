"""Shared fixtures and helpers for the test suite."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from stackward.checks.base import Check
from stackward.checks.engine import run_checks
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Finding, Relation

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = REPO_ROOT / "examples"


def graph_of(assets: Iterable[Asset], relations: Iterable[Relation] = ()) -> InventoryGraph:
    graph = InventoryGraph()
    graph.extend(assets, relations)
    return graph


def findings_of(check: type[Check], graph: InventoryGraph) -> list[Finding]:
    """Run one check over a graph; a check that raises fails the test."""
    run = run_checks(graph, [check()])
    assert not run.skipped, run.skipped
    return run.findings


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.db"
