"""Where alerts go: JSON Lines, syslog (RFC 5424 or CEF; UDP, TCP or TLS), a webhook, the scan
store.

Every sink implements :class:`~stackward.detect.interfaces.Sink` and delivers the OCSF
Detection Finding of :func:`~stackward.detect.ocsf.to_ocsf`. :func:`build_sink` makes one
from its ``detect.sinks`` entry in ``stackward.yaml``.
"""

from __future__ import annotations

import os
from pathlib import Path

from stackward.detect.config import JsonlSink, SinkConfig, StoreSink, SyslogSink, WebhookSink
from stackward.detect.interfaces import Sink, SinkError
from stackward.detect.sinks.jsonl import JsonlAlertSink
from stackward.detect.sinks.store import StoreAlertSink
from stackward.detect.sinks.syslog import SyslogAlertSink, TlsSettings
from stackward.detect.sinks.webhook import WebhookAlertSink

__all__ = [
    "JsonlAlertSink",
    "StoreAlertSink",
    "SyslogAlertSink",
    "TlsSettings",
    "WebhookAlertSink",
    "build_sink",
]


def build_sink(config: SinkConfig, store_path: Path | str) -> Sink:
    """The sink a config entry describes; ``store_path`` is the scan store (``store.path``).

    Raises :class:`SinkError` when it cannot be set up (an unwritable file, a token variable
    that is not set).
    """
    if isinstance(config, JsonlSink):
        return JsonlAlertSink(config.path)
    if isinstance(config, SyslogSink):
        tls = None
        if config.protocol == "tls":
            tls = TlsSettings(config.ca_file, config.cert_file, config.key_file, config.server_name)
        return SyslogAlertSink(
            config.host, config.port, config.protocol, config.format, config.app_name, tls=tls
        )
    if isinstance(config, WebhookSink):
        token = None
        if config.token_env:
            token = os.environ.get(config.token_env)
            if not token:
                raise SinkError(
                    f"webhook {config.url}: environment variable {config.token_env} is not set"
                )
        return WebhookAlertSink(
            config.url,
            config.dead_letter,
            token=token,
            retries=config.retries,
            timeout_seconds=config.timeout_seconds,
        )
    if isinstance(config, StoreSink):
        return StoreAlertSink(store_path)
    raise SinkError(f"unknown sink type {type(config).__name__}")
