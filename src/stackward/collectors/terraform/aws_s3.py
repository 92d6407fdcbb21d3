"""Amazon S3: buckets, with their split-out configuration resources merged onto them.

Since AWS provider v4 a bucket's ACL, policy, public access block, encryption,
versioning and logging are separate resources; a check needs them together, so they
are merged onto the bucket asset, each remembering the address it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stackward.collectors.terraform.build import Build, Draft, asset_id
from stackward.collectors.terraform.document import TfResource
from stackward.collectors.terraform.mapper import ProviderMappers
from stackward.collectors.terraform.policy import policy_properties, public_principal
from stackward.collectors.terraform.sensitivity import holds_ai_data
from stackward.collectors.terraform.shapes import as_list, first_block
from stackward.model import AssetKind, Layer, RelationKind

BUCKET = "aws_s3_bucket"
PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
_PUBLIC_GRANTEES = ("acs.amazonaws.com/groups/global/AllUsers", "global/AuthenticatedUsers")
_PAB_FLAGS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)


def bucket_of_uri(uri: object) -> str | None:
    """``s3://bucket/key`` -> ``bucket``."""
    if isinstance(uri, str) and uri.startswith("s3://"):
        return uri[5:].split("/", 1)[0] or None
    return None


def bucket_targets(build: Build, res: TfResource, attr: str) -> list[TfResource]:
    """Buckets an attribute points at: by reference (to a bucket or an object), or by URI,
    bucket name or bucket ARN."""
    found = build.referenced(res, attr, BUCKET)
    for obj in build.referenced(res, attr, "aws_s3_object"):
        found.extend(build.targets(obj, "bucket", BUCKET))
    if found:
        return found
    for value in res.strings(attr):
        name = bucket_of_uri(value) or value.removeprefix("arn:aws:s3:::").split("/", 1)[0]
        found.extend(build.by_value(name, BUCKET))
    return found


def _bucket(res: TfResource, build: Build) -> None:
    name = res.value("bucket") or res.value("bucket_prefix") or res.name
    versioning = res.block("versioning")
    legacy_sse = res.block("server_side_encryption_configuration")
    draft = build.add(
        res,
        AssetKind.OBJECT_BUCKET,
        Layer.INFRASTRUCTURE,
        {
            "bucket": name,
            "arn": res.value("arn"),
            "acl": res.value("acl") if isinstance(res.value("acl"), str) else None,
            "acl_public_grants": [],
            "policy_statements": [],
            "public_access_block": None,
            "encryption": _sse_default(legacy_sse.get("rule")),
            "versioning": "Enabled" if versioning.get("enabled") else None,
            "logging_target": res.block("logging").get("target_bucket"),
            "object_lock": bool(res.value("object_lock_enabled", False)),
            "merged_from": [],
        },
        name=str(name),
    )
    if res.value("policy"):
        _merge_policy(draft, res.value("policy"), res.address)
    if holds_ai_data([name, res.name], draft.labels):
        build.flag_sensitive(draft.id, "name or tags suggest training data or models")


def _sse_default(rule_block: object) -> dict[str, Any] | None:
    """``rule.apply_server_side_encryption_by_default`` of either encryption resource."""
    rule = first_block(rule_block)
    default = first_block(rule.get("apply_server_side_encryption_by_default"))
    if not default:
        return None
    return {
        "algorithm": default.get("sse_algorithm"),
        "kms_key": default.get("kms_master_key_id"),
        "bucket_key": bool(rule.get("bucket_key_enabled")),
    }


def _merge_policy(draft: Draft, document: object, address: str) -> None:
    props = policy_properties(document)
    draft.properties["policy_statements"] = props["statements"]
    if "policy_error" in props:
        draft.properties["policy_error"] = props["policy_error"]
    draft.properties["policy_source"] = address


def _target(res: TfResource, build: Build) -> Draft | None:
    for bucket in bucket_targets(build, res, "bucket"):
        draft = build.draft(bucket)
        if draft is not None and "merged_from" in draft.properties:
            draft.properties["merged_from"].append(res.address)
            return draft
    return None


def _acl(res: TfResource, build: Build) -> bool:
    draft = _target(res, build)
    if draft is None:
        return False
    if isinstance(res.value("acl"), str):
        draft.properties["acl"] = res.value("acl")
    for policy in res.blocks("access_control_policy"):
        for grant in as_list(policy.get("grant")):
            grantees = as_list(grant.get("grantee")) if isinstance(grant, Mapping) else []
            for grantee in grantees:
                uri = str(grantee.get("uri") or "") if isinstance(grantee, Mapping) else ""
                if uri.endswith(_PUBLIC_GRANTEES):
                    draft.properties["acl_public_grants"].append(
                        f"{grant.get('permission')} to {uri.rsplit('/', 1)[-1]}"
                    )
    return True


def _policy(res: TfResource, build: Build) -> bool:
    draft = _target(res, build)
    if draft is None:
        return False
    document = res.value("policy")
    for source in build.referenced(res, "policy", "aws_iam_policy_document"):
        document = source.value("json", document)
    _merge_policy(draft, document, res.address)
    return True


def _public_access_block(res: TfResource, build: Build) -> bool:
    draft = _target(res, build)
    if draft is None:
        return False
    draft.properties["public_access_block"] = {f: bool(res.value(f, False)) for f in _PAB_FLAGS}
    return True


def _encryption(res: TfResource, build: Build) -> bool:
    draft = _target(res, build)
    if draft is None:
        return False
    encryption = _sse_default(res.value("rule"))
    draft.properties["encryption"] = encryption
    kms = encryption["kms_key"] if encryption else None
    keys = build.referenced(
        res, "rule.apply_server_side_encryption_by_default.kms_master_key_id", "aws_kms_key"
    )
    for key in keys or build.by_value(kms, "aws_kms_key"):
        build.relate(draft.id, asset_id(key.address), RelationKind.ENCRYPTED_BY)
    return True


def _versioning(res: TfResource, build: Build) -> bool:
    draft = _target(res, build)
    if draft is None:
        return False
    draft.properties["versioning"] = res.block("versioning_configuration").get("status")
    return True


def _logging(res: TfResource, build: Build) -> bool:
    draft = _target(res, build)
    if draft is None:
        return False
    draft.properties["logging_target"] = res.value("target_bucket")
    for target in bucket_targets(build, res, "target_bucket"):
        build.relate(draft.id, asset_id(target.address), RelationKind.LOGS_TO)
    return True


def _exposure(build: Build) -> None:
    """Decide which buckets the plan leaves readable by anyone, and say how."""
    account_blocks = [
        {f: bool(r.value(f, False)) for f in _PAB_FLAGS}
        for r in build.of_type("aws_s3_account_public_access_block")
    ]
    for res in build.of_type(BUCKET):
        draft = build.draft(res)
        if draft is None or "merged_from" not in draft.properties:
            continue  # kept as a generic resource
        props = draft.properties
        if props["public_access_block"] is None and account_blocks:
            props["public_access_block"] = {**account_blocks[0], "scope": "account"}
        block = props["public_access_block"] or {}
        reasons: list[str] = []
        if not (block.get("block_public_acls") or block.get("ignore_public_acls")):
            if props["acl"] in PUBLIC_ACLS:
                reasons.append(f"ACL {props['acl']}")
            reasons.extend(f"ACL grant {g}" for g in props["acl_public_grants"])
        if not (block.get("block_public_policy") or block.get("restrict_public_buckets")):
            reasons.extend(
                f'bucket policy statement {s["sid"] or i} allows Principal "*"'
                for i, s in enumerate(props["policy_statements"])
                if public_principal(s)
            )
        props["public_access"] = reasons
        draft.internet_exposed = bool(reasons)
        if props["logging_target"]:
            for target in build.by_value(props["logging_target"], BUCKET):
                build.relate(draft.id, asset_id(target.address), RelationKind.LOGS_TO)


MAPPERS = ProviderMappers(
    primary={BUCKET: _bucket},
    auxiliary={
        "aws_s3_bucket_acl": _acl,
        "aws_s3_bucket_policy": _policy,
        "aws_s3_bucket_public_access_block": _public_access_block,
        "aws_s3_bucket_server_side_encryption_configuration": _encryption,
        "aws_s3_bucket_versioning": _versioning,
        "aws_s3_bucket_logging": _logging,
    },
    finishers=(_exposure,),
)
