"""Reads the JSON output of ``terraform show -json`` into flat resource records.

Plans carry resource values in ``planned_values`` (values unknown until apply are left
out and flagged in ``resource_changes[].change.after_unknown``); state files carry them in
``values``. Both nest child modules. ``configuration`` holds the expressions, and their
``references`` let later stages connect resources whose linking values are not yet known.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from stackward.collectors.terraform.configuration import (
    ConfigIndex,
    index_configuration,
    strip_indexes,
)
from stackward.collectors.terraform.shapes import as_list, first_block, values_at

KNOWN_AFTER_APPLY = "(known after apply)"


class PlanShapeError(ValueError):
    """The document is JSON but not a Terraform plan or state."""


@dataclass(frozen=True, slots=True)
class TfResource:
    """One resource instance, as Terraform will leave it (plan) or has it (state)."""

    address: str
    """Full instance address: ``module.net["eu"].aws_s3_bucket.logs[0]``."""
    type: str
    name: str
    mode: str
    module: str
    """Module instance address (``module.net["eu"]``), empty for the root module."""
    provider: str
    values: Mapping[str, Any]
    unknown: frozenset[str] = frozenset()
    """Top-level attributes whose value is only known after apply."""
    references: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Attribute path (``primary_container.model_data_url``) to the config addresses
    (``aws_s3_bucket.models``, index-free, module-prefixed) its expression references."""
    region: str | None = None

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def value(self, key: str, default: Any = None) -> Any:
        """The planned value; :data:`KNOWN_AFTER_APPLY` if unknown; ``default`` if unset."""
        value = self.values.get(key)
        if value is not None:
            return value
        if key in self.unknown:
            return KNOWN_AFTER_APPLY
        return default

    def block(self, key: str) -> Mapping[str, Any]:
        """The first element of the nested block ``key``."""
        return first_block(self.values.get(key))

    def strings(self, path: str) -> list[str]:
        """Every string at a dotted path through nested blocks (``gce_setup.disks.name``)."""
        return [v for v in values_at(self.values, path.split(".")) if isinstance(v, str) and v]

    def blocks(self, key: str) -> list[Mapping[str, Any]]:
        value = self.values.get(key)
        if isinstance(value, list):
            return [v for v in value if isinstance(v, Mapping)]
        return [value] if isinstance(value, Mapping) else []


@dataclass(slots=True)
class PlanDocument:
    kind: str
    """``plan`` or ``state``."""
    terraform_version: str
    resources: list[TfResource] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    """``(where, what)`` for each resource that could not be read."""


def _walk_modules(
    module: Any, problems: list[tuple[str, str]], where: str
) -> Iterator[tuple[Mapping[str, Any], str]]:
    """Yield ``(resource, module address)`` for every resource in the module tree."""
    stack: list[tuple[Any, str]] = [(module, where)]
    while stack:
        current, label = stack.pop()
        if not isinstance(current, Mapping):
            problems.append((label, "module is not an object"))
            continue
        module_address = current.get("address")
        module_address = module_address if isinstance(module_address, str) else ""
        resources = current.get("resources") or []
        children = current.get("child_modules") or []
        if not isinstance(resources, list) or not isinstance(children, list):
            problems.append((label, "resources or child_modules is not a list"))
            continue
        for position, res in enumerate(resources):
            if isinstance(res, Mapping):
                yield res, module_address
            else:
                problems.append((f"{label}.resources[{position}]", "resource is not an object"))
        for child_pos, child in enumerate(children):
            stack.append((child, f"{label}.child_modules[{child_pos}]"))


def _unknown_by_address(doc: Mapping[str, Any]) -> tuple[dict[str, frozenset[str]], set[str]]:
    unknown: dict[str, frozenset[str]] = {}
    deleted: set[str] = set()
    for change in as_list(doc.get("resource_changes")):
        if not isinstance(change, Mapping) or not isinstance(change.get("address"), str):
            continue
        body = change.get("change")
        if not isinstance(body, Mapping):
            continue
        actions = body.get("actions")
        if isinstance(actions, list) and actions == ["delete"]:
            deleted.add(change["address"])
        after_unknown = body.get("after_unknown")
        if isinstance(after_unknown, Mapping):
            unknown[change["address"]] = frozenset(k for k, v in after_unknown.items() if v)
    return unknown, deleted


def _root_module(doc: Mapping[str, Any]) -> tuple[str, Any, str]:
    for key, kind in (("planned_values", "plan"), ("values", "state")):
        if key in doc:
            section = doc[key]
            if section is None:
                return kind, None, key
            if not isinstance(section, Mapping):
                raise PlanShapeError(f"{key} is a JSON {type(section).__name__}, not an object")
            return kind, section.get("root_module"), key
    changes = as_list(doc.get("resource_changes"))
    if changes:
        return "plan", _module_of_changes(changes), "resource_changes"
    prior = doc.get("prior_state")
    if isinstance(prior, Mapping) and isinstance(prior.get("values"), Mapping):
        return "plan", prior["values"].get("root_module"), "prior_state.values"
    raise PlanShapeError(
        "no planned_values, values, resource_changes or prior_state: not a plan or state"
    )


def _module_of_changes(changes: list[Any]) -> dict[str, Any]:
    """A module tree built from ``resource_changes[].change.after``, for plans that carry
    changes but no ``planned_values``."""
    modules: dict[str, list[Any]] = {}
    for change in changes:
        if not isinstance(change, Mapping):
            modules.setdefault("", []).append(change)  # reported as not an object
            continue
        body = change.get("change")
        after = body.get("after") if isinstance(body, Mapping) else None
        if after is None:
            continue  # deleted, or no planned values
        resource = {k: change.get(k) for k in ("address", "mode", "type", "name", "provider_name")}
        resource["values"] = after
        module = change.get("module_address")
        modules.setdefault(module if isinstance(module, str) else "", []).append(resource)
    root = modules.pop("", [])
    children = [{"address": address, "resources": items} for address, items in modules.items()]
    return {"resources": root, "child_modules": children}


def read_document(doc: Any) -> PlanDocument:
    """Turn a decoded ``terraform show -json`` document into resource records."""
    if not isinstance(doc, Mapping):
        raise PlanShapeError(f"top level is a JSON {type(doc).__name__}, not an object")
    if "format_version" not in doc:
        raise PlanShapeError("no format_version: not terraform show -json output")
    kind, root, where = _root_module(doc)
    plan = PlanDocument(kind=kind, terraform_version=str(doc.get("terraform_version", "")))
    if root is None:
        return plan  # an empty configuration has no root module
    config = index_configuration(doc)
    unknown, deleted = _unknown_by_address(doc)
    for raw, module in _walk_modules(root, plan.problems, where):
        resource = _resource(raw, module, config, unknown, plan.problems)
        if resource is not None and resource.address not in deleted:
            plan.resources.append(resource)
    return plan


def _resource(
    raw: Mapping[str, Any],
    module: str,
    config: ConfigIndex,
    unknown: Mapping[str, frozenset[str]],
    problems: list[tuple[str, str]],
) -> TfResource | None:
    address, rtype, name = raw.get("address"), raw.get("type"), raw.get("name")
    if not (isinstance(address, str) and isinstance(rtype, str) and isinstance(name, str)):
        problems.append((str(address)[:120], "resource address, type or name missing"))
        return None
    values = raw.get("values")
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        problems.append((address, f"values is a JSON {type(values).__name__}, not an object"))
        return None
    key = strip_indexes(address)
    provider_key = config.provider_keys.get(key, rtype.split("_", 1)[0])
    region = (
        _resource_region(values)
        or config.provider_regions.get(provider_key)
        or config.provider_regions.get(provider_key.rsplit(":", 1)[-1])
    )
    return TfResource(
        address=address,
        type=rtype,
        name=name,
        mode=str(raw.get("mode", "managed")),
        module=module,
        provider=str(raw.get("provider_name", "")),
        values=values,
        unknown=unknown.get(address, frozenset()),
        references=config.references.get(key, {}),
        region=region,
    )


def _resource_region(values: Mapping[str, Any]) -> str | None:
    for key in ("region", "location"):
        value = values.get(key)
        if isinstance(value, str) and value:
            return value
    return None
