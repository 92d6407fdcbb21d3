"""A generic OpenAI-compatible gateway request log: one JSON object per request, holding the
request body and (when logged) the response body, plus who sent it.

Accepted field names (the first present wins):

- request body: ``request``, ``request_body``, ``req`` — an object, or a JSON string of one.
  Read from it: ``model``, ``messages`` (chat; string or list-of-parts content), ``prompt``
  (completions), ``input`` (Responses API), ``logprobs``, ``top_logprobs``, ``logit_bias``,
  ``user``.
- response body: ``response``, ``response_body``, ``resp`` — ``choices`` (``message.content``
  or ``text``), ``output`` (Responses API), ``usage`` (``prompt_tokens``/``input_tokens``,
  ``completion_tokens``/``output_tokens``), ``model``.
- time: ``timestamp``, ``@timestamp``, ``time``, ``ts``, ``start_time``, ``created_at``
  (ISO-8601, or a Unix epoch in seconds or milliseconds).
- API key: ``api_key``, ``key``, ``key_id``, ``virtual_key``, ``authorization`` (``Bearer``
  dropped); redacted in the annotation, kept in the fields only as the log wrote it.
- user: ``user``, ``user_id``, ``end_user``, ``actor`` (else the request body's ``user``).
- client address: ``client_ip``, ``source_ip``, ``remote_addr``, ``ip``.
- HTTP: ``status``, ``status_code``; ``path``, ``endpoint``, ``url``; ``method``.

Fields are the log object as is, except that a request or response body logged as a JSON
string is replaced by the parsed object (so ``request.model`` is reachable).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackward.detect.event import Event, LogSource
from stackward.detect.interfaces import ParseError, RawRecord
from stackward.detect.parsers.decoding import json_object, load_json, sniff_head
from stackward.detect.parsers.guard import guarded
from stackward.detect.parsers.llm_content import (
    chat_prompt,
    content_text,
    first_string,
    openai_response_text,
    put_caller,
    put_count,
    put_exchange,
    sampling_flags,
    token_count,
)
from stackward.detect.parsers.timestamps import epoch_or_iso_time

REQUEST_KEYS = ("request", "request_body", "req")
RESPONSE_KEYS = ("response", "response_body", "resp")
TIME_KEYS = ("timestamp", "@timestamp", "time", "ts", "start_time", "created_at")
KEY_KEYS = ("api_key", "key", "key_id", "virtual_key", "authorization")
USER_KEYS = ("user", "user_id", "end_user", "actor")
ADDRESS_KEYS = ("client_ip", "source_ip", "remote_addr", "ip")
PATH_KEYS = ("path", "endpoint", "url")


class OpenAIGatewayParser:
    name = "openai_gateway"
    logsource = LogSource("openai", "gateway", "llm")

    def sniff(self, record: RawRecord) -> bool:
        head = sniff_head(record)
        if head.lstrip()[:1] != "{" or not any(f'"{key}":' in head for key in REQUEST_KEYS):
            return False
        return '"messages":' in head or '"prompt":' in head or '"model":' in head

    def parse(self, record: RawRecord) -> Iterator[Event]:
        return guarded(self.name, self._events(record))

    def _events(self, record: RawRecord) -> Iterator[Event]:
        fields = json_object(record)
        request = _body(fields, REQUEST_KEYS)
        if request is None:
            raise ParseError("no request body (request, request_body or req)")
        response = _body(fields, RESPONSE_KEYS)
        stamp_key = next((key for key in TIME_KEYS if key in fields), None)
        if stamp_key is None:
            raise ParseError(f"no time field ({', '.join(TIME_KEYS)})")
        time = epoch_or_iso_time(fields[stamp_key], stamp_key)
        notes = _notes(fields, request, response or {})
        yield Event(time, self.logsource, self.name, fields, record.position, notes)


def _body(fields: dict[str, Any], keys: tuple[str, ...]) -> Mapping[str, Any] | None:
    """The body under the first of ``keys``; a JSON string body is parsed in place."""
    for key in keys:
        value = fields.get(key)
        if isinstance(value, str) and value.lstrip()[:1] == "{":
            value = load_json(value)
            fields[key] = value
        if isinstance(value, Mapping):
            return value
    return None


def _notes(
    fields: Mapping[str, Any], request: Mapping[str, Any], response: Mapping[str, Any]
) -> dict[str, Any]:
    notes: dict[str, Any] = {}
    put_caller(
        notes,
        api_key=first_string(fields, KEY_KEYS),
        actor=first_string(fields, USER_KEYS) or first_string(request, ("user",)),
        source_ip=first_string(fields, ADDRESS_KEYS),
    )
    model = first_string(request, ("model",)) or first_string(response, ("model",))
    if model:
        notes["model"] = notes["target"] = model
    path = first_string(fields, PATH_KEYS)
    if path:
        notes["action"] = f"{first_string(fields, ('method',)) or 'POST'} {path}"
    prompt, system = chat_prompt(request.get("messages"))
    if not prompt:
        prompt = content_text(request.get("prompt")) or content_text(request.get("input"))
    system = system or first_string(request, ("instructions",))
    put_exchange(notes, prompt, system, openai_response_text(response))
    usage = response.get("usage")
    if isinstance(usage, Mapping):
        for note, names in (
            ("input_tokens", ("prompt_tokens", "input_tokens")),
            ("output_tokens", ("completion_tokens", "output_tokens")),
        ):
            counts = (token_count(usage.get(name)) for name in names)
            put_count(notes, note, next((value for value in counts if value is not None), None))
    notes.update(sampling_flags(request))
    status = fields.get("status_code", fields.get("status"))
    if isinstance(status, int | str) and not isinstance(status, bool) and status != "":
        notes["status"] = status
    return notes
