"""Builds assets with the properties the files collector records, for check tests."""

from __future__ import annotations

from stackward.model import Asset, AssetKind, Layer


def file_asset(kind: AssetKind, name: str, **properties: object) -> Asset:
    path = f"stack/{name}"
    return Asset(
        id=f"file:{path}",
        kind=kind,
        layer=Layer.SUPPORTIVE,
        name=name,
        source=path,
        properties={"path": path, **properties},
    )


def secret(detector: str, line: int, snippet: str, **extra: object) -> dict[str, object]:
    return {"detector": detector, "line": line, "snippet": snippet, **extra}
