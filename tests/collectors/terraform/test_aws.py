"""AWS resources from real plan and state files: kinds, flags, merged facts, relations."""

from __future__ import annotations

import json
from functools import cache

import pytest

from stackward.collectors.base import CollectResult
from stackward.model import Asset, AssetKind, Layer, RelationKind
from tests.collectors.terraform.conftest import FIXTURES, collect_path
from tests.conftest import EXAMPLES


@cache
def collected(name: str) -> CollectResult:
    paths = {
        "example": EXAMPLES / "ai-stack" / "terraform" / "plan.json",
        "fixed": EXAMPLES / "ai-stack-fixed" / "terraform" / "plan.json",
        "modules": FIXTURES / "aws_modules_plan.json",
        "state": FIXTURES / "aws_state.json",
        "changes": FIXTURES / "aws_changes_only.json",
    }
    return collect_path(paths[name])


def asset(name: str, asset_id: str) -> Asset:
    found = {a.id: a for a in collected(name).assets}
    assert asset_id in found, sorted(found)
    return found[asset_id]


def edges(name: str) -> set[tuple[str, RelationKind, str]]:
    return {(r.src, r.kind, r.dst) for r in collected(name).relations}


@pytest.mark.parametrize("name", ["example", "fixed", "modules", "state", "changes"])
def test_reads_every_fixture_without_skips(name: str) -> None:
    result = collected(name)
    assert result.skipped == []
    assert result.assets


@pytest.mark.parametrize(
    ("asset_id", "kind", "layer", "sensitive", "exposed"),
    [
        (
            "tf:aws_sagemaker_notebook_instance.research",
            AssetKind.NOTEBOOK_INSTANCE,
            Layer.EXPERIMENTATION,
            False,
            True,
        ),
        (
            "tf:aws_sagemaker_domain.studio",
            AssetKind.AI_SERVICE,
            Layer.EXPERIMENTATION,
            False,
            False,
        ),
        ("tf:aws_sagemaker_model.fraud", AssetKind.MODEL_ARTIFACT, Layer.CORE_AI, True, False),
        (
            "tf:aws_sagemaker_endpoint_configuration.fraud",
            AssetKind.MODEL_ENDPOINT,
            Layer.CORE_AI,
            False,
            False,
        ),
        ("tf:aws_sagemaker_endpoint.fraud", AssetKind.MODEL_ENDPOINT, Layer.CORE_AI, False, False),
        (
            "tf:aws_s3_bucket.training_data",
            AssetKind.OBJECT_BUCKET,
            Layer.INFRASTRUCTURE,
            True,
            True,
        ),
        (
            "tf:aws_s3_bucket.model_artifacts",
            AssetKind.OBJECT_BUCKET,
            Layer.INFRASTRUCTURE,
            True,
            True,
        ),
        (
            "tf:aws_s3_bucket.access_logs",
            AssetKind.OBJECT_BUCKET,
            Layer.INFRASTRUCTURE,
            False,
            False,
        ),
        ("tf:aws_iam_role.sagemaker_execution", AssetKind.IAM_ROLE, Layer.IDENTITY, False, False),
        ("tf:aws_iam_policy.sagemaker_access", AssetKind.IAM_POLICY, Layer.IDENTITY, False, False),
        (
            "tf:aws_iam_access_key.ci_deployer",
            AssetKind.IAM_CREDENTIAL,
            Layer.IDENTITY,
            True,
            False,
        ),
        ("tf:aws_kms_key.ml", AssetKind.CLOUD_KMS_KEY, Layer.INFRASTRUCTURE, False, False),
        ("tf:aws_cloudtrail.main", AssetKind.LOG_CONFIG, Layer.LOGGING_MONITORING, False, False),
        ("tf:aws_vpc_endpoint.s3", AssetKind.CLOUD_NETWORK, Layer.INFRASTRUCTURE, False, False),
        ("tf:aws_bedrock_guardrail.chat", AssetKind.AI_SERVICE, Layer.CORE_AI, False, False),
        ("tf:aws_vpc.ml", AssetKind.CLOUD_RESOURCE, Layer.INFRASTRUCTURE, False, False),
        ("aws:bedrock/us-east-1", AssetKind.LLM_SERVICE, Layer.CORE_AI, False, False),
    ],
)
def test_example_plan_assets(
    asset_id: str, kind: AssetKind, layer: Layer, sensitive: bool, exposed: bool
) -> None:
    found = asset("example", asset_id)
    assert (found.kind, found.layer) == (kind, layer)
    assert (found.sensitive, found.internet_exposed) == (sensitive, exposed)
    assert found.region == "us-east-1"


def test_example_plan_region_tags_and_source() -> None:
    bucket = asset("example", "tf:aws_s3_bucket.training_data")
    assert bucket.labels["Purpose"] == "training-data"
    assert bucket.source == "plan.json"
    assert bucket.prop("address") == "aws_s3_bucket.training_data"


def test_split_bucket_resources_are_merged_onto_the_bucket() -> None:
    training = asset("example", "tf:aws_s3_bucket.training_data")
    assert training.prop("acl") == "public-read"
    assert training.prop("public_access_block") is None
    assert training.prop("encryption")["algorithm"] == "AES256"
    assert training.prop("versioning") == "Enabled"
    assert training.prop("public_access") == ["ACL public-read"]
    models = asset("example", "tf:aws_s3_bucket.model_artifacts")
    assert models.prop("versioning") == "Suspended"
    assert models.prop("encryption")["algorithm"] == "aws:kms"
    assert models.prop("public_access_block")["block_public_policy"] is False
    assert models.prop("public_access") == [
        'bucket policy statement ModelDownload allows Principal "*"'
    ]
    ids = {a.id for a in collected("example").assets}
    assert "tf:aws_s3_bucket_acl.training_data" not in ids
    assert "tf:aws_s3_bucket_versioning.model_artifacts" not in ids


@pytest.mark.parametrize(
    ("src", "kind", "dst"),
    [
        (
            "tf:aws_sagemaker_notebook_instance.research",
            RelationKind.RUNS_AS,
            "tf:aws_iam_role.sagemaker_execution",
        ),
        (
            "tf:aws_sagemaker_notebook_instance.research",
            RelationKind.ENCRYPTED_BY,
            "tf:aws_kms_key.ml",
        ),
        (
            "tf:aws_sagemaker_model.fraud",
            RelationKind.RUNS_AS,
            "tf:aws_iam_role.sagemaker_execution",
        ),
        (
            "tf:aws_sagemaker_model.fraud",
            RelationKind.LOADS_MODEL,
            "tf:aws_s3_bucket.model_artifacts",
        ),
        ("tf:aws_sagemaker_endpoint.fraud", RelationKind.SERVES, "tf:aws_sagemaker_model.fraud"),
        (
            "tf:aws_sagemaker_endpoint_configuration.fraud",
            RelationKind.SERVES,
            "tf:aws_sagemaker_model.fraud",
        ),
        (
            "tf:aws_iam_role.sagemaker_execution",
            RelationKind.BOUND_TO,
            "tf:aws_iam_policy.sagemaker_access",
        ),
        (
            "tf:aws_iam_policy.sagemaker_access",
            RelationKind.CAN_ACCESS,
            "tf:aws_s3_bucket.training_data",
        ),
        ("tf:aws_iam_policy.sagemaker_access", RelationKind.CAN_ACCESS, "tf:aws_kms_key.ml"),
        ("tf:aws_iam_policy.bedrock_invoke", RelationKind.CAN_ACCESS, "aws:bedrock/us-east-1"),
        (
            "tf:aws_iam_user.ci_deployer",
            RelationKind.BOUND_TO,
            "aws:iam-policy/AmazonSageMakerFullAccess",
        ),
        ("tf:aws_iam_access_key.ci_deployer", RelationKind.BOUND_TO, "tf:aws_iam_user.ci_deployer"),
        ("tf:aws_s3_bucket.model_artifacts", RelationKind.ENCRYPTED_BY, "tf:aws_kms_key.ml"),
        ("tf:aws_s3_bucket.training_data", RelationKind.LOGS_TO, "tf:aws_s3_bucket.access_logs"),
        ("tf:aws_cloudtrail.main", RelationKind.LOGS_TO, "tf:aws_s3_bucket.access_logs"),
        (
            "tf:aws_vpc_endpoint.s3",
            RelationKind.ROUTES_TO,
            "tf:aws_s3_bucket.training_data",
        ),
        ("tf:aws_vpc_endpoint.bedrock_runtime", RelationKind.ROUTES_TO, "aws:bedrock/us-east-1"),
        ("tf:aws_s3_bucket.training_data", RelationKind.DEFINED_IN, "file:plan.json"),
    ],
)
def test_example_plan_relations(src: str, kind: RelationKind, dst: str) -> None:
    assert (src, kind, dst) in edges("example")


def test_scoped_policies_do_not_reach_other_resources() -> None:
    example = edges("example")
    assert (
        "tf:aws_iam_policy.bedrock_invoke",
        RelationKind.CAN_ACCESS,
        "tf:aws_s3_bucket.training_data",
    ) not in example
    # the S3 gateway endpoint policy names the acme-ml-* buckets only
    assert (
        "tf:aws_vpc_endpoint.s3",
        RelationKind.ROUTES_TO,
        "tf:aws_s3_bucket.access_logs",
    ) not in example


def test_fixed_plan_logs_bedrock_and_blocks_public_access() -> None:
    assert (
        "aws:bedrock/us-east-1",
        RelationKind.LOGS_TO,
        "tf:aws_bedrock_model_invocation_logging_configuration.main",
    ) in edges("fixed")
    for bucket in ("training_data", "model_artifacts"):
        found = asset("fixed", f"tf:aws_s3_bucket.{bucket}")
        assert found.sensitive and not found.internet_exposed
        assert found.prop("public_access") == []


def test_modules_count_for_each_and_literal_index_references() -> None:
    store0 = asset("modules", 'tf:module.features["eu"].aws_s3_bucket.store[0]')
    store1 = asset("modules", 'tf:module.features["eu"].aws_s3_bucket.store[1]')
    assert store0.region == "eu-west-1"
    assert store0.prop("versioning") == store1.prop("versioning") == "Enabled"
    # the bucket policy references store[0] only; its JSON comes from a data source
    assert store0.internet_exposed and not store1.internet_exposed
    assert store0.prop("policy_statements")[0]["principals"] == ["*"]


def test_modules_plan_inline_policies_and_deleted_resources() -> None:
    inline = asset("modules", "tf:aws_iam_role.pipeline/inline/admin-escape-hatch")
    assert inline.kind is AssetKind.IAM_POLICY
    assert inline.prop("statements")[0]["not_actions"] == ["iam:*"]
    assert ("tf:aws_iam_role.pipeline", RelationKind.BOUND_TO, inline.id) in edges("modules")
    assert (
        "tf:aws_iam_role.pipeline",
        RelationKind.BOUND_TO,
        "tf:aws_iam_role_policy.pipeline_read",
    ) in edges("modules")
    ids = {a.id for a in collected("modules").assets}
    assert "tf:aws_s3_bucket.retired" not in ids
    assert not any("data.aws_iam_policy_document" in i for i in ids)


def test_state_resolves_by_value_when_there_is_no_configuration() -> None:
    state = edges("state")
    assert ("tf:aws_sagemaker_model.llm", RelationKind.RUNS_AS, "tf:aws_iam_role.endpoint") in state
    assert (
        "tf:aws_sagemaker_model.llm",
        RelationKind.LOADS_MODEL,
        "tf:aws_s3_bucket.weights",
    ) in state
    assert (
        "tf:aws_sagemaker_endpoint.llm",
        RelationKind.SERVES,
        "tf:aws_sagemaker_model.llm",
    ) in state
    assert (
        "tf:aws_sagemaker_endpoint_configuration.llm",
        RelationKind.ENCRYPTED_BY,
        "tf:aws_kms_key.models",
    ) in state
    assert (
        "tf:aws_iam_role.endpoint",
        RelationKind.BOUND_TO,
        "aws:iam-policy/AdministratorAccess",
    ) in state
    assert (
        "aws:bedrock/us-west-2",
        RelationKind.LOGS_TO,
        "tf:aws_bedrock_model_invocation_logging_configuration.main",
    ) in state


def test_public_access_block_overrides_a_public_acl() -> None:
    weights = asset("state", "tf:aws_s3_bucket.weights")
    assert weights.prop("acl") == "public-read"
    assert weights.prop("public_access") == []
    assert not weights.internet_exposed
    assert weights.sensitive


def test_configuration_resource_without_its_bucket_is_kept_as_generic() -> None:
    orphan = asset("state", "tf:aws_s3_bucket_acl.orphan")
    assert orphan.kind is AssetKind.CLOUD_RESOURCE


def test_access_key_secret_never_reaches_an_asset() -> None:
    text = json.dumps([dict(a.properties) for a in collected("state").assets], default=str)
    assert "wJalrXUtnFEMI" not in text
    key = asset("state", "tf:aws_iam_access_key.legacy")
    assert key.sensitive and key.prop("secret_encrypted_with_pgp") is False


def test_acl_grant_to_all_users_makes_the_bucket_public() -> None:
    evaluation = asset("state", "tf:aws_s3_bucket.eval")
    assert evaluation.prop("acl_public_grants") == ["READ to AllUsers"]
    assert evaluation.prop("public_access") == ["ACL grant READ to AllUsers"]
    assert evaluation.internet_exposed and evaluation.sensitive


def test_provider_alias_sets_the_region() -> None:
    notebook = asset("modules", "tf:aws_sagemaker_notebook_instance.us")
    assert notebook.region == "us-east-1"
    assert asset("modules", "tf:aws_iam_role.pipeline").region == "eu-west-1"


def test_plan_with_resource_changes_only() -> None:
    ids = {a.id for a in collected("changes").assets}
    assert ids == {"tf:aws_sagemaker_model.m", "tf:module.store.aws_s3_bucket.models"}
    bucket = asset("changes", "tf:module.store.aws_s3_bucket.models")
    assert bucket.sensitive
    assert bucket.prop("arn") == "(known after apply)"
    assert (
        "tf:aws_sagemaker_model.m",
        RelationKind.LOADS_MODEL,
        "tf:module.store.aws_s3_bucket.models",
    ) in edges("changes")
