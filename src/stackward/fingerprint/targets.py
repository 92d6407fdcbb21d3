"""Targets: ``host:port`` or an ``http(s)://`` URL, normalised to a base URL."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


class TargetError(ValueError):
    """The endpoint text is not a usable target; the message says why."""


@dataclass(frozen=True, slots=True)
class Target:
    """``base_url`` has no trailing slash; probe paths are appended to it."""

    text: str
    base_url: str
    host: str
    port: int


def parse_target(text: str) -> Target:
    raw = text.strip()
    if not raw or len(raw) > 2048 or any(c.isspace() for c in raw):
        raise TargetError("expected host:port or an http(s) URL")
    candidate = raw if "://" in raw else f"http://{raw}"
    try:
        parts = urlsplit(candidate)
    except ValueError as exc:
        raise TargetError(f"not a URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise TargetError(f"unsupported scheme {parts.scheme!r}; use http or https")
    if parts.username or parts.password:
        raise TargetError("credentials in the URL are not accepted; probes stay anonymous")
    if parts.query or parts.fragment:
        raise TargetError("a target has no query or fragment")
    try:
        port = parts.port
    except ValueError:
        raise TargetError("port is not a number between 0 and 65535") from None
    host = parts.hostname
    if not host:
        raise TargetError("no host")
    if port is None:
        if "://" not in raw:
            raise TargetError("give a port (host:port) or a full URL")
        port = 443 if parts.scheme == "https" else 80
    shown_host = f"[{host}]" if ":" in host else host
    base = f"{parts.scheme}://{shown_host}:{port}{parts.path.rstrip('/')}"
    return Target(text=raw, base_url=base, host=host, port=port)
