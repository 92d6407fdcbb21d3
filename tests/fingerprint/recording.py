"""An httpx client factory that records every request the fingerprinter sends."""

from __future__ import annotations

import httpx

from stackward.fingerprint.engine import default_client


class RecordingClients:
    """Builds the engine's real client with an event hook that records every request sent."""

    def __init__(self, timeout: httpx.Timeout | None = None) -> None:
        self.sent: list[tuple[str, str]] = []
        self._timeout = timeout

    async def _record(self, request: httpx.Request) -> None:
        self.sent.append((request.method, str(request.url)))

    def __call__(self) -> httpx.AsyncClient:
        client = default_client()
        client.event_hooks = {"request": [self._record], "response": []}
        if self._timeout is not None:
            client.timeout = self._timeout
        return client
