from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.detect.sinks.rsyslog import Rsyslog, running_rsyslog


@pytest.fixture(scope="session")
def rsyslog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rsyslog]:
    with running_rsyslog(tmp_path_factory.mktemp("rsyslog")) as server:
        yield server
