"""Read-only HTTP fetches with hard limits: method, redirects, time and body size.

Only ``GET`` and ``HEAD`` leave this module, redirects are never followed (a redirect is an
answer the rules can match), and no body is read past :data:`MAX_BODY_BYTES`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from stackward.fingerprint.rules import READ_METHODS, ProbeRequest

MAX_BODY_BYTES = 256 * 1024
CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 5.0
REQUEST_DEADLINE = 12.0
"""Whole-request ceiling, so a server dripping one byte per second cannot hold a slot."""
USER_AGENT = "stackward-fingerprint"
_NOT_JSON = object()


class UnreachableError(Exception):
    """The target gave no HTTP answer (closed port, timeout, TLS or protocol failure)."""


@dataclass(slots=True)
class Snapshot:
    """What came back for one request; the body is capped and never stored in an asset."""

    status: int
    headers: dict[str, str]
    body: bytes
    truncated: bool
    _json: Any = field(default=None, repr=False)
    _parsed: bool = field(default=False, repr=False)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The parsed body, or a sentinel when it is not (complete) JSON."""
        if not self._parsed:
            self._parsed = True
            self._json = _NOT_JSON
            if not self.truncated and self.body:
                with contextlib.suppress(ValueError, RecursionError):
                    self._json = json.loads(self.body)
        return self._json

    def is_json(self) -> bool:
        return self.json() is not _NOT_JSON


def timeouts() -> httpx.Timeout:
    return httpx.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT, write=READ_TIMEOUT, pool=60.0)


async def fetch(client: httpx.AsyncClient, base_url: str, request: ProbeRequest) -> Snapshot:
    """Send one probe; :class:`UnreachableError` when no HTTP answer came back."""
    if request.method not in READ_METHODS:  # the schema forbids it; never rely on one guard
        raise ValueError(f"refusing to send {request.method}")
    try:
        async with asyncio.timeout(REQUEST_DEADLINE):
            return await _send(client, base_url + request.path, request)
    except (httpx.HTTPError, TimeoutError, OSError) as exc:
        raise UnreachableError(_reason(exc)) from None


async def _send(client: httpx.AsyncClient, url: str, request: ProbeRequest) -> Snapshot:
    headers = {"user-agent": USER_AGENT, "accept-encoding": "identity", **request.headers}
    async with client.stream(
        request.method, url, headers=headers, follow_redirects=False
    ) as response:
        chunks: list[bytes] = []
        size = 0
        truncated = False
        if request.method == "GET":
            async for chunk in response.aiter_raw():
                room = MAX_BODY_BYTES - size
                if len(chunk) > room:
                    chunks.append(chunk[:room])
                    truncated = True
                    break
                chunks.append(chunk)
                size += len(chunk)
        return Snapshot(
            status=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()},
            body=_decoded(b"".join(chunks), response.headers.get("content-encoding", "")),
            truncated=truncated,
        )


def _decoded(raw: bytes, encoding: str) -> bytes:
    """Rules read text; compressed bodies are left as they are rather than inflated unbounded."""
    return raw if encoding.strip().lower() in ("", "identity") else b""


def _reason(exc: BaseException) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"no connection within {CONNECT_TIMEOUT:g} s"
    if isinstance(exc, httpx.ReadTimeout):
        return f"no answer within {READ_TIMEOUT:g} s"
    if isinstance(exc, TimeoutError):
        return f"answer not complete within {REQUEST_DEADLINE:g} s"
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed ({_short(exc)})"
    return f"{type(exc).__name__}: {_short(exc)}"


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:160]
