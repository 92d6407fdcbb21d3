"""A small run of the benchmark's simulated traffic: the detection and false-alarm rates must
stay where they were measured (docs/benchmarks.md has the full run).

Bounds are what the small run measured, with a margin: on the generated pool (no data on
disk) 10 of 12 attack keys were alerted and at most 3 of 35 benign keys (batch summarisers of
pseudo-word documents and chatbots whose system turn is not logged apart); on the benign
rows of the prompt-injection training set, 10 or 11 of 12 and none.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from benchmarks.extraction import run
from benchmarks.extraction_traffic import DATASET, PromptPool, load_pool, simulate, synthetic_pool

CAUGHT_EVERY_TIME = ("systematic", "perturbation", "logprob_harvest")
NEVER_ALERTED = ("human", "app", "chatbot")


@pytest.mark.parametrize(
    ("pool", "min_tpr", "max_fpr"),
    [
        pytest.param(synthetic_pool, 0.75, 0.12, id="generated-pool"),
        pytest.param(
            load_pool,
            0.8,
            0.05,
            id="prompt-injection-benign-rows",
            marks=pytest.mark.skipif(not DATASET.is_file(), reason=f"{DATASET} not present"),
        ),
    ],
)
def test_small_simulation_rates(
    pool: Callable[[], PromptPool], min_tpr: float, max_fpr: float
) -> None:
    outcomes = run(simulate(pool(), seed=3, scale=0.2, horizon=120)).outcomes.values()
    attacks = [o for o in outcomes if o.attack]
    benign = [o for o in outcomes if not o.attack]
    assert len(attacks) >= 10 and len(benign) >= 25
    tpr = sum(o.alert_query is not None for o in attacks) / len(attacks)
    fpr = sum(o.alert_query is not None for o in benign) / len(benign)
    assert tpr >= min_tpr, tpr
    assert fpr <= max_fpr, fpr
    for outcome in outcomes:
        if outcome.kind in CAUGHT_EVERY_TIME:
            assert outcome.alert_query is not None, outcome
            assert outcome.alert_query >= 50  # never before min_queries
        if outcome.kind in NEVER_ALERTED:
            assert outcome.alert_query is None, outcome
