"""The ``configuration`` section of a plan: which resources each expression references.

Values that link resources (a role ARN, a bucket id) are often unknown until apply, but
the configuration still says which resource they come from. References are recorded per
attribute path as index-free, module-prefixed configuration addresses, keeping a literal
instance index (``aws_s3_bucket.x[0]``) so a reference can name one instance.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stackward.collectors.terraform.shapes import as_list

_INDEX = re.compile(r"\[[^\]]*\]")
_REF_PART = re.compile(r"[^.\[]+(?:\[[^\]]*\])?")
_LITERAL_INDEX = re.compile(r'\[(?:\d+|"[^"]*")\]')
_NOT_RESOURCES = frozenset({"var", "local", "each", "count", "path", "terraform", "self"})


def strip_indexes(address: str) -> str:
    return _INDEX.sub("", address)


def normalise_reference(ref: str, module_prefix: str) -> str | None:
    """``aws_s3_bucket.x.arn`` -> ``<prefix>aws_s3_bucket.x``; variables and locals -> None.

    A literal instance index is kept (``aws_s3_bucket.x[0]``) so the reference can name
    one instance; a computed one (``[count.index]``, ``[each.key]``) is dropped.
    """
    parts = _REF_PART.findall(ref)
    if not parts or parts[0] in _NOT_RESOURCES or parts[0] == "module":
        return None
    size = 3 if parts[0] == "data" else 2
    if len(parts) < size:
        return None
    head = ".".join(parts[: size - 1])
    last = parts[size - 1]
    name, _, index = last.partition("[")
    if index and not _LITERAL_INDEX.fullmatch("[" + index):
        last = name
    return f"{module_prefix}{head}.{last}"


def _collect_refs(expr: Any, path: str, prefix: str, out: dict[str, set[str]]) -> None:
    if isinstance(expr, Mapping):
        refs = expr.get("references")
        if isinstance(refs, list):
            for ref in refs:
                if isinstance(ref, str) and (target := normalise_reference(ref, prefix)):
                    out.setdefault(path, set()).add(target)
        for key, value in expr.items():
            if key not in ("references", "constant_value") and isinstance(value, Mapping | list):
                _collect_refs(value, f"{path}.{key}" if path else str(key), prefix, out)
    elif isinstance(expr, list):
        for item in expr:
            _collect_refs(item, path, prefix, out)


@dataclass(slots=True)
class ConfigIndex:
    """References per resource and the region of each provider configuration."""

    references: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    provider_keys: dict[str, str] = field(default_factory=dict)
    provider_regions: dict[str, str] = field(default_factory=dict)


def _index_module(module: Any, prefix: str, index: ConfigIndex) -> None:
    if not isinstance(module, Mapping):
        return
    for res in as_list(module.get("resources")):
        if not isinstance(res, Mapping) or not isinstance(res.get("address"), str):
            continue
        key = prefix + res["address"]
        refs: dict[str, set[str]] = {}
        _collect_refs(res.get("expressions") or {}, "", prefix, refs)
        index.references[key] = {k: tuple(sorted(v)) for k, v in refs.items()}
        if isinstance(res.get("provider_config_key"), str):
            index.provider_keys[key] = res["provider_config_key"]
    calls = module.get("module_calls")
    if isinstance(calls, Mapping):
        for name, call in calls.items():
            if isinstance(call, Mapping):
                _index_module(call.get("module"), f"{prefix}module.{name}.", index)


def index_configuration(doc: Mapping[str, Any]) -> ConfigIndex:
    index = ConfigIndex()
    config = doc.get("configuration")
    if not isinstance(config, Mapping):
        return index
    providers = config.get("provider_config")
    if isinstance(providers, Mapping):
        for key, provider in providers.items():
            region = _provider_region(provider)
            if region:
                index.provider_regions[str(key)] = region
    _index_module(config.get("root_module"), "", index)
    return index


def _provider_region(provider: Any) -> str | None:
    if not isinstance(provider, Mapping):
        return None
    expressions = provider.get("expressions")
    if not isinstance(expressions, Mapping):
        return None
    for key in ("region", "location"):
        expr = expressions.get(key)
        if isinstance(expr, Mapping) and isinstance(expr.get("constant_value"), str):
            return str(expr["constant_value"])
    return None
