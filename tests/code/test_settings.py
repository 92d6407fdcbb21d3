"""``sources.code`` settings: defaults, bounds and unknown keys."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stackward.config.schema import ScanConfig


def test_defaults() -> None:
    code = ScanConfig().sources.code
    assert (code.enabled, code.max_file_kb, code.max_facts_per_file) == (True, 1024, 200)


@pytest.mark.parametrize(
    "code",
    [{"max_file_kb": 0}, {"max_facts_per_file": 0}, {"unknown": 1}, {"enabled": "sometimes"}],
    ids=["zero-size", "zero-facts", "unknown-key", "not-a-bool"],
)
def test_invalid_settings_are_errors(code: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ScanConfig.model_validate({"sources": {"code": code}})
