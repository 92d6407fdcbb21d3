"""Amazon Bedrock model-invocation logs (``schemaType`` ModelInvocationLog).

Bedrock writes one JSON object per invocation to CloudWatch Logs or, as gzip JSON Lines, to
S3. A record is one such object, or a whole gzip object from S3 (one event per line,
``Position.index`` = the line's index). Fields are the log record as is (``identity.arn``,
``modelId``, ``operation``, ``input.inputBodyJson``, ``input.inputTokenCount``, ...).

The request and response bodies are read for the annotations in the shapes Bedrock models
use: Anthropic Messages (``system`` + ``messages``) and legacy text completions
(``prompt``/``completion``), Amazon Titan (``inputText``/``results[].outputText``), Meta
Llama and Mistral (``prompt``/``generation``/``outputs``), Cohere (``message``/``text``),
the Converse API (``messages[].content[].text``, ``system[].text``, ``output.message``) and
OpenAI-style bodies (``messages``/``choices``); streamed responses are lists of chunks.
A body larger than 100 KB is delivered by Bedrock to S3 (``inputBodyS3Path``) and is not
fetched: the event then has no prompt annotation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackward.detect.event import Event, LogSource
from stackward.detect.interfaces import ParseError, RawRecord
from stackward.detect.parsers.decoding import (
    MAX_INFLATED_BYTES,
    is_gzip,
    json_object,
    load_json,
    record_payload,
    sniff_head,
)
from stackward.detect.parsers.guard import guarded
from stackward.detect.parsers.llm_content import (
    MAX_PARTS,
    chat_prompt,
    content_text,
    openai_response_text,
    put_count,
    put_exchange,
    sampling_flags,
)
from stackward.detect.parsers.timestamps import iso_time

MAX_LINES = 1_000_000
_PROMPT_KEYS = ("prompt", "inputText", "message", "input")
_ANSWER_KEYS = ("completion", "generation", "outputText", "text")
_ANSWER_LISTS = ("results", "outputs", "generations")


class BedrockInvocationParser:
    name = "bedrock_invocation"
    logsource = LogSource("aws", "bedrock", "llm")

    def sniff(self, record: RawRecord) -> bool:
        head = sniff_head(record)
        return '"schemaType":' in head and '"ModelInvocationLog"' in head

    def parse(self, record: RawRecord) -> Iterator[Event]:
        return guarded(self.name, self._events(record))

    def _events(self, record: RawRecord) -> Iterator[Event]:
        if not is_gzip(record.data):
            yield self.event(json_object(record), record.position)
            return
        payload = record_payload(record, MAX_INFLATED_BYTES)
        lines = payload.splitlines()
        bad: list[str] = []
        index = 0
        for line in lines[:MAX_LINES]:
            if not line.strip():
                continue
            try:
                value = load_json(line)
                if not isinstance(value, dict):
                    raise ParseError("not a JSON object")
                yield self.event(value, record.position._replace(index=index))
            except ParseError as exc:
                bad.append(f"#{index}: {exc}")
            index += 1
        if bad or len(lines) > MAX_LINES:
            raise ParseError(f"{len(bad)} line(s) not usable, first: {bad[:3]}; read {index}")

    def event(self, fields: dict[str, Any], position: Any) -> Event:
        if fields.get("schemaType") != "ModelInvocationLog":
            raise ParseError("not a Bedrock invocation log (schemaType)")
        time = iso_time(fields.get("timestamp"), "timestamp")
        return Event(time, self.logsource, self.name, fields, position, _annotations(fields))


def _annotations(fields: Mapping[str, Any]) -> dict[str, Any]:
    notes: dict[str, Any] = {}
    identity = fields.get("identity")
    if isinstance(identity, Mapping) and isinstance(identity.get("arn"), str):
        notes["actor"] = identity["arn"]
    for note, key in (("action", "operation"), ("model", "modelId"), ("status", "errorCode")):
        value = fields.get(key)
        if isinstance(value, str) and value:
            notes[note] = value
    if "model" in notes:
        notes["target"] = notes["model"]
    given = _section(fields, "input")
    answer = _section(fields, "output")
    body = given.get("inputBodyJson")
    prompt, system = bedrock_prompt(body)
    put_exchange(notes, prompt, system, bedrock_answer(answer.get("outputBodyJson")))
    notes.update(sampling_flags(body))
    put_count(notes, "input_tokens", given.get("inputTokenCount"))
    put_count(notes, "output_tokens", answer.get("outputTokenCount"))
    return notes


def _section(fields: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = fields.get(key)
    return value if isinstance(value, Mapping) else {}


def bedrock_prompt(body: object) -> tuple[str, str]:
    """``(prompt, system prompt)`` of a Bedrock request body (see the module docstring)."""
    if not isinstance(body, Mapping):
        return (body, "") if isinstance(body, str) else ("", "")
    system = content_text(body.get("system")) or content_text(body.get("preamble"))
    prompt, chat_system = chat_prompt(body.get("messages"))
    if not prompt:
        prompt = next((content_text(body[key]) for key in _PROMPT_KEYS if key in body), "")
    if not prompt and isinstance(body.get("texts"), list):
        prompt = content_text(body["texts"])
    system = "\n".join(part for part in (system, chat_system) if part)
    if system and system not in prompt:
        prompt = f"{system}\n{prompt}" if prompt else system
    return prompt, system


def bedrock_answer(body: object) -> str:
    """The answer text of a Bedrock response body, or of a list of streamed chunks."""
    if isinstance(body, list):
        return "".join(bedrock_answer(chunk) for chunk in body[:MAX_PARTS])
    if isinstance(body, str):
        return body
    if not isinstance(body, Mapping):
        return ""
    if "choices" in body:
        return openai_response_text(body)
    output = body.get("output")
    if isinstance(output, Mapping) and isinstance(output.get("message"), Mapping):
        return content_text(output["message"].get("content"))
    if isinstance(body.get("content"), list):
        return content_text(body["content"])
    for key in _ANSWER_KEYS:
        if isinstance(body.get(key), str):
            return str(body[key])
    for key in _ANSWER_LISTS:
        if isinstance(body.get(key), list):
            return content_text(body[key])
    for key in ("delta", "contentBlockDelta"):
        delta = body.get(key)
        if isinstance(delta, Mapping):
            inner = delta.get("delta", delta)
            return content_text(inner) if isinstance(inner, Mapping) else ""
    return ""
