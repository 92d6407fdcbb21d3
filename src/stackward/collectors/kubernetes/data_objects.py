"""Secrets, ConfigMaps and PersistentVolumeClaims.

Secret values are never kept: only the Secret's type and key names. ConfigMap values are
kept for the checks that read configuration files, but each one passes through redaction
first and any entry that looks like a credential is stored redacted and flagged.
"""

from __future__ import annotations

from stackward.collectors.kubernetes.literals import looks_like_secret
from stackward.collectors.kubernetes.manifests import SourcedObject
from stackward.collectors.kubernetes.objects import ObjectInfo, make_asset
from stackward.collectors.kubernetes.raw import as_dict, as_str, as_str_list, dig
from stackward.model import Asset, AssetKind, Layer
from stackward.model.redact import redact_text, redact_value

MAX_CONFIG_VALUE = 4096


def secret(item: SourcedObject, info: ObjectInfo) -> Asset:
    keys = sorted({*as_dict(item.obj.get("data")), *as_dict(item.obj.get("stringData"))})
    return make_asset(
        item,
        info,
        AssetKind.K8S_SECRET,
        Layer.IDENTITY,
        {"type": as_str(item.obj.get("type")) or "Opaque", "data_keys": keys, "declared": True},
        sensitive=True,
    )


def configmap_texts(obj: dict[str, object]) -> dict[str, str]:
    """Raw ConfigMap entries; used only in memory, never stored."""
    return {str(k): as_str(v) for k, v in as_dict(obj.get("data")).items()}


def configmap(item: SourcedObject, info: ObjectInfo) -> Asset:
    stored: dict[str, str] = {}
    secret_like: list[str] = []
    for key, value in configmap_texts(item.obj).items():
        if looks_like_secret(key, value):
            secret_like.append(key)
            stored[key] = redact_value(value)
        else:
            stored[key] = redact_text(value, MAX_CONFIG_VALUE)
    return make_asset(
        item,
        info,
        AssetKind.K8S_CONFIGMAP,
        Layer.INFRASTRUCTURE,
        {
            "data_keys": sorted(stored),
            "data": stored,
            "secret_like_keys": sorted(secret_like),
            "binary_keys": sorted(as_dict(item.obj.get("binaryData"))),
        },
    )


def pvc(item: SourcedObject, info: ObjectInfo) -> Asset:
    spec = as_dict(item.obj.get("spec"))
    return make_asset(
        item,
        info,
        AssetKind.K8S_PVC,
        Layer.INFRASTRUCTURE,
        {
            "storage_class": as_str(spec.get("storageClassName")),
            "access_modes": as_str_list(spec.get("accessModes")),
            "size": as_str(dig(spec, "resources", "requests", "storage")),
        },
    )
