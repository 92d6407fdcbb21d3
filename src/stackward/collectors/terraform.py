"""Terraform collector (``terraform show -json`` plans and state)."""

from __future__ import annotations

from stackward.collectors.base import CollectContext, CollectResult


class TerraformCollector:
    name = "terraform"

    def collect(self, ctx: CollectContext) -> CollectResult:
        return CollectResult()
