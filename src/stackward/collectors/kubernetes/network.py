"""Services, Ingresses, Gateway API routes and NetworkPolicies: assets and exposure.

Exposure is a fact the collector records, not a verdict: a LoadBalancer (unless annotated
internal or limited by source ranges), a NodePort, external IPs, an Ingress (unless of an
internal class or scheme) and an HTTPRoute are entry points from outside the cluster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stackward.collectors.kubernetes.manifests import SourcedObject
from stackward.collectors.kubernetes.objects import ObjectInfo, make_asset
from stackward.collectors.kubernetes.raw import (
    annotations_of,
    as_dict,
    as_list,
    as_str,
    as_str_list,
    as_str_map,
    dig,
)
from stackward.collectors.kubernetes.selection import Selector, label_selector
from stackward.model import Asset, AssetKind, Layer

_INTERNAL_LB = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": ("true", "0.0.0.0/0"),
    "service.beta.kubernetes.io/aws-load-balancer-scheme": ("internal",),
    "networking.gke.io/load-balancer-type": ("internal",),
    "cloud.google.com/load-balancer-type": ("internal",),
    "service.beta.kubernetes.io/azure-load-balancer-internal": ("true",),
    "service.beta.kubernetes.io/oci-load-balancer-internal": ("true",),
    "service.beta.kubernetes.io/openstack-internal-load-balancer": ("true",),
    "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": ("private",),
}
_OPEN_RANGES = frozenset({"0.0.0.0/0", "::/0"})
_INGRESS_AUTH_KEYS = (
    "nginx.ingress.kubernetes.io/auth-url",
    "nginx.ingress.kubernetes.io/auth-type",
    "nginx.ingress.kubernetes.io/auth-signin",
    "nginx.ingress.kubernetes.io/auth-tls-verify-client",
    "alb.ingress.kubernetes.io/auth-type",
    "ingress.kubernetes.io/auth-type",
    "haproxy.org/auth-type",
    "haproxy-ingress.github.io/auth-type",
    "haproxy-ingress.github.io/oauth",
)
_INGRESS_AUTH_HINTS = (
    "traefik.ingress.kubernetes.io/router.middlewares",
    "konghq.com/plugins",
    "zalando.org/skipper-filter",
)
_AUTH_WORDS = ("auth", "oidc", "jwt", "oauth", "forward")
_DISABLED_AUTH_VALUES = frozenset({"", "off", "none", "false", "optional", "optional_no_ca"})
_INGRESS_SOURCE_RANGES = (
    "nginx.ingress.kubernetes.io/whitelist-source-range",
    "nginx.ingress.kubernetes.io/allowlist-source-range",
)


@dataclass(slots=True)
class Backend:
    """A Service an entry point routes to."""

    service: str
    namespace: str
    port: str


@dataclass(slots=True)
class NetworkObject:
    asset: Asset
    selector: Selector | None = None
    backends: list[Backend] = field(default_factory=list)


def service(item: SourcedObject, info: ObjectInfo) -> NetworkObject:
    spec = as_dict(item.obj.get("spec"))
    annotations = annotations_of(item.obj)
    svc_type = as_str(spec.get("type")) or "ClusterIP"
    ranges = as_str_list(spec.get("loadBalancerSourceRanges"))
    external_ips = as_str_list(spec.get("externalIPs"))
    internal = [k for k, vals in _INTERNAL_LB.items() if annotations.get(k, "").lower() in vals]
    exposure = (
        "ClusterIP" if svc_type not in ("LoadBalancer", "NodePort", "ExternalName") else svc_type
    )
    exposed = False
    if svc_type == "LoadBalancer":
        exposed = not internal and (not ranges or bool(_OPEN_RANGES & set(ranges)))
        exposure = "internal LoadBalancer" if internal else "LoadBalancer"
    elif svc_type == "NodePort":
        exposed = True
    if external_ips:
        exposed, exposure = True, f"{exposure} with externalIPs"
    selector = as_str_map(spec.get("selector"))
    asset = make_asset(
        item,
        info,
        AssetKind.K8S_SERVICE,
        Layer.INFRASTRUCTURE,
        {
            "type": svc_type,
            "exposure": exposure,
            "internal_annotations": internal,
            "load_balancer_source_ranges": ranges,
            "external_ips": external_ips,
            "selector": selector,
            "ports": [_service_port(p) for p in as_list(spec.get("ports"))],
            "external_name": as_str(spec.get("externalName")),
            "load_balancer_ingress": _load_balancer_ingress(item.obj),
        },
        internet_exposed=exposed,
    )
    return NetworkObject(asset, Selector(selector) if selector else None)


def _load_balancer_ingress(obj: dict[str, Any]) -> list[str]:
    """Addresses the cloud gave the load balancer (``status.loadBalancer.ingress``): what a
    live cluster reports, and what a manifest exported from one still carries."""
    found = [
        as_str(entry.get("ip")) or as_str(entry.get("hostname"))
        for entry in (as_dict(e) for e in as_list(dig(obj, "status", "loadBalancer", "ingress")))
    ]
    return [address for address in dict.fromkeys(found) if address][:16]


def _service_port(raw: object) -> dict[str, Any]:
    port = as_dict(raw)
    target = port.get("targetPort", port.get("port"))
    return {
        "name": as_str(port.get("name")),
        "port": port.get("port") if isinstance(port.get("port"), int) else None,
        "target_port": target if isinstance(target, int | str) else None,
        "node_port": port.get("nodePort") if isinstance(port.get("nodePort"), int) else None,
        "protocol": as_str(port.get("protocol")) or "TCP",
    }


def ingress_auth(annotations: dict[str, str]) -> list[str]:
    """Annotations that put an authentication step in front of the backends."""
    found = [
        f"{k}={v}"
        for k in _INGRESS_AUTH_KEYS
        if (v := annotations.get(k, "")).strip().lower() not in _DISABLED_AUTH_VALUES
    ]
    found += [
        f"{k}={v}"
        for k in _INGRESS_AUTH_HINTS
        if any(w in (v := annotations.get(k, "")).lower() for w in _AUTH_WORDS)
    ]
    return found


def ingress(item: SourcedObject, info: ObjectInfo) -> NetworkObject:
    spec = as_dict(item.obj.get("spec"))
    annotations = annotations_of(item.obj)
    ingress_class = as_str(spec.get("ingressClassName")) or annotations.get(
        "kubernetes.io/ingress.class", ""
    )
    internal = (
        "internal" in ingress_class.lower()
        or annotations.get("alb.ingress.kubernetes.io/scheme", "").lower() == "internal"
    )
    ranges = [
        r.strip()
        for key in _INGRESS_SOURCE_RANGES
        for r in annotations.get(key, "").split(",")
        if r.strip()
    ]
    restricted = bool(ranges) and not _OPEN_RANGES & set(ranges)
    backends: list[Backend] = []
    rules = []
    default = as_dict(dig(spec, "defaultBackend", "service")) or as_dict(spec.get("backend"))
    if default:
        backends.append(_ingress_backend(default, info.namespace))
    for rule in as_list(spec.get("rules")):
        paths = []
        for path in as_list(dig(rule, "http", "paths")):
            backend_raw = as_dict(dig(path, "backend", "service")) or as_dict(
                as_dict(path).get("backend")
            )
            backend = _ingress_backend(backend_raw, info.namespace)
            if backend.service:
                backends.append(backend)
            paths.append(
                {
                    "path": as_str(as_dict(path).get("path")) or "/",
                    "service": backend.service,
                    "port": backend.port,
                }
            )
        rules.append({"host": as_str(as_dict(rule).get("host")), "paths": paths})
    tls_hosts = [h for t in as_list(spec.get("tls")) for h in as_str_list(as_dict(t).get("hosts"))]
    asset = make_asset(
        item,
        info,
        AssetKind.K8S_INGRESS,
        Layer.INFRASTRUCTURE,
        {
            "exposure": "internal Ingress"
            if internal
            else ("Ingress limited to source ranges" if restricted else "Ingress"),
            "source_ranges": ranges,
            "ingress_class": ingress_class,
            "rules": rules,
            "tls": bool(as_list(spec.get("tls"))),
            "tls_hosts": tls_hosts,
            "auth": ingress_auth(annotations),
        },
        internet_exposed=not (internal or restricted),
    )
    return NetworkObject(asset, backends=backends)


def _ingress_backend(raw: dict[str, Any], namespace: str) -> Backend:
    name = as_str(raw.get("name")) or as_str(raw.get("serviceName"))
    port = as_dict(raw.get("port"))
    number = port.get("number", port.get("name", raw.get("servicePort", "")))
    return Backend(name, namespace, as_str(number))


def http_route(item: SourcedObject, info: ObjectInfo) -> NetworkObject:
    spec = as_dict(item.obj.get("spec"))
    backends = []
    for rule in as_list(spec.get("rules")):
        for ref in as_list(as_dict(rule).get("backendRefs")):
            ref = as_dict(ref)
            if as_str(ref.get("kind")) in ("", "Service") and as_str(ref.get("name")):
                backends.append(
                    Backend(
                        as_str(ref["name"]),
                        as_str(ref.get("namespace")) or info.namespace,
                        as_str(ref.get("port")),
                    )
                )
    parents = [as_str(as_dict(p).get("name")) for p in as_list(spec.get("parentRefs"))]
    asset = make_asset(
        item,
        info,
        AssetKind.K8S_INGRESS,
        Layer.INFRASTRUCTURE,
        {
            "exposure": f"Gateway API {info.kind}",
            "hostnames": as_str_list(spec.get("hostnames")),
            "parent_gateways": parents,
            "auth": [],
            "tls": False,
        },
        internet_exposed=True,
    )
    return NetworkObject(asset, backends=backends)


def network_policy(item: SourcedObject, info: ObjectInfo) -> NetworkObject:
    spec = as_dict(item.obj.get("spec"))
    selector = label_selector(spec.get("podSelector"))
    ingress_rules = as_list(spec.get("ingress"))
    egress_rules = as_list(spec.get("egress"))
    types = as_str_list(spec.get("policyTypes"))
    if not types:
        types = ["Ingress", *(["Egress"] if "egress" in spec else [])]
    asset = make_asset(
        item,
        info,
        AssetKind.K8S_NETWORK_POLICY,
        Layer.INFRASTRUCTURE,
        {
            "pod_selector": selector.as_properties(),
            "selects_all_pods": selector.empty,
            "policy_types": types,
            "ingress_rules": len(ingress_rules),
            "egress_rules": len(egress_rules),
            "ingress_allows_all": any(not as_list(as_dict(r).get("from")) for r in ingress_rules),
        },
    )
    return NetworkObject(asset, selector)
