"""AWS CloudTrail records: management events, S3 data events, Bedrock and SageMaker calls.

A record is one of: a delivered file (``{"Records": [...]}``, text or gzip bytes; one event
per record, ``Position.index`` = the record's index), one event per JSON line (CloudTrail
Lake exports, log pipelines), or an EventBridge envelope (``detail-type`` "... via
CloudTrail", the record under ``detail``). Fields are the CloudTrail record as is, so Sigma
rules written for CloudTrail (``eventSource``, ``userIdentity.arn``,
``requestParameters.modelId``) match unchanged.

A bad record inside a delivered file does not hide the good ones: they are yielded first,
then a ParseError names the bad ones.

This is the hot path of batch replay: one ``orjson.loads``, an ISO time, a few dict gets.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from stackward.detect.event import Event, LazyAnnotations, LogSource
from stackward.detect.interfaces import ParseError, RawRecord
from stackward.detect.parsers.decoding import (
    MAX_INFLATED_BYTES,
    MAX_LINE_BYTES,
    json_object,
    load_json,
    sniff_head,
)
from stackward.detect.parsers.guard import EXPECTED, as_parse_error, guarded
from stackward.detect.parsers.timestamps import iso_time

_TARGET_KEYS = (
    "modelId",
    "modelIdentifier",
    "endpointName",
    "modelName",
    "trainingJobName",
    "notebookInstanceName",
    "knowledgeBaseId",
    "agentId",
    "guardrailIdentifier",
    "functionName",
    "roleName",
    "userName",
    "policyArn",
    "secretId",
    "keyId",
    "name",
)
MAX_BAD_NAMED = 5
_new_tuple = tuple.__new__


class CloudTrailParser:
    name = "cloudtrail"
    logsource = LogSource("aws", "cloudtrail", "")

    def sniff(self, record: RawRecord) -> bool:
        head = sniff_head(record)
        if '"Records":' in head[:64]:
            return True
        if '"eventVersion":' in head and '"eventSource":' in head:
            return True
        return '"detail-type":' in head and 'via CloudTrail"' in head

    def parse(self, record: RawRecord) -> Iterator[Event]:
        """One line is parsed at once (the hot path: no generator layers); a delivered file
        is parsed at once and its records turned into events lazily."""
        try:
            data = record.data
            if type(data) is str and len(data) <= MAX_LINE_BYTES and data[:11] != '{"Records":':
                # one JSON line, read inline (the hot path of a busy trail)
                try:
                    document = orjson.loads(data)
                except orjson.JSONDecodeError:
                    document = load_json(data)  # raises the ParseError that names the problem
                if type(document) is not dict:
                    raise ParseError("expected a JSON object")
            else:
                limit = MAX_INFLATED_BYTES if _may_be_file(data) else MAX_LINE_BYTES
                document = json_object(record, limit)
            records = document.get("Records")
            if records is None:
                detail = document.get("detail")
                if detail is not None and "detail-type" in document:
                    if type(detail) is not dict:
                        raise ParseError("EventBridge detail is not an object")
                    document = detail
                return iter((self.event(document, record.position),))
            if type(records) is not list:
                raise ParseError("Records is not an array")
        except EXPECTED as exc:
            raise as_parse_error(self.name, exc) from None
        return guarded(self.name, self._file(records, record))

    def _file(self, records: list[Any], record: RawRecord) -> Iterator[Event]:
        bad: list[str] = []
        for index, item in enumerate(records):
            position = record.position._replace(index=index)
            try:
                if not isinstance(item, dict):
                    raise ParseError("not a JSON object")
                yield self.event(item, position)
            except ParseError as exc:
                bad.append(f"#{index}: {exc}")
        if bad:
            more = f" (and {len(bad) - MAX_BAD_NAMED} more)" if len(bad) > MAX_BAD_NAMED else ""
            named = "; ".join(bad[:MAX_BAD_NAMED])
            raise ParseError(f"{len(bad)} of {len(records)} records not usable: {named}{more}")

    def event(self, fields: dict[str, Any], position: Any) -> Event:
        if "eventName" not in fields:
            raise ParseError("not a CloudTrail record (no eventName)")
        time = iso_time(fields.get("eventTime"), "eventTime")
        notes = LazyAnnotations(_annotations, fields)
        # Event(...) without the named tuple's Python-level __new__: one call less per event
        return _new_tuple(Event, (time, self.logsource, self.name, fields, position, notes))


def _may_be_file(data: str | bytes) -> bool:
    """Delivered files (gzip, or text starting with ``{"Records"``) may be large."""
    head = data[:32]
    if isinstance(head, bytes):
        return head[:2] == b"\x1f\x8b" or b'"Records"' in head
    return '"Records"' in head


def _annotations(fields: Mapping[str, Any]) -> dict[str, Any]:
    notes: dict[str, Any] = {}
    name = fields["eventName"]
    if type(name) is str:
        notes["action"] = name
    identity = fields.get("userIdentity")
    if type(identity) is dict:
        actor = identity.get("arn") or identity.get("principalId") or identity.get("invokedBy")
        if type(actor) is str:
            notes["actor"] = actor
    address = fields.get("sourceIPAddress")
    if type(address) is str and address:
        notes["source_ip"] = address
    target = _target(fields)
    if target:
        notes["target"] = target
    error = fields.get("errorCode")
    if type(error) is str and error:
        notes["status"] = error
    return notes


def _target(fields: Mapping[str, Any]) -> str:
    params = fields.get("requestParameters")
    if type(params) is dict:
        bucket = params.get("bucketName")
        if type(bucket) is str and bucket:
            key = params.get("key")
            return f"{bucket}/{key}" if type(key) is str and key else bucket
        for key in _TARGET_KEYS:
            value = params.get(key)
            if type(value) is str and value:
                return value
    resources = fields.get("resources")
    if type(resources) is list and resources and type(resources[0]) is dict:
        arn = resources[0].get("ARN")
        if type(arn) is str:
            return arn
    return ""
