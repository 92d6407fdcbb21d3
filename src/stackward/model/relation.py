"""Relations: the directed edges of the inventory graph."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class RelationKind(StrEnum):
    """Edge kinds. Direction reads ``src KIND dst`` (``ingress ROUTES_TO service``)."""

    CONTAINS = "CONTAINS"
    RUNS = "RUNS"
    SERVES = "SERVES"
    LOADS_MODEL = "LOADS_MODEL"
    TRAINED_ON = "TRAINED_ON"
    READS = "READS"
    WRITES = "WRITES"
    DERIVED_FROM = "DERIVED_FROM"
    CAN_ACCESS = "CAN_ACCESS"
    EXPOSED_TO = "EXPOSED_TO"
    ROUTES_TO = "ROUTES_TO"
    RUNS_AS = "RUNS_AS"
    BOUND_TO = "BOUND_TO"
    GRANTS = "GRANTS"
    MOUNTS = "MOUNTS"
    SELECTS = "SELECTS"
    ENCRYPTED_BY = "ENCRYPTED_BY"
    LOGS_TO = "LOGS_TO"
    DEFINED_IN = "DEFINED_IN"
    REFERENCES = "REFERENCES"


ATTACK_TRAVERSABLE: frozenset[RelationKind] = frozenset(
    {
        RelationKind.EXPOSED_TO,
        RelationKind.ROUTES_TO,
        RelationKind.SERVES,
        RelationKind.RUNS,
        RelationKind.RUNS_AS,
        RelationKind.BOUND_TO,
        RelationKind.GRANTS,
        RelationKind.CAN_ACCESS,
        RelationKind.MOUNTS,
        RelationKind.LOADS_MODEL,
        RelationKind.READS,
        RelationKind.WRITES,
        RelationKind.TRAINED_ON,
        RelationKind.CONTAINS,
    }
)
"""Edges an attacker who controls ``src`` can follow to reach ``dst``."""

MADE_FROM: tuple[RelationKind, ...] = (
    RelationKind.DERIVED_FROM,
    RelationKind.TRAINED_ON,
    RelationKind.SERVES,
    RelationKind.LOADS_MODEL,
)
"""Lineage edges from a thing to what it is made from (a dataset to its source, a model to its
training data, an endpoint to its model, a deployed model to its artifact): data flows from
``dst`` to ``src``. With ``job WRITES output`` and ``job READS input`` they are the lineage
every walk (lineage, data map, propagation, residency) follows."""


@dataclass(frozen=True, slots=True)
class Relation:
    src: str
    dst: str
    kind: RelationKind
    properties: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        properties = self.properties
        if not properties:
            object.__setattr__(self, "properties", _NO_PROPERTIES)
        elif type(properties) is not MappingProxyType:
            object.__setattr__(self, "properties", MappingProxyType(dict(properties)))


_NO_PROPERTIES: Mapping[str, Any] = MappingProxyType({})
"""Shared by every relation without properties: a large inventory has hundreds of thousands."""
