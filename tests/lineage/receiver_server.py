"""A lineage receiver on a free loopback port, served from a thread for one test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stackward.lineage.receiver import LineageReceiver, make_receiver

TOKEN = "test-token-0123456789abcdef"


@contextmanager
def running_receiver(spool: Path, max_body_bytes: int = 1 << 20) -> Iterator[LineageReceiver]:
    server = make_receiver("127.0.0.1", 0, spool, TOKEN, max_body_bytes=max_body_bytes)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def url_of(server: LineageReceiver) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}"
