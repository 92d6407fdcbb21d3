"""Read-only MLflow REST calls: bounded responses, bounded pages, no redirects off the host.

Only ``GET`` requests are made, except ``runs/search``, whose documented method is ``POST``
with a JSON body; it is a search and changes nothing on the server. Every response body is
read up to :data:`MAX_RESPONSE_BYTES`; a longer body, a body that is not a JSON object, a
redirect to another host, a timeout or a connection error become an :class:`MlflowError`
whose message names the URL and the problem.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx

API = "/api/2.0/mlflow"
ARTIFACTS_API = "/api/2.0/mlflow-artifacts/artifacts"
"""The artifact proxy of a server started with ``--serve-artifacts`` (the default)."""
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
MAX_REDIRECTS = 3
MAX_PAGES = 1_000
"""Pages read from one search, whatever the page tokens say (a server that never stops)."""
PAGE_SIZE = 200
TIMEOUT_SECONDS = 20.0


class MlflowError(Exception):
    """A request that gave no usable answer; ``str()`` names the URL and the reason."""


class AuthRequired(MlflowError):
    """The server answered 401 or 403."""


class NotFound(MlflowError):
    """The server answered 404: an endpoint this server's version does not have (an MLflow 2
    server and the MLflow 3 logged-model search), or an object that is gone."""


class OffHostRedirect(MlflowError):
    """The server sent the request to another host (often a single sign-on login page)."""


@dataclass(frozen=True, slots=True)
class Probe:
    """What an unauthenticated request told about the server."""

    auth_required: bool
    status: int
    server_address: str | None
    """The IP address the connection reached, when the transport reports it."""


def credentials_auth(credential: str | None) -> httpx.Auth | None:
    """``user:password`` is basic auth; anything else is a bearer token."""
    if not credential:
        return None
    if ":" in credential:
        user, _, password = credential.partition(":")
        return httpx.BasicAuth(user, password)
    return _Bearer(credential)


class _Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


class MlflowClient:
    """A small client over one server. ``transport`` is injectable for protocol tests."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        verify: bool = True,
        timeout: float = TIMEOUT_SECONDS,
        max_bytes: int = MAX_RESPONSE_BYTES,
        max_pages: int = MAX_PAGES,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._origin = _origin(self.base_url)
        self._auth = auth
        self._max_bytes = max_bytes
        self._max_pages = max_pages
        self._http = httpx.Client(
            verify=verify,
            timeout=timeout,
            follow_redirects=False,
            transport=transport,
            headers={"Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> MlflowClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def probe(self) -> Probe:
        """An unauthenticated search for one experiment: does the server ask who we are?
        A 401/403, or a redirect to another host (a login page), means it does."""
        url = f"{self.base_url}{API}/experiments/search"
        try:
            response = self._send("GET", url, params={"max_results": 1}, auth=None)
        except OffHostRedirect:
            return Probe(True, 302, None)
        try:
            address = _peer_address(response)
            if response.status_code in (401, 403):
                return Probe(True, response.status_code, address)
            if response.status_code >= 400:
                raise MlflowError(f"{url}: HTTP {response.status_code}")
            self._json(response, url)
            return Probe(False, response.status_code, address)
        finally:
            response.close()

    def version(self) -> str | None:
        """The text of ``GET /version``; None when the server does not answer it."""
        url = f"{self.base_url}/version"
        response = self._send("GET", url, auth=self._auth)
        try:
            if response.status_code != 200:
                return None
            text = self._body(response, url).decode("utf-8", "replace").strip()
        finally:
            response.close()
        return text[:64] if text and len(text) <= 64 and "\n" not in text else None

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self._call("GET", path, params=params)

    def list_artifacts(self, path: str) -> list[dict[str, Any]]:
        """Entries (``path`` = base name, ``is_dir``, ``file_size``) of one proxied folder."""
        payload = self._call(
            "GET", "", params={"path": path}, url=f"{self.base_url}{ARTIFACTS_API}"
        )
        files = payload.get("files", [])
        return [f for f in files if isinstance(f, dict)] if isinstance(files, list) else []

    def download_artifact(self, path: str, destination: Path, max_bytes: int) -> None:
        """Stream one proxied file into ``destination``; a larger file is an error (and the
        partial copy is removed)."""
        url = f"{self.base_url}{ARTIFACTS_API}/{quote(path)}"
        response = self._send("GET", url, auth=self._auth)
        try:
            if response.status_code in (401, 403):
                raise AuthRequired(f"{url}: HTTP {response.status_code} (authentication refused)")
            if response.status_code == 404:
                raise NotFound(f"{url}: HTTP 404")
            if response.status_code >= 400:
                raise MlflowError(f"{url}: HTTP {response.status_code}")
            size = 0
            with destination.open("wb") as handle:
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise MlflowError(f"{url}: larger than {max_bytes} bytes; not downloaded")
                    handle.write(chunk)
        except httpx.HTTPError as exc:
            destination.unlink(missing_ok=True)
            raise MlflowError(f"{url}: {type(exc).__name__} while downloading") from None
        except MlflowError:
            destination.unlink(missing_ok=True)
            raise
        finally:
            response.close()

    def post_json(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return self._call("POST", path, body=body)

    def pages(
        self,
        method: str,
        path: str,
        field: str,
        request: Mapping[str, Any],
        limit: int,
    ) -> Iterator[dict[str, Any]]:
        """Items of ``field`` across pages, at most ``limit`` of them and ``max_pages``
        pages. Raises :class:`Truncated` (after yielding) when more were left unread."""
        token: str | None = None
        seen = 0
        for _ in range(self._max_pages):
            query = dict(request)
            query["max_results"] = min(PAGE_SIZE, max(1, limit - seen))
            if token:
                query["page_token"] = token
            if method == "GET":
                payload = self.get_json(path, params=query)
            else:
                payload = self.post_json(path, query)
            items = payload.get(field, [])
            if not isinstance(items, list):
                raise MlflowError(f"{self.base_url}{API}/{path}: {field!r} is not a list")
            for item in items:
                if seen >= limit:
                    raise Truncated(f"{path}: more than {limit} {field}; the rest were not read")
                if isinstance(item, dict):
                    seen += 1
                    yield item
            next_token = payload.get("next_page_token")
            if not isinstance(next_token, str) or not next_token:
                return
            if seen >= limit:
                raise Truncated(f"{path}: more than {limit} {field}; the rest were not read")
            token = next_token
        raise Truncated(f"{path}: more than {self._max_pages} pages; the rest were not read")

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        url: str | None = None,
    ) -> dict[str, Any]:
        url = url or f"{self.base_url}{API}/{path}"
        response = self._send(method, url, params=params, body=body, auth=self._auth)
        try:
            if response.status_code in (401, 403):
                raise AuthRequired(f"{url}: HTTP {response.status_code} (authentication refused)")
            if response.status_code == 404:
                raise NotFound(f"{url}: HTTP 404")
            if response.status_code >= 400:
                raise MlflowError(f"{url}: HTTP {response.status_code}")
            return self._json(response, url)
        finally:
            response.close()

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        auth: httpx.Auth | None,
    ) -> httpx.Response:
        """One request, following at most :data:`MAX_REDIRECTS` redirects on the same origin."""
        for _ in range(MAX_REDIRECTS + 1):
            request = self._http.build_request(
                method, url, params=dict(params) if params else None, json=body
            )
            try:
                response = self._http.send(request, auth=auth, stream=True)
            except httpx.TimeoutException:
                raise MlflowError(f"{url}: timed out") from None
            except httpx.HTTPError as exc:
                raise MlflowError(f"{url}: {type(exc).__name__}: {exc}") from None
            if not response.is_redirect:
                return response
            target = urljoin(url, response.headers.get("location", ""))
            response.close()
            if _origin(target) != self._origin:
                raise OffHostRedirect(
                    f"{url}: redirect to another host ({urlsplit(target).netloc or '?'}) refused"
                )
            url, params = target, None
        raise MlflowError(f"{url}: more than {MAX_REDIRECTS} redirects")

    def _body(self, response: httpx.Response, url: str) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise MlflowError(f"{url}: response larger than {self._max_bytes} bytes; not read")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self._max_bytes:
                    raise MlflowError(f"{url}: response larger than {self._max_bytes} bytes")
                chunks.append(chunk)
        except httpx.TimeoutException:
            raise MlflowError(f"{url}: timed out while reading the response") from None
        except httpx.HTTPError as exc:
            raise MlflowError(f"{url}: {type(exc).__name__} while reading") from None
        return b"".join(chunks)

    def _json(self, response: httpx.Response, url: str) -> dict[str, Any]:
        raw = self._body(response, url)
        try:
            loaded = json.loads(raw)
        except (UnicodeDecodeError, ValueError):
            raise MlflowError(f"{url}: response is not valid JSON") from None
        if not isinstance(loaded, dict):
            raise MlflowError(f"{url}: response is not a JSON object")
        return loaded


class Truncated(MlflowError):
    """A search had more than the configured bound; what was read is kept."""


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    try:
        port = parts.port or default
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _peer_address(response: httpx.Response) -> str | None:
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    try:
        address = stream.get_extra_info("server_addr")
    except Exception:  # transports differ in what extra info they know
        return None
    if isinstance(address, tuple) and address and isinstance(address[0], str):
        return address[0]
    return None


def is_public_address(host: str) -> bool:
    """An address routable on the internet (not private, loopback, link-local, reserved)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_global
    except ValueError:
        return False
