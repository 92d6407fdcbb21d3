"""Two readers naming the same node: the first keeps its values, the second fills the gaps."""

from __future__ import annotations

import pytest

from stackward.lineage.training.builder import TrainingLineage, dataset_id

KEY = "s3://acme/features/churn"


@pytest.mark.parametrize(
    ("first", "second", "region"),
    [
        pytest.param(None, "us-east-1", "us-east-1", id="a-later-reader-fills-the-region"),
        pytest.param("eu-west-1", "us-east-1", "eu-west-1", id="the-first-region-stays"),
        pytest.param("eu-west-1", None, "eu-west-1", id="no-region-takes-nothing-away"),
    ],
)
def test_same_dataset_from_two_readers(
    first: str | None, second: str | None, region: str | None
) -> None:
    lineage = TrainingLineage()
    lineage.dataset(KEY, "mlruns/meta.yaml", first)
    lineage.dataset(KEY, "training-job.json", second)
    (asset,) = lineage.assets.values()
    assert asset.id == dataset_id(KEY)
    assert asset.region == region
    assert asset.source == "mlruns/meta.yaml"
