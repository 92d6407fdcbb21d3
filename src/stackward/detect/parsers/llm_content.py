"""Prompts, responses, keys and request flags out of LLM request and response bodies.

Shared by the gateway parsers (LiteLLM, OpenAI-compatible gateways) and Bedrock invocation
logs. Text is bounded (:data:`MAX_TEXT_BYTES` each, cut and flagged) because it is kept only
for content detectors; API keys are never kept whole (:func:`redact_key`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

MAX_TEXT_BYTES = 64 * 1024
_SAFE_CHARS = MAX_TEXT_BYTES // 4
"""Text this short (in characters) cannot exceed the byte bound in UTF-8."""
MAX_PARTS = 10_000
"""Messages or content parts read per body at most."""
PROMPT_ROLES = frozenset({"user", "system", "developer", "human"})
SYSTEM_ROLES = frozenset({"system", "developer"})
_LONG_KEY = 20
_TEXT_KEYS = ("text", "content", "input_text", "outputText", "generation", "completion")


def redact_key(key: str) -> str:
    """The form of an API key kept in events.

    A key of at least 20 characters becomes its first 4 and last 4 characters around ``…``
    (``sk-t…9f2c``), enough to tell keys apart in an alert; a shorter key would be mostly
    revealed that way, so it becomes ``sha256:`` and the first 12 hex digits of its SHA-256.
    A value that already is a SHA-256 hex digest (LiteLLM stores key hashes) keeps 12 digits.
    """
    key = key.strip()
    if key.lower().startswith("bearer "):
        key = key[7:].strip()
    if len(key) == 64 and all(char in "0123456789abcdef" for char in key.lower()):
        return f"sha256:{key[:12].lower()}"
    if len(key) >= _LONG_KEY:
        return f"{key[:4]}…{key[-4:]}"
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:12]


def bound_text(text: str) -> tuple[str, bool]:
    """``text`` cut to :data:`MAX_TEXT_BYTES` UTF-8 bytes, and whether it was cut."""
    if len(text) <= _SAFE_CHARS:
        return text, False
    encoded = text.encode("utf-8", "replace")
    if len(encoded) <= MAX_TEXT_BYTES:
        return text, False
    return encoded[:MAX_TEXT_BYTES].decode("utf-8", "ignore"), True


def put_text(annotations: dict[str, Any], name: str, text: str, flag: str = "") -> None:
    """Set ``annotations[name]`` to the bounded ``text`` (nothing when empty); ``flag`` names
    the annotation set true when the text was cut."""
    if not text:
        return
    bounded, cut = bound_text(text)
    annotations[name] = bounded
    if cut and flag:
        annotations[flag] = True


def put_exchange(annotations: dict[str, Any], prompt: str, system: str, response: str) -> None:
    """Set the bounded ``prompt``, ``system_prompt`` and ``response`` annotations (the empty
    ones left out), with ``prompt_truncated`` / ``response_truncated`` when one was cut."""
    put_text(annotations, "prompt", prompt, "prompt_truncated")
    put_text(annotations, "system_prompt", system)
    put_text(annotations, "response", response, "response_truncated")


def put_caller(annotations: dict[str, Any], api_key: str, actor: str, source_ip: str) -> None:
    """Set the ``api_key`` (redacted), ``actor`` and ``source_ip`` annotations that are known
    (non-empty)."""
    if api_key:
        annotations["api_key"] = redact_key(api_key)
    if actor:
        annotations["actor"] = actor
    if source_ip:
        annotations["source_ip"] = source_ip


def put_count(annotations: dict[str, Any], name: str, value: object) -> None:
    """Set ``annotations[name]`` when ``value`` is a token count (:func:`token_count`)."""
    count = token_count(value)
    if count is not None:
        annotations[name] = count


def content_text(content: object) -> str:
    """The text of a message ``content``: a string, a list of parts (``{"type": "text",
    "text": ...}``, Bedrock Converse ``{"text": ...}``), or one such part."""
    if isinstance(content, str):
        return content
    if isinstance(content, Mapping):
        for key in _TEXT_KEYS:
            value = content.get(key)
            if isinstance(value, str):
                return value
            if isinstance(value, list | Mapping):
                return content_text(value)
        return ""
    if isinstance(content, list):
        return "\n".join(text for text in map(content_text, content[:MAX_PARTS]) if text)
    return ""


def chat_prompt(messages: object) -> tuple[str, str]:
    """``(prompt, system prompt)`` of a chat ``messages`` list: user and system turns joined
    by newlines (assistant and tool turns left out), and the system turns alone."""
    if isinstance(messages, str):
        return messages, ""
    if not isinstance(messages, list):
        return "", ""
    prompt: list[str] = []
    system: list[str] = []
    for message in messages[:MAX_PARTS]:
        if not isinstance(message, Mapping):
            continue
        role = message.get("role")
        if role not in PROMPT_ROLES:
            continue
        text = content_text(message.get("content"))
        if not text:
            continue
        prompt.append(text)
        if role in SYSTEM_ROLES:
            system.append(text)
    return "\n".join(prompt), "\n".join(system)


def openai_response_text(body: object) -> str:
    """The answer text of an OpenAI-style response: ``choices[].message.content`` (chat),
    ``choices[].text`` (completions), or the Responses API ``output[].content[].text``."""
    if isinstance(body, str):
        return body
    if not isinstance(body, Mapping):
        return ""
    choices = body.get("choices")
    if isinstance(choices, list):
        texts: list[str] = []
        for choice in choices[:MAX_PARTS]:
            if not isinstance(choice, Mapping):
                continue
            message = choice.get("message") or choice.get("delta")
            if isinstance(message, Mapping):
                texts.append(content_text(message.get("content")))
            elif isinstance(choice.get("text"), str):
                texts.append(choice["text"])
        return "\n".join(text for text in texts if text)
    output = body.get("output")
    if isinstance(output, list):
        return content_text(
            [item.get("content") for item in output[:MAX_PARTS] if isinstance(item, Mapping)]
        )
    return ""


def sampling_flags(parameters: object) -> dict[str, bool]:
    """``logprobs`` / ``logit_bias`` annotations from request parameters: whether the
    request asked for token log-probabilities (``logprobs``, ``top_logprobs``) or biased
    tokens (a non-empty ``logit_bias``). Absent parameters give no annotation."""
    if not isinstance(parameters, Mapping):
        return {}
    flags: dict[str, bool] = {}
    if "logprobs" in parameters or "top_logprobs" in parameters:
        top = parameters.get("top_logprobs")
        flags["logprobs"] = bool(parameters.get("logprobs")) or (
            isinstance(top, int) and not isinstance(top, bool) and top > 0
        )
    if "logit_bias" in parameters:
        flags["logit_bias"] = bool(parameters.get("logit_bias"))
    return flags


def token_count(value: object) -> int | None:
    """A token count when the value is a non-negative integer (booleans are not counts)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def first_string(mapping: Mapping[str, Any], keys: Iterable[str]) -> str:
    """The first non-empty string among ``keys`` of ``mapping``."""
    for key in keys:
        value = mapping.get(key)
        if isinstance(value, str) and value:
            return value
    return ""
