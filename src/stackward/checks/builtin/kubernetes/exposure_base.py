"""The shared shape of the "AI component reachable from outside without credentials" checks."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator

from stackward.checks.base import Check, Violation
from stackward.checks.builtin.kubernetes.facts import (
    ai_category,
    app_requires_auth,
    auth_summary,
    component_name,
    exposures,
)
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence


class UnauthenticatedExposureCheck(Check):
    """Flags each outside entry point that reaches a component of ``categories`` when
    neither the entry point, a proxy sidecar nor the component itself asks for credentials."""

    @property
    @abstractmethod
    def categories(self) -> frozenset[str]:
        """The ``ai_category`` values this check covers."""

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if ai_category(asset) not in self.categories or app_requires_auth(asset):
            return
        for exposure in exposures(asset, graph):
            yield Violation(
                Evidence(
                    location=asset.source,
                    snippet=f"{component_name(asset)}: {exposure.description}; {auth_summary(asset)}",
                    key=exposure.entry.id,
                ),
                detail=f"{component_name(asset)} reachable through {exposure.entry.id}",
            )
