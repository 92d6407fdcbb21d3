"""The mutable workspace that turns resource records into assets and relations.

Mappers add one draft per primary resource, then auxiliary resources (an S3 bucket's
ACL, policy, encryption...) merge their facts onto the draft they configure. Drafts are
frozen into :class:`Asset` objects only at the end, so no asset is rebuilt repeatedly.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from stackward.collectors.terraform.configuration import strip_indexes
from stackward.collectors.terraform.document import TfResource
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind

_TRAILING_INDEX = re.compile(r"\[[^\]]*\]$")
_LOOKUP_KEYS = ("id", "arn", "name", "bucket", "email", "self_link", "key_id")


def asset_id(address: str) -> str:
    return f"tf:{address}"


def labels_of(res: TfResource) -> dict[str, str]:
    """Tags (AWS, Azure) or labels (Google Cloud) with string values."""
    for key in ("tags", "labels"):
        value = res.get(key)
        if isinstance(value, Mapping) and value:
            return {str(k): str(v) for k, v in value.items() if isinstance(v, str | int | bool)}
    return {}


@dataclass(slots=True)
class Draft:
    id: str
    kind: AssetKind
    layer: Layer
    name: str
    source: str
    properties: dict[str, Any]
    region: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    sensitive: bool = False
    internet_exposed: bool = False

    def freeze(self) -> Asset:
        return Asset(
            id=self.id,
            kind=self.kind,
            layer=self.layer,
            name=self.name,
            source=self.source,
            properties=self.properties,
            region=self.region,
            labels=self.labels,
            sensitive=self.sensitive,
            internet_exposed=self.internet_exposed,
        )


class Build:
    """Resources of one plan, indexed by address and by identifying values."""

    def __init__(self, resources: Iterable[TfResource], source: str) -> None:
        self.source = source
        self.resources = list(resources)
        self.drafts: dict[str, Draft] = {}
        self.relations: list[Relation] = []
        self.problems: list[tuple[str, str]] = []
        """``(where, what)`` for resources or derivations that failed."""
        self.sensitive_reasons: dict[str, list[str]] = defaultdict(list)
        self._by_address: dict[str, TfResource] = {}
        self._by_config: dict[str, list[TfResource]] = defaultdict(list)
        self._by_type: dict[str, list[TfResource]] = defaultdict(list)
        self._by_value: dict[tuple[str, str], list[TfResource]] = defaultdict(list)
        for res in self.resources:
            self._by_address[res.address] = res
            self._by_config[strip_indexes(res.address)].append(res)
            self._by_type[res.type].append(res)
            for key in _LOOKUP_KEYS:
                value = res.values.get(key)
                if isinstance(value, str) and value:
                    self._by_value[(res.type, value)].append(res)

    # -- drafts and relations -------------------------------------------------------------
    def add(
        self,
        res: TfResource,
        kind: AssetKind,
        layer: Layer,
        properties: Mapping[str, Any],
        *,
        name: str | None = None,
        sensitive: bool = False,
        exposed: bool = False,
        suffix: str = "",
    ) -> Draft:
        draft = Draft(
            id=asset_id(res.address + suffix),
            kind=kind,
            layer=layer,
            name=name or _display_name(res),
            source=self.source,
            properties={
                "address": res.address + suffix,
                "resource_type": res.type,
                "provider": res.provider,
                **properties,
            },
            region=res.region,
            labels=labels_of(res),
            sensitive=sensitive,
            internet_exposed=exposed,
        )
        self.drafts[draft.id] = draft
        return draft

    def draft(self, res: TfResource) -> Draft | None:
        return self.drafts.get(asset_id(res.address))

    def flag_sensitive(self, target_id: str, reason: str) -> None:
        """Mark an asset (drafted now or later) as holding AI data, saying why."""
        self.sensitive_reasons[target_id].append(reason)

    def relate(self, src: str, dst: str, kind: RelationKind, **properties: Any) -> None:
        if src != dst:
            self.relations.append(Relation(src, dst, kind, properties))

    def assets(self) -> list[Asset]:
        for target_id, reasons in self.sensitive_reasons.items():
            draft = self.drafts.get(target_id)
            if draft is not None:
                draft.sensitive = True
                draft.properties["sensitive_reasons"] = sorted(set(reasons))
        return [draft.freeze() for draft in self.drafts.values()]

    def known_relations(self, extra_ids: frozenset[str] = frozenset()) -> list[Relation]:
        """Relations whose two ends are assets of this plan (or ``extra_ids``)."""
        known = self.drafts.keys() | extra_ids
        return [r for r in self.relations if r.src in known and r.dst in known]

    # -- lookups --------------------------------------------------------------------------
    def resource(self, address: str) -> TfResource | None:
        return self._by_address.get(address)

    def of_type(self, *types: str) -> list[TfResource]:
        return [res for rtype in types for res in self._by_type.get(rtype, ())]

    def by_value(self, value: object, *types: str) -> list[TfResource]:
        if not isinstance(value, str) or not value:
            return []
        found = {
            res.address: res for rtype in types for res in self._by_value.get((rtype, value), ())
        }
        return list(found.values())

    def referenced(self, res: TfResource, attr: str, *types: str) -> list[TfResource]:
        """Resources of ``types`` that the expression of ``attr`` references in config.

        A reference to one instance (``aws_s3_bucket.x[0]``) wins over the reference to the
        whole resource that Terraform lists beside it.
        """
        keys = [k for k in res.references.get(attr, ()) if not types or _type_of(k) in types]
        found: dict[str, TfResource] = {}
        pinned: set[str] = set()
        for key in (k for k in keys if k.endswith("]")):
            local = key[len(_config_prefix(res)) :]
            target = self._by_address.get(f"{res.module}.{local}" if res.module else local)
            if target is not None:
                found[target.address] = target
                pinned.add(strip_indexes(key))
        for key in (k for k in keys if not k.endswith("]") and k not in pinned):
            for target in _same_instance(res, self._by_config.get(key, [])):
                found[target.address] = target
        return list(found.values())

    def targets(self, res: TfResource, attr: str, *types: str) -> list[TfResource]:
        """What ``attr`` points at: by config reference first, else by matching value.

        ``attr`` may be a dotted path into nested blocks (``vpc_config.subnets``); the value
        lookup then reads the first block at each step.
        """
        found = self.referenced(res, attr, *types)
        if found:
            return found
        for value in res.strings(attr):
            found.extend(self.by_value(value, *types))
        return found


def _type_of(config_key: str) -> str:
    """``module.a.aws_s3_bucket.x[0]`` -> ``aws_s3_bucket``."""
    return strip_indexes(config_key).rsplit(".", 2)[-2]


def _config_prefix(res: TfResource) -> str:
    return strip_indexes(res.module) + "." if res.module else ""


def _display_name(res: TfResource) -> str:
    for key in ("name", "bucket", "display_name", "account_id", "role_name"):
        value = res.get(key)
        if isinstance(value, str) and value:
            return value
    return res.name


def _same_instance(src: TfResource, candidates: list[TfResource]) -> list[TfResource]:
    """Pick the instance ``src`` means when the target uses ``count`` or ``for_each``."""
    if len(candidates) <= 1:
        return candidates
    same_module = [c for c in candidates if c.module == src.module] or candidates
    trailing = _TRAILING_INDEX.search(src.address)
    if trailing:
        index = trailing.group(0)
        same_index = [c for c in same_module if c.address.endswith(index)]
        if same_index:
            return same_index
    return same_module
