"""Run parameters and tags through the data classifiers: classes kept, values never."""

from __future__ import annotations

import pytest

from stackward.collectors.mlflow.params import classify_entries, key_values
from stackward.dspm.engine import default_engine
from tests.collectors.mlflow.conftest import fake_openai_key

KEY = fake_openai_key(11)
AWS_ID = "AKIAZ7QW3MPLK4TRX2NV"


@pytest.mark.parametrize(
    ("params", "tags", "expected"),
    [
        pytest.param(
            [("openai_api_key", KEY)],
            [],
            [("param", "openai_api_key", "secret.openai_api_key")],
            id="openai-key-param",
        ),
        pytest.param(
            [],
            [("notes", f"called with {KEY}")],
            [("tag", "notes", "secret.openai_api_key")],
            id="key-inside-tag-text",
        ),
        pytest.param(
            [("contact", "jane.doe@example.org")],
            [],
            [("param", "contact", "pii.email")],
            id="email-param",
        ),
        pytest.param([("openai_api_key", "${OPENAI_API_KEY}")], [], [], id="placeholder"),
        pytest.param([("openai_api_key", "sk-proj-xxxxxxxx")], [], [], id="masked-short"),
        pytest.param([("learning_rate", "0.001"), ("epochs", "30")], [], [], id="numbers"),
        pytest.param(
            [], [("mlflow.source.name", f"train.py {KEY}")], [], id="mlflow-system-tag-skipped"
        ),
        pytest.param([("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE")], [], [], id="aws-docs-key"),
    ],
)
def test_classes_of_parameters_and_tags(
    params: list[tuple[str, str]],
    tags: list[tuple[str, str]],
    expected: list[tuple[str, str, str]],
) -> None:
    records = classify_entries(params, tags, default_engine())
    assert [(r["where"], r["name"], c) for r in records for c in r["classes"]] == expected
    assert KEY not in repr(records)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param([{"key": "a", "value": "1"}], [("a", "1")], id="pairs"),
        pytest.param([{"key": "a"}, {"value": "1"}, "x", None], [], id="malformed-entries"),
        pytest.param({"key": "a", "value": "1"}, [], id="not-a-list"),
        pytest.param([{"key": "k" * 1000, "value": "v"}], [("k" * 256, "v")], id="long-key-cut"),
    ],
)
def test_key_values(raw: object, expected: list[tuple[str, str]]) -> None:
    assert key_values(raw) == expected
