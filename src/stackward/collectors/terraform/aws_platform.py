"""AWS platform resources AI stacks lean on: KMS keys, CloudTrail trails, VPC endpoints."""

from __future__ import annotations

from stackward.collectors.terraform.aws_iam import ArnIndex
from stackward.collectors.terraform.build import Build, asset_id
from stackward.collectors.terraform.document import TfResource
from stackward.collectors.terraform.mapper import ProviderMappers
from stackward.collectors.terraform.policy import policy_properties
from stackward.model import AssetKind, Layer, RelationKind

KMS_TYPES = ("aws_kms_key",)


def encrypted_by(build: Build, res: TfResource, attr: str, src: str | None = None) -> None:
    """``src`` (default: the resource's asset) ENCRYPTED_BY the key ``attr`` names."""
    keys = build.targets(res, attr, *KMS_TYPES)
    for alias in build.targets(res, attr, "aws_kms_alias"):
        keys += build.targets(alias, "target_key_id", *KMS_TYPES)
    for key in keys:
        build.relate(src or asset_id(res.address), asset_id(key.address), RelationKind.ENCRYPTED_BY)


def _kms_key(res: TfResource, build: Build) -> None:
    policy = policy_properties(res.value("policy"))
    build.add(
        res,
        AssetKind.CLOUD_KMS_KEY,
        Layer.INFRASTRUCTURE,
        {
            "arn": res.value("arn"),
            "key_usage": res.value("key_usage", "ENCRYPT_DECRYPT"),
            "rotation_enabled": bool(res.value("enable_key_rotation", False)),
            "multi_region": bool(res.value("multi_region", False)),
            "deletion_window_in_days": res.value("deletion_window_in_days"),
            "policy_statements": policy["statements"],
        },
        name=str(res.value("description") or res.name),
    )


def _kms_alias(res: TfResource, build: Build) -> bool:
    for key in build.targets(res, "target_key_id", *KMS_TYPES):
        draft = build.draft(key)
        if draft is not None:
            draft.properties.setdefault("aliases", []).append(res.value("name"))
            return True
    return False


def _trail(res: TfResource, build: Build) -> None:
    selectors = res.blocks("event_selector") + res.blocks("advanced_event_selector")
    draft = build.add(
        res,
        AssetKind.LOG_CONFIG,
        Layer.LOGGING_MONITORING,
        {
            "log_type": "cloudtrail",
            "enable_logging": bool(res.value("enable_logging", True)),
            "multi_region": bool(res.value("is_multi_region_trail", False)),
            "log_file_validation": bool(res.value("enable_log_file_validation", False)),
            "data_event_selectors": len(selectors),
            "s3_bucket_name": res.value("s3_bucket_name"),
        },
    )
    for bucket in build.targets(res, "s3_bucket_name", "aws_s3_bucket"):
        build.relate(draft.id, asset_id(bucket.address), RelationKind.LOGS_TO)
    encrypted_by(build, res, "kms_key_id")


def _vpc_endpoint(res: TfResource, build: Build) -> None:
    service = str(res.value("service_name") or "")
    policy = policy_properties(res.value("policy"))
    build.add(
        res,
        AssetKind.CLOUD_NETWORK,
        Layer.INFRASTRUCTURE,
        {
            "service_name": service,
            "endpoint_type": res.value("vpc_endpoint_type", "Gateway"),
            "private_dns_enabled": bool(res.value("private_dns_enabled", False)),
            "vpc_id": res.value("vpc_id"),
            "policy_statements": policy["statements"],
        },
        name=service or res.name,
    )


def _endpoint_routes(build: Build) -> None:
    """An S3 VPC endpoint ROUTES_TO the buckets its endpoint policy names.

    An endpoint without such a policy reaches every bucket of the region; those edges
    would grow with endpoints times buckets and say nothing a check can use, so they are
    left out. Bedrock's ``bedrock-runtime`` endpoints are linked to the region's Bedrock
    usage asset by :mod:`.aws_bedrock`.
    """
    endpoints = [
        r
        for r in build.of_type("aws_vpc_endpoint")
        if str(r.value("service_name") or "").endswith(".s3")
    ]
    if not endpoints:
        return
    buckets = ArnIndex(
        [(b, f"arn:aws:s3:::{b.value('bucket') or ''}") for b in build.of_type("aws_s3_bucket")],
        suffix="/*",
    )
    for endpoint in endpoints:
        draft = build.draft(endpoint)
        statements = draft.properties["policy_statements"] if draft else []
        for statement in statements:
            if statement["effect"] != "Allow":
                continue
            for pattern in statement["resources"]:
                if pattern == "*":
                    continue
                for bucket in buckets.match(pattern):
                    build.relate(
                        asset_id(endpoint.address), asset_id(bucket.address), RelationKind.ROUTES_TO
                    )


MAPPERS = ProviderMappers(
    primary={
        "aws_kms_key": _kms_key,
        "aws_cloudtrail": _trail,
        "aws_vpc_endpoint": _vpc_endpoint,
    },
    auxiliary={"aws_kms_alias": _kms_alias},
    finishers=(_endpoint_routes,),
)
