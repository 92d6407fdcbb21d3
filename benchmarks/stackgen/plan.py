"""Builds the JSON that ``terraform show -json <planfile>`` prints, for AWS resources.

Attribute values that Terraform would compute from another resource are written as a
:class:`Ref`: the plan gets its resolved value in ``planned_values`` and ``resource_changes``,
and a ``references`` expression in ``configuration``, as Terraform does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROVIDER = "registry.terraform.io/hashicorp/aws"
ACCOUNT = "123456789012"
REGION = "eu-west-1"


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to ``<address>.<attribute>`` whose planned value is ``value``."""

    address: str
    attribute: str
    value: str


def arn(service: str, resource: str, region: str = REGION) -> str:
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{resource}"


def _resolve(value: Any) -> Any:
    if isinstance(value, Ref):
        return value.value
    if isinstance(value, dict):
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    return value


def _expression(value: Any) -> Any:
    """The ``configuration`` form of a value: nested blocks stay lists of expression maps."""
    if isinstance(value, Ref):
        return {"references": [f"{value.address}.{value.attribute}", value.address]}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [{k: _expression(v) for k, v in item.items()} for item in value]
    return {"constant_value": _resolve(value)}


@dataclass(slots=True)
class PlanBuilder:
    """Collects resources and renders them as one plan document."""

    resources: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def add(self, rtype: str, name: str, values: dict[str, Any]) -> str:
        """Add a managed resource; return its address."""
        self.resources.append((rtype, name, values))
        return f"{rtype}.{name}"

    def __len__(self) -> int:
        return len(self.resources)

    def truncate(self, count: int) -> None:
        del self.resources[count:]

    def document(self) -> dict[str, Any]:
        planned: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        configured: list[dict[str, Any]] = []
        for rtype, name, values in self.resources:
            address = f"{rtype}.{name}"
            head = {"address": address, "mode": "managed", "type": rtype, "name": name}
            resolved = _resolve(values)
            planned.append(
                {
                    **head,
                    "provider_name": PROVIDER,
                    "schema_version": 0,
                    "values": resolved,
                    "sensitive_values": {},
                }
            )
            changes.append(
                {
                    **head,
                    "provider_name": PROVIDER,
                    "change": {
                        "actions": ["create"],
                        "before": None,
                        "after": resolved,
                        "after_unknown": {},
                        "before_sensitive": False,
                        "after_sensitive": {},
                    },
                }
            )
            configured.append(
                {
                    **head,
                    "provider_config_key": "aws",
                    "expressions": {k: _expression(v) for k, v in values.items()},
                    "schema_version": 0,
                }
            )
        return {
            "format_version": "1.2",
            "terraform_version": "1.9.8",
            "planned_values": {"root_module": {"resources": planned}},
            "resource_changes": changes,
            "configuration": {
                "provider_config": {
                    "aws": {
                        "name": "aws",
                        "full_name": PROVIDER,
                        "expressions": {"region": {"constant_value": REGION}},
                    }
                },
                "root_module": {"resources": configured},
            },
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.document(), indent=1), encoding="utf-8")
