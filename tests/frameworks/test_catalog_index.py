"""The compact ATLAS index shipped beside the release must be derived from that release."""

from __future__ import annotations

import json
from importlib import resources

from stackward.frameworks.catalog import ATLAS_INDEX, atlas_index_from_yaml


def test_index_matches_the_vendored_release() -> None:
    shipped = json.loads(
        resources.files("stackward.frameworks.data").joinpath(ATLAS_INDEX).read_text("utf-8")
    )
    assert shipped == atlas_index_from_yaml(), "run: python -m stackward.frameworks.catalog"
