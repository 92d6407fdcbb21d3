"""Amazon Bedrock: custom models, agents, knowledge bases, guardrails, invocation logging.

Bedrock needs no resource to be used: one IAM grant of ``bedrock:InvokeModel`` is
enough. So the plan's use of Bedrock is recorded as one asset per region,
``aws:bedrock/<region>``, which every Bedrock resource and every policy granting Bedrock
actions points at, and which ``LOGS_TO`` the region's model-invocation logging
configuration when the plan has one. Invocation logging is account- and region-wide, so
that is the asset a missing-logging finding belongs to.
"""

from __future__ import annotations

from stackward.collectors.terraform.aws_iam import runs_as
from stackward.collectors.terraform.aws_platform import encrypted_by
from stackward.collectors.terraform.aws_s3 import bucket_targets
from stackward.collectors.terraform.build import Build, Draft, asset_id
from stackward.collectors.terraform.document import TfResource
from stackward.collectors.terraform.mapper import ProviderMappers
from stackward.collectors.terraform.policy import Statement
from stackward.collectors.terraform.shapes import first_block
from stackward.model import AssetKind, Layer, RelationKind

LOGGING = "aws_bedrock_model_invocation_logging_configuration"
UNKNOWN_REGION = "unknown-region"


def service_id(region: str | None) -> str:
    return f"aws:bedrock/{region or UNKNOWN_REGION}"


def _logging(res: TfResource, build: Build) -> None:
    config = res.block("logging_config")
    s3 = first_block(config.get("s3_config"))
    cloudwatch = first_block(config.get("cloudwatch_config"))
    draft = build.add(
        res,
        AssetKind.LOG_CONFIG,
        Layer.LOGGING_MONITORING,
        {
            "log_type": "bedrock_model_invocation",
            "text_data_delivery": bool(config.get("text_data_delivery_enabled", True)),
            "image_data_delivery": bool(config.get("image_data_delivery_enabled", True)),
            "embedding_data_delivery": bool(config.get("embedding_data_delivery_enabled", True)),
            "s3_bucket": s3.get("bucket_name"),
            "cloudwatch_log_group": cloudwatch.get("log_group_name"),
        },
        name=f"Bedrock invocation logging ({res.region or UNKNOWN_REGION})",
    )
    for bucket in bucket_targets(build, res, "logging_config.s3_config.bucket_name"):
        build.relate(draft.id, asset_id(bucket.address), RelationKind.LOGS_TO)
        build.flag_sensitive(asset_id(bucket.address), "holds Bedrock prompts and responses")


def _custom_model(res: TfResource, build: Build) -> None:
    draft = build.add(
        res,
        AssetKind.MODEL_ARTIFACT,
        Layer.CORE_AI,
        {
            "service": "bedrock",
            "base_model": res.value("base_model_identifier"),
            "customization_type": res.value("customization_type", "FINE_TUNING"),
            "kms_key": res.value("custom_model_kms_key_id"),
            "vpc_config": bool(res.block("vpc_config")),
        },
        name=str(res.value("custom_model_name") or res.name),
        sensitive=True,
    )
    runs_as(build, res, "role_arn")
    encrypted_by(build, res, "custom_model_kms_key_id")
    for bucket in bucket_targets(build, res, "training_data_config.s3_uri"):
        build.relate(draft.id, asset_id(bucket.address), RelationKind.TRAINED_ON)
        build.flag_sensitive(asset_id(bucket.address), f"training data of {res.address}")
    for bucket in bucket_targets(build, res, "output_data_config.s3_uri"):
        build.relate(draft.id, asset_id(bucket.address), RelationKind.WRITES)
        build.flag_sensitive(asset_id(bucket.address), f"output of {res.address}")


def _agent(res: TfResource, build: Build) -> None:
    guardrails = res.blocks("guardrail_configuration")
    build.add(
        res,
        AssetKind.LLM_SERVICE,
        Layer.CORE_AI,
        {
            "service": "bedrock-agent",
            "foundation_model": res.value("foundation_model"),
            "guardrail": guardrails[0].get("guardrail_identifier") if guardrails else None,
            "customer_encryption_key": res.value("customer_encryption_key_arn"),
        },
        name=str(res.value("agent_name") or res.name),
    )
    runs_as(build, res, "agent_resource_role_arn")
    encrypted_by(build, res, "customer_encryption_key_arn")


def _knowledge_base(res: TfResource, build: Build) -> None:
    build.add(
        res,
        AssetKind.VECTOR_STORE,
        Layer.CORE_AI,
        {
            "service": "bedrock-knowledge-base",
            "storage_type": res.block("storage_configuration").get("type"),
        },
        sensitive=True,
    )
    runs_as(build, res, "role_arn")


def _data_source(res: TfResource, build: Build) -> None:
    draft = build.add(
        res,
        AssetKind.DATASET,
        Layer.DATA_DEVELOPMENT,
        {"service": "bedrock-knowledge-base"},
        sensitive=True,
    )
    for kb in build.targets(res, "knowledge_base_id", "aws_bedrockagent_knowledge_base"):
        build.relate(asset_id(kb.address), draft.id, RelationKind.READS)
    for bucket in build.targets(
        res, "data_source_configuration.s3_configuration.bucket_arn", "aws_s3_bucket"
    ):
        build.relate(draft.id, asset_id(bucket.address), RelationKind.READS)
        build.flag_sensitive(asset_id(bucket.address), f"knowledge-base source of {res.address}")


def _guardrail(res: TfResource, build: Build) -> None:
    build.add(
        res,
        AssetKind.AI_SERVICE,
        Layer.CORE_AI,
        {
            "service": "bedrock-guardrail",
            "content_filters": len(res.block("content_policy_config").get("filters_config") or []),
            "sensitive_information_policy": bool(res.block("sensitive_information_policy_config")),
            "kms_key_arn": res.value("kms_key_arn"),
        },
    )
    encrypted_by(build, res, "kms_key_arn")


def _provisioned(res: TfResource, build: Build) -> None:
    build.add(
        res,
        AssetKind.LLM_SERVICE,
        Layer.CORE_AI,
        {"service": "bedrock", "model_arn": res.value("model_arn")},
        name=str(res.value("provisioned_model_name") or res.name),
    )


def _names_bedrock(draft: Draft) -> bool:
    """A policy that names Bedrock actions (a bare ``*`` is not taken as Bedrock use)."""
    if draft.kind is not AssetKind.IAM_POLICY:
        return False
    statements: list[Statement] = draft.properties.get("statements") or []
    return any(
        s["effect"] == "Allow" and any(a.lower().startswith("bedrock:") for a in s["actions"])
        for s in statements
    )


def _service_usage(build: Build) -> None:
    """One ``aws:bedrock/<region>`` asset per region the plan uses Bedrock in."""
    users: dict[str | None, list[str]] = {}
    for res in build.resources:
        if res.type.startswith(("aws_bedrock_", "aws_bedrockagent_")) and res.type != LOGGING:
            users.setdefault(res.region, []).append(asset_id(res.address))
    for draft in list(build.drafts.values()):
        if _names_bedrock(draft):
            users.setdefault(draft.region, []).append(draft.id)
    loggers = {res.region: asset_id(res.address) for res in build.of_type(LOGGING)}
    endpoints = [
        r
        for r in build.of_type("aws_vpc_endpoint")
        if str(r.value("service_name") or "").endswith(".bedrock-runtime")
    ]
    for region, user_ids in users.items():
        service = Draft(
            id=service_id(region),
            kind=AssetKind.LLM_SERVICE,
            layer=Layer.CORE_AI,
            name=f"Amazon Bedrock ({region or UNKNOWN_REGION})",
            source=build.source,
            properties={
                "service": "bedrock",
                "resource_type": "aws_bedrock_usage",
                "used_by": sorted(set(user_ids)),
            },
            region=region,
        )
        build.drafts[service.id] = service
        for user in user_ids:
            user_draft = build.drafts.get(user)
            kind = (
                RelationKind.CAN_ACCESS
                if user_draft and user_draft.kind is AssetKind.IAM_POLICY
                else RelationKind.REFERENCES
            )
            build.relate(user, service.id, kind)
        if region in loggers:
            build.relate(service.id, loggers[region], RelationKind.LOGS_TO)
        for endpoint in endpoints:
            if endpoint.region in (None, region):
                build.relate(asset_id(endpoint.address), service.id, RelationKind.ROUTES_TO)


MAPPERS = ProviderMappers(
    primary={
        LOGGING: _logging,
        "aws_bedrock_custom_model": _custom_model,
        "aws_bedrock_guardrail": _guardrail,
        "aws_bedrock_provisioned_model_throughput": _provisioned,
        "aws_bedrockagent_agent": _agent,
        "aws_bedrockagent_knowledge_base": _knowledge_base,
        "aws_bedrockagent_data_source": _data_source,
    },
    finishers=(_service_usage,),
)
