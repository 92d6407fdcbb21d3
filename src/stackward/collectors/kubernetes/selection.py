"""Label selectors and an index that answers them without scanning every pod.

Workloads are indexed by namespace and by ``(namespace, key, value)``; a selector with
``matchLabels`` starts from the smallest posting set and checks only those candidates, so
matching services and network policies costs roughly the size of the answer, not
``selectors x workloads``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from stackward.collectors.kubernetes.raw import as_dict, as_list, as_str, as_str_list, as_str_map


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    operator: str
    values: tuple[str, ...]

    def holds(self, labels: Mapping[str, str]) -> bool:
        present = self.key in labels
        if self.operator == "In":
            return present and labels[self.key] in self.values
        if self.operator == "NotIn":
            return not present or labels[self.key] not in self.values
        if self.operator == "Exists":
            return present
        if self.operator == "DoesNotExist":
            return not present
        return False


@dataclass(frozen=True, slots=True)
class Selector:
    match_labels: Mapping[str, str] = field(default_factory=dict)
    expressions: tuple[Requirement, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.match_labels and not self.expressions

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(labels.get(k) == v for k, v in self.match_labels.items()) and all(
            r.holds(labels) for r in self.expressions
        )

    def as_properties(self) -> dict[str, Any]:
        return {
            "match_labels": dict(self.match_labels),
            "match_expressions": [
                {"key": r.key, "operator": r.operator, "values": list(r.values)}
                for r in self.expressions
            ],
        }


def label_selector(raw: object) -> Selector:
    """A ``LabelSelector`` (``matchLabels`` + ``matchExpressions``)."""
    raw = as_dict(raw)
    expressions = tuple(
        Requirement(
            as_str(as_dict(e).get("key")),
            as_str(as_dict(e).get("operator")),
            tuple(as_str_list(as_dict(e).get("values"))),
        )
        for e in as_list(raw.get("matchExpressions"))
    )
    return Selector(as_str_map(raw.get("matchLabels")), expressions)


class LabelIndex:
    def __init__(self) -> None:
        self._by_namespace: dict[str, list[str]] = defaultdict(list)
        self._by_label: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        self._label_sets: dict[str, Sequence[Mapping[str, str]]] = {}

    def add(self, asset_id: str, namespace: str, label_sets: Sequence[Mapping[str, str]]) -> None:
        self._by_namespace[namespace].append(asset_id)
        self._label_sets[asset_id] = label_sets
        for labels in label_sets:
            for key, value in labels.items():
                self._by_label[(namespace, key, value)].add(asset_id)

    def match(self, namespace: str, selector: Selector) -> list[str]:
        """Ids of workloads in ``namespace`` with a pod template the selector matches."""
        if selector.match_labels:
            postings = [
                self._by_label.get((namespace, k, v), set())
                for k, v in selector.match_labels.items()
            ]
            postings.sort(key=len)
            candidates: Sequence[str] = sorted(set.intersection(*postings)) if postings[0] else []
        else:
            candidates = self._by_namespace.get(namespace, [])
        return [
            asset_id
            for asset_id in candidates
            if any(selector.matches(labels) for labels in self._label_sets[asset_id])
        ]
