"""Targets for the fingerprinter, derived from the Kubernetes Services and Ingresses a scan found.

A Service is reached at its cluster DNS name (``<name>.<namespace>.svc:<port>``) from inside
the cluster and at its load balancer's addresses from outside; an Ingress at each host and
path, over HTTPS when its TLS section names the host. A NodePort needs a node address, which a
manifest does not carry, so it is noted rather than probed unless one is given. Endpoints
already listed in ``services.endpoints`` are not probed twice. Pure: no request is sent here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from stackward.fingerprint.targets import TargetError, parse_target
from stackward.model import Asset, AssetKind, Skipped

MAX_KUBERNETES_TARGETS = 2_000
"""Targets probed per scan; the rest are reported as one skipped entry."""
COLLECTOR = "fingerprint"
_TLS_PORTS = frozenset({443, 8443, 6443})
_PLAIN_PATH = re.compile(r"^/[A-Za-z0-9._~/-]*$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(slots=True)
class KubernetesTarget:
    """One URL to probe and the Kubernetes objects (asset ids) that lead to it."""

    endpoint: str
    base_url: str
    origins: list[str] = field(default_factory=list)
    how: str = ""


@dataclass(slots=True)
class KubernetesTargets:
    targets: list[KubernetesTarget] = field(default_factory=list)
    already_listed: dict[str, list[str]] = field(default_factory=dict)
    """Base URL of a ``services.endpoints`` entry → the objects that also lead to it."""
    notes: list[Skipped] = field(default_factory=list)

    def note(self, location: str, reason: str) -> None:
        self.notes.append(Skipped(location, f"info: {reason}", COLLECTOR))


def kubernetes_targets(
    assets: Iterable[Asset],
    listed: Iterable[str] = (),
    *,
    node_addresses: Sequence[str] = (),
    cap: int = MAX_KUBERNETES_TARGETS,
) -> KubernetesTargets:
    """Every probe target the Services and Ingresses among ``assets`` lead to, de-duplicated."""
    listed_urls = {_base_url(text) for text in listed} - {None}
    out = KubernetesTargets()
    found: dict[str, KubernetesTarget] = {}
    overflow = 0
    for asset in sorted(assets, key=lambda a: a.id):
        if asset.kind is AssetKind.K8S_SERVICE:
            candidates = _service_urls(asset, node_addresses, out)
        elif asset.kind is AssetKind.K8S_INGRESS and asset.prop("k8s_kind") == "Ingress":
            candidates = _ingress_urls(asset, out)
        else:
            continue
        for url, how in candidates:
            base = _base_url(url)
            if base is None:
                out.note(_where(asset), f"{url} is not a usable target; not probed")
            elif base in listed_urls:
                out.already_listed.setdefault(base, []).append(asset.id)
            elif base in found:
                found[base].origins.append(asset.id)
            elif len(found) >= cap:
                overflow += 1
            else:
                found[base] = KubernetesTarget(url, base, [asset.id], how)
    out.targets = list(found.values())
    if overflow:
        out.notes.append(
            Skipped(
                "kubernetes services",
                f"{overflow} further target(s) not probed: more than {cap} targets",
                COLLECTOR,
            )
        )
    return out


def _base_url(text: str) -> str | None:
    try:
        return parse_target(text).base_url
    except TargetError:
        return None


def _where(asset: Asset) -> str:
    namespace = asset.prop("namespace") or ""
    return f"{asset.prop('k8s_kind') or asset.kind} {namespace}/{asset.name}".replace(" /", " ")


def _service_urls(
    asset: Asset, node_addresses: Sequence[str], out: KubernetesTargets
) -> list[tuple[str, str]]:
    namespace = str(asset.prop("namespace") or "default")
    service_type = str(asset.prop("type") or "ClusterIP")
    if service_type == "ExternalName":
        out.note(_where(asset), "ExternalName service points outside the cluster; not probed")
        return []
    urls: list[tuple[str, str]] = []
    for port in _tcp_ports(asset.prop("ports")):
        number = port["port"]
        scheme = _scheme(number, str(port.get("name") or ""))
        if _DNS_LABEL.match(asset.name) and _DNS_LABEL.match(namespace):
            dns = f"{asset.name}.{namespace}.svc"
            urls.append((f"{scheme}://{dns}:{number}", "cluster DNS name"))
        for address in asset.prop("load_balancer_ingress") or ():
            urls.append((f"{scheme}://{_host(str(address))}:{number}", "load balancer ingress"))
        node_port = port.get("node_port")
        if isinstance(node_port, int) and service_type in ("NodePort", "LoadBalancer"):
            if not node_addresses:
                out.note(
                    _where(asset),
                    f"NodePort {node_port} not probed: no node address is known",
                )
            for node in node_addresses:
                urls.append((f"{scheme}://{_host(node)}:{node_port}", "node port"))
    return urls


def _tcp_ports(raw: Any) -> list[Mapping[str, Any]]:
    ports = raw if isinstance(raw, list | tuple) else ()
    return [
        p
        for p in ports[:64]
        if isinstance(p, Mapping)
        and isinstance(p.get("port"), int)
        and str(p.get("protocol") or "TCP").upper() == "TCP"
    ]


def _scheme(port: int, name: str) -> str:
    lowered = name.lower()
    return "https" if port in _TLS_PORTS or "https" in lowered or lowered == "tls" else "http"


def _host(address: str) -> str:
    return f"[{address}]" if ":" in address and not address.startswith("[") else address


def _ingress_urls(asset: Asset, out: KubernetesTargets) -> list[tuple[str, str]]:
    tls_hosts = {str(h).lower() for h in asset.prop("tls_hosts") or ()}
    urls: list[tuple[str, str]] = []
    rules = asset.prop("rules") or ()
    for rule in rules[:256] if isinstance(rules, list | tuple) else ():
        host = str(rule.get("host") or "").lower() if isinstance(rule, Mapping) else ""
        if not host or "*" in host:
            out.note(
                _where(asset),
                f"rule for {host or 'any host'} names no single host; not probed",
            )
            continue
        scheme = "https" if host in tls_hosts else "http"
        paths = rule.get("paths") or [{"path": "/"}]
        for entry in paths[:64] if isinstance(paths, list | tuple) else ():
            path = str(entry.get("path") or "/") if isinstance(entry, Mapping) else "/"
            path = path.rstrip("*") or "/"
            if not _PLAIN_PATH.match(path):
                out.note(_where(asset), f"path {path[:80]!r} on {host} is a pattern; not probed")
                continue
            urls.append((f"{scheme}://{host}{path.rstrip('/')}", "ingress host"))
    return urls
