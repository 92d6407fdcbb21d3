"""A 5,000-resource plan is parsed once and mapped in linear time."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tests.collectors.terraform.conftest import collect_path

AWS = "registry.terraform.io/hashicorp/aws"


def _plan(groups: int) -> dict[str, Any]:
    """Each group: a bucket, its versioning and public access block, a role, a policy,
    an attachment and a notebook, connected through configuration references."""
    planned: list[dict[str, Any]] = []
    config: list[dict[str, Any]] = []

    def add(rtype: str, name: str, values: dict[str, Any], refs: dict[str, str]) -> None:
        planned.append(
            {
                "address": f"{rtype}.{name}",
                "mode": "managed",
                "type": rtype,
                "name": name,
                "provider_name": AWS,
                "values": values,
            }
        )
        config.append(
            {
                "address": f"{rtype}.{name}",
                "mode": "managed",
                "type": rtype,
                "name": name,
                "provider_config_key": "aws",
                "expressions": {k: {"references": [f"{v}.id", v]} for k, v in refs.items()},
            }
        )

    for i in range(groups):
        add("aws_s3_bucket", f"b{i}", {"bucket": f"team-{i}-training-data"}, {})
        add(
            "aws_s3_bucket_versioning",
            f"b{i}",
            {"versioning_configuration": [{"status": "Enabled"}]},
            {"bucket": f"aws_s3_bucket.b{i}"},
        )
        add(
            "aws_s3_bucket_public_access_block",
            f"b{i}",
            {"block_public_acls": True},
            {"bucket": f"aws_s3_bucket.b{i}"},
        )
        add("aws_iam_role", f"r{i}", {"name": f"role-{i}", "assume_role_policy": "{}"}, {})
        policy = json.dumps(
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::team-{i}-training-data/*",
                    }
                ]
            }
        )
        add("aws_iam_policy", f"p{i}", {"name": f"p-{i}", "policy": policy}, {})
        add(
            "aws_iam_role_policy_attachment",
            f"a{i}",
            {},
            {"role": f"aws_iam_role.r{i}", "policy_arn": f"aws_iam_policy.p{i}"},
        )
        add(
            "aws_sagemaker_notebook_instance",
            f"n{i}",
            {"name": f"nb-{i}"},
            {"role_arn": f"aws_iam_role.r{i}"},
        )
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {"root_module": {"resources": planned}},
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "expressions": {"region": {"constant_value": "eu-central-1"}},
                }
            },
            "root_module": {"resources": config},
        },
    }


def test_five_thousand_resources(tmp_path: Path) -> None:
    groups = 5000 // 7 + 1
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan(groups)))
    started = time.perf_counter()
    result = collect_path(path)
    elapsed = time.perf_counter() - started
    assert result.skipped == []
    assert len([a for a in result.assets if a.id.startswith("tf:aws_s3_bucket.")]) == groups
    kinds = {(r.src, r.kind.value, r.dst) for r in result.relations}
    assert ("tf:aws_sagemaker_notebook_instance.n7", "RUNS_AS", "tf:aws_iam_role.r7") in kinds
    assert ("tf:aws_iam_role.r7", "BOUND_TO", "tf:aws_iam_policy.p7") in kinds
    assert ("tf:aws_iam_policy.p7", "CAN_ACCESS", "tf:aws_s3_bucket.b7") in kinds
    assert ("tf:aws_iam_policy.p7", "CAN_ACCESS", "tf:aws_s3_bucket.b8") not in kinds
    assert elapsed < 10, f"{elapsed:.1f}s for {groups * 7} resources"
