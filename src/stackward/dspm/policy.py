"""Data policies: which classes a store may not hold, checked against classified items."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass

from stackward.config.schema import DataPolicy
from stackward.dspm.results import ItemResult
from stackward.dspm.taxonomy import matches


@dataclass(frozen=True, slots=True)
class PolicyViolation:
    policy: str
    data_class: str
    count: int
    confidence: float
    fields: tuple[str, ...]
    lines: tuple[int, ...]


def store_matches(policy: DataPolicy, source: str, item: str) -> bool:
    """A policy's store globs match the source (``s3://bucket``) or ``source/item``."""
    whole = f"{source.rstrip('/')}/{item}"
    return any(
        fnmatch.fnmatchcase(source, glob) or fnmatch.fnmatchcase(whole, glob)
        for glob in policy.stores
    )


def violations(item: ItemResult, policies: Sequence[DataPolicy]) -> list[PolicyViolation]:
    found: list[PolicyViolation] = []
    for policy in policies:
        if not store_matches(policy, item.location.source, item.location.item):
            continue
        for cls in sorted({f.data_class for f in item.fields} | _occurring(item)):
            if not any(matches(pattern, cls) for pattern in policy.deny):
                continue
            fields = [
                f
                for f in item.fields
                if f.data_class == cls and f.confidence >= policy.min_confidence
            ]
            places = [
                o
                for o in item.occurrences
                if o.data_class == cls and o.confidence >= policy.min_confidence
            ]
            if not fields and not places:
                continue
            confidence = max([f.confidence for f in fields] + [o.confidence for o in places])
            found.append(
                PolicyViolation(
                    policy=policy.name,
                    data_class=cls,
                    count=sum(f.matched for f in fields) + len(places),
                    confidence=confidence,
                    fields=tuple(
                        dict.fromkeys(
                            [f.field for f in fields] + [o.field for o in places if o.field]
                        )
                    ),
                    lines=tuple(sorted({o.line for o in places if o.line is not None}))[:20],
                )
            )
    return found


def _occurring(item: ItemResult) -> set[str]:
    return {o.data_class for o in item.occurrences}
