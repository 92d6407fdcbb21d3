"""AWS IAM: roles, users, policies, attachments and access keys.

Edges follow the attacker: a workload ``RUNS_AS`` a role, the role is ``BOUND_TO`` its
policies, a policy ``CAN_ACCESS`` the buckets, keys and services its Allow statements
cover. An access key is ``BOUND_TO`` the user whose power it carries.
"""

from __future__ import annotations

import bisect
import fnmatch
from typing import Any

from stackward.collectors.terraform.build import Build, Draft, asset_id
from stackward.collectors.terraform.document import KNOWN_AFTER_APPLY, TfResource
from stackward.collectors.terraform.mapper import ProviderMappers
from stackward.collectors.terraform.policy import Statement, grants, policy_properties
from stackward.model import AssetKind, Layer, RelationKind

ROLE_TYPES = ("aws_iam_role",)
POLICY_TYPES = ("aws_iam_policy",)
_AWS_MANAGED_PREFIX = "arn:aws:iam::aws:policy/"
_AWS_MANAGED: dict[str, list[dict[str, Any]]] = {
    "AdministratorAccess": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    "PowerUserAccess": [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
    ],
    "AmazonSageMakerFullAccess": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}],
    "AmazonBedrockFullAccess": [{"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"}],
    "AmazonS3FullAccess": [
        {"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"], "Resource": "*"}
    ],
}
"""Statements of well-known AWS managed policies, so attaching one is visible to checks."""


def role_targets(build: Build, res: TfResource, attr: str) -> list[TfResource]:
    """Roles an attribute names by reference, ARN or name."""
    return build.targets(res, attr, *ROLE_TYPES)


def runs_as(build: Build, res: TfResource, attr: str, src: str | None = None) -> None:
    for role in role_targets(build, res, attr):
        build.relate(src or asset_id(res.address), asset_id(role.address), RelationKind.RUNS_AS)


def _trust(document: object) -> dict[str, Any]:
    props = policy_properties(document)
    principals = sorted({p for s in props["statements"] for p in s["principals"]})
    return {"trusted_principals": principals, "trust_statements": props["statements"]}


def _principal(res: TfResource, build: Build) -> None:
    is_role = res.type == "aws_iam_role"
    draft = build.add(
        res,
        AssetKind.IAM_ROLE,
        Layer.IDENTITY,
        {
            "principal_type": "role" if is_role else "user",
            "arn": res.value("arn"),
            "managed_policy_arns": res.strings("managed_policy_arns"),
            **(_trust(res.value("assume_role_policy")) if is_role else {}),
        },
    )
    for inline in res.blocks("inline_policy"):
        if not inline.get("name"):
            continue
        child = build.add(
            res,
            AssetKind.IAM_POLICY,
            Layer.IDENTITY,
            {"inline": True, **policy_properties(inline.get("policy"))},
            name=str(inline["name"]),
            suffix=f"/inline/{inline['name']}",
        )
        child.properties["resource_type"] = "aws_iam_role.inline_policy"
        build.relate(draft.id, child.id, RelationKind.BOUND_TO)
    for arn in draft.properties["managed_policy_arns"]:
        _bind(build, draft.id, res, "managed_policy_arns", arn)


def _bind(build: Build, principal_id: str, res: TfResource, attr: str, arn: object) -> None:
    """Bind a principal to the policy an ARN names: one of the plan, or AWS managed."""
    policies = build.targets(res, attr, *POLICY_TYPES)
    if policies:
        for policy in policies:
            build.relate(
                principal_id, asset_id(policy.address), RelationKind.BOUND_TO, via=res.address
            )
        return
    if isinstance(arn, str) and arn.startswith(_AWS_MANAGED_PREFIX):
        managed = _managed_policy(build, arn, res)
        build.relate(principal_id, managed.id, RelationKind.BOUND_TO, via=res.address)


def _managed_policy(build: Build, arn: str, attached_by: TfResource) -> Draft:
    name = arn.removeprefix(_AWS_MANAGED_PREFIX).rsplit("/", 1)[-1]
    draft_id = f"aws:iam-policy/{name}"
    draft = build.drafts.get(draft_id)
    if draft is None:
        known = _AWS_MANAGED.get(name)
        draft = Draft(
            id=draft_id,
            kind=AssetKind.IAM_POLICY,
            layer=Layer.IDENTITY,
            name=name,
            source=build.source,
            properties={
                "arn": arn,
                "aws_managed": True,
                "resource_type": "aws_managed_policy",
                "attached_by": [],
                **(
                    policy_properties({"Statement": known})
                    if known
                    else {"statements": [], "policy_known": False}
                ),
            },
        )
        build.drafts[draft_id] = draft
    draft.properties["attached_by"].append(attached_by.address)
    return draft


def _policy(res: TfResource, build: Build) -> None:
    document = res.value("policy")
    for source in build.referenced(res, "policy", "aws_iam_policy_document"):
        document = source.value("json") or document
    props = policy_properties(document, "policy" in res.unknown)
    draft = build.add(
        res,
        AssetKind.IAM_POLICY,
        Layer.IDENTITY,
        {"arn": res.value("arn"), "inline": res.type != "aws_iam_policy", **props},
    )
    if res.type in ("aws_iam_role_policy", "aws_iam_user_policy"):
        owner_type = "aws_iam_role" if res.type == "aws_iam_role_policy" else "aws_iam_user"
        attr = "role" if owner_type == "aws_iam_role" else "user"
        for owner in build.targets(res, attr, owner_type):
            build.relate(asset_id(owner.address), draft.id, RelationKind.BOUND_TO)


def _attachment(res: TfResource, build: Build) -> bool:
    attr, owner_type = (
        ("role", "aws_iam_role")
        if res.type.startswith("aws_iam_role")
        else ("user", "aws_iam_user")
    )
    owners = build.targets(res, attr, owner_type)
    for owner in owners:
        _bind(build, asset_id(owner.address), res, "policy_arn", res.value("policy_arn"))
    return bool(owners)


def _access_key(res: TfResource, build: Build) -> None:
    draft = build.add(
        res,
        AssetKind.IAM_CREDENTIAL,
        Layer.IDENTITY,
        {
            "credential_type": "aws_access_key",
            "user": res.value("user"),
            "status": res.value("status", "Active"),
            "secret_encrypted_with_pgp": bool(res.value("pgp_key")),
        },
        name=f"access key of {res.value('user') or res.name}",
        sensitive=True,
    )
    for user in build.targets(res, "user", "aws_iam_user"):
        build.relate(draft.id, asset_id(user.address), RelationKind.BOUND_TO)


class ArnIndex:
    """Finds the resources whose ARN an IAM ``Resource`` pattern matches.

    Patterns are matched against a sorted list, narrowed to the pattern's literal prefix
    first, so a plan with thousands of policies and buckets is not a cross product.
    """

    def __init__(self, targets: list[tuple[TfResource, str]], suffix: str = "") -> None:
        self._all = [res for res, _ in targets]
        entries = [(arn, res) for res, arn in targets if _known_arn(arn)]
        entries += [(arn + suffix, res) for arn, res in list(entries)] if suffix else []
        entries.sort(key=lambda entry: entry[0])
        self._keys = [arn for arn, _ in entries]
        self._entries = entries

    def match(self, pattern: str) -> list[TfResource]:
        """Resources ``pattern`` covers; ``*`` covers those whose ARN is not yet known too."""
        if pattern == "*":
            return self._all
        cut = min((i for i in (pattern.find("*"), pattern.find("?")) if i >= 0), default=-1)
        prefix = pattern if cut < 0 else pattern[:cut]
        start = bisect.bisect_left(self._keys, prefix)
        found: list[TfResource] = []
        for arn, res in self._entries[start:]:
            if not arn.startswith(prefix):
                break
            if cut < 0 and arn != pattern:
                continue
            if cut < 0 or fnmatch.fnmatchcase(arn, pattern):
                found.append(res)
        return found


def _known_arn(arn: str) -> bool:
    return arn.startswith("arn:") and not arn.endswith(":::") and KNOWN_AFTER_APPLY not in arn


def _access(build: Build) -> None:
    """Policy CAN_ACCESS the buckets and KMS keys its Allow statements cover."""
    buckets = ArnIndex(
        [(b, f"arn:aws:s3:::{b.value('bucket') or ''}") for b in build.of_type("aws_s3_bucket")],
        suffix="/*",
    )
    keys = ArnIndex([(k, str(k.value("arn") or "")) for k in build.of_type("aws_kms_key")])
    for draft in [d for d in build.drafts.values() if d.kind is AssetKind.IAM_POLICY]:
        statements: list[Statement] = draft.properties.get("statements") or []
        for statement in statements:
            for service, index in (("s3", buckets), ("kms", keys)):
                if grants(statement, service):
                    for pattern in statement["resources"]:
                        for target in index.match(pattern):
                            build.relate(
                                draft.id, asset_id(target.address), RelationKind.CAN_ACCESS
                            )
        if not draft.properties.get("policy_known", True):
            _link_by_reference(build, draft)


def _link_by_reference(build: Build, draft: Draft) -> None:
    """A policy whose JSON is known only after apply: trust the references it makes."""
    address = str(draft.properties.get("address", ""))
    res = build.resource(address)
    if res is not None:
        refs: list[TfResource] = build.referenced(res, "policy", "aws_s3_bucket", "aws_kms_key")
        for document in build.referenced(res, "policy", "aws_iam_policy_document"):
            refs += build.referenced(
                document, "statement.resources", "aws_s3_bucket", "aws_kms_key"
            )
        for target in refs:
            build.relate(
                draft.id, asset_id(target.address), RelationKind.CAN_ACCESS, inferred="reference"
            )


MAPPERS = ProviderMappers(
    primary={
        "aws_iam_role": _principal,
        "aws_iam_user": _principal,
        "aws_iam_policy": _policy,
        "aws_iam_role_policy": _policy,
        "aws_iam_user_policy": _policy,
        "aws_iam_access_key": _access_key,
    },
    auxiliary={
        "aws_iam_role_policy_attachment": _attachment,
        "aws_iam_user_policy_attachment": _attachment,
    },
    finishers=(_access,),
)
