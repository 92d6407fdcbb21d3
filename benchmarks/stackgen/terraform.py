"""An AWS ML platform as a Terraform plan: one group of resources per ML project.

A project has a KMS key, a training-data bucket with its ACL, policy, public access block,
encryption and versioning, an IAM role and policy, a SageMaker notebook, model, endpoint
configuration and endpoint, a VPC endpoint, sometimes a Bedrock agent, and generic resources.
Weaknesses are named (``TF_WEAKNESSES``) so the comparison set can plant exactly one.
"""

from __future__ import annotations

import json
import random
import zlib
from pathlib import Path
from typing import Any

from benchmarks.stackgen.plan import ACCOUNT, REGION, PlanBuilder, Ref, arn

TF_WEAKNESSES = (
    "notebook_direct_internet",
    "notebook_root_access",
    "endpoint_without_kms",
    "model_without_network_isolation",
    "public_training_bucket",
    "iam_ai_wildcard",
)
TF_WEAKNESS_RATE = 0.05
"""Share of projects carrying each project-level weakness in the scale plan."""

_TAGS = {"owner": "ml-platform", "data-classification": "confidential"}


def _policy(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _bucket(plan: PlanBuilder, name: str, key: Ref, weak: set[str]) -> Ref:
    bucket_name = f"{name}-training-data"
    addr = plan.add("aws_s3_bucket", name, {"bucket": bucket_name, "tags": _TAGS})
    bucket = Ref(addr, "id", bucket_name)
    public = "public_training_bucket" in weak
    plan.add(
        "aws_s3_bucket_public_access_block",
        name,
        {
            "bucket": bucket,
            "block_public_acls": not public,
            "block_public_policy": not public,
            "ignore_public_acls": not public,
            "restrict_public_buckets": not public,
        },
    )
    plan.add(
        "aws_s3_bucket_acl",
        name,
        {"bucket": bucket, "acl": "public-read" if public else "private"},
    )
    principal: Any = "*" if public else {"AWS": arn("iam", f"role/{name}-sagemaker", "")}
    plan.add(
        "aws_s3_bucket_policy",
        name,
        {
            "bucket": bucket,
            "policy": _policy(
                [
                    {
                        "Effect": "Allow",
                        "Principal": principal,
                        "Action": ["s3:GetObject"],
                        "Resource": f"arn:aws:s3:::{bucket_name}/*",
                    }
                ]
            ),
        },
    )
    plan.add(
        "aws_s3_bucket_server_side_encryption_configuration",
        name,
        {
            "bucket": bucket,
            "rule": [
                {
                    "apply_server_side_encryption_by_default": [
                        {"sse_algorithm": "aws:kms", "kms_master_key_id": key}
                    ],
                    "bucket_key_enabled": True,
                }
            ],
        },
    )
    plan.add(
        "aws_s3_bucket_versioning",
        name,
        {"bucket": bucket, "versioning_configuration": [{"status": "Enabled"}]},
    )
    return bucket


def _iam(plan: PlanBuilder, name: str, bucket_name: str, weak: set[str]) -> Ref:
    role_name = f"{name}-sagemaker"
    addr = plan.add(
        "aws_iam_role",
        name,
        {
            "name": role_name,
            "assume_role_policy": _policy(
                [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "sagemaker.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ]
            ),
            "tags": _TAGS,
        },
    )
    role = Ref(addr, "arn", arn("iam", f"role/{role_name}", ""))
    if "iam_ai_wildcard" in weak:
        statements = [
            {"Effect": "Allow", "Action": ["sagemaker:*", "bedrock:*", "s3:*"], "Resource": "*"}
        ]
    else:
        statements = [
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::{bucket_name}", f"arn:aws:s3:::{bucket_name}/*"],
            },
            {
                "Effect": "Allow",
                "Action": ["sagemaker:InvokeEndpoint"],
                "Resource": arn("sagemaker", f"endpoint/{name}"),
            },
        ]
    policy_name = f"{name}-access"
    policy_addr = plan.add(
        "aws_iam_policy", name, {"name": policy_name, "policy": _policy(statements)}
    )
    plan.add(
        "aws_iam_role_policy_attachment",
        name,
        {
            "role": Ref(addr, "name", role_name),
            "policy_arn": Ref(policy_addr, "arn", arn("iam", f"policy/{policy_name}", "")),
        },
    )
    return role


def _sagemaker(plan: PlanBuilder, name: str, role: Ref, key: Ref, weak: set[str]) -> None:
    subnet = f"subnet-{zlib.crc32(name.encode()):08x}"
    plan.add(
        "aws_sagemaker_notebook_instance",
        name,
        {
            "name": f"{name}-notebook",
            "instance_type": "ml.t3.medium",
            "role_arn": role,
            "kms_key_id": key,
            "subnet_id": subnet,
            "security_groups": [f"sg-{name}"],
            "direct_internet_access": (
                "Enabled" if "notebook_direct_internet" in weak else "Disabled"
            ),
            "root_access": "Enabled" if "notebook_root_access" in weak else "Disabled",
            "tags": _TAGS,
        },
    )
    model_addr = plan.add(
        "aws_sagemaker_model",
        name,
        {
            "name": f"{name}-model",
            "execution_role_arn": role,
            "enable_network_isolation": "model_without_network_isolation" not in weak,
            "primary_container": [
                {
                    "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{name}:1.4.0",
                    "model_data_url": f"s3://{name}-training-data/model/model.tar.gz",
                }
            ],
            "vpc_config": [{"subnets": [subnet], "security_group_ids": [f"sg-{name}"]}],
            "tags": _TAGS,
        },
    )
    config: dict[str, Any] = {
        "name": f"{name}-endpoint-config",
        "production_variants": [
            {
                "variant_name": "primary",
                "model_name": Ref(model_addr, "name", f"{name}-model"),
                "initial_instance_count": 1,
                "instance_type": "ml.g5.xlarge",
            }
        ],
        "tags": _TAGS,
    }
    if "endpoint_without_kms" not in weak:
        config["kms_key_arn"] = key
    config_addr = plan.add("aws_sagemaker_endpoint_configuration", name, config)
    plan.add(
        "aws_sagemaker_endpoint",
        name,
        {
            "name": name,
            "endpoint_config_name": Ref(config_addr, "name", f"{name}-endpoint-config"),
            "tags": _TAGS,
        },
    )
    plan.add(
        "aws_vpc_endpoint",
        name,
        {
            "service_name": f"com.amazonaws.{REGION}.sagemaker.runtime",
            "vpc_endpoint_type": "Interface",
            "vpc_id": "vpc-0a1b2c3d",
            "private_dns_enabled": True,
        },
    )


def _generic(plan: PlanBuilder, name: str, rng: random.Random) -> None:
    plan.add(
        "aws_cloudwatch_log_group",
        name,
        {"name": f"/ml/{name}", "retention_in_days": rng.choice((30, 90, 365))},
    )
    plan.add(
        "aws_security_group",
        name,
        {"name": f"sg-{name}", "description": f"{name} endpoints", "vpc_id": "vpc-0a1b2c3d"},
    )


def kms_key(plan: PlanBuilder, name: str) -> Ref:
    addr = plan.add(
        "aws_kms_key",
        name,
        {"description": f"{name} data", "enable_key_rotation": True, "deletion_window_in_days": 30},
    )
    return Ref(addr, "arn", arn("kms", f"key/{name}"))


def ml_project(
    plan: PlanBuilder, name: str, weak: set[str], rng: random.Random, bedrock: bool
) -> None:
    """Add every resource of one ML project with the given weaknesses."""
    key = kms_key(plan, name)
    bucket = _bucket(plan, name, key, weak)
    role = _iam(plan, name, bucket.value, weak)
    _sagemaker(plan, name, role, key, weak)
    if bedrock:
        plan.add(
            "aws_bedrockagent_agent",
            name,
            {
                "agent_name": f"{name}-assistant",
                "agent_resource_role_arn": role,
                "foundation_model": "anthropic.claude-3-5-sonnet-20240620-v1:0",
                "customer_encryption_key_arn": key,
            },
        )
    _generic(plan, name, rng)


def bedrock_logging(plan: PlanBuilder, name: str) -> None:
    """Model invocation logging for the account and region (one per plan)."""
    plan.add(
        "aws_bedrock_model_invocation_logging_configuration",
        name,
        {
            "logging_config": [
                {
                    "text_data_delivery_enabled": True,
                    "image_data_delivery_enabled": True,
                    "embedding_data_delivery_enabled": True,
                    "s3_config": [{"bucket_name": f"{name}-bedrock-logs", "key_prefix": "bedrock"}],
                }
            ]
        },
    )


def write_plan(path: Path, rng: random.Random, total: int) -> int:
    """Write a plan of exactly ``total`` resources; return the count."""
    plan = PlanBuilder()
    bedrock_logging(plan, "platform")
    index = 0
    while len(plan) < total:
        weak = {w for w in TF_WEAKNESSES if rng.random() < TF_WEAKNESS_RATE}
        ml_project(plan, f"team{index:05d}", weak, rng, bedrock=index % 3 == 0)
        index += 1
    plan.truncate(total)
    plan.write(path)
    return len(plan)
