"""Azure: Machine Learning workspaces and compute, Cognitive Services / Azure OpenAI,
storage accounts and containers, role assignments.

azurerm defaults public network access and key (local) authentication to on, so an
unset attribute is recorded as the default the provider applies.
"""

from __future__ import annotations

from stackward.collectors.terraform.build import Build, asset_id
from stackward.collectors.terraform.document import TfResource
from stackward.collectors.terraform.mapper import ProviderMappers
from stackward.collectors.terraform.sensitivity import holds_ai_data
from stackward.model import AssetKind, Layer, RelationKind

PUBLIC_ACCESS_TYPES = ("blob", "container")
_ACCOUNT = "azurerm_storage_account"
_WORKSPACE = "azurerm_machine_learning_workspace"


def _workspace(res: TfResource, build: Build) -> None:
    public = bool(res.value("public_network_access_enabled", True))
    encryption = res.block("encryption")
    draft = build.add(
        res,
        AssetKind.AI_SERVICE,
        Layer.CORE_AI,
        {
            "service": "azure-ml",
            "public_network_access_enabled": public,
            "high_business_impact": bool(res.value("high_business_impact", False)),
            "customer_managed_key": bool(encryption.get("key_id")),
        },
        exposed=public,
    )
    for account in build.targets(res, "storage_account_id", _ACCOUNT):
        build.relate(draft.id, asset_id(account.address), RelationKind.CAN_ACCESS)
        build.flag_sensitive(asset_id(account.address), f"storage of ML workspace {res.address}")
    for insights in build.targets(res, "application_insights_id", "azurerm_application_insights"):
        build.relate(draft.id, asset_id(insights.address), RelationKind.LOGS_TO)


def _compute_instance(res: TfResource, build: Build) -> None:
    public_ip = bool(res.value("node_public_ip_enabled", True))
    draft = build.add(
        res,
        AssetKind.NOTEBOOK_INSTANCE,
        Layer.EXPERIMENTATION,
        {
            "service": "azure-ml-compute",
            "public_ip": public_ip,
            "local_auth_enabled": bool(res.value("local_auth_enabled", True)),
            "subnet": res.value("subnet_resource_id"),
            "vm_size": res.value("virtual_machine_size"),
        },
        exposed=public_ip,
    )
    for workspace in build.targets(res, "machine_learning_workspace_id", _WORKSPACE):
        build.relate(asset_id(workspace.address), draft.id, RelationKind.CONTAINS)


def _cognitive_account(res: TfResource, build: Build) -> None:
    kind = str(res.value("kind") or "")
    public = bool(res.value("public_network_access_enabled", True))
    acls = res.block("network_acls")
    default_action = acls.get("default_action", "Allow") if acls else "Allow"
    build.add(
        res,
        AssetKind.LLM_SERVICE if kind == "OpenAI" else AssetKind.AI_SERVICE,
        Layer.CORE_AI,
        {
            "service": "azure-openai" if kind == "OpenAI" else "azure-cognitive-services",
            "account_kind": kind,
            "public_network_access_enabled": public,
            "local_auth_enabled": bool(res.value("local_auth_enabled", True)),
            "network_default_action": default_action,
            "customer_managed_key": bool(res.block("customer_managed_key")),
            "custom_subdomain": res.value("custom_subdomain_name"),
        },
        exposed=public and default_action == "Allow",
    )


def _storage_account(res: TfResource, build: Build) -> None:
    draft = build.add(
        res,
        AssetKind.OBJECT_BUCKET,
        Layer.INFRASTRUCTURE,
        {
            "allow_nested_items_to_be_public": bool(
                res.value("allow_nested_items_to_be_public", True)
            ),
            "public_network_access_enabled": bool(res.value("public_network_access_enabled", True)),
            "min_tls_version": res.value("min_tls_version", "TLS1_2"),
            "https_only": bool(
                res.value(
                    "https_traffic_only_enabled", res.value("enable_https_traffic_only", True)
                )
            ),
            "shared_access_key_enabled": bool(res.value("shared_access_key_enabled", True)),
        },
    )
    if holds_ai_data([res.value("name"), res.name], draft.labels):
        build.flag_sensitive(draft.id, "name or tags suggest training data or models")


def _container(res: TfResource, build: Build) -> None:
    access = str(res.value("container_access_type", "private"))
    accounts = build.targets(res, "storage_account_id", _ACCOUNT) or build.targets(
        res, "storage_account_name", _ACCOUNT
    )
    account = accounts[0] if accounts else None
    allows = (
        True if account is None else bool(account.value("allow_nested_items_to_be_public", True))
    )
    reachable = (
        True if account is None else bool(account.value("public_network_access_enabled", True))
    )
    draft = build.add(
        res,
        AssetKind.OBJECT_BUCKET,
        Layer.INFRASTRUCTURE,
        {
            "container_access_type": access,
            "account_allows_public": allows,
            "storage_account": account.address if account else res.value("storage_account_name"),
        },
        exposed=access in PUBLIC_ACCESS_TYPES and allows and reachable,
    )
    if account is not None:
        draft.region = draft.region or account.region
        build.relate(asset_id(account.address), draft.id, RelationKind.CONTAINS)
    if holds_ai_data([res.value("name"), res.name], draft.labels):
        build.flag_sensitive(draft.id, "name suggests training data or models")


def _role_assignment(res: TfResource, build: Build) -> None:
    draft = build.add(
        res,
        AssetKind.IAM_BINDING,
        Layer.IDENTITY,
        {
            "role": res.value("role_definition_name") or res.value("role_definition_id"),
            "scope": res.value("scope"),
            "principal_id": res.value("principal_id"),
            "principal_type": res.value("principal_type"),
        },
        name=f"{res.value('role_definition_name') or 'role'} at {res.name}",
    )
    for target in build.referenced(res, "scope"):
        build.relate(draft.id, asset_id(target.address), RelationKind.CAN_ACCESS)
    for principal in build.referenced(res, "principal_id"):
        build.relate(asset_id(principal.address), draft.id, RelationKind.BOUND_TO)
    for target in build.by_value(
        res.value("scope"), _ACCOUNT, _WORKSPACE, "azurerm_cognitive_account"
    ):
        build.relate(draft.id, asset_id(target.address), RelationKind.CAN_ACCESS)


MAPPERS = ProviderMappers(
    primary={
        _WORKSPACE: _workspace,
        "azurerm_machine_learning_compute_instance": _compute_instance,
        "azurerm_cognitive_account": _cognitive_account,
        _ACCOUNT: _storage_account,
        "azurerm_storage_container": _container,
        "azurerm_role_assignment": _role_assignment,
    }
)
