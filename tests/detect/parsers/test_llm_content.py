"""Prompt, response and key handling shared by the gateway and Bedrock parsers."""

from __future__ import annotations

import json

import pytest

from stackward.detect.event import Position
from stackward.detect.interfaces import RawRecord
from stackward.detect.parsers import PARSERS
from stackward.detect.parsers.bedrock_invocation import bedrock_answer, bedrock_prompt
from stackward.detect.parsers.llm_content import (
    MAX_TEXT_BYTES,
    bound_text,
    chat_prompt,
    put_caller,
    put_count,
    put_exchange,
    redact_key,
    sampling_flags,
)

LONG_KEY = "sk-test-FAKE-0123456789abcdefXYZ9"
HASH = "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(LONG_KEY, "sk-t…XYZ9", id="long-key-ends"),
        pytest.param(f"Bearer {LONG_KEY}", "sk-t…XYZ9", id="bearer-dropped"),
        pytest.param("k-123", "sha256:3605a9e4358d", id="short-key-hashed"),
        pytest.param("sk-test-short", "sha256:", id="nineteen-or-less-hashed"),
        pytest.param(HASH, "sha256:88dc28d0f030", id="litellm-hash-kept-short"),
    ],
)
def test_redact_key_never_keeps_the_whole_key(key: str, expected: str) -> None:
    redacted = redact_key(key)
    assert redacted.startswith(expected)
    assert key.removeprefix("Bearer ") not in redacted
    assert len(redacted) <= 19


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        pytest.param("short prompt", False, id="short"),
        pytest.param("a" * MAX_TEXT_BYTES, False, id="exactly-the-bound"),
        pytest.param("a" * (MAX_TEXT_BYTES + 1), True, id="one-byte-over"),
        pytest.param("é" * 40_000, True, id="multibyte-over"),
        pytest.param("é" * 30_000, False, id="multibyte-under"),
    ],
)
def test_bound_text(text: str, cut: bool) -> None:
    bounded, was_cut = bound_text(text)
    assert was_cut is cut
    assert len(bounded.encode()) <= MAX_TEXT_BYTES
    assert text.startswith(bounded)
    assert (bounded == text) is not cut


def test_gateway_prompt_and_response_are_bounded_and_flagged() -> None:
    line = json.dumps(
        {
            "timestamp": "2026-11-26T14:00:00Z",
            "api_key": LONG_KEY,
            "request": {"model": "m", "messages": [{"role": "user", "content": "p" * 100_000}]},
            "response": {"choices": [{"message": {"content": "r" * 70_000}}]},
        }
    )
    (event,) = PARSERS["openai_gateway"].parse(RawRecord(line, Position("t", 0, 1)))
    assert event.annotations["prompt_truncated"] is True
    assert event.annotations["response_truncated"] is True
    assert len(event.annotations["prompt"]) == MAX_TEXT_BYTES
    assert len(event.annotations["response"]) == MAX_TEXT_BYTES
    assert LONG_KEY not in json.dumps(dict(event.annotations))


def test_short_texts_are_not_flagged() -> None:
    line = json.dumps({"ts": 1, "request": {"messages": [{"role": "user", "content": "hi"}]}})
    (event,) = PARSERS["openai_gateway"].parse(RawRecord(line, Position("t", 0, 1)))
    assert "prompt_truncated" not in event.annotations
    assert "response" not in event.annotations


@pytest.mark.parametrize(
    ("messages", "prompt", "system"),
    [
        pytest.param(
            [
                {"role": "system", "content": "S"},
                {
                    "role": "user",
                    "content": [{"type": "text", "text": "U1"}, {"type": "image_url"}],
                },
                {"role": "assistant", "content": "A"},
                {"role": "tool", "content": "T"},
                {"role": "user", "content": [{"type": "input_text", "text": "U2"}]},
            ],
            "S\nU1\nU2",
            "S",
            id="chat-with-parts-assistant-and-tool-left-out",
        ),
        pytest.param(
            [{"role": "developer", "content": "D"}, {"role": "user", "content": "U"}],
            "D\nU",
            "D",
            id="developer-is-system",
        ),
        pytest.param("plain prompt", "plain prompt", "", id="string"),
        pytest.param(
            [1, None, {"role": "user", "content": 5}, {"content": "no role"}],
            "",
            "",
            id="junk-skipped",
        ),
        pytest.param({"role": "user"}, "", "", id="not-a-list"),
    ],
)
def test_chat_prompt(messages: object, prompt: str, system: str) -> None:
    assert chat_prompt(messages) == (prompt, system)


@pytest.mark.parametrize(
    ("parameters", "flags"),
    [
        pytest.param({"logprobs": True}, {"logprobs": True}, id="logprobs"),
        pytest.param({"top_logprobs": 5}, {"logprobs": True}, id="top-logprobs"),
        pytest.param({"logprobs": False, "top_logprobs": 0}, {"logprobs": False}, id="asked-not"),
        pytest.param({"logit_bias": {"50256": -100}}, {"logit_bias": True}, id="logit-bias"),
        pytest.param({"logit_bias": {}}, {"logit_bias": False}, id="empty-logit-bias"),
        pytest.param({"temperature": 0}, {}, id="absent"),
        pytest.param("logprobs", {}, id="not-a-mapping"),
    ],
)
def test_sampling_flags(parameters: object, flags: dict[str, bool]) -> None:
    assert sampling_flags(parameters) == flags


@pytest.mark.parametrize(
    ("body", "prompt", "system"),
    [
        pytest.param(
            {"prompt": "\n\nHuman: hi\n\nAssistant:"},
            "\n\nHuman: hi\n\nAssistant:",
            "",
            id="claude-text-completion",
        ),
        pytest.param({"message": "Q", "preamble": "P"}, "P\nQ", "P", id="cohere-command-r"),
        pytest.param({"inputText": "T"}, "T", "", id="titan"),
        pytest.param(
            {"texts": ["a", "b"], "input_type": "search_query"}, "a\nb", "", id="cohere-embed"
        ),
        pytest.param(
            {
                "system": [{"type": "text", "text": "S"}],
                "messages": [{"role": "user", "content": "U"}],
            },
            "S\nU",
            "S",
            id="anthropic-system-blocks",
        ),
        pytest.param("raw", "raw", "", id="string-body"),
        pytest.param(None, "", "", id="no-body"),
    ],
)
def test_bedrock_prompt(body: object, prompt: str, system: str) -> None:
    assert bedrock_prompt(body) == (prompt, system)


@pytest.mark.parametrize(
    ("body", "answer"),
    [
        pytest.param({"completion": " Hi"}, " Hi", id="claude-text-completion"),
        pytest.param({"generations": [{"text": "G"}]}, "G", id="cohere"),
        pytest.param({"outputs": [{"text": "M", "stop_reason": "stop"}]}, "M", id="mistral"),
        pytest.param(
            [
                {"contentBlockDelta": {"delta": {"text": "a"}}},
                {"contentBlockDelta": {"delta": {"text": "b"}}},
                {"messageStop": {}},
            ],
            "ab",
            id="converse-stream",
        ),
        pytest.param({"choices": [{"message": {"content": "O"}}]}, "O", id="openai-style"),
        pytest.param({"embedding": [0.1]}, "", id="embedding-has-no-text"),
    ],
)
def test_bedrock_answer(body: object, answer: str) -> None:
    assert bedrock_answer(body) == answer


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(12, {"input_tokens": 12}, id="count"),
        pytest.param(0, {"input_tokens": 0}, id="zero-is-a-count"),
        pytest.param(-1, {}, id="negative-left-out"),
        pytest.param(True, {}, id="boolean-left-out"),
        pytest.param("12", {}, id="string-left-out"),
        pytest.param(None, {}, id="absent-left-out"),
    ],
)
def test_put_count_sets_only_token_counts(value: object, expected: dict[str, int]) -> None:
    annotations: dict[str, object] = {}
    put_count(annotations, "input_tokens", value)
    assert annotations == expected


@pytest.mark.parametrize(
    ("api_key", "actor", "source_ip", "expected"),
    [
        pytest.param(
            LONG_KEY,
            "alice",
            "10.0.0.7",
            {"api_key": "sk-t…XYZ9", "actor": "alice", "source_ip": "10.0.0.7"},
            id="all-known-key-redacted",
        ),
        pytest.param("", "alice", "", {"actor": "alice"}, id="empty-left-out"),
        pytest.param("", "", "", {}, id="nothing-known"),
    ],
)
def test_put_caller_sets_known_values(
    api_key: str, actor: str, source_ip: str, expected: dict[str, str]
) -> None:
    annotations: dict[str, object] = {}
    put_caller(annotations, api_key, actor, source_ip)
    assert annotations == expected
    assert LONG_KEY not in annotations.values()


@pytest.mark.parametrize(
    ("prompt", "system", "response", "expected"),
    [
        pytest.param(
            "hi", "be brief", "hello", {"prompt", "system_prompt", "response"}, id="all-three"
        ),
        pytest.param("hi", "", "", {"prompt"}, id="empty-left-out"),
        pytest.param(
            "x" * (MAX_TEXT_BYTES + 1),
            "",
            "y" * (MAX_TEXT_BYTES + 1),
            {"prompt", "prompt_truncated", "response", "response_truncated"},
            id="cut-and-flagged",
        ),
    ],
)
def test_put_exchange_bounds_and_flags(
    prompt: str, system: str, response: str, expected: set[str]
) -> None:
    annotations: dict[str, object] = {}
    put_exchange(annotations, prompt, system, response)
    assert set(annotations) == expected
    assert all(len(str(value)) <= MAX_TEXT_BYTES for value in annotations.values())
