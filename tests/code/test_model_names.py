"""Model literal classification: provider names, Hub ids, routed names and look-alikes."""

from __future__ import annotations

import pytest

from stackward.code import classify_model


@pytest.mark.parametrize(
    ("value", "hub_call", "expected"),
    [
        ("gpt-4o-2024-08-06", False, "model:provider/openai/gpt-4o-2024-08-06"),
        ("o3-mini", False, "model:provider/openai/o3-mini"),
        ("text-embedding-3-large", False, "model:provider/openai/text-embedding-3-large"),
        ("claude-3-opus-20240229", False, "model:provider/anthropic/claude-3-opus-20240229"),
        ("models/gemini-1.5-flash", False, "model:provider/google/gemini-1.5-flash"),
        ("command-r-plus", False, "model:provider/cohere/command-r-plus"),
        (
            "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
            False,
            "model:provider/bedrock/us.anthropic.claude-3-5-sonnet-20240620-v1:0",
        ),
        ("anthropic/claude-3-haiku", False, "model:provider/anthropic/claude-3-haiku"),
        ("azure/my-gpt4-deployment", False, "model:provider/azure-openai/my-gpt4-deployment"),
        ("openai/whisper-large-v3", False, "model:hf/openai/whisper-large-v3"),
        ("google-bert/bert-base-uncased", False, "model:hf/google-bert/bert-base-uncased"),
        ("gpt2", True, "model:hf/gpt2"),
        ("gpt2", False, None),
        ("org/model.safetensors", False, None),
        ("a/b/c", False, None),
        ("-org/name", False, None),
        ("org /name", False, None),
        ("", False, None),
        ("gpt-4o is great", False, None),
        ("x" * 300, False, None),
        ("checkpoints/epoch-3", True, None),
    ],
    ids=lambda v: str(v)[:40],
)
def test_classify_model(value: str, hub_call: bool, expected: str | None) -> None:
    found = classify_model(value, hub_call)
    assert (found.asset_id if found else None) == expected
