"""Turns code facts into inventory: properties on the file asset, assets for referenced models
and Hub datasets, and ``REFERENCES`` edges from the file to them.

Asset kinds, and why:

- a Hugging Face model id (``model:hf/<org>/<name>``) is :attr:`AssetKind.MODEL_ARTIFACT`:
  weights that code downloads and loads, the supply-chain object a model scan is about; it
  carries ``model_ref: "huggingface"`` and no ``path``, since no file of it was scanned.
- a provider model (``model:provider/<provider>/<model>``, e.g. ``openai/gpt-4o``) is
  :attr:`AssetKind.AI_SERVICE`: a hosted API the code sends prompts and data to, not a file
  anyone here holds; it carries ``model_ref: "provider"``.
- a Hub dataset (``dataset:hf/<id>``) is :attr:`AssetKind.DATASET` with ``dataset_key``
  ``huggingface/<id>`` (namespace + "/" + name, as for other non-file datasets).

The same model referenced from many files is one asset (ids carry no file), with the
number of referencing files and the first of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from stackward.code.facts import CodeFacts, CodeRisk, DatasetUse, ModelUse, PromptUse, ToolUse
from stackward.code.model_names import ModelName
from stackward.lineage.naming import normalise_dataset_key
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind

MAX_REFERRERS_LISTED = 20
_Placed = TypeVar("_Placed", ModelUse, DatasetUse, PromptUse, ToolUse, CodeRisk)


def _in_order(items: list[_Placed]) -> list[_Placed]:
    return sorted(items, key=lambda item: (item.cell or 0, item.line))


def code_properties(facts: CodeFacts, max_facts: int) -> dict[str, object]:
    """The properties a code or notebook file asset gets; empty lists are left out."""
    datasets = []
    for use in _in_order(facts.datasets)[:max_facts]:
        record = use.as_property()
        if "://" in use.ref:
            record["dataset_key"] = normalise_dataset_key(use.ref)
        datasets.append(record)
    properties: dict[str, object] = {
        "ai_components": [
            {"name": c.name, "family": c.family, "category": c.category}
            for c in sorted(facts.components.values(), key=lambda c: c.name)
        ],
        "model_refs": [m.as_property() for m in _in_order(facts.models)[:max_facts]],
        "dataset_refs": datasets,
        "prompts": [p.as_property() for p in _in_order(facts.prompts)[:max_facts]],
        "agent_tools": [t.as_property() for t in _in_order(facts.tools)[:max_facts]],
        "code_risks": [r.as_property() for r in _in_order(facts.risks)[:max_facts]],
    }
    kept: dict[str, object] = {k: v for k, v in properties.items() if v}
    if facts.truncated or any(
        len(items) > max_facts
        for items in (facts.models, facts.datasets, facts.prompts, facts.tools, facts.risks)
    ):
        kept["code_facts_truncated"] = True
    return kept


@dataclass(slots=True)
class _Referenced:
    asset_id: str
    kind: AssetKind
    name: str
    properties: dict[str, object]
    referrers: list[str] = field(default_factory=list)
    count: int = 0


class ReferencedAssets:
    """Models and Hub datasets referenced across the scan, one asset each."""

    def __init__(self) -> None:
        self._by_id: dict[str, _Referenced] = {}

    def add(self, file_id: str, facts: CodeFacts) -> list[Relation]:
        """Record what ``file_id`` references; the ``REFERENCES`` edges from it."""
        edges: dict[str, Relation] = {}
        for use in facts.models:
            target = self._model(use.model)
            edges.setdefault(target.asset_id, _edge(file_id, target, use.via, use.line))
        for data in facts.datasets:
            if data.hub and "://" not in data.ref:
                target = self._dataset(data.ref)
                edges.setdefault(target.asset_id, _edge(file_id, target, data.loader, data.line))
        for asset_id in edges:
            held = self._by_id[asset_id]
            held.count += 1
            if len(held.referrers) < MAX_REFERRERS_LISTED:
                held.referrers.append(file_id)
        return list(edges.values())

    def assets(self) -> list[Asset]:
        return [_asset(held) for held in sorted(self._by_id.values(), key=lambda h: h.asset_id)]

    def _model(self, model: ModelName) -> _Referenced:
        held = self._by_id.get(model.asset_id)
        if held is None:
            hub = model.source == "huggingface"
            held = _Referenced(
                model.asset_id,
                AssetKind.MODEL_ARTIFACT if hub else AssetKind.AI_SERVICE,
                model.name,
                {
                    "model_ref": "huggingface" if hub else "provider",
                    "provider": model.source,
                    "model": model.name,
                    **({"hub_id": model.name} if hub else {}),
                },
            )
            self._by_id[model.asset_id] = held
        return held

    def _dataset(self, ref: str) -> _Referenced:
        asset_id = f"dataset:hf/{ref}"
        held = self._by_id.get(asset_id)
        if held is None:
            held = _Referenced(
                asset_id,
                AssetKind.DATASET,
                ref,
                {"dataset_ref": "huggingface", "hub_id": ref, "dataset_key": f"huggingface/{ref}"},
            )
            self._by_id[asset_id] = held
        return held


def _edge(file_id: str, target: _Referenced, via: str, line: int) -> Relation:
    return Relation(file_id, target.asset_id, RelationKind.REFERENCES, {"via": via, "line": line})


def _asset(held: _Referenced) -> Asset:
    return Asset(
        id=held.asset_id,
        kind=held.kind,
        layer=Layer.DATA_FOUNDATION if held.kind is AssetKind.DATASET else Layer.CORE_AI,
        name=held.name,
        source=held.referrers[0] if held.referrers else held.asset_id,
        properties={
            **held.properties,
            "referenced_by": list(held.referrers),
            "reference_count": held.count,
        },
    )
