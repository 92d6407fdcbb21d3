"""Probe targets derived from Kubernetes Services and Ingresses (pure, nothing is sent)."""

from __future__ import annotations

from typing import Any

import pytest

from stackward.collectors.kubernetes.manifests import SourcedObject
from stackward.collectors.kubernetes.transform import transform
from stackward.fingerprint.kubernetes import kubernetes_targets
from stackward.model import Asset

Obj = dict[str, Any]


def _service(
    name: str,
    *,
    type_: str = "ClusterIP",
    ports: list[Obj] | None = None,
    lb: list[Obj] | None = None,
    namespace: str = "ml",
    external_name: str | None = None,
) -> Obj:
    spec: Obj = {"type": type_, "selector": {"app": name}, "ports": ports or [{"port": 8000}]}
    if external_name:
        spec["externalName"] = external_name
    obj: Obj = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }
    if lb is not None:
        obj["status"] = {"loadBalancer": {"ingress": lb}}
    return obj


def _ingress(rules: list[Obj], tls_hosts: list[str] = ()) -> Obj:  # type: ignore[assignment]
    spec: Obj = {"rules": rules}
    if tls_hosts:
        spec["tls"] = [{"hosts": list(tls_hosts), "secretName": "cert"}]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "web", "namespace": "ml"},
        "spec": spec,
    }


def _rule(host: str, *paths: str) -> Obj:
    return {
        "host": host,
        "http": {
            "paths": [
                {"path": p, "backend": {"service": {"name": "ui", "port": {"number": 80}}}}
                for p in paths
            ]
        },
    }


def _assets(objects: list[Obj]) -> list[Asset]:
    inventory = transform([SourcedObject(o, f"m.yaml#{i}") for i, o in enumerate(objects)])
    return list(inventory.assets.values())


@pytest.mark.parametrize(
    ("objects", "expected", "notes"),
    [
        pytest.param(
            [_service("ollama", ports=[{"port": 11434}])],
            ["http://ollama.ml.svc:11434"],
            [],
            id="cluster-dns",
        ),
        pytest.param(
            [_service("ui", ports=[{"port": 443, "name": "web"}, {"port": 53, "protocol": "UDP"}])],
            ["https://ui.ml.svc:443"],
            [],
            id="tls-port-and-udp-ignored",
        ),
        pytest.param(
            [
                _service(
                    "lb",
                    type_="LoadBalancer",
                    ports=[{"port": 80}],
                    lb=[
                        {"ip": "203.0.113.7"},
                        {"hostname": "lb.example.com"},
                        {"ip": "2001:db8::1"},
                    ],
                )
            ],
            [
                "http://lb.ml.svc:80",
                "http://203.0.113.7:80",
                "http://lb.example.com:80",
                "http://[2001:db8::1]:80",
            ],
            [],
            id="load-balancer-ingress",
        ),
        pytest.param(
            [_service("np", type_="NodePort", ports=[{"port": 80, "nodePort": 30080}])],
            ["http://np.ml.svc:80"],
            ["NodePort 30080 not probed"],
            id="nodeport-noted",
        ),
        pytest.param(
            [_service("ext", type_="ExternalName", external_name="db.example.com")],
            [],
            ["ExternalName"],
            id="external-name-noted",
        ),
        pytest.param(
            [_ingress([_rule("chat.example.com", "/", "/api")], ["chat.example.com"])],
            ["https://chat.example.com", "https://chat.example.com/api"],
            [],
            id="ingress-tls",
        ),
        pytest.param(
            [_ingress([_rule("plain.example.com", "/ui/*"), _rule("*.example.com", "/")])],
            ["http://plain.example.com/ui"],
            ["names no single host"],
            id="ingress-plain-and-wildcard",
        ),
        pytest.param(
            [_ingress([_rule("re.example.com", "/(api|ui)(/|$)(.*)")])],
            [],
            ["is a pattern"],
            id="ingress-regex-path",
        ),
    ],
)
def test_targets(objects: list[Obj], expected: list[str], notes: list[str]) -> None:
    plan = kubernetes_targets(_assets(objects))
    assert sorted(t.endpoint for t in plan.targets) == sorted(expected)
    assert len(plan.notes) == len(notes)
    for note, text in zip(plan.notes, notes, strict=True):
        assert text in note.reason and note.reason.startswith("info: ")


def test_listed_endpoints_are_not_probed_twice() -> None:
    assets = _assets([_service("ollama", ports=[{"port": 11434}])])
    plan = kubernetes_targets(assets, ["ollama.ml.svc:11434"])
    assert plan.targets == []
    assert list(plan.already_listed) == ["http://ollama.ml.svc:11434"]


def test_origins_are_merged_for_one_address() -> None:
    lb = [{"ip": "203.0.113.7"}]
    assets = _assets(
        [
            _service("a", type_="LoadBalancer", ports=[{"port": 80}], lb=lb),
            _service("b", type_="LoadBalancer", ports=[{"port": 80}], lb=lb),
        ]
    )
    plan = kubernetes_targets(assets)
    (shared,) = [t for t in plan.targets if t.base_url == "http://203.0.113.7:80"]
    assert [o.rsplit("/", 1)[-1] for o in shared.origins] == ["a", "b"]


def test_cap_leaves_one_skipped_entry() -> None:
    ports = [{"port": 1000 + i} for i in range(30)]
    plan = kubernetes_targets(_assets([_service("many", ports=ports)]), cap=10)
    assert len(plan.targets) == 10
    (note,) = plan.notes
    assert "20 further target(s) not probed" in note.reason


def test_node_addresses_make_node_ports_probeable() -> None:
    assets = _assets([_service("np", type_="NodePort", ports=[{"port": 80, "nodePort": 30080}])])
    plan = kubernetes_targets(assets, node_addresses=["10.0.0.5"])
    assert "http://10.0.0.5:30080" in {t.endpoint for t in plan.targets}
    assert plan.notes == []
