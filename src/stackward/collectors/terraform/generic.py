"""Any resource no provider module maps: kept as a ``cloud.resource`` so the inventory is
complete. Only identifying facts are copied, never arbitrary values (which may hold
secrets)."""

from __future__ import annotations

from stackward.collectors.terraform.build import Build
from stackward.collectors.terraform.document import TfResource
from stackward.model import AssetKind, Layer


def generic_asset(res: TfResource, build: Build) -> None:
    build.add(res, AssetKind.CLOUD_RESOURCE, Layer.INFRASTRUCTURE, {"mode": res.mode})
