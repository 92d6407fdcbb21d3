"""A loopback HTTP replay server: documented answers of AI services that cannot run here.

One asyncio server process listens on many ports; each port serves one *profile* (a table of
path → status, headers, body). Every request line it receives is logged, so a test can prove
that the fingerprinter only ever sent GET and HEAD. Stdlib only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Answer = tuple[int, dict[str, str], bytes]
Profile = Mapping[str, Answer]
MAX_HEADER_BYTES = 16 * 1024


def json_answer(document: Any, status: int = 200, **headers: str) -> Answer:
    return status, {"content-type": "application/json", **headers}, json.dumps(document).encode()


def text_answer(text: str, status: int = 200, content_type: str = "text/plain") -> Answer:
    return status, {"content-type": content_type}, text.encode()


NOT_FOUND: Answer = (404, {"content-type": "text/plain"}, b"Not Found")


@dataclass
class ReplayServer:
    """Serves ``profiles[port]`` on ``127.0.0.1:port``; ``log`` holds (port, method, path)."""

    profiles: dict[int, Profile] = field(default_factory=dict)
    log: list[tuple[int, str, str]] = field(default_factory=list)
    hang_ports: set[int] = field(default_factory=set)
    """Ports that accept connections and never answer (timeouts)."""

    async def serve(self, ports: list[int], ready: asyncio.Event | None = None) -> None:
        servers = []
        for port in ports:
            servers.append(await asyncio.start_server(self._client(port), "127.0.0.1", port))
        if ready is not None:
            ready.set()
        try:
            await asyncio.gather(*(s.serve_forever() for s in servers))
        finally:
            for s in servers:
                s.close()

    def _client(self, port: int):  # type: ignore[no-untyped-def]
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    if len(head) > MAX_HEADER_BYTES:
                        break
                    line = head.split(b"\r\n", 1)[0].decode("latin-1")
                    method, target, _ = [*line.split(" "), "", ""][:3]
                    self.log.append((port, method, target))
                    if port in self.hang_ports:
                        await asyncio.sleep(3600)
                    status, headers, body = self.profiles.get(port, {}).get(target, NOT_FOUND)
                    lines = [f"HTTP/1.1 {status} X"]
                    lines += [f"{k}: {v}" for k, v in headers.items()]
                    lines += [f"content-length: {len(body)}", "", ""]
                    writer.write("\r\n".join(lines).encode("latin-1"))
                    if method != "HEAD":
                        writer.write(body)
                    await writer.drain()
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                pass
            finally:
                writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()

        return handle


class ReplayThread:
    """Runs a :class:`ReplayServer` on its own event loop in a daemon thread."""

    def __init__(self, server: ReplayServer, ports: list[int]) -> None:
        self.server = server
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ports,), daemon=True)

    def _run(self, ports: list[int]) -> None:
        asyncio.set_event_loop(self._loop)

        async def main() -> None:
            ready = asyncio.Event()
            task = asyncio.ensure_future(self.server.serve(ports, ready))
            await ready.wait()
            self._ready.set()
            await task

        try:
            self._loop.run_until_complete(main())
        except asyncio.CancelledError:
            pass
        finally:
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.close()

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("replay server did not start")

    def stop(self) -> None:
        def cancel() -> None:
            for task in asyncio.all_tasks(self._loop):
                task.cancel()

        self._loop.call_soon_threadsafe(cancel)
        self._thread.join(10)


def free_ports(count: int) -> list[int]:
    """Ports nobody listens on right now (bound then released by the kernel)."""
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports
