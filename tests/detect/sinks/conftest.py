from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.detect.sinks.rsyslog import Rsyslog, running_rsyslog
from tests.tls_certs import TlsFiles


@pytest.fixture(scope="session")
def rsyslog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rsyslog]:
    with running_rsyslog(tmp_path_factory.mktemp("rsyslog")) as server:
        yield server


@pytest.fixture(scope="session")
def rsyslog_tls(tmp_path_factory: pytest.TempPathFactory, tls_files: TlsFiles) -> Iterator[Rsyslog]:
    """A second rsyslogd with TLS inputs (anonymous clients, and client certificates required)."""
    with running_rsyslog(tmp_path_factory.mktemp("rsyslog-tls"), tls=tls_files) as server:
        yield server
