"""The identity policies each AWS role and user holds, and the chain that gives them.

A role or user holds the policies the IAM mapper bound to it (inline, attached, AWS
managed) and those of the groups it is a member of; groups are not otherwise mapped, so
their policies, attachments and memberships are read here from the resources.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stackward.collectors.terraform.build import Build, Draft, asset_id
from stackward.collectors.terraform.document import TfResource
from stackward.collectors.terraform.policy import Statement, policy_properties
from stackward.model import AssetKind, RelationKind

_MANAGED_PREFIX = "arn:aws:iam::aws:policy/"
MANAGED_POLICIES: dict[str, list[dict[str, Any]]] = {
    "AdministratorAccess": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    "PowerUserAccess": [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
    ],
    "AmazonS3FullAccess": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}],
    "AmazonS3ReadOnlyAccess": [
        {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "s3:Describe*"], "Resource": "*"}
    ],
    "AmazonSageMakerFullAccess": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}],
}
"""The grants of well-known AWS managed policies that matter for data access, abridged."""


@dataclass(frozen=True, slots=True)
class PolicyChain:
    """One policy a principal holds and how: ``via`` runs from the principal to the policy."""

    via: tuple[str, ...]
    statements: tuple[Statement, ...]


def identity_chains(build: Build) -> dict[str, list[PolicyChain]]:
    """Policy chains per role or user: bound by the IAM mapper, plus those of groups."""
    principals = {
        d.id: d
        for d in build.drafts.values()
        if d.properties.get("resource_type") in ("aws_iam_role", "aws_iam_user")
    }
    chains: dict[str, list[PolicyChain]] = {pid: [] for pid in principals}
    for relation in build.relations:
        if relation.kind is not RelationKind.BOUND_TO or relation.src not in principals:
            continue
        policy = build.drafts.get(relation.dst)
        if policy is None or policy.kind is not AssetKind.IAM_POLICY:
            continue
        via = [_address(principals[relation.src])]
        attachment = str(relation.properties.get("via") or "")
        if attachment == via[0]:
            via.append("managed_policy_arns")
        elif attachment:
            via.append(attachment)
        via.append(_address(policy))
        chains[relation.src].append(PolicyChain(tuple(via), _statements_of(policy)))
    for user_id, group_chains in _group_chains(build).items():
        if user_id in chains:
            chains[user_id].extend(group_chains)
    return chains


def _group_chains(build: Build) -> dict[str, list[PolicyChain]]:
    """Users' policies through their groups (``aws_iam_group_*`` are not otherwise mapped)."""
    held: dict[str, list[PolicyChain]] = {}
    for res in build.of_type("aws_iam_group_policy"):
        for group in build.targets(res, "group", "aws_iam_group"):
            doc = _statements(res.value("policy"))
            held.setdefault(group.address, []).append(PolicyChain((res.address,), doc))
    for res in build.of_type("aws_iam_group_policy_attachment"):
        for group in build.targets(res, "group", "aws_iam_group"):
            for label, doc in _attached(build, res):
                held.setdefault(group.address, []).append(PolicyChain((res.address, label), doc))
    members: list[tuple[str, str, str]] = []  # (user id, group address, membership address)
    for res in build.of_type("aws_iam_user_group_membership"):
        for user in build.targets(res, "user", "aws_iam_user"):
            for group in build.targets(res, "groups", "aws_iam_group"):
                members.append((asset_id(user.address), group.address, res.address))
    for res in build.of_type("aws_iam_group_membership"):
        for group in build.targets(res, "group", "aws_iam_group"):
            for user in build.targets(res, "users", "aws_iam_user"):
                members.append((asset_id(user.address), group.address, res.address))
    chains: dict[str, list[PolicyChain]] = {}
    for user_id, group_address, membership in members:
        user_address = user_id.removeprefix("tf:")
        for chain in held.get(group_address, ()):
            via = (user_address, f"member of {group_address} ({membership})", *chain.via)
            chains.setdefault(user_id, []).append(PolicyChain(via, chain.statements))
    return chains


def _attached(build: Build, res: TfResource) -> list[tuple[str, tuple[Statement, ...]]]:
    policies = build.targets(res, "policy_arn", "aws_iam_policy")
    if policies:
        return [
            (p.address, _statements_of(d)) for p in policies if (d := build.draft(p)) is not None
        ]
    arn = res.value("policy_arn")
    if isinstance(arn, str) and arn.startswith(_MANAGED_PREFIX):
        name = arn.rsplit("/", 1)[-1]
        return [(f"{name} (AWS managed)", _statements({"Statement": MANAGED_POLICIES.get(name)}))]
    return []


def _statements_of(policy: Draft) -> tuple[Statement, ...]:
    statements = policy.properties.get("statements") or []
    if not statements and policy.properties.get("aws_managed"):
        return _statements({"Statement": MANAGED_POLICIES.get(policy.name)})
    return tuple(statements)


def _statements(document: object) -> tuple[Statement, ...]:
    if isinstance(document, dict) and document.get("Statement") is None:
        return ()
    return tuple(policy_properties(document)["statements"])


def _address(draft: Draft) -> str:
    if draft.properties.get("aws_managed"):
        return f"{draft.name} (AWS managed)"
    return str(draft.properties.get("address") or draft.id)
