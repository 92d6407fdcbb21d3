"""``build_sink``: each ``detect.sinks`` entry of the config gives its sink."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackward.detect.config import JsonlSink, StoreSink, SyslogSink, WebhookSink
from stackward.detect.interfaces import SinkError
from stackward.detect.sinks import (
    JsonlAlertSink,
    StoreAlertSink,
    SyslogAlertSink,
    WebhookAlertSink,
    build_sink,
)


@pytest.mark.parametrize(
    ("config", "kind"),
    [
        pytest.param(JsonlSink(path=Path("alerts.jsonl")), JsonlAlertSink, id="jsonl"),
        pytest.param(SyslogSink(format="cef", protocol="udp"), SyslogAlertSink, id="syslog"),
        pytest.param(WebhookSink(url="http://127.0.0.1:9/hook"), WebhookAlertSink, id="webhook"),
        pytest.param(StoreSink(), StoreAlertSink, id="store"),
    ],
)
def test_builds_each_sink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: object, kind: type
) -> None:
    monkeypatch.chdir(tmp_path)
    sink = build_sink(config, tmp_path / "store.db")  # type: ignore[arg-type]
    assert isinstance(sink, kind)
    sink.close()


def test_syslog_settings_are_passed_on() -> None:
    sink = build_sink(
        SyslogSink(host="10.0.0.5", port=6514, protocol="udp", format="cef", app_name="sw"),
        Path("unused.db"),
    )
    assert isinstance(sink, SyslogAlertSink)
    assert (sink.host, sink.port, sink.protocol, sink.message_format, sink.app_name) == (
        "10.0.0.5",
        6514,
        "udp",
        "cef",
        "sw",
    )


def test_webhook_token_comes_from_the_named_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SW_TEST_HOOK_TOKEN", "abc123")
    sink = build_sink(
        WebhookSink(url="http://127.0.0.1:9/hook", token_env="SW_TEST_HOOK_TOKEN"), Path("x.db")
    )
    assert isinstance(sink, WebhookAlertSink)
    assert sink._client.headers["Authorization"] == "Bearer abc123"
    sink.close()


def test_webhook_token_variable_not_set_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SW_TEST_HOOK_TOKEN", raising=False)
    with pytest.raises(SinkError, match="SW_TEST_HOOK_TOKEN is not set"):
        build_sink(
            WebhookSink(url="http://127.0.0.1:9/hook", token_env="SW_TEST_HOOK_TOKEN"),
            Path("x.db"),
        )
