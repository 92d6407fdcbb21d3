"""Access-log line shapes beside the captured fixtures: other prefixes, zones and formats."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from stackward.detect.event import Position
from stackward.detect.interfaces import RawRecord
from stackward.detect.parsers import parser_for
from stackward.detect.parsers.jupyter_access import JupyterAccessParser
from stackward.detect.parsers.mlflow_access import MlflowAccessParser
from stackward.detect.parsers.ray_access import RayAccessParser
from tests.detect.parsers.records import fixture_records

BERLIN = ZoneInfo("Europe/Berlin")


def record(line: str) -> RawRecord:
    return RawRecord(line, Position("variant", 0, 1))


def test_jupyter_wall_clock_is_placed_in_the_configured_zone() -> None:
    (line,) = fixture_records("jupyter_access/jupyter_server_access.log")[:1]
    (event,) = JupyterAccessParser(zone=BERLIN).parse(line)
    assert event.time == dt.datetime(2026, 11, 26, 14, 46, 9, 481000, tzinfo=dt.UTC)


def test_mlflow_uvicorn_wall_clock_is_placed_in_the_configured_zone() -> None:
    (line,) = fixture_records("mlflow_access/uvicorn_access.log")[:1]
    (event,) = MlflowAccessParser(zone=BERLIN).parse(line)
    assert event.time == dt.datetime(2026, 11, 26, 14, 43, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(
            '2026-11-26T15:43:16.123456789Z INFO:     10.1.2.3:41446 - "GET /ajax-api/2.0/mlflow/runs/search HTTP/1.1" 200 OK',
            (
                "10.1.2.3",
                41446,
                "/ajax-api/2.0/mlflow/runs/search",
                dt.datetime(2026, 11, 26, 15, 43, 16, 123456, tzinfo=dt.UTC),
            ),
            id="docker-timestamps-prefix",
        ),
        pytest.param(
            '2026-11-26 16:43:16+01:00 WARNING:  [::1]:5000 - "DELETE /api/2.0/mlflow/experiments/delete HTTP/1.1" 403 Forbidden',
            (
                "[::1]",
                5000,
                "/api/2.0/mlflow/experiments/delete",
                dt.datetime(2026, 11, 26, 15, 43, 16, tzinfo=dt.UTC),
            ),
            id="offset-prefix-ipv6",
        ),
    ],
)
def test_uvicorn_time_prefixes(line: str, expected: tuple[object, ...]) -> None:
    (event,) = MlflowAccessParser().parse(record(line))
    assert (
        event.get("remote_addr"),
        event.get("remote_port"),
        event.get("path"),
        event.time,
    ) == expected


def test_gunicorn_logged_user_is_the_actor() -> None:
    line = '10.0.0.9 - alice [26/Nov/2026:10:00:00 -0500] "GET /api/2.0/mlflow/users/get HTTP/1.1" 200 51 "-" "mlflow-python-client/3.17.2"'
    (event,) = MlflowAccessParser().parse(record(line))
    assert event.annotations["actor"] == "alice"
    assert event.time == dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)


def test_plain_aiohttp_default_format() -> None:
    line = (
        '192.0.2.9 [26/Nov/2026:15:43:19 +0000] "POST /api/jobs/ HTTP/1.1" 200 44 "-" "ray/2.60.0"'
    )
    parser = parser_for(record(line))
    assert parser is not None
    assert parser.name == "ray_access"
    (event,) = RayAccessParser().parse(record(line))
    assert (event.get("method"), event.get("path"), event.get("bytes"), event.get("level")) == (
        "POST",
        "/api/jobs/",
        44,
        None,
    )


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(
            "[I 2026-11-26 15:43:34.677 ServerApp] Serving notebooks from local directory: /srv",
            id="serving",
        ),
        pytest.param(
            "[W 2026-11-26 15:43:34.677 ServerApp] 404 GET /x (127.0.0.1): missing",
            id="repeated-warning",
        ),
        pytest.param(
            "[I 2026-11-26 15:43:34.677 ServerApp] 200 GET /x (@1.2.3.4) fast", id="no-duration"
        ),
    ],
)
def test_jupyter_messages_that_are_not_requests(line: str) -> None:
    assert list(JupyterAccessParser().parse(record(line))) == []
