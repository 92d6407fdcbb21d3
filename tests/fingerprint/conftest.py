from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fingerprint.profiles import CASES
from tests.fingerprint.replay import ReplayServer, ReplayThread, free_ports


@pytest.fixture(scope="module")
def replay() -> Iterator[tuple[ReplayServer, dict[str, int]]]:
    """Every profile of :data:`CASES` on its own loopback port, plus one hanging port."""
    names = [*CASES, "hang"]
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    server = ReplayServer(
        profiles={ports[n]: CASES[n].profile for n in CASES}, hang_ports={ports["hang"]}
    )
    thread = ReplayThread(server, list(ports.values()))
    thread.start()
    yield server, ports
    thread.stop()
