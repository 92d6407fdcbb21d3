"""Normalises AWS IAM policy documents into a fixed statement shape.

Policy JSON is loose: ``Statement`` may be an object or a list, ``Action`` a string or a
list, ``Principal`` ``"*"`` or a map of principal types. Checks should not each re-learn
that, so the collector hands them one shape (:data:`Statement`) and records a document it
could not read as ``policy_error`` instead of guessing.
"""

from __future__ import annotations

import enum
import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


# -- evaluation ---------------------------------------------------------------------------
# IAM wildcards: ``*`` matches any run of characters (``/`` and ``:`` included), ``?`` one.
# Actions compare case-insensitively, ARNs case-sensitively. Every loop is bounded by the
# lengths of one pattern and one ARN.


UNKNOWN_FIELD = "\x00"
"""Stands in an ARN for a field the plan does not know (the account id, often the region):
it matches whatever the pattern says for that field, so a policy naming the account's
endpoint ARN is taken to name the endpoint of the plan."""


def _glob_states(pattern: str, text: str) -> set[int]:
    """Pattern positions reachable after reading ``text`` (a small NFA, no regex)."""
    states = _star_closure(pattern, {0})
    for char in text:
        following: set[int] = set()
        for position in states:
            if char == UNKNOWN_FIELD:
                following.update(_field_ends(pattern, position))
            elif position < len(pattern):
                wanted = pattern[position]
                if wanted == "*":
                    following.add(position)
                elif wanted in ("?", char):
                    following.add(position + 1)
        states = _star_closure(pattern, following)
        if not states:
            break
    return states


def _field_ends(pattern: str, position: int) -> set[int]:
    """Positions after the pattern spends some of its current ARN field on an unknown one."""
    ends = {position} if position < len(pattern) and pattern[position] == "*" else set()
    while position < len(pattern) and pattern[position] != ":":
        position += 1
        ends.add(position)
    return ends


def _star_closure(pattern: str, states: set[int]) -> set[int]:
    closed = set(states)
    for position in sorted(states):
        while position < len(pattern) and pattern[position] == "*":
            position += 1
            closed.add(position)
    return closed


@functools.lru_cache(maxsize=65536)
def glob_matches(pattern: str, text: str) -> bool:
    """Whether an IAM wildcard pattern matches all of ``text``."""
    if pattern == "*":
        return True
    if UNKNOWN_FIELD not in text:
        if "*" not in pattern and "?" not in pattern:
            return pattern == text
        return _as_regex(pattern).fullmatch(text) is not None
    return len(pattern) in _glob_states(pattern, text)


@functools.lru_cache(maxsize=65536)
def glob_matches_below(pattern: str, parent: str) -> bool:
    """Whether the pattern matches some ``<parent>/<non-empty rest>``: an object of a bucket,
    a model of a model family. ``arn:aws:s3:::b/train/*`` is below ``arn:aws:s3:::b``."""
    if pattern == "*":
        return True
    head = parent + "/"
    literal = _WILDCARD.split(pattern, maxsplit=1)[0]
    if UNKNOWN_FIELD not in head and not (literal.startswith(head) or head.startswith(literal)):
        return False  # the literal start of the pattern already differs
    return any(p < len(pattern) for p in _glob_states(pattern, head))


_WILDCARD = re.compile(r"[*?]")


@functools.lru_cache(maxsize=4096)
def _as_regex(pattern: str) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.DOTALL)


def action_matches(pattern: str, action: str) -> bool:
    return glob_matches(pattern.lower(), action.lower())


def resource_matches(pattern: str, arn: str, below: bool = False) -> bool:
    """``below``: the action works on what lives under ``arn`` (S3 objects of a bucket)."""
    return glob_matches_below(pattern, arn) if below else glob_matches(pattern, arn)


def statement_covers(statement: Statement, action: str, arn: str, below: bool = False) -> bool:
    """Whether a statement (Allow or Deny) names ``action`` on ``arn``, ignoring principals
    and conditions. ``NotAction`` / ``NotResource`` cover everything they do not list."""
    if statement["not_actions"]:
        if any(action_matches(a, action) for a in statement["not_actions"]):
            return False
    elif not any(action_matches(a, action) for a in statement["actions"]):
        return False
    if statement["not_resources"]:
        # leaving out one object prefix does not leave out every object of the bucket
        left_out = f"{arn}/*" if below else arn
        return not any(glob_matches(r, left_out) for r in statement["not_resources"])
    return any(resource_matches(r, arn, below) for r in statement["resources"])


class Verdict(enum.Enum):
    ALLOW = "allow"
    CONDITIONAL = "conditional"
    """Allowed only by statements whose Condition cannot be evaluated offline."""
    DENY = "deny"
    """An unconditional Deny covers it: explicit deny wins over any Allow."""
    NOT_GRANTED = "not granted"


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    statements: tuple[str, ...] = ()
    """Labels (Sid, else ``statement <index>``) of the deciding statements."""


def statement_label(statement: Statement, index: int) -> str:
    return str(statement.get("sid") or f"statement {index}")


def decide(statements: Sequence[Statement], action: str, arn: str, below: bool = False) -> Decision:
    """The effect of a set of statements on one action and resource.

    A Deny with a Condition is taken not to apply (it narrows access in some requests, such
    as ``aws:SecureTransport`` false, without removing it); an Allow with a Condition is
    kept and reported as conditional. Principals are the caller's business: pass only the
    statements that apply to the principal in question.
    """
    allows: list[str] = []
    conditional = True
    for index, statement in enumerate(statements):
        if not statement_covers(statement, action, arn, below):
            continue
        if statement["effect"] == "Deny" and not statement["has_condition"]:
            return Decision(Verdict.DENY, (statement_label(statement, index),))
        if statement["effect"] == "Allow":
            allows.append(statement_label(statement, index))
            conditional = conditional and bool(statement["has_condition"])
    if not allows:
        return Decision(Verdict.NOT_GRANTED)
    return Decision(Verdict.CONDITIONAL if conditional else Verdict.ALLOW, tuple(allows))
