"""Where detection reads records from: files, standard input, syslog, HTTP and S3.

:func:`build_source` turns one entry of ``detect.sources`` in ``stackward.yaml`` into a
:class:`~stackward.detect.interfaces.Source`. Secrets (the HTTP receiver's token) are read
from the environment variable the configuration names, never from the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, BinaryIO

from stackward.detect.config import (
    FileSource,
    HttpSource,
    S3Source,
    SourceConfig,
    StdinSource,
    SyslogSource,
)
from stackward.detect.interfaces import Source
from stackward.detect.sources.file import FileLogSource
from stackward.detect.sources.http import HttpReceiver
from stackward.detect.sources.s3 import S3LogSource
from stackward.detect.sources.spool import ReceiverSpool
from stackward.detect.sources.stdin import StdinLogSource
from stackward.detect.sources.syslog import SyslogReceiver
from stackward.tls import ReceiverTls, receiver_tls

__all__ = [
    "FileLogSource",
    "HttpReceiver",
    "ReceiverSpool",
    "ReceiverTls",
    "S3LogSource",
    "StdinLogSource",
    "SyslogReceiver",
    "build_source",
    "s3_client",
]

S3_CONNECT_TIMEOUT_SECONDS = 10
S3_READ_TIMEOUT_SECONDS = 60


def build_source(
    config: SourceConfig,
    *,
    max_queue: int = 10_000,
    insecure_no_auth: bool = False,
    stdin: BinaryIO | None = None,
    s3: Any = None,
    spool_dir: Path | None = None,
) -> Source:
    """The source one configuration entry describes. ``s3`` is an S3 client to use instead
    of one built from the entry (endpoint, region, profile); ``stdin`` a stream instead of
    the process's standard input; ``spool_dir`` makes the network receivers spool what they
    accept there, so a restart reads again what was not processed."""
    if isinstance(config, FileSource):
        return FileLogSource(config.path, format=config.format)
    if isinstance(config, StdinSource):
        return StdinLogSource(stdin, format=config.format)
    if isinstance(config, SyslogSource):
        host, port = _split(config.bind)
        syslog = SyslogReceiver(
            config.protocol,
            host,
            port,
            format=config.format,
            max_message_bytes=config.max_message_kb * 1024,
            max_queue=max_queue,
            tls=receiver_tls(config.cert_file, config.key_file, config.client_ca_file),
        )
        syslog.spool = ReceiverSpool(spool_dir, syslog.id) if spool_dir else None
        return syslog
    if isinstance(config, HttpSource):
        host, port = _split(config.bind)
        web = HttpReceiver(
            host,
            port,
            os.environ.get(config.token_env) or None,
            format=config.format,
            max_body_bytes=int(config.max_body_mb * 2**20),
            max_queue=max_queue,
            insecure_no_auth=insecure_no_auth,
            tls=receiver_tls(config.cert_file, config.key_file, config.client_ca_file),
        )
        web.spool = ReceiverSpool(spool_dir, web.id) if spool_dir else None
        return web
    client = s3 if s3 is not None else s3_client(config)
    return S3LogSource(
        config.url,
        client,
        format=config.format,
        poll_seconds=config.poll_seconds,
        late_seconds=config.late_seconds,
    )


def s3_client(config: S3Source) -> Any:
    """A boto3 S3 client for the entry: its profile and region, path-style addressing when
    an endpoint is given (S3-compatible stores), bounded timeouts and standard retries."""
    import boto3  # type: ignore[import-untyped,unused-ignore]
    from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]

    session = boto3.session.Session(profile_name=config.profile, region_name=config.region)
    return session.client(
        "s3",
        endpoint_url=config.endpoint_url,
        config=Config(
            connect_timeout=S3_CONNECT_TIMEOUT_SECONDS,
            read_timeout=S3_READ_TIMEOUT_SECONDS,
            retries={"max_attempts": 3, "mode": "standard"},
            s3={"addressing_style": "path"} if config.endpoint_url else {},
        ),
    )


def _split(bind: str) -> tuple[str, int]:
    host, _, port = bind.rpartition(":")
    return host.strip("[]"), int(port)
