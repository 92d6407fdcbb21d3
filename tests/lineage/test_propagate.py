"""Classification propagation along lineage, on hand-built graphs."""

from __future__ import annotations

import random
from typing import Any

import pytest

from stackward.config.schema import ScanConfig
from stackward.graph.inventory import InventoryGraph
from stackward.lineage.propagate import (
    PropagationPass,
    downstream_index,
    downstream_of,
    reaching_sources,
)
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind
from stackward.scan.passes import builtin_passes
from tests.conftest import graph_of

R = RelationKind
KINDS = {
    "job": AssetKind.DATA_JOB,
    "run": AssetKind.TRAINING_JOB,
    "model": AssetKind.MODEL_ARTIFACT,
    "endpoint": AssetKind.MODEL_ENDPOINT,
    "role": AssetKind.IAM_ROLE,
}


def _asset(asset_id: str, classes: list[str] | None = None) -> Asset:
    kind = KINDS.get(asset_id.split(":", 1)[0], AssetKind.DATASET)
    props: dict[str, Any] = {}
    if classes:
        props["data_classes"] = {
            c: {"count": 1, "confidence": 0.9, "fields": ["f"]} for c in classes
        }
    return Asset(asset_id, kind, Layer.CORE_AI, asset_id, "test", props)


def _graph(
    classified: dict[str, list[str]], edges: list[tuple[str, RelationKind, str]]
) -> InventoryGraph:
    ids = {i for e in edges for i in (e[0], e[2])} | set(classified)
    return graph_of(
        [_asset(i, classified.get(i)) for i in sorted(ids)],
        [Relation(src, dst, kind) for src, kind, dst in edges],
    )


def _derived(graph: InventoryGraph) -> dict[str, dict[str, list[str]]]:
    return {
        a.id: {c: list(s) for c, s in a.prop("derived_classes").items()}
        for a in graph.assets()
        if a.prop("derived_classes")
    }


EMAIL = {"data:crm": ["pii.email"]}
CHAIN = [
    ("data:clean", R.DERIVED_FROM, "data:crm"),
    ("job:etl", R.READS, "data:clean"),
    ("job:etl", R.WRITES, "data:features"),
    ("run:train", R.READS, "data:features"),
    ("run:train", R.WRITES, "model:churn"),
    ("model:churn", R.TRAINED_ON, "data:features"),
    ("model:deploy", R.LOADS_MODEL, "model:churn"),
    ("endpoint:prod", R.SERVES, "model:deploy"),
]
E = {"pii.email": ["data:crm"]}


@pytest.mark.parametrize(
    ("classified", "edges", "expected"),
    [
        pytest.param(
            EMAIL,
            CHAIN,
            {
                "data:clean": E,
                "job:etl": E,
                "data:features": E,
                "run:train": E,
                "model:churn": E,
                "model:deploy": E,
                "endpoint:prod": E,
            },
            id="full-chain",
        ),
        pytest.param(
            {"data:a": ["pii.email"], "data:b": ["pii.phone"]},
            [
                ("data:left", R.DERIVED_FROM, "data:a"),
                ("data:right", R.DERIVED_FROM, "data:a"),
                ("data:right", R.DERIVED_FROM, "data:b"),
                ("data:join", R.DERIVED_FROM, "data:left"),
                ("data:join", R.DERIVED_FROM, "data:right"),
            ],
            {
                "data:left": {"pii.email": ["data:a"]},
                "data:right": {"pii.email": ["data:a"], "pii.phone": ["data:b"]},
                "data:join": {"pii.email": ["data:a"], "pii.phone": ["data:b"]},
            },
            id="diamond-two-sources",
        ),
        pytest.param(
            {"data:a": ["pii.email"], "data:b": ["pii.email"]},
            [("data:out", R.DERIVED_FROM, "data:a"), ("data:out", R.DERIVED_FROM, "data:b")],
            {"data:out": {"pii.email": ["data:a", "data:b"]}},
            id="same-class-two-sources-sorted",
        ),
        pytest.param(
            EMAIL,
            [
                ("data:x", R.DERIVED_FROM, "data:crm"),
                ("data:y", R.DERIVED_FROM, "data:x"),
                ("data:x", R.DERIVED_FROM, "data:y"),
                ("data:crm", R.DERIVED_FROM, "data:y"),
            ],
            {"data:x": E, "data:y": E},
            id="cycle-back-to-source",
        ),
        pytest.param(
            EMAIL,
            [("data:crm", R.DERIVED_FROM, "data:raw"), ("model:m", R.TRAINED_ON, "data:raw")],
            {},
            id="not-against-edge-direction",
        ),
        pytest.param(
            EMAIL,
            [
                ("role:analyst", R.CAN_ACCESS, "data:crm"),
                ("data:crm", R.CONTAINS, "data:part"),
                ("job:copy", R.REFERENCES, "data:crm"),
                ("job:copy", R.WRITES, "data:copy"),
            ],
            {},
            id="unrelated-edges-carry-nothing",
        ),
        pytest.param(
            EMAIL,
            [("model:m", R.TRAINED_ON, "data:crm"), ("model:m", R.WRITES, "data:scores")],
            {"model:m": E},
            id="writes-only-from-jobs",
        ),
        pytest.param(
            EMAIL,
            [("job:etl", R.WRITES, "data:crm"), ("job:etl", R.READS, "data:other")],
            {},
            id="producer-of-source-is-upstream",
        ),
        pytest.param(
            {"data:keys": ["secret.aws_access_key"]},
            [("model:m", R.TRAINED_ON, "data:keys")],
            {"model:m": {"secret.aws_access_key": ["data:keys"]}},
            id="secret-only",
        ),
    ],
)
def test_propagation(
    classified: dict[str, list[str]],
    edges: list[tuple[str, RelationKind, str]],
    expected: dict[str, dict[str, list[str]]],
) -> None:
    graph = _graph(classified, edges)
    assert PropagationPass().apply(graph, ScanConfig()) == []
    assert _derived(graph) == expected


@pytest.mark.parametrize(
    ("classes", "pii_derived"),
    [
        pytest.param(["pii.email"], {"model:churn": True, "model:deploy": True}, id="pii"),
        pytest.param(["secret.github_token"], {}, id="secret-not-pii"),
        pytest.param(
            ["pii.phone", "secret.jwt"], {"model:churn": True, "model:deploy": True}, id="mixed"
        ),
    ],
)
def test_only_models_with_pii_are_marked_pii_derived(
    classes: list[str], pii_derived: dict[str, bool]
) -> None:
    graph = _graph({"data:crm": classes}, CHAIN)
    PropagationPass().apply(graph, ScanConfig())
    marked = {a.id: a.prop("pii_derived") for a in graph.assets() if a.prop("pii_derived")}
    assert marked == pii_derived


def test_earlier_derived_classes_are_kept_and_rerun_is_stable() -> None:
    graph = _graph(EMAIL, [("data:out", R.DERIVED_FROM, "data:crm")])
    graph.add_asset(
        Asset(
            "data:out",
            AssetKind.DATASET,
            Layer.CORE_AI,
            "out",
            "test",
            {"derived_classes": {"pii.phone": ["data:elsewhere"]}},
        )
    )
    PropagationPass().apply(graph, ScanConfig())
    PropagationPass().apply(graph, ScanConfig())
    assert graph["data:out"].prop("derived_classes") == {
        "pii.email": ["data:crm"],
        "pii.phone": ["data:elsewhere"],
    }


def test_malformed_data_classes_is_reported() -> None:
    graph = graph_of(
        [Asset("data:x", AssetKind.DATASET, Layer.CORE_AI, "x", "t", {"data_classes": ["pii"]})]
    )
    (problem,) = PropagationPass().apply(graph, ScanConfig())
    assert problem.location == "data:x"
    assert "not a mapping" in problem.reason


def test_long_chain_is_walked_without_recursion() -> None:
    edges = [(f"data:{i + 1}", R.DERIVED_FROM, f"data:{i}") for i in range(5_000)]
    graph = _graph({"data:0": ["pii.email"]}, edges)
    reached = downstream_of("data:0", downstream_index(graph))
    assert len(reached) == 5_000


def test_pass_is_registered() -> None:
    assert any(isinstance(p, PropagationPass) for p in builtin_passes())


@pytest.mark.parametrize("seed", range(6), ids=lambda s: f"seed-{s}")
def test_set_flow_matches_one_walk_per_source_on_random_lineage(seed: int) -> None:
    """Random graphs with cycles: the topological set flow equals a plain walk per source."""
    rng = random.Random(seed)
    nodes = [f"data:{i}" for i in range(60)]
    edges = [
        (
            rng.choice(nodes),
            rng.choice([R.DERIVED_FROM, R.TRAINED_ON, R.CAN_ACCESS]),
            rng.choice(nodes),
        )
        for _ in range(120)
    ]
    graph = _graph({}, edges)
    index = downstream_index(graph)
    sources = set(rng.sample(sorted(graph_ids := {a.id for a in graph.assets()}), 8))
    expected: dict[str, set[str]] = {}
    for source in sources:
        for reached in downstream_of(source, index):
            expected.setdefault(reached, set()).add(source)
    flowed = {
        node: set(found - {node})
        for node, found in reaching_sources(sources, index).items()
        if found - {node}
    }
    assert flowed == expected
    assert set(flowed) <= graph_ids
