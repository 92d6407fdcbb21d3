"""What an S3 bucket policy allows each principal to do to one object of the bucket.

A small evaluator of the IAM policy language as bucket policies use it: ``Principal`` /
``NotPrincipal``, ``Action`` / ``NotAction`` and ``Resource`` / ``NotResource`` with ``*`` and
``?`` wildcards, ``Effect`` Allow or Deny, where an explicit Deny wins. No request context
exists during a scan, so a ``Condition`` cannot be evaluated: an Allow under a condition is
kept and marked conditional, a Deny under a condition is assumed not to apply, except that
conditions on where a request comes from (``aws:SourceIp``, ``aws:SourceVpce``, ...) keep a
``Principal: "*"`` grant off the open internet. Malformed input becomes problem strings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from stackward.dspm.access.s3.model import (
    ALL_ACTIONS,
    ANONYMOUS_PRINCIPAL,
    BUCKET_ACTIONS,
    OBJECT_ACTIONS,
    READ_ACTIONS,
    Grant,
    Principal,
    glob_match,
)

SOURCE = "s3-policy"
MAX_POLICY_BYTES = 200_000
"""AWS caps bucket policies at 20 KB; anything far beyond is not a policy."""
MAX_STATEMENTS = 1_000
MAX_PRINCIPALS = 500
"""Principals evaluated per policy (each costs actions times statements matches per object)."""
RESTRICTING_KEYS = frozenset(
    {
        "aws:sourceip",
        "aws:sourcevpce",
        "aws:sourcevpc",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:userid",
        "aws:username",
    }
)
"""Condition keys that limit a grant to a network, an organisation or named callers."""


@dataclass(frozen=True, slots=True)
class Statement:
    label: str
    """The ``Sid``, or ``statement <n>``."""
    allow: bool
    principals: tuple[str, ...] | None
    """``None``: no Principal element."""
    not_principals: tuple[str, ...] | None
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    condition_keys: tuple[tuple[str, str], ...] = ()
    """(operator, lower-cased key) pairs of the Condition block."""
    matched_actions: frozenset[str] = frozenset()
    """The known S3 actions (:data:`ALL_ACTIONS`) that Action / NotAction cover."""


@dataclass(frozen=True, slots=True)
class BucketPolicy:
    statements: tuple[Statement, ...] = ()
    problems: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        named = len(_named_principals(self.statements))
        if named > MAX_PRINCIPALS:
            note = f"policy names {named:,} principals; the first {MAX_PRINCIPALS} evaluated"
            object.__setattr__(self, "problems", (*self.problems, note))


def parse_policy(document: str | bytes | Mapping[str, Any]) -> BucketPolicy:
    """A policy document (text or already-decoded JSON); never raises."""
    if isinstance(document, (str, bytes)):
        if len(document) > MAX_POLICY_BYTES:
            return BucketPolicy(problems=(f"policy is {len(document):,} bytes; not read",))
        try:
            document = json.loads(document)
        except (ValueError, UnicodeDecodeError) as exc:
            return BucketPolicy(problems=(f"policy is not JSON: {exc}",))
    if not isinstance(document, Mapping):
        return BucketPolicy(problems=("policy is not a JSON object",))
    raw = document.get("Statement")
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list):
        return BucketPolicy(problems=("policy has no Statement list",))
    statements: list[Statement] = []
    problems: list[str] = []
    if len(raw) > MAX_STATEMENTS:
        problems.append(f"policy has {len(raw):,} statements; the first {MAX_STATEMENTS} read")
    for number, entry in enumerate(raw[:MAX_STATEMENTS], start=1):
        parsed = _statement(entry, number)
        if isinstance(parsed, str):
            problems.append(parsed)
        else:
            statements.append(parsed)
    return BucketPolicy(tuple(statements), tuple(problems))


def _statement(entry: object, number: int) -> Statement | str:
    if not isinstance(entry, Mapping):
        return f"statement {number} is not an object"
    label = entry.get("Sid") if isinstance(entry.get("Sid"), str) and entry.get("Sid") else None
    label = label or f"statement {number}"
    effect = entry.get("Effect")
    if effect not in ("Allow", "Deny"):
        return f"{label}: Effect must be Allow or Deny, not {str(effect)[:40]!r}"
    try:
        principals = _principals(entry.get("Principal"))
        not_principals = _principals(entry.get("NotPrincipal"))
        actions, not_actions = _strings(entry, "Action"), _strings(entry, "NotAction")
        resources, not_resources = _strings(entry, "Resource"), _strings(entry, "NotResource")
        conditions = _condition_keys(entry.get("Condition"))
    except ValueError as exc:
        return f"{label}: {exc}"
    if (principals is None) == (not_principals is None):
        return f"{label}: give exactly one of Principal or NotPrincipal"
    if (actions is None) == (not_actions is None):
        return f"{label}: give exactly one of Action or NotAction"
    if (resources is None) == (not_resources is None):
        return f"{label}: give exactly one of Resource or NotResource"
    statement = Statement(
        label,
        effect == "Allow",
        principals,
        not_principals,
        actions,
        not_actions,
        resources,
        not_resources,
        conditions,
    )
    matched = frozenset(a for a in ALL_ACTIONS if _action_matches(statement, a))
    return replace(statement, matched_actions=matched)


def _strings(entry: Mapping[str, Any], name: str) -> tuple[str, ...] | None:
    value = entry.get(name)
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(f"{name} must be a string or a list of strings")


def _principals(value: object) -> tuple[str, ...] | None:
    """``"*"`` and ``{"AWS": "*"}`` become ``"*"``; other types are prefixed by their type."""
    if value is None:
        return None
    if value == "*":
        return ("*",)
    if not isinstance(value, Mapping) or not value:
        raise ValueError('Principal must be "*" or an object such as {"AWS": [...]}')
    names: list[str] = []
    for kind, listed in value.items():
        items = [listed] if isinstance(listed, str) else listed
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ValueError(f"Principal {kind} must be a string or a list of strings")
        for item in items:
            names.append("*" if item == "*" and kind == "AWS" else _principal_name(kind, item))
    return tuple(names)


def _principal_name(kind: str, value: str) -> str:
    return value if kind == "AWS" else f"{kind}:{value}"


def _condition_keys(value: object) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise ValueError("Condition must be an object")
    keys: list[tuple[str, str]] = []
    for operator, block in value.items():
        if not isinstance(block, Mapping):
            raise ValueError(f"Condition {operator} must be an object")
        keys.extend((str(operator), str(key).lower()) for key in block)
    return tuple(keys)


def _restricts_origin(statement: Statement) -> bool:
    """An Allow limited to (or a Deny of everything but) a network, account or organisation."""
    for operator, key in statement.condition_keys:
        if key not in RESTRICTING_KEYS:
            continue
        negated = operator.startswith(("Not", "StringNot", "ArnNot", "ForAllValues:StringNot"))
        if negated != statement.allow and "IfExists" not in operator:
            return True
    return False


def _principal_matches(statement: Statement, principal: str) -> bool:
    if statement.principals is not None:
        return "*" in statement.principals or principal in statement.principals
    assert statement.not_principals is not None
    return principal not in statement.not_principals


def _action_matches(statement: Statement, action: str) -> bool:
    if statement.actions is not None:
        return any(glob_match(p, action, ignore_case=True) for p in statement.actions)
    assert statement.not_actions is not None
    return not any(glob_match(p, action, ignore_case=True) for p in statement.not_actions)


def _resource_matches(statement: Statement, arn: str) -> bool:
    if statement.resources is not None:
        return any(glob_match(p, arn) for p in statement.resources)
    assert statement.not_resources is not None
    return not any(glob_match(p, arn) for p in statement.not_resources)


def _named_principals(statements: Iterable[Statement]) -> list[str]:
    """Every principal a statement names, and ``"*"`` (everybody) when an Allow is for
    everyone (Principal * or NotPrincipal); a name only a Deny mentions may still hold
    what an Allow for everyone gives."""
    names: dict[str, None] = {}
    for statement in statements:
        if statement.allow and (statement.principals is None or "*" in statement.principals):
            names["*"] = None
        listed = (*(statement.principals or ()), *(statement.not_principals or ()))
        names.update(dict.fromkeys(p for p in listed if p != "*"))
    return list(names)


def _covered_actions(statement: Statement, object_arn: str, bucket_arn: str) -> frozenset[str]:
    """The known S3 actions ``statement`` covers on this object and its bucket."""
    actions = statement.matched_actions
    covered: frozenset[str] = frozenset()
    if _resource_matches(statement, object_arn):
        covered |= actions & OBJECT_ACTIONS
    if _resource_matches(statement, bucket_arn):
        covered |= actions & BUCKET_ACTIONS
    return covered


def policy_grants(policy: BucketPolicy, bucket: str, key: str) -> list[Grant]:
    """Per principal the policy names, the actions it allows on ``bucket/key`` (object
    actions) and on the bucket (bucket actions), after explicit Denies."""
    object_arn, bucket_arn = f"arn:aws:s3:::{bucket}/{key}", f"arn:aws:s3:::{bucket}"
    covering = [
        (statement, actions)
        for statement in policy.statements
        if (actions := _covered_actions(statement, object_arn, bucket_arn))
    ]
    grants: list[Grant] = []
    for name in _named_principals(policy.statements)[:MAX_PRINCIPALS]:
        grant = _grant([(s, a) for s, a in covering if _principal_matches(s, name)], name)
        if grant is not None:
            grants.append(grant)
    return grants


def _grant(covering: Sequence[tuple[Statement, frozenset[str]]], name: str) -> Grant | None:
    """``covering``: the statements that apply to ``name`` here, with the actions each covers."""
    denied: set[str] = set()
    for statement, actions in covering:
        if not statement.allow and not statement.condition_keys:
            denied |= actions
    allowed: set[str] = set()
    open_to_all: set[str] = set()
    """Allowed by a statement with no condition on where the request comes from."""
    allowing: dict[str, Statement] = {}
    allows = sorted(
        ((s, a) for s, a in covering if s.allow),
        key=lambda pair: (bool(pair[0].condition_keys), pair[0].label),
    )
    for statement, actions in allows:
        fresh = actions - denied - allowed
        if not fresh:
            continue
        allowed |= fresh
        allowing.setdefault(statement.label, statement)
        if not _restricts_origin(statement):
            open_to_all |= fresh
    for statement, actions in covering:
        if not statement.allow and _restricts_origin(statement):
            open_to_all -= actions
    restricted = bool(allowed - open_to_all)
    if not allowed:
        return None
    everyone = name == "*"
    principal = ANONYMOUS_PRINCIPAL if everyone else Principal(name, "aws_principal")
    conditional = any(s.condition_keys for s in allowing.values())
    labels = sorted(allowing)
    shown = "Principal *" if everyone else name
    reason = f"bucket policy {', '.join(labels)} allows {shown}"
    if conditional:
        reason += " (conditional: True; its Condition is not evaluated)"
    if restricted:
        reason += "; limited by a source network or organisation condition"
    return Grant(
        principal=principal,
        actions=frozenset(allowed),
        via=(principal.name, *(f"bucket policy statement {label}" for label in labels)),
        reason=reason,
        source=SOURCE,
        conditional=conditional,
        public=everyone and bool(open_to_all & READ_ACTIONS),
    )
