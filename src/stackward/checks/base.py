"""The check contract: typed metadata plus a small ``evaluate`` over one asset."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, ControlRef, Evidence, Layer, Severity
from stackward.model.refs import Framework


@dataclass(frozen=True, slots=True)
class CheckMeta:
    """What a check is about. ``kinds`` are the asset kinds the engine hands to it."""

    id: str
    title: str
    severity: Severity
    layer: Layer
    kinds: frozenset[AssetKind]
    refs: tuple[ControlRef, ...]
    rationale: str
    remediation: str
    detection: bool = False
    """True when a finding means harmful content is present (a secret, a payload), not only a
    weak setting; OCSF output then uses Detection Finding instead of Compliance Finding."""

    def __post_init__(self) -> None:
        frameworks = {r.framework for r in self.refs}
        if not frameworks & {Framework.ATLAS, Framework.NIST_AI_RMF}:
            raise ValueError(f"check {self.id} needs at least one ATLAS or NIST AI RMF reference")
        if not self.kinds:
            raise ValueError(f"check {self.id} inspects no asset kind")


@dataclass(frozen=True, slots=True)
class Violation:
    """One problem a check saw. ``detail`` refines the title for this instance."""

    evidence: Evidence
    detail: str = ""
    severity: Severity | None = None


class Check(ABC):
    """Subclass, set ``meta`` and implement :meth:`evaluate`. Keep it pure: no I/O."""

    meta: ClassVar[CheckMeta]

    @abstractmethod
    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterable[Violation]:
        """Yield a :class:`Violation` for each problem on ``asset``; yield nothing if clean."""
