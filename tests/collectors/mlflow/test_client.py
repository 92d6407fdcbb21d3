"""The REST client against hostile or odd servers: pagination, bounds, bad bodies, redirects."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from stackward.collectors.mlflow import MlflowCollector
from stackward.collectors.mlflow.client import (
    AuthRequired,
    MlflowClient,
    MlflowError,
    Truncated,
    credentials_auth,
    is_public_address,
)
from stackward.collectors.mlflow.transform import logged_model_of
from stackward.config.schema import MlflowSource
from stackward.model import AssetKind
from tests.collectors.mlflow.scripted import Reply, json_reply, scripted_server


def _paged(pages: int, per_page: int, endless: bool = False) -> Any:
    def script(method: str, path: str, query: dict[str, list[str]], body: bytes) -> Reply:
        page = int((query.get("page_token") or ["0"])[0])
        items = [{"experiment_id": f"{page}-{i}", "name": "e"} for i in range(per_page)]
        payload: dict[str, Any] = {"experiments": items}
        if endless or page + 1 < pages:
            payload["next_page_token"] = str(page + 1)
        return json_reply(payload)

    return script


@pytest.mark.parametrize(
    ("pages", "per_page", "limit", "endless", "expected", "truncated"),
    [
        pytest.param(1, 3, 100, False, 3, False, id="one-page"),
        pytest.param(4, 5, 100, False, 20, False, id="four-pages-followed"),
        pytest.param(0, 0, 100, False, 0, False, id="empty"),
        pytest.param(4, 5, 12, False, 12, True, id="limit-cuts-mid-page"),
        pytest.param(4, 5, 10, False, 10, True, id="limit-at-page-boundary-more-left"),
        pytest.param(2, 5, 10, False, 10, False, id="limit-equals-total"),
    ],
)
def test_pagination_is_followed_and_bounded(
    pages: int, per_page: int, limit: int, endless: bool, expected: int, truncated: bool
) -> None:
    with scripted_server(_paged(pages, per_page, endless)) as (url, _), MlflowClient(url) as client:
        found: list[dict[str, Any]] = []
        try:
            for item in client.pages("GET", "experiments/search", "experiments", {}, limit):
                found.append(item)
        except Truncated:
            assert truncated
        else:
            assert not truncated
    assert len(found) == expected
    assert len({f["experiment_id"] for f in found}) == expected


def test_endless_page_tokens_stop_at_the_page_bound() -> None:
    with (
        scripted_server(_paged(0, 1, endless=True)) as (url, recorded),
        MlflowClient(url, max_pages=5) as client,
        pytest.raises(Truncated, match="more than 5 pages"),
    ):
        list(client.pages("GET", "experiments/search", "experiments", {}, 10_000))
    assert len(recorded.requests) == 5


def test_runs_search_is_a_post_with_the_experiment_ids() -> None:
    def script(method: str, path: str, query: dict[str, list[str]], body: bytes) -> Reply:
        return json_reply({"runs": [{"info": {"run_id": "r1"}}]} if method == "POST" else {}, 200)

    with scripted_server(script) as (url, recorded), MlflowClient(url) as client:
        runs = list(client.pages("POST", "runs/search", "runs", {"experiment_ids": ["1"]}, 10))
    assert runs == [{"info": {"run_id": "r1"}}]
    method, path, _, body = recorded.requests[0]
    assert (method, path) == ("POST", "/api/2.0/mlflow/runs/search")
    assert json.loads(body)["experiment_ids"] == ["1"]


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        pytest.param(Reply(body=b"{not json"), "not valid JSON", id="malformed-json"),
        pytest.param(Reply(body=b"[1, 2]"), "not a JSON object", id="json-array"),
        pytest.param(Reply(body=b"\xff\xfe\x00"), "not valid JSON", id="binary-body"),
        pytest.param(Reply(body=b'{"experiments": 5}'), "is not a list", id="field-not-list"),
        pytest.param(Reply(status=500, body=b"boom"), "HTTP 500", id="server-error"),
        pytest.param(Reply(status=403), "authentication refused", id="forbidden"),
        pytest.param(Reply(body=b"{}", delay=1.5), "timed out", id="slow-response"),
        pytest.param(
            Reply(body=b'{"experiments": []}' + b" " * 5000), "larger than 4096", id="huge-body"
        ),
        pytest.param(
            Reply(302, b"", (("Location", "http://198.51.100.7/api/2.0/mlflow/x"),)),
            "redirect to another host (198.51.100.7) refused",
            id="redirect-off-host",
        ),
        pytest.param(
            Reply(302, b"", (("Location", "https://127.0.0.1/elsewhere"),)),
            "redirect to another host",
            id="redirect-scheme-change",
        ),
    ],
)
def test_bad_answers_become_clear_errors(reply: Reply, message: str) -> None:
    with (
        scripted_server(lambda *_: reply) as (url, _),
        MlflowClient(url, timeout=0.5, max_bytes=4096) as client,
        pytest.raises(MlflowError, match=re.escape(message)),
    ):
        list(client.pages("GET", "experiments/search", "experiments", {}, 10))


def test_redirect_on_the_same_host_is_followed() -> None:
    def script(method: str, path: str, query: dict[str, list[str]], body: bytes) -> Reply:
        if path.startswith("/old"):
            return Reply(307, b"", (("Location", "/api/2.0/mlflow/experiments/search"),))
        return json_reply({"experiments": [{"experiment_id": "1"}]})

    with scripted_server(script) as (url, _), MlflowClient(url + "/old") as client:
        assert client.get_json("experiments/search") == {"experiments": [{"experiment_id": "1"}]}


@pytest.mark.parametrize(
    ("status", "auth_required"),
    [
        pytest.param(200, False, id="open"),
        pytest.param(401, True, id="401"),
        pytest.param(403, True, id="403"),
    ],
)
def test_probe_reads_auth_from_the_status(status: int, auth_required: bool) -> None:
    with (
        scripted_server(lambda *_: json_reply({"experiments": []}, status)) as (url, _),
        MlflowClient(url) as client,
    ):
        probe = client.probe()
    assert (probe.auth_required, probe.status) == (auth_required, status)


def test_redirect_to_a_login_host_means_auth_required() -> None:
    login = Reply(302, b"", (("Location", "https://sso.example.org/login"),))
    with scripted_server(lambda *_: login) as (url, _), MlflowClient(url) as client:
        probe = client.probe()
    assert (probe.auth_required, probe.status) == (True, 302)


def test_server_that_answers_401_is_inventoried_without_contents() -> None:
    """A stand-in that answers 401 to everything: the auth-required path without credentials."""

    def script(method: str, path: str, query: dict[str, list[str]], body: bytes) -> Reply:
        return Reply(401, b'{"error_code": "UNAUTHENTICATED"}')

    with scripted_server(script) as (url, recorded):
        inv = MlflowCollector(environ={}).read_server(MlflowSource(url=url))
    assert [a.prop("auth_required") for a in inv.assets.values()] == [True]
    assert [s.reason for s in inv.skipped] == [
        "the server requires authentication; set token_env to read it"
    ]
    assert {m for m, *_ in recorded.requests} == {"GET"}


def test_failure_mid_way_keeps_what_was_read() -> None:
    def script(method: str, path: str, query: dict[str, list[str]], body: bytes) -> Reply:
        if path.endswith("experiments/search"):
            return json_reply({"experiments": [{"experiment_id": "1", "name": "a"}]})
        if path.endswith("runs/search"):
            return Reply(body=b"{broken")
        if path == "/version":
            return Reply(body=b"2.1.0", headers=(("Content-Type", "text/plain"),))
        return json_reply({})

    with scripted_server(script) as (url, _):
        inv = MlflowCollector(environ={}).read_server(MlflowSource(url=url))
    kinds = sorted(str(a.kind) for a in inv.assets.values())
    assert kinds == ["ai.service", "pipeline.orchestrator"]
    assert any("runs/search: response is not valid JSON" in s.reason for s in inv.skipped)
    server = next(a for a in inv.assets.values() if a.prop("url"))
    assert [a["id"] for a in server.prop("advisories")] == [
        "CVE-2023-1177",
        "CVE-2023-2780",
        "CVE-2023-6831",
        "CVE-2023-6753",
        "CVE-2024-1483",
    ]


@pytest.mark.parametrize(
    ("credential", "header"),
    [
        pytest.param("tok-123", "Bearer tok-123", id="bearer"),
        pytest.param("user:pa:ss", "Basic dXNlcjpwYTpzcw==", id="basic-colon-in-password"),
        pytest.param(None, None, id="none"),
    ],
)
def test_credentials_are_sent_as_configured(credential: str | None, header: str | None) -> None:
    with (
        scripted_server(lambda *_: json_reply({})) as (url, recorded),
        MlflowClient(url, auth=credentials_auth(credential)) as client,
    ):
        client.get_json("experiments/search")
        client.probe()
    assert recorded.authorization == [header, None]


@pytest.mark.parametrize(
    ("host", "public"),
    [
        pytest.param("127.0.0.1", False, id="loopback"),
        pytest.param("10.1.2.3", False, id="private"),
        pytest.param("169.254.1.1", False, id="link-local"),
        pytest.param("8.8.8.8", True, id="public-v4"),
        pytest.param("[2001:4860:4860::8888]", True, id="public-v6"),
        pytest.param("mlflow.internal", False, id="hostname"),
    ],
)
def test_public_address(host: str, public: bool) -> None:
    assert is_public_address(host) is public


def test_auth_required_is_an_mlflow_error() -> None:
    assert issubclass(AuthRequired, MlflowError)


def test_unreachable_server_is_one_skip() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inv = MlflowCollector(environ={}).read_server(MlflowSource(url=f"http://127.0.0.1:{port}"))
    assert inv.assets == {}
    assert len(inv.skipped) == 1
    assert inv.skipped[0].reason.startswith(f"http://127.0.0.1:{port}/api/2.0/mlflow/")
    assert "ConnectError" in inv.skipped[0].reason


def test_a_server_without_logged_models_is_not_an_error() -> None:
    """An MLflow 2 server has no logged-model search (HTTP 404): nothing is reported for it,
    and a version naming a logged model the server does not list says so."""

    def script(method: str, path: str, query: dict[str, list[str]], body: bytes) -> Reply:
        if path.endswith("experiments/search"):
            return json_reply({"experiments": [{"experiment_id": "1", "name": "a"}]})
        if path.endswith("logged-models/search"):
            return Reply(404, b'{"error_code": "ENDPOINT_NOT_FOUND"}')
        if path.endswith("registered-models/search"):
            return json_reply({"registered_models": [{"name": "m"}]})
        if path.endswith("model-versions/search"):
            version = {"name": "m", "version": "1", "source": "models:/m-0123abcd"}
            return json_reply({"model_versions": [version]})
        return json_reply({})

    with scripted_server(script) as (url, recorded):
        inv = MlflowCollector(environ={}).read_server(MlflowSource(url=url))
    assert any(p.endswith("logged-models/search") for _, p, *_ in recorded.requests)
    (version,) = [a for a in inv.assets.values() if a.kind is AssetKind.MODEL_ARTIFACT]
    assert version.prop("logged_model_id") == "m-0123abcd"
    assert version.prop("artifact_scan_reason") == (
        "logged model models:/m-0123abcd not found on the server"
    )
    assert inv.skipped == []  # the version says why it was not scanned


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("models:/m-5b95be54d68046af9be3b11de0867f70", "m-5b95be54d68046af9be3b11de0867f70"),
        ("models:/m-abc/", "m-abc"),
        ("models:/fraud-model/3", None),
        ("models:/fraud-model@production", None),
        ("mlflow-artifacts:/1/models/m-abc/artifacts", None),
        ("runs:/abc/model", None),
        (None, None),
    ],
)
def test_logged_model_of(source: str | None, expected: str | None) -> None:
    assert logged_model_of(source) == expected
