"""LiteLLM proxy logs: the StandardLoggingPayload, one JSON object per request.

LiteLLM hands every logging integration the same payload (``kwargs
["standard_logging_object"]``); its JSON, file and custom loggers write it as is, sometimes
wrapped as ``{"standard_logging_object": {...}}`` (unwrapped here). Rows of the proxy's
``LiteLLM_SpendLogs`` table exported as JSON (``request_id``, ``api_key`` hash,
``startTime`` as an ISO string, ``proxy_server_request``) are read too.

Fields are the payload as is (``model``, ``call_type``, ``status``, ``metadata.*``,
``model_parameters.*``, ``messages``, ``response``). The time is ``startTime`` (a Unix
epoch in the payload, ISO-8601 in spend rows). Annotations: ``api_key`` (from
``metadata.user_api_key_hash`` or the spend row's ``api_key``, redacted), ``actor``
(``metadata.user_api_key_user_id``, ``user_api_key_alias``, ``end_user`` or ``user``),
``source_ip`` (``requester_ip_address``), prompt and system prompt from ``messages``,
response from ``response``, token counts, ``logprobs``/``logit_bias`` from
``model_parameters`` (or the logged request body), ``status`` (the error code of a failure,
else ``success``/``failure``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackward.detect.event import Event, LogSource
from stackward.detect.interfaces import ParseError, RawRecord
from stackward.detect.parsers.decoding import json_object, sniff_head
from stackward.detect.parsers.guard import guarded
from stackward.detect.parsers.llm_content import (
    chat_prompt,
    first_string,
    openai_response_text,
    put_caller,
    put_count,
    put_exchange,
    sampling_flags,
)
from stackward.detect.parsers.timestamps import epoch_or_iso_time

WRAPPER = "standard_logging_object"
_ACTOR_KEYS = ("user_api_key_user_id", "user_api_key_alias", "user_api_key_end_user_id")


class LiteLLMParser:
    name = "litellm"
    logsource = LogSource("litellm", "proxy", "llm")

    def sniff(self, record: RawRecord) -> bool:
        head = sniff_head(record)
        return '"call_type":' in head and '"startTime":' in head

    def parse(self, record: RawRecord) -> Iterator[Event]:
        return guarded(self.name, self._events(record))

    def _events(self, record: RawRecord) -> Iterator[Event]:
        fields = json_object(record)
        inner = fields.get(WRAPPER)
        if isinstance(inner, dict):
            fields = inner
        if "call_type" not in fields:
            raise ParseError("not a LiteLLM logging payload (no call_type)")
        time = epoch_or_iso_time(fields.get("startTime"), "startTime")
        yield Event(time, self.logsource, self.name, fields, record.position, _notes(fields))


def _notes(fields: Mapping[str, Any]) -> dict[str, Any]:
    notes: dict[str, Any] = {}
    metadata = fields.get("metadata")
    metadata = metadata if isinstance(metadata, Mapping) else {}
    put_caller(
        notes,
        api_key=first_string(metadata, ("user_api_key_hash",))
        or first_string(fields, ("api_key",)),
        actor=first_string(metadata, _ACTOR_KEYS) or first_string(fields, ("end_user", "user")),
        source_ip=first_string(fields, ("requester_ip_address",))
        or first_string(metadata, ("requester_ip_address",)),
    )
    for note, names in (("model", ("model",)), ("action", ("call_type",))):
        value = first_string(fields, names)
        if value:
            notes[note] = value
    target = first_string(fields, ("model_group", "model"))
    if target:
        notes["target"] = target
    prompt, system = chat_prompt(_messages(fields))
    put_exchange(notes, prompt, system, openai_response_text(fields.get("response")))
    put_count(notes, "input_tokens", fields.get("prompt_tokens"))
    put_count(notes, "output_tokens", fields.get("completion_tokens"))
    notes.update(sampling_flags(_parameters(fields)))
    status = _status(fields)
    if status:
        notes["status"] = status
    return notes


def _messages(fields: Mapping[str, Any]) -> object:
    messages = fields.get("messages")
    if messages:
        return messages
    request = fields.get("proxy_server_request")
    return request.get("messages") if isinstance(request, Mapping) else None


def _parameters(fields: Mapping[str, Any]) -> object:
    parameters = fields.get("model_parameters")
    if isinstance(parameters, Mapping) and parameters:
        return parameters
    return fields.get("proxy_server_request")


def _status(fields: Mapping[str, Any]) -> str:
    information = fields.get("error_information")
    if isinstance(information, Mapping):
        code = information.get("error_code")
        if isinstance(code, str | int) and not isinstance(code, bool) and str(code):
            return str(code)
    status = fields.get("status")
    return status if isinstance(status, str) else ""
