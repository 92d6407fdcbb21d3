"""The live-cluster path against a stub Kubernetes API server.

A real cluster cannot run where the tests run (no container runtime), so each test starts a
small HTTP server on 127.0.0.1 that answers the API's list endpoints with recorded list
responses from ``fixtures/apiserver/`` (403 for one resource, 404 for CRDs that are not
installed), and writes a kubeconfig pointing at it. The official client talks to it exactly
as it would to a cluster.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from stackward.collectors.base import CollectContext, CollectResult
from stackward.collectors.kubernetes import KubernetesCollector
from stackward.config.schema import KubernetesClusterSource, ScanConfig, Sources

RECORDED = Path(__file__).parent / "fixtures" / "apiserver"
ROUTES = {
    "/api/v1/namespaces": "namespaces.json",
    "/apis/apps/v1/deployments": "deployments.json",
    "/api/v1/services": "services.json",
    "/api/v1/secrets": "secrets.json",
    "/apis/ray.io/v1/rayclusters": "rayclusters.json",
}
FORBIDDEN = {"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"}
CORE_GROUPS = ("/api/v1/", "/apis/apps/", "/apis/batch/", "/apis/networking.k8s.io/", "/apis/rbac.")


class StubApiServer(BaseHTTPRequestHandler):
    requests: ClassVar[list[tuple[str, str]]] = []

    def do_GET(self) -> None:
        url = urlparse(self.path)
        type(self).requests.append(("GET", self.path))
        if url.path in FORBIDDEN:
            self._send(403, (RECORDED / "forbidden.json").read_bytes())
        elif url.path == "/api/v1/pods":
            page = "pods-page2.json" if parse_qs(url.query).get("continue") else "pods-page1.json"
            self._send(200, (RECORDED / page).read_bytes())
        elif url.path in ROUTES:
            self._send(200, (RECORDED / ROUTES[url.path]).read_bytes())
        elif url.path.startswith(CORE_GROUPS):
            self._send(200, json.dumps({"kind": "List", "metadata": {}, "items": []}).encode())
        else:
            self._send(404, b'{"kind":"Status","code":404,"reason":"NotFound"}')

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def api_server() -> Iterator[str]:
    StubApiServer.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubApiServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _kubeconfig(tmp_path: Path, server: str) -> Path:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "stub", "cluster": {"server": server}}],
        "users": [{"name": "auditor", "user": {"token": "stub-token"}}],
        "contexts": [{"name": "stub", "context": {"cluster": "stub", "user": "auditor"}}],
        "current-context": "stub",
    }
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    return path


def _collect(source: KubernetesClusterSource) -> CollectResult:
    config = ScanConfig(sources=Sources(paths=[], kubernetes_clusters=[source]))
    return KubernetesCollector().collect(CollectContext(config=config, files=[]))


def test_live_cluster_is_read_with_list_calls_only(api_server: str, tmp_path: Path) -> None:
    result = _collect(KubernetesClusterSource(kubeconfig=str(_kubeconfig(tmp_path, api_server))))
    by_id = {a.id: a for a in result.assets}
    vllm = by_id["k8s@stub:deployment/ml-serving/vllm"]
    assert vllm.prop("ai_component") == "vllm"
    assert vllm.prop("cluster") == "stub"
    assert by_id["k8s@stub:service/ml-serving/vllm"].internet_exposed
    assert by_id["k8s@stub:raycluster/ml-serving/ray"].prop("ray_dashboard_host") == "0.0.0.0"  # noqa: S104
    assert by_id["k8s@stub:pod/ml-serving/debug-shell"].prop("host_network")  # second page
    assert "k8s@stub:pod/ml-serving/vllm-6d4f-abcde" not in by_id  # owned by a ReplicaSet
    relations = {(r.src, r.kind.value, r.dst) for r in result.relations}
    assert (
        "k8s@stub:service/ml-serving/vllm",
        "ROUTES_TO",
        "k8s@stub:deployment/ml-serving/vllm",
    ) in relations
    assert (
        "k8s@stub:deployment/ml-serving/vllm",
        "MOUNTS",
        "k8s@stub:secret/ml-serving/hf",
    ) in relations
    assert {method for method, _ in StubApiServer.requests} == {"GET"}
    assert any("limit=500" in path for _, path in StubApiServer.requests)


def test_secret_values_from_the_api_are_dropped(api_server: str, tmp_path: Path) -> None:
    result = _collect(KubernetesClusterSource(kubeconfig=str(_kubeconfig(tmp_path, api_server))))
    secret = next(a for a in result.assets if a.id == "k8s@stub:secret/ml-serving/hf")
    assert secret.prop("data_keys") == ["token"]
    dumped = repr([(a.properties, a.labels) for a in result.assets])
    assert "aGZfUkVDT1JE" not in dumped
    assert "LASTAPPLIED" not in dumped


def test_forbidden_resource_is_skipped_and_missing_crds_are_ignored(
    api_server: str, tmp_path: Path
) -> None:
    result = _collect(KubernetesClusterSource(kubeconfig=str(_kubeconfig(tmp_path, api_server))))
    assert [(s.location, s.reason) for s in result.skipped] == [
        (
            "k8s@stub/clusterrolebindings",
            "forbidden (403): the credentials may not list clusterrolebindings",
        )
    ]


def test_namespaces_limit_the_listing(api_server: str, tmp_path: Path) -> None:
    source = KubernetesClusterSource(
        kubeconfig=str(_kubeconfig(tmp_path, api_server)), context="stub", namespaces=["ml-serving"]
    )
    result = _collect(source)
    paths = [p for _, p in StubApiServer.requests]
    assert any(p.startswith("/apis/apps/v1/namespaces/ml-serving/deployments") for p in paths)
    assert "k8s@stub:namespace/kube-system" not in {a.id for a in result.assets}


def test_unreachable_cluster_is_one_skip(tmp_path: Path) -> None:
    result = _collect(
        KubernetesClusterSource(kubeconfig=str(_kubeconfig(tmp_path, "http://127.0.0.1:9")))
    )
    assert result.assets == []
    assert len(result.skipped) == 1
    assert result.skipped[0].location == "k8s@stub"
    assert "unreachable" in result.skipped[0].reason


@pytest.mark.parametrize("content", ["not: [valid", "apiVersion: v1\nkind: Config\n"])
def test_bad_kubeconfig_is_skipped(tmp_path: Path, content: str) -> None:
    path = tmp_path / "kubeconfig"
    path.write_text(content)
    result = _collect(KubernetesClusterSource(kubeconfig=str(path)))
    assert result.assets == []
    assert "kubeconfig" in result.skipped[0].reason


def test_missing_kubeconfig_is_skipped(tmp_path: Path) -> None:
    result = _collect(KubernetesClusterSource(kubeconfig=str(tmp_path / "absent"), context="prod"))
    assert [s.location for s in result.skipped] == ["k8s@prod"]
