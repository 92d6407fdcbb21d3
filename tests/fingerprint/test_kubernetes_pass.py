"""Services found in Kubernetes manifests, fingerprinted once every collector has run.

The manifests point LoadBalancer Services at real loopback servers (a Jupyter Server started
for the test, and the replay server for Ollama, which cannot run here) through their
``status.loadBalancer.ingress`` address 127.0.0.1, and name a ClusterIP Service whose cluster
DNS name does not resolve. Every request the fingerprinter sends is recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stackward.checks.builtin.services.unauthenticated_service import (
    UnauthenticatedAIServiceCheck,
)
from stackward.collectors.base import CollectContext
from stackward.collectors.fingerprint import FingerprintCollector
from stackward.collectors.kubernetes.manifests import SourcedObject
from stackward.collectors.kubernetes.transform import transform
from stackward.config.schema import ScanConfig
from stackward.fingerprint.kubernetes_pass import KubernetesServiceProbePass
from stackward.graph.inventory import InventoryGraph
from stackward.model import AssetKind, RelationKind
from stackward.scan.passes import builtin_passes
from tests.conftest import findings_of, graph_of
from tests.fingerprint.jupyter import jupyter_available, jupyter_server
from tests.fingerprint.recording import RecordingClients
from tests.fingerprint.replay import ReplayServer

Obj = dict[str, Any]
Replay = tuple[ReplayServer, dict[str, int]]
NOTEBOOK = "k8s:service/ml/notebook"


def _deployment(name: str, image: str) -> Obj:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "ml"},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "main", "image": image}]},
            },
        },
    }


def _service(name: str, port: int, *, loopback: bool) -> Obj:
    obj: Obj = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "ml"},
        "spec": {
            "type": "LoadBalancer" if loopback else "ClusterIP",
            "selector": {"app": name},
            "ports": [{"port": port, "targetPort": port}],
        },
    }
    if loopback:
        obj["status"] = {"loadBalancer": {"ingress": [{"ip": "127.0.0.1"}]}}
    return obj


def _graph(objects: list[Obj]) -> InventoryGraph:
    inventory = transform([SourcedObject(o, f"stack.yaml#{i}") for i, o in enumerate(objects)])
    return graph_of(inventory.assets.values(), inventory.relations)


def _config(probe: bool, endpoints: list[str] | None = None) -> ScanConfig:
    return ScanConfig.model_validate(
        {"services": {"probe_kubernetes": probe, "endpoints": endpoints or []}}
    )


@pytest.fixture(scope="module")
def jupyter_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    if not jupyter_available():
        pytest.skip("jupyter_server not installed")
    with jupyter_server(tmp_path_factory.mktemp("k8s-jupyter"), "") as port:
        yield port


def _stack(jupyter_port: int) -> list[Obj]:
    return [
        _deployment("notebook", "quay.io/jupyter/base-notebook:2024-10-07"),
        _service("notebook", jupyter_port, loopback=True),
        _service("ghost", 8000, loopback=False),
    ]


def test_loopback_service_is_fingerprinted_and_related(jupyter_port: int) -> None:
    graph = _graph(_stack(jupyter_port))
    clients = RecordingClients()
    skipped = KubernetesServiceProbePass(client_factory=clients).apply(graph, _config(True))

    service_id = f"service:http://127.0.0.1:{jupyter_port}"
    service = graph[service_id]
    assert service.kind is AssetKind.NOTEBOOK_INSTANCE
    assert service.prop("product") == "jupyter_server"
    assert service.prop("found_in_kubernetes") == [NOTEBOOK]
    assert service.prop("kubernetes_address") == "load balancer ingress"
    assert [a.id for a in graph.predecessors(service_id, RelationKind.ROUTES_TO)] == [NOTEBOOK]
    workload = "k8s:deployment/ml/notebook"
    assert [a.id for a in graph.predecessors(service_id, RelationKind.RUNS)] == [workload]
    assert [f.rule_id for f in findings_of(UnauthenticatedAIServiceCheck, graph)] == ["SW-SVC-001"]

    unresolved = {s.location: s.reason for s in skipped}
    for name in ("ghost.ml.svc:8000", f"notebook.ml.svc:{jupyter_port}"):
        reason = unresolved[f"service http://{name}"]
        assert reason.startswith("info: no HTTP answer"), reason
    assert not any(a.id.startswith("service:http://ghost") for a in graph.assets())
    assert clients.sent and {m for m, _ in clients.sent} <= {"GET", "HEAD"}


def test_nothing_is_probed_when_turned_off(jupyter_port: int) -> None:
    graph = _graph(_stack(jupyter_port))
    before = (len(graph), graph.relation_count)
    clients = RecordingClients()
    skipped = KubernetesServiceProbePass(client_factory=clients).apply(graph, _config(False))
    assert (skipped, clients.sent) == ([], [])
    assert (len(graph), graph.relation_count) == before


def test_replayed_ollama_behind_a_load_balancer(replay: Replay) -> None:
    server, ports = replay
    port = ports["ollama-open-old"]
    graph = _graph(
        [_deployment("ollama", "ollama/ollama:0.1.33"), _service("ollama", port, loopback=True)]
    )
    KubernetesServiceProbePass(client_factory=RecordingClients()).apply(graph, _config(True))
    service = graph[f"service:http://127.0.0.1:{port}"]
    assert (service.kind, service.prop("version")) == (AssetKind.LLM_SERVICE, "0.1.32")
    assert [a["cve"] for a in service.prop("advisories")] == ["CVE-2024-37032"]
    assert {method for p, method, _ in server.log if p == port} <= {"GET", "HEAD"}


def test_listed_endpoint_is_related_not_probed_again(replay: Replay) -> None:
    _, ports = replay
    port = ports["ollama-open-fixed"]
    graph = _graph(
        [_deployment("ollama", "ollama/ollama:0.1.34"), _service("ollama", port, loopback=True)]
    )
    listed = f"127.0.0.1:{port}"
    service_id = f"service:http://{listed}"
    config = _config(True, [listed])
    graph.extend(FingerprintCollector().collect(CollectContext(config=config, files=())).assets, ())
    clients = RecordingClients()
    KubernetesServiceProbePass(client_factory=clients).apply(graph, config)
    assert not any(url.startswith(f"http://{listed}") for _, url in clients.sent)
    assert any(url.startswith(f"http://ollama.ml.svc:{port}") for _, url in clients.sent)
    assert [a.id for a in graph.predecessors(service_id, RelationKind.ROUTES_TO)] == [
        "k8s:service/ml/ollama"
    ]


def test_pass_is_registered() -> None:
    assert any(isinstance(p, KubernetesServiceProbePass) for p in builtin_passes())
