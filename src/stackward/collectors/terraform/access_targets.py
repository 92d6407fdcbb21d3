"""The assets whose access IAM decides, each with its ARN and the operations that matter.

An operation is one native action and what it means for the data: reading it, changing
it, or changing who may access it. A target's ARN uses
:data:`~stackward.collectors.terraform.policy.UNKNOWN_FIELD` where the plan does not know
a field (the account id; the region when no provider sets one).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from stackward.collectors.terraform.build import Build, Draft, asset_id
from stackward.collectors.terraform.document import KNOWN_AFTER_APPLY
from stackward.collectors.terraform.policy import UNKNOWN_FIELD, Statement, grants

_S3_ARN = "arn:aws:s3:::"


@dataclass(frozen=True, slots=True)
class Operation:
    action: str
    access: str
    """``read``, ``write`` or ``admin`` (the data map's words)."""
    below: bool = False
    """The action works on what lives under the ARN (objects of a bucket, models)."""
    invoke: bool = False
    """Calling a model: counted as reading it."""


S3_OPERATIONS = (
    Operation("s3:GetObject", "read", below=True),
    Operation("s3:GetObjectVersion", "read", below=True),
    Operation("s3:ListBucket", "read"),
    Operation("s3:PutObject", "write", below=True),
    Operation("s3:DeleteObject", "write", below=True),
    Operation("s3:DeleteObjectVersion", "write", below=True),
    Operation("s3:DeleteBucket", "write"),
    Operation("s3:PutObjectAcl", "admin", below=True),
    Operation("s3:PutBucketAcl", "admin"),
    Operation("s3:PutBucketPolicy", "admin"),
    Operation("s3:DeleteBucketPolicy", "admin"),
    Operation("s3:PutBucketPublicAccessBlock", "admin"),
)
ENDPOINT_OPERATIONS = (
    Operation("sagemaker:InvokeEndpoint", "read", invoke=True),
    Operation("sagemaker:InvokeEndpointAsync", "read", invoke=True),
    Operation("sagemaker:UpdateEndpoint", "write"),
    Operation("sagemaker:DeleteEndpoint", "write"),
)
CUSTOM_MODEL_OPERATIONS = (
    Operation("bedrock:InvokeModel", "read", invoke=True),
    Operation("bedrock:InvokeModelWithResponseStream", "read", invoke=True),
    Operation("bedrock:DeleteCustomModel", "write"),
)
FOUNDATION_MODEL_OPERATIONS = (
    Operation("bedrock:InvokeModel", "read", below=True, invoke=True),
    Operation("bedrock:InvokeModelWithResponseStream", "read", below=True, invoke=True),
)
ROLE_OPERATIONS = (
    Operation("iam:PassRole", "admin"),
    Operation("iam:UpdateAssumeRolePolicy", "admin"),
    Operation("iam:AttachRolePolicy", "admin"),
    Operation("iam:PutRolePolicy", "admin"),
)


@dataclass(frozen=True, slots=True)
class Target:
    id: str
    name: str
    arn: str
    service: str
    operations: tuple[Operation, ...]
    bucket: Draft | None = None
    """The bucket draft, for its policy and ACL; None for other targets."""
    resource_denies: tuple[tuple[frozenset[str], Statement], ...] = field(default=())
    """Unconditional Deny statements of the bucket policy with the principals they name."""

    def denies_for(self, names_principal: Callable[[str], bool]) -> tuple[Statement, ...]:
        """Bucket-policy denies that hit a principal (``"*"`` or a name it answers to):
        an explicit deny wins whichever policy holds it."""
        return tuple(s for who, s in self.resource_denies if any(names_principal(p) for p in who))


class TargetSet:
    """Targets grouped by service; buckets sorted by name, so a statement naming buckets
    literally finds them by prefix rather than by a pass over every bucket."""

    def __init__(self, targets: Iterable[Target]) -> None:
        self.all = list(targets)
        self._by_service: dict[str, list[Target]] = {}
        for target in self.all:
            self._by_service.setdefault(target.service, []).append(target)
        buckets = sorted((t.arn.removeprefix(_S3_ARN), t) for t in self._by_service.get("s3", []))
        self._bucket_names = [name for name, _ in buckets]
        self._buckets = [t for _, t in buckets]

    def __bool__(self) -> bool:
        return bool(self.all)

    def candidates(self, allows: Iterable[Statement]) -> list[Target]:
        """Targets some Allow statement may cover (a superset; ``decide`` settles it)."""
        chosen: dict[str, Target] = {}
        for statement in allows:
            for service, targets in self._by_service.items():
                if not grants(statement, service):
                    continue
                if service == "s3" and not statement["not_resources"]:
                    targets = self._buckets_named(statement["resources"])
                for target in targets:
                    chosen.setdefault(target.id, target)
        return list(chosen.values())

    def _buckets_named(self, patterns: Iterable[str]) -> list[Target]:
        found: list[Target] = []
        for pattern in patterns:
            if not pattern.startswith(_S3_ARN):
                return list(self._buckets)  # "*", or a pattern wild before the bucket
            rest = pattern.removeprefix(_S3_ARN)
            cut = min((i for i in map(rest.find, "*?/") if i >= 0), default=len(rest))
            prefix = rest[:cut]
            start = bisect.bisect_left(self._bucket_names, prefix)
            for index in range(start, len(self._bucket_names)):
                if not self._bucket_names[index].startswith(prefix):
                    break
                found.append(self._buckets[index])
        return found


def collect_targets(build: Build) -> TargetSet:
    """Buckets, SageMaker endpoints, Bedrock custom models and model use, and IAM roles."""
    targets: list[Target] = []
    for res in build.of_type("aws_s3_bucket"):
        draft = build.draft(res)
        if draft is None or "merged_from" not in draft.properties:
            continue  # kept as a generic resource
        name = str(draft.properties.get("bucket") or res.name)
        targets.append(
            Target(
                draft.id,
                name,
                _S3_ARN + name,
                "s3",
                S3_OPERATIONS,
                bucket=draft,
                resource_denies=_denies(draft.properties.get("policy_statements") or []),
            )
        )
    for res in build.of_type("aws_sagemaker_endpoint"):
        name = str(res.value("name") or res.name)
        arn = _arn(res.value("arn"), "sagemaker", res.region, f"endpoint/{name.lower()}")
        targets.append(Target(asset_id(res.address), name, arn, "sagemaker", ENDPOINT_OPERATIONS))
    for res in build.of_type("aws_bedrock_custom_model"):
        name = str(res.value("custom_model_name") or res.name)
        arn = _arn(res.value("custom_model_arn"), "bedrock", res.region, f"custom-model/{name}")
        targets.append(Target(asset_id(res.address), name, arn, "bedrock", CUSTOM_MODEL_OPERATIONS))
    for draft in list(build.drafts.values()):
        if draft.properties.get("resource_type") == "aws_bedrock_usage":
            region = draft.region or UNKNOWN_FIELD
            arn = f"arn:aws:bedrock:{region}::foundation-model"
            targets.append(
                Target(draft.id, draft.name, arn, "bedrock", FOUNDATION_MODEL_OPERATIONS)
            )
    for res in build.of_type("aws_iam_role"):
        name = str(res.value("name") or res.name)
        path = str(res.value("path") or "/")
        arn = _arn(res.value("arn"), "iam", "", f"role{path}{name}")
        targets.append(Target(asset_id(res.address), name, arn, "iam", ROLE_OPERATIONS))
    return TargetSet(t for t in targets if t.id in build.drafts)


def _arn(known: object, service: str, region: str | None, resource: str) -> str:
    if isinstance(known, str) and known.startswith("arn:") and KNOWN_AFTER_APPLY not in known:
        return known
    region_field = UNKNOWN_FIELD if region is None else region
    return f"arn:aws:{service}:{region_field}:{UNKNOWN_FIELD}:{resource}"


def _denies(statements: list[Statement]) -> tuple[tuple[frozenset[str], Statement], ...]:
    return tuple(
        (frozenset(s["principals"]), s)
        for s in statements
        if s["effect"] == "Deny" and not s["has_condition"]
    )
