"""Normalises AWS IAM policy documents into a fixed statement shape.

Policy JSON is loose: ``Statement`` may be an object or a list, ``Action`` a string or a
list, ``Principal`` ``"*"`` or a map of principal types. Checks should not each re-learn
that, so the collector hands them one shape (:data:`Statement`) and records a document it
could not read as ``policy_error`` instead of guessing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from stackward.collectors.terraform.document import KNOWN_AFTER_APPLY

Statement = dict[str, Any]
"""``{"sid", "effect", "actions", "not_actions", "resources", "not_resources",
"principals", "not_principals", "has_condition"}``; lists hold strings."""


class PolicyError(ValueError):
    """The policy document is not valid JSON or not an IAM policy."""


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int)]
    return []


def _principals(value: Any) -> list[str]:
    """``"*"`` and ``{"AWS": "*"}`` both become ``["*"]``; services keep their names."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [p for v in value.values() for p in _strings(v)]
    return _strings(value)


def _statement(raw: Any, position: int) -> Statement:
    if not isinstance(raw, Mapping):
        raise PolicyError(f"statement {position} is not an object")
    return {
        "sid": str(raw.get("Sid", "")),
        "effect": str(raw.get("Effect", "")),
        "actions": _strings(raw.get("Action")),
        "not_actions": _strings(raw.get("NotAction")),
        "resources": _strings(raw.get("Resource")),
        "not_resources": _strings(raw.get("NotResource")),
        "principals": _principals(raw.get("Principal")),
        "not_principals": _principals(raw.get("NotPrincipal")),
        "has_condition": bool(raw.get("Condition")),
    }


def parse_policy(document: Any) -> list[Statement]:
    """Statements of a policy given as JSON text or as an already decoded object."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError as exc:
            raise PolicyError(f"policy is not valid JSON: {exc}") from None
    if not isinstance(document, Mapping):
        raise PolicyError("policy is not a JSON object")
    raw = document.get("Statement")
    if raw is None:
        raise PolicyError("policy has no Statement")
    items = raw if isinstance(raw, list) else [raw]
    return [_statement(item, position) for position, item in enumerate(items)]


def policy_properties(document: Any, unknown: bool = False) -> dict[str, Any]:
    """Properties describing a policy document for an asset."""
    if document is None or document == "" or document == KNOWN_AFTER_APPLY:
        return {"statements": [], "policy_known": not unknown and document != KNOWN_AFTER_APPLY}
    try:
        return {"statements": parse_policy(document), "policy_known": True}
    except PolicyError as exc:
        return {"statements": [], "policy_known": False, "policy_error": str(exc)}


def grants(statement: Statement, service: str) -> bool:
    """Whether an Allow statement can grant some action of ``service`` (``s3``)."""
    if statement["effect"] != "Allow":
        return False
    if statement["not_actions"]:
        return not any(_matches(a, f"{service}:*") for a in statement["not_actions"])
    return any(_covers(a, service) for a in statement["actions"])


def _covers(action: str, service: str) -> bool:
    action = action.lower()
    return action in ("*", "*:*") or action.split(":", 1)[0] == service.lower()


def _matches(pattern: str, action: str) -> bool:
    return pattern.lower() in (action.lower(), "*", "*:*")


def public_principal(statement: Statement) -> bool:
    """An Allow to everyone (``"*"``) with no Condition to narrow it."""
    return (
        statement["effect"] == "Allow"
        and "*" in statement["principals"]
        and not statement["has_condition"]
    )
