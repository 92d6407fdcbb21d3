"""Sniffing picks exactly the right parser for each fixture, and nothing for foreign text."""

from __future__ import annotations

import json

import pytest

from stackward.detect.event import Position
from stackward.detect.interfaces import ParseError, RawRecord
from stackward.detect.parsers import PARSERS, parse_record, parser_for
from tests.detect.parsers.records import all_fixtures, fixture_records

FALLBACK = "json"


@pytest.mark.parametrize(("fixture", "format_name"), all_fixtures(), ids=lambda value: value)
def test_each_fixture_is_sniffed_by_exactly_its_own_parser(fixture: str, format_name: str) -> None:
    for record in fixture_records(fixture):
        claimed = {name for name, parser in PARSERS.items() if parser.sniff(record)}
        specific = claimed - {FALLBACK}
        assert specific == ({format_name} - {FALLBACK}), record.position
        chosen = parser_for(record)
        assert chosen is not None
        assert chosen.name == format_name


def test_every_format_has_a_fixture() -> None:
    assert {format_name for _, format_name in all_fixtures()} == set(PARSERS)


FOREIGN = [
    pytest.param("Nov 26 12:00:00 host sshd[311]: Accepted publickey for ops", id="syslog-line"),
    pytest.param("id,name,email\n", id="csv"),
    pytest.param("", id="empty"),
    pytest.param("   ", id="blank"),
    pytest.param("[1, 2, 3]", id="json-array"),
    pytest.param(b"\x00\x01\x02binary", id="binary"),
    pytest.param("ERROR something failed: [x] y", id="plain-error"),
]


@pytest.mark.parametrize("data", FOREIGN)
def test_foreign_text_is_claimed_by_no_parser(data: str | bytes) -> None:
    record = RawRecord(data, Position("test", 0, 1))
    assert parser_for(record) is None
    with pytest.raises(ParseError, match="no parser recognises"):
        list(parse_record(record))


def test_configured_format_skips_sniffing() -> None:
    """A source configured as ``json`` gets the json parser even for a CloudTrail line."""
    line = fixture_records("cloudtrail/events.jsonl")[0].data
    record = RawRecord(line, Position("test", 0, 1), format="json")
    parser = parser_for(record)
    assert parser is not None
    assert parser.name == "json"
    (event,) = parse_record(record)
    assert event.format == "json"
    assert event.annotations == {}


def test_unknown_configured_format_is_a_parse_error() -> None:
    record = RawRecord("{}", Position("test", 0, 1), format="syslog-ng")
    assert parser_for(record) is None
    with pytest.raises(ParseError, match="unknown log format 'syslog-ng'"):
        list(parse_record(record))


def test_another_formats_key_names_in_sender_metadata_do_not_hide_a_gateway_record() -> None:
    """A client that puts CloudTrail key names into its LiteLLM request metadata still has
    its request parsed as LiteLLM (and its prompt seen by the content detectors)."""
    payload = json.loads(fixture_records("litellm/standard_logging_payload.jsonl")[0].data)
    payload["metadata"]["requester_metadata"] = {"eventVersion": "1.09", "eventSource": "x"}
    record = RawRecord(json.dumps(payload), Position("t", 0, 1))
    assert PARSERS["cloudtrail"].sniff(record)
    (event,) = parse_record(record)
    assert event.format == "litellm"
    assert "prompt" in event.annotations


def test_gateway_key_names_in_cloudtrail_tags_do_not_hide_the_api_call() -> None:
    record_data = json.loads(fixture_records("cloudtrail/events.jsonl")[0].data)
    record_data["requestParameters"] = {
        "tags": {"call_type": "x", "startTime": 1, "request": "y", "messages": []}
    }
    record = RawRecord(json.dumps(record_data), Position("t", 0, 1))
    assert PARSERS["litellm"].sniff(record)
    (event,) = parse_record(record)
    assert event.format == "cloudtrail"


def test_key_names_as_string_values_are_not_markers() -> None:
    """``"eventVersion"`` as a value (a prompt that is just that word) claims nothing."""
    line = json.dumps(
        {
            "timestamp": "2026-11-26T14:00:00Z",
            "request": {"model": "m", "messages": [{"role": "user", "content": "eventVersion"}]},
            "note": "eventSource",
        }
    )
    record = RawRecord(line, Position("t", 0, 1))
    assert not PARSERS["cloudtrail"].sniff(record)
    (event,) = parse_record(record)
    assert event.format == "openai_gateway"


def test_litellm_key_names_in_a_gateway_record_do_not_hide_it() -> None:
    line = json.dumps(
        {
            "ts": 1795701660,
            "request": {"model": "m", "messages": [{"role": "user", "content": "hi"}]},
            "metadata": {"call_type": "completion", "startTime": 1},
        }
    )
    record = RawRecord(line, Position("t", 0, 1))
    assert PARSERS["litellm"].sniff(record)
    (event,) = parse_record(record)
    assert event.format == "openai_gateway"


def test_a_recognised_but_broken_record_reports_its_own_formats_problem() -> None:
    """The json fallback does not swallow a CloudTrail record whose eventTime is broken."""
    data = json.loads(fixture_records("cloudtrail/events.jsonl")[0].data)
    data["eventTime"] = 5
    record = RawRecord(json.dumps(data), Position("t", 0, 1))
    with pytest.raises(ParseError, match=r"^cloudtrail: eventTime: expected an ISO-8601"):
        list(parse_record(record))


def test_server_messages_give_no_events_in_auto_mode() -> None:
    (record,) = fixture_records("ray_access/dashboard_not_access.log")
    assert list(parse_record(record)) == []
