"""``stackward alerts``: the table, the OCSF JSON lines and the filters over a real store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stackward.cli.alerts_cmd import parse_since
from stackward.cli.app import build_app
from stackward.cli.exit_codes import OK, USAGE_OR_CONFIG_ERROR
from stackward.detect.sinks.store import StoreAlertSink
from stackward.model import Severity
from tests.detect.alert_builders import T0, enrichment, make_alert, schema_errors

runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("alerts") / "stackward.db"
    sink = StoreAlertSink(path)
    sink.emit(
        make_alert(
            rule_id="SW-DET-101",
            title="Prompt injection [bold]x[/bold]",
            severity=Severity.MEDIUM,
            at=0,
            line=1,
        ),
        enrichment(),
    )
    sink.emit(
        make_alert(rule_id="SW-DET-201", severity=Severity.CRITICAL, at=600, line=2, count=4),
        enrichment(),
    )
    sink.close()
    return path


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(build_app(["alerts"]), ["alerts", *args], env={"COLUMNS": "240"})
    return result.exit_code, result.output


def test_table_lists_every_alert(store: Path) -> None:
    code, out = _run("--store", str(store))
    assert code == OK
    assert "SW-DET-101" in out and "SW-DET-201" in out
    assert "Prompt injection [bold]x[/bold]" in out  # markup shown, not interpreted
    assert "2026-11-02 09:10:00" in out
    assert "critical" in out


def test_json_lines_are_ocsf(store: Path) -> None:
    code, out = _run("--store", str(store), "--json")
    assert code == OK
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["metadata"]["event_code"] for e in events] == ["SW-DET-201", "SW-DET-101"]
    assert all(schema_errors(e) == [] for e in events)


@pytest.mark.parametrize(
    ("args", "rules"),
    [
        pytest.param(["--rule", "SW-DET-101"], ["SW-DET-101"], id="rule"),
        pytest.param(["--min-severity", "high"], ["SW-DET-201"], id="min-severity"),
        pytest.param(["--since", "2026-11-02T09:05:00"], ["SW-DET-201"], id="since-iso"),
        pytest.param(["--since", "7d"], [], id="since-relative-excludes-old"),
        pytest.param(["--limit", "1"], ["SW-DET-201"], id="limit"),
    ],
)
def test_filters(store: Path, args: list[str], rules: list[str]) -> None:
    code, out = _run("--store", str(store), "--json", *args)
    assert code == OK
    assert [json.loads(line)["metadata"]["event_code"] for line in out.splitlines()] == rules


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--since", "yesterday"], "--since", id="bad-since"),
        pytest.param(["--min-severity", "urgent"], "urgent", id="bad-severity"),
    ],
)
def test_bad_options_are_usage_errors(store: Path, args: list[str], message: str) -> None:
    code, out = _run("--store", str(store), *args)
    assert code == USAGE_OR_CONFIG_ERROR
    assert message in out


def test_missing_store_is_an_error(tmp_path: Path) -> None:
    code, out = _run("--store", str(tmp_path / "none.db"))
    assert code == USAGE_OR_CONFIG_ERROR
    assert "no store" in out


def test_empty_store_says_so(tmp_path: Path) -> None:
    StoreAlertSink(tmp_path / "empty.db").close()
    assert _run("--store", str(tmp_path / "empty.db")) == (OK, "no alerts\n")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("90s", T0 - dt.timedelta(seconds=90)),
        ("30m", T0 - dt.timedelta(minutes=30)),
        ("24h", T0 - dt.timedelta(hours=24)),
        ("7d", T0 - dt.timedelta(days=7)),
        ("2026-11-01T00:00:00+02:00", dt.datetime(2026, 10, 31, 22, tzinfo=dt.UTC)),
        ("2026-11-01T00:00:00", dt.datetime(2026, 11, 1, tzinfo=dt.UTC)),
        (None, None),
    ],
)
def test_parse_since(value: str | None, expected: dt.datetime | None) -> None:
    assert parse_since(value, now=T0) == expected
