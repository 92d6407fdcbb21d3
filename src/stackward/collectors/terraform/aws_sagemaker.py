"""Amazon SageMaker: notebooks, Studio domains, models, endpoint configurations, endpoints.

Provider defaults matter here: a notebook instance left without ``direct_internet_access``
or ``root_access`` gets ``Enabled`` for both, so an unset attribute is recorded as the
default the provider applies, and a value known only after apply as such.
"""

from __future__ import annotations

from stackward.collectors.terraform.aws_iam import runs_as
from stackward.collectors.terraform.aws_platform import encrypted_by
from stackward.collectors.terraform.aws_s3 import bucket_targets
from stackward.collectors.terraform.build import Build, asset_id
from stackward.collectors.terraform.document import TfResource
from stackward.collectors.terraform.mapper import ProviderMappers
from stackward.lineage.resource_merge import sagemaker_endpoint_key
from stackward.model import AssetKind, Layer, RelationKind

_MODEL = "aws_sagemaker_model"
_CONFIG = "aws_sagemaker_endpoint_configuration"


def _notebook(res: TfResource, build: Build) -> None:
    direct = res.value("direct_internet_access", "Enabled")
    build.add(
        res,
        AssetKind.NOTEBOOK_INSTANCE,
        Layer.EXPERIMENTATION,
        {
            "direct_internet_access": direct,
            "root_access": res.value("root_access", "Enabled"),
            "kms_key_id": res.value("kms_key_id"),
            "subnet_id": res.value("subnet_id"),
            "security_groups": res.strings("security_groups"),
            "instance_type": res.value("instance_type"),
            "platform_identifier": res.value("platform_identifier"),
            "role_arn": res.value("role_arn"),
            "lifecycle_config": res.value("lifecycle_config_name"),
        },
        exposed=direct == "Enabled",
    )
    runs_as(build, res, "role_arn")
    encrypted_by(build, res, "kms_key_id")


def _domain(res: TfResource, build: Build) -> None:
    network = res.value("app_network_access_type", "PublicInternetOnly")
    settings = res.block("default_user_settings")
    build.add(
        res,
        AssetKind.AI_SERVICE,
        Layer.EXPERIMENTATION,
        {
            "service": "sagemaker-studio",
            "auth_mode": res.value("auth_mode"),
            "app_network_access_type": network,
            "kms_key_id": res.value("kms_key_id"),
            "vpc_id": res.value("vpc_id"),
            "execution_role": settings.get("execution_role"),
        },
        name=str(res.value("domain_name") or res.name),
        exposed=network == "PublicInternetOnly",
    )
    runs_as(build, res, "default_user_settings.execution_role")
    encrypted_by(build, res, "kms_key_id")


def _model(res: TfResource, build: Build) -> None:
    containers = res.blocks("primary_container") + res.blocks("container")
    draft = build.add(
        res,
        AssetKind.MODEL_ARTIFACT,
        Layer.CORE_AI,
        {
            "service": "sagemaker",
            "enable_network_isolation": bool(res.value("enable_network_isolation", False)),
            "vpc_subnets": res.strings("vpc_config.subnets"),
            "images": [c.get("image") for c in containers if c.get("image")],
            "model_data_urls": [
                c.get("model_data_url") for c in containers if c.get("model_data_url")
            ],
            "execution_role_arn": res.value("execution_role_arn"),
        },
        sensitive=True,
    )
    runs_as(build, res, "execution_role_arn")
    for attr in ("primary_container.model_data_url", "container.model_data_url"):
        for bucket in bucket_targets(build, res, attr):
            build.relate(draft.id, asset_id(bucket.address), RelationKind.LOADS_MODEL)
            build.flag_sensitive(
                asset_id(bucket.address), f"holds model artifacts of {res.address}"
            )


def _endpoint_config(res: TfResource, build: Build) -> None:
    capture = res.block("data_capture_config")
    variants = res.blocks("production_variants")
    draft = build.add(
        res,
        AssetKind.MODEL_ENDPOINT,
        Layer.CORE_AI,
        {
            "service": "sagemaker",
            "kms_key_arn": res.value("kms_key_arn"),
            "data_capture_enabled": bool(capture.get("enable_capture", bool(capture))),
            "data_capture_destination": capture.get("destination_s3_uri"),
            "data_capture_kms_key": capture.get("kms_key_id"),
            "model_names": [v.get("model_name") for v in variants if v.get("model_name")],
        },
    )
    for model in build.targets(res, "production_variants.model_name", _MODEL):
        build.relate(draft.id, asset_id(model.address), RelationKind.SERVES)
    encrypted_by(build, res, "kms_key_arn")
    for bucket in bucket_targets(build, res, "data_capture_config.destination_s3_uri"):
        build.relate(draft.id, asset_id(bucket.address), RelationKind.WRITES)
        build.flag_sensitive(asset_id(bucket.address), f"captures inference data of {res.address}")


def _endpoint(res: TfResource, build: Build) -> None:
    draft = build.add(
        res,
        AssetKind.MODEL_ENDPOINT,
        Layer.CORE_AI,
        {
            "service": "sagemaker",
            "endpoint_config_name": res.value("endpoint_config_name"),
            "resource_key": sagemaker_endpoint_key(res.region, _text(res.get("name"))),
        },
    )
    for config in build.targets(res, "endpoint_config_name", _CONFIG):
        build.relate(draft.id, asset_id(config.address), RelationKind.REFERENCES)
        for model in build.targets(config, "production_variants.model_name", _MODEL):
            build.relate(draft.id, asset_id(model.address), RelationKind.SERVES, via=config.address)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _feature_group(res: TfResource, build: Build) -> None:
    offline = res.block("offline_store_config")
    draft = build.add(
        res,
        AssetKind.DATASET,
        Layer.DATA_FOUNDATION,
        {
            "service": "sagemaker-feature-store",
            "online_store": bool(res.block("online_store_config")),
            "offline_store": bool(offline),
        },
        name=str(res.value("feature_group_name") or res.name),
        sensitive=True,
    )
    runs_as(build, res, "role_arn")
    for bucket in bucket_targets(build, res, "offline_store_config.s3_storage_config.s3_uri"):
        build.relate(draft.id, asset_id(bucket.address), RelationKind.WRITES)
        build.flag_sensitive(asset_id(bucket.address), f"offline feature store of {res.address}")


def _model_registry(res: TfResource, build: Build) -> None:
    build.add(
        res,
        AssetKind.MODEL_REGISTRY,
        Layer.CORE_AI,
        {"service": "sagemaker"},
        name=str(res.value("model_package_group_name") or res.name),
        sensitive=True,
    )


MAPPERS = ProviderMappers(
    primary={
        "aws_sagemaker_notebook_instance": _notebook,
        "aws_sagemaker_domain": _domain,
        _MODEL: _model,
        _CONFIG: _endpoint_config,
        "aws_sagemaker_endpoint": _endpoint,
        "aws_sagemaker_feature_group": _feature_group,
        "aws_sagemaker_model_package_group": _model_registry,
    }
)
