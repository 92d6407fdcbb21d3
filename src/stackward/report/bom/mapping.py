"""Assets → CycloneDX components and services (pure functions, no I/O).

Only facts that describe *what* an asset is leave the inventory: ids, names, formats, hashes,
data-class names, URLs stripped of credentials and query strings. Property values that could
hold data (samples, snippets, column values, secrets) are never copied.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from cyclonedx.model import (
    DataClassification,
    DataFlow,
    HashAlgorithm,
    HashType,
    Property,
    XsUri,
)
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.service import Service

from stackward.artifacts.provenance import signature_verified
from stackward.model import Asset, AssetKind, Finding
from stackward.report.bom.libraries import Library
from stackward.report.bom.ml_fields import DatasetDescription, ModelCard

SERVICE_KINDS = frozenset(
    {
        AssetKind.AI_SERVICE,
        AssetKind.LLM_SERVICE,
        AssetKind.MODEL_ENDPOINT,
        AssetKind.VECTOR_STORE,
        AssetKind.MODEL_REGISTRY,
        AssetKind.NOTEBOOK_INSTANCE,
    }
)
JOB_KINDS = frozenset({AssetKind.TRAINING_JOB, AssetKind.DATA_JOB})
CODE_KINDS = frozenset({AssetKind.SOURCE_FILE, AssetKind.NOTEBOOK})
PREFIX = "stackward:"
MAX_TEXT = 1024
"""Longest property value or URL copied from the inventory."""
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry (control characters, lone surrogates)."""
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*$")
_HOST = re.compile(r"^[A-Za-z0-9._~-]*$")
"""Host names and IPv4 addresses; IPv6 literals are dropped (the 1.6 JSON validator's
``iri-reference`` check rejects them)."""
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_ENDPOINT_KEYS = ("url", "endpoint_url", "endpoint", "base_url", "urls", "endpoints")


def model_component(asset: Asset, findings: Sequence[Finding]) -> Component:
    """A ``machine-learning-model`` component: format, SHA-256, provenance as properties."""
    extra: dict[str, object] = {
        "artifact_format": asset.prop("artifact_format") or asset.prop("format"),
        "signature_status": _signature_status(asset),
        "signature_verified": signature_verified(asset),
        "pii_derived": asset.prop("pii_derived"),
        "derived_classes": _names(asset.prop("derived_classes")),
        "dataset_key": safe_url(asset.prop("dataset_key")),
        "findings": len(findings),
    }
    data_urls = _strings(asset.prop("model_data_urls"))
    if data_urls:
        extra["model_data_url"] = safe_url(data_urls[0])
    sha256 = asset.prop("sha256")
    hashes = (
        [HashType(alg=HashAlgorithm.SHA_256, content=sha256)]
        if isinstance(sha256, str) and _SHA256.match(sha256)
        else []
    )
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL,
        bom_ref=clean_ref(asset.id),
        name=clean(asset.name),
        version=_version(asset),
        hashes=hashes,
        properties=_properties(asset, extra),
    )


def model_card(asset: Asset, dataset_refs: Iterable[str], findings: Sequence[Finding]) -> ModelCard:
    """The model card: training datasets, architecture, and what the scan found against it."""
    return ModelCard(
        dataset_refs=sorted({clean_ref(ref) for ref in dataset_refs}),
        architecture_family=_text(asset.prop("model_type")),
        architecture=_text(asset.prop("architecture")),
        limitations=[
            clean(f"{f.rule_id} ({f.severity.label}): {f.title}")
            for f in sorted(findings, key=lambda f: (f.rule_id, f.fingerprint))
        ],
    )


def dataset_component(asset: Asset) -> tuple[Component, DatasetDescription]:
    """A ``data`` component and its ``data`` entry; classes by name, never by value."""
    classes = _names(asset.prop("data_classes"))
    derived = _names(asset.prop("derived_classes"))
    key = safe_url(asset.prop("dataset_key"))
    component = Component(
        type=ComponentType.DATA,
        bom_ref=clean_ref(asset.id),
        name=clean(asset.name),
        properties=_properties(
            asset,
            {
                "dataset_key": key,
                "format": asset.prop("format"),
                "data_classes": classes,
                "derived_classes": derived,
            },
        ),
    )
    held = sorted(
        set(_mapping_keys(asset.prop("data_classes")))
        | set(_mapping_keys(asset.prop("derived_classes")))
    )
    description = DatasetDescription(
        name=clean(asset.name),
        url=key,
        classification=", ".join(sorted({name.split(".", 1)[0] for name in held})) or None,
        sensitive_data=[clean(name) for name in held],
    )
    return component, description


def job_component(asset: Asset) -> Component:
    """A training or data job, as the ``application`` that produces models and datasets."""
    return Component(
        type=ComponentType.APPLICATION,
        bom_ref=clean_ref(asset.id),
        name=clean(asset.name),
        properties=_properties(asset, {"job_type": asset.prop("job_type")}),
    )


def code_component(asset: Asset) -> Component:
    """A source file or notebook that imports libraries (its ``dependsOn`` lists them)."""
    return Component(
        type=ComponentType.FILE,
        bom_ref=clean_ref(asset.id),
        name=_text(asset.prop("path")) or clean(asset.name),
        properties=_properties(asset, {"format": asset.prop("format")}),
    )


def library_component(library: Library) -> Component:
    return Component(
        type=ComponentType.LIBRARY,
        bom_ref=library.bom_ref,
        name=library.name,
        version=library.version,
        purl=library.purl,
        properties=[Property(name=f"{PREFIX}import_name", value=library.module)],
    )


def service(asset: Asset) -> Service:
    """An AI service, endpoint, vector store, registry or notebook server.

    ``authenticated`` is the collector's verdict (unknown stays unset); ``x-trust-boundary``
    is true when the service is reachable from the internet.
    """
    auth = asset.prop("auth")
    authenticated = auth.get("required") if isinstance(auth, Mapping) else None
    if not isinstance(authenticated, bool):
        explicit = asset.prop("authenticated")
        authenticated = explicit if isinstance(explicit, bool) else None
    return Service(
        bom_ref=clean_ref(asset.id),
        name=clean(asset.name),
        description=_text(asset.prop("ai_component_name")),
        version=_version(asset),
        endpoints=[XsUri(url) for url in endpoints_of(asset)],
        authenticated=authenticated,
        x_trust_boundary=asset.internet_exposed,
        data=[
            DataClassification(flow=DataFlow.UNKNOWN, classification=clean(name))
            for name in sorted(_mapping_keys(asset.prop("derived_classes")))
        ],
        properties=_properties(
            asset,
            {
                "ai_component": asset.prop("ai_component"),
                "auth_state": auth.get("state") if isinstance(auth, Mapping) else None,
                "signature_verified": signature_verified(asset)
                if asset.prop("signature") is not None
                else None,
            },
        ),
    )


def endpoints_of(asset: Asset) -> list[str]:
    """HTTP(S) URLs the inventory recorded for a service, without credentials or queries."""
    found: set[str] = set()
    for key in _ENDPOINT_KEYS:
        for value in _strings(asset.prop(key))[:50]:
            url = safe_url(value)
            if url and url.split(":", 1)[0] in ("http", "https", "grpc", "grpcs"):
                found.add(url)
    return sorted(found)


def safe_url(value: object) -> str | None:
    """``value`` as a URI without user, password, query or fragment, its path
    percent-encoded; None when it is not a URL with a scheme and a plausible host."""
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
        return None
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return None
    if not _SCHEME.match(parts.scheme) or not _HOST.match(host):
        return None
    netloc = f"{host}:{port}" if port is not None else host
    path = quote(unquote(parts.path), safe=_PATH_SAFE)
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def clean_ref(asset_id: str) -> str:
    """An asset id as a bom-ref: XML-safe, never cut (bom-refs must stay unique)."""
    return _NOT_XML.sub("\ufffd", asset_id)


def clean(text: str) -> str:
    """``text`` without the characters XML cannot carry, cut at :data:`MAX_TEXT`."""
    return _clip(_NOT_XML.sub("\ufffd", text))


def _properties(asset: Asset, extra: Mapping[str, object]) -> list[Property]:
    facts: dict[str, object] = {
        "asset_id": asset.id,
        "kind": asset.kind.value,
        "layer": asset.layer.value,
        "source": asset.source,
        "region": asset.region,
        "internet_exposed": asset.internet_exposed,
        "sensitive": asset.sensitive,
        **extra,
    }
    out = []
    for name, value in facts.items():
        if value is None or value == "":
            continue
        text = str(value).lower() if isinstance(value, bool) else clean(str(value))
        out.append(Property(name=f"{PREFIX}{name}", value=text))
    return out


def _signature_status(asset: Asset) -> str | None:
    signature = asset.prop("signature")
    if not isinstance(signature, Mapping):
        return None
    return _text(signature.get("status"))


def _version(asset: Asset) -> str | None:
    for key in ("version", "model_version"):
        value = asset.prop(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return clean(str(value))
    return None


def _mapping_keys(value: object) -> list[str]:
    if not isinstance(value, Mapping):
        return []
    return [key for key in list(value)[:200] if isinstance(key, str)]


def _names(value: object) -> str:
    return ", ".join(sorted(_mapping_keys(value)))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    return []


def _text(value: object) -> str | None:
    return clean(value) if isinstance(value, str) and value else None


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
