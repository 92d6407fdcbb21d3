"""Who can read, write or administer each bucket, endpoint and model of an AWS plan.

The IAM mapper links a role to its policies and a policy to the buckets it names; data
security needs the answer one step further: *this principal* can *read* (or write, or
change the access of) *this asset*, and through which chain. So, once every draft of the
plan exists, the identity policies of each role and user (their own, attached, inline,
AWS managed, and those of their groups) and each bucket's policy and ACL are evaluated
with :func:`~stackward.collectors.terraform.policy.decide` against the buckets, SageMaker
endpoints (and the models they serve), Bedrock custom models, Bedrock foundation-model
use and roles, and each grant becomes a ``principal CAN_ACCESS asset`` edge in the shape
the data map shares (``access``, ``privileges``, ``via``, ``reason``, ``source``).

Offline limits, on purpose: conditions are not evaluated (an Allow with a Condition is
kept and flagged ``conditional``; a Deny with one is taken not to apply), permission
boundaries, SCPs, session policies and ``NotPrincipal`` are not read, and the account id
is usually unknown in a plan, so an ARN naming any account is taken to name the plan's.
What this cannot see is only what AWS would decide at request time; nothing here calls AWS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stackward.collectors.terraform.access_gcp_azure import derive_gcp_azure_access
from stackward.collectors.terraform.access_principals import PolicyChain, identity_chains
from stackward.collectors.terraform.access_targets import Target, TargetSet, collect_targets
from stackward.collectors.terraform.build import Build, Draft, asset_id
from stackward.collectors.terraform.mapper import ProviderMappers
from stackward.collectors.terraform.policy import (
    Statement,
    Verdict,
    action_matches,
    decide,
)
from stackward.model import AssetKind, Layer, RelationKind

EVERYONE = "aws:principal/*"
AUTHENTICATED = "aws:principal/AuthenticatedUsers"
_ASSUME_ACTIONS = ("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML")


@dataclass(frozen=True, slots=True)
class Grant:
    principal: str
    target: Target
    via: tuple[str, ...]
    privileges: frozenset[str]
    access: frozenset[str]
    conditional: bool
    source: str


def derive_access(build: Build) -> None:
    """Add ``CAN_ACCESS`` edges and ``assumable_by`` facts to the drafts of ``build``."""
    for draft in build.drafts.values():
        if draft.properties.get("resource_type") == "aws_iam_role":
            statements = draft.properties.get("trust_statements") or []
            draft.properties["assumable_by"] = assumable_by(statements)
    targets = collect_targets(build)
    if not targets:
        return
    serves = _served_models(build)
    chains_of = identity_chains(build)
    for principal_id, chains in chains_of.items():
        names = _names_principal(build, principal_id)
        for grant in identity_grants(principal_id, chains, targets, names):
            _relate(build, grant, serves)
    for grant in bucket_grants(build, targets, chains_of):
        _ensure_principal(build, grant.principal)
        _relate(build, grant, serves)


def identity_grants(
    principal_id: str,
    chains: Sequence[PolicyChain],
    targets: TargetSet,
    names_principal: Callable[[str], bool] = lambda p: p == "*",
) -> list[Grant]:
    """What the identity policies of one principal let it do to each target;
    ``names_principal`` says whether a bucket-policy principal string is this one."""
    denies = tuple(s for c in chains for s in c.statements if s["effect"] == "Deny")
    found: list[Grant] = []
    for chain in chains:
        allows = [s for s in chain.statements if s["effect"] == "Allow"]
        if not allows:
            continue
        statements = (*chain.statements, *denies)
        for target in targets.candidates(allows):
            extra = target.denies_for(names_principal)
            grant = _evaluate(principal_id, chain.via, (*statements, *extra), target, "aws-iam")
            if grant is not None:
                found.append(grant)
    return found


def bucket_grants(
    build: Build, targets: TargetSet, chains_of: Mapping[str, Sequence[PolicyChain]]
) -> list[Grant]:
    """Grants of bucket policies (``s3-policy``) and public ACLs (``s3-acl``); a role or
    user of the plan keeps the Deny statements of its own policies."""
    found: list[Grant] = []
    for target in targets.all:
        if target.bucket is None:
            continue
        props = target.bucket.properties
        block = props.get("public_access_block") or {}
        policy_source = str(props.get("policy_source") or "bucket policy")
        statements: list[Statement] = props.get("policy_statements") or []
        for principal in sorted({p for s in statements for p in s["principals"]}):
            principal_id = _principal_id(build, principal)
            if principal_id == EVERYONE and (
                block.get("block_public_policy") or block.get("restrict_public_buckets")
            ):
                continue
            applies = tuple(s for s in statements if {principal, "*"} & set(s["principals"]))
            applies += tuple(
                s
                for chain in chains_of.get(principal_id, ())
                for s in chain.statements
                if s["effect"] == "Deny"
            )
            principal_draft = build.drafts.get(principal_id)
            label = principal_draft.properties.get("address") if principal_draft else None
            via = (str(label or principal_id), policy_source)
            grant = _evaluate(principal_id, via, applies, target, "s3-policy")
            if grant is not None:
                found.append(grant)
        if not (block.get("block_public_acls") or block.get("ignore_public_acls")):
            found.extend(_acl_grants(target, props))
    return found


def _acl_grants(target: Target, props: dict[str, Any]) -> list[Grant]:
    """A canned or explicit public ACL read as grants to everyone (or every AWS account)."""
    acl = props.get("acl")
    grants: dict[str, set[str]] = {}
    if acl in ("public-read", "public-read-write"):
        grants.setdefault(EVERYONE, set()).add("READ")
    if acl == "public-read-write":
        grants[EVERYONE].add("WRITE")
    if acl == "authenticated-read":
        grants.setdefault(AUTHENTICATED, set()).add("READ")
    for text in props.get("acl_public_grants") or ():
        permission, _, grantee = str(text).partition(" to ")
        who = AUTHENTICATED if grantee == "AuthenticatedUsers" else EVERYONE
        grants.setdefault(who, set()).add(permission)
    found = []
    for principal, permissions in grants.items():
        privileges: set[str] = set()
        for permission in permissions:
            privileges |= _ACL_PRIVILEGES.get(permission, set())
        if privileges:
            found.append(
                Grant(
                    principal=principal,
                    target=target,
                    via=(principal, f"ACL {acl or ''} {', '.join(sorted(permissions))}".strip()),
                    privileges=frozenset(privileges),
                    access=frozenset(_ACL_ACCESS[p] for p in privileges),
                    conditional=False,
                    source="s3-acl",
                )
            )
    return found


_ACL_PRIVILEGES = {
    "READ": {"s3:ListBucket"},
    "WRITE": {"s3:PutObject", "s3:DeleteObject"},
    "READ_ACP": set(),
    "WRITE_ACP": {"s3:PutBucketAcl"},
    "FULL_CONTROL": {"s3:ListBucket", "s3:PutObject", "s3:DeleteObject", "s3:PutBucketAcl"},
}
_ACL_ACCESS = {
    "s3:ListBucket": "read",
    "s3:PutObject": "write",
    "s3:DeleteObject": "write",
    "s3:PutBucketAcl": "admin",
}


def _evaluate(
    principal_id: str,
    via: tuple[str, ...],
    statements: Sequence[Statement],
    target: Target,
    source: str,
) -> Grant | None:
    privileges: set[str] = set()
    access: set[str] = set()
    labels: list[str] = []
    conditional = True
    for operation in target.operations:
        decision = decide(statements, operation.action, target.arn, operation.below)
        if decision.verdict not in (Verdict.ALLOW, Verdict.CONDITIONAL):
            continue
        privileges.add(operation.action)
        if operation.invoke:
            privileges.add("invoke")
        access.add(operation.access)
        labels.extend(label for label in decision.statements if label not in labels)
        conditional = conditional and decision.verdict is Verdict.CONDITIONAL
    if not privileges:
        return None
    return Grant(
        principal=principal_id,
        target=target,
        via=(*via, ", ".join(labels)),
        privileges=frozenset(privileges),
        access=frozenset(access),
        conditional=conditional,
        source=source,
    )


def _relate(build: Build, grant: Grant, serves: dict[str, list[str]]) -> None:
    principal = build.drafts.get(grant.principal)
    name = principal.name if principal else grant.principal
    access = sorted(grant.access)
    through = grant.via[-2] if len(grant.via) > 2 else grant.via[-1]
    reason = (
        f"{name} can {'/'.join(access)} {grant.target.name} through {through}"
        + (" if the statement's Condition holds" if grant.conditional else "")
        + "."
    )
    props = {
        "access": access,
        "privileges": sorted(grant.privileges),
        "via": list(grant.via),
        "reason": reason,
        "source": grant.source,
        "conditional": grant.conditional,
    }
    build.relate(grant.principal, grant.target.id, RelationKind.CAN_ACCESS, **props)
    if "invoke" in grant.privileges:
        for model in serves.get(grant.target.id, ()):
            invoke = sorted(
                {"invoke"}
                | {o.action for o in grant.target.operations if o.invoke} & grant.privileges
            )
            served = {
                **props,
                "access": ["read"],
                "privileges": invoke,
                "via": [*grant.via, grant.target.name],
            }
            build.relate(grant.principal, model, RelationKind.CAN_ACCESS, **served)


def _served_models(build: Build) -> dict[str, list[str]]:
    serves: dict[str, list[str]] = {}
    for relation in build.relations:
        if relation.kind is RelationKind.SERVES:
            serves.setdefault(relation.src, []).append(relation.dst)
    return serves


def assumable_by(trust_statements: Sequence[Statement]) -> list[dict[str, Any]]:
    """Who a role's trust policy lets assume it, each with what kind of principal it is."""
    found: dict[str, dict[str, Any]] = {}
    for statement in trust_statements:
        if statement["effect"] != "Allow" or not any(
            action_matches(a, wanted) for a in statement["actions"] for wanted in _ASSUME_ACTIONS
        ):
            continue
        for principal in statement["principals"]:
            entry = found.setdefault(
                principal,
                {"principal": principal, "type": _principal_type(principal), "conditional": True},
            )
            entry["conditional"] = entry["conditional"] and statement["has_condition"]
    return [found[p] for p in sorted(found)]


def _principal_type(principal: str) -> str:
    if principal == "*":
        return "everyone"
    if principal.startswith("arn:"):
        if "oidc-provider/" in principal or "saml-provider/" in principal:
            return "federated"
        return "account" if principal.endswith(":root") else "principal"
    if principal.isdigit():
        return "account"
    return "service" if principal.endswith(".amazonaws.com") else "federated"


def _principal_id(build: Build, principal: str) -> str:
    """The asset a bucket-policy principal stands for: a role or user of the plan when its
    ARN or name matches one, else ``aws:principal/<arn>``."""
    if principal in ("*", "arn:aws:iam::*:root"):
        return EVERYONE
    kind, _, name = principal.rpartition(":")[2].partition("/")
    types = {"role": "aws_iam_role", "user": "aws_iam_user"}
    if kind in types:
        found = build.by_value(principal, types[kind]) or build.by_value(
            name.rsplit("/", 1)[-1], types[kind]
        )
        if found:
            return asset_id(found[0].address)
    return f"aws:principal/{principal}"


def _names_principal(build: Build, principal_id: str) -> Callable[[str], bool]:
    def names(principal: str) -> bool:
        return principal == "*" or _principal_id(build, principal) == principal_id

    return names


def _ensure_principal(build: Build, principal_id: str) -> None:
    if principal_id in build.drafts:
        return
    everyone = principal_id in (EVERYONE, AUTHENTICATED)
    name = principal_id.removeprefix("aws:principal/")
    build.drafts[principal_id] = Draft(
        id=principal_id,
        kind=AssetKind.IAM_ROLE,
        layer=Layer.IDENTITY,
        name="everyone (Principal *)" if principal_id == EVERYONE else name,
        source=build.source,
        properties={
            "resource_type": "aws_principal",
            "principal_type": "anonymous" if principal_id == EVERYONE else "aws_principal",
            "everyone": everyone,
            "arn": None if everyone else name,
        },
    )


MAPPERS = ProviderMappers(finishers=(derive_access, derive_gcp_azure_access))
