"""Google Cloud: Vertex AI, Workbench notebooks, Cloud Storage, IAM and service accounts."""

from __future__ import annotations

from typing import Any

from stackward.collectors.terraform.build import Build, asset_id
from stackward.collectors.terraform.document import TfResource
from stackward.collectors.terraform.mapper import ProviderMappers
from stackward.collectors.terraform.sensitivity import holds_ai_data
from stackward.model import AssetKind, Layer, RelationKind

PUBLIC_MEMBERS = frozenset({"allUsers", "allAuthenticatedUsers"})
_SA = "google_service_account"
_BUCKET = "google_storage_bucket"
_KMS = ("google_kms_crypto_key",)


def _service_account_targets(build: Build, res: TfResource, attr: str) -> list[TfResource]:
    found = build.targets(res, attr, _SA)
    for value in res.strings(attr):
        found += build.by_value(value.removeprefix("serviceAccount:"), _SA)
    return found


def _encrypted(build: Build, res: TfResource, attr: str, src: str) -> None:
    for key in build.targets(res, attr, *_KMS):
        build.relate(src, asset_id(key.address), RelationKind.ENCRYPTED_BY)


def _endpoint(res: TfResource, build: Build) -> None:
    private = bool(res.value("network")) or bool(res.block("private_service_connect_config"))
    draft = build.add(
        res,
        AssetKind.MODEL_ENDPOINT,
        Layer.CORE_AI,
        {
            "service": "vertex-ai",
            "network": res.value("network"),
            "private": private,
            "kms_key": res.block("encryption_spec").get("kms_key_name"),
        },
        name=str(res.value("display_name") or res.name),
        exposed=not private,
    )
    _encrypted(build, res, "encryption_spec.kms_key_name", draft.id)


def _dataset(res: TfResource, build: Build) -> None:
    draft = build.add(
        res,
        AssetKind.DATASET,
        Layer.DATA_FOUNDATION,
        {
            "service": "vertex-ai",
            "metadata_schema": res.value("metadata_schema_uri"),
            "kms_key": res.block("encryption_spec").get("kms_key_name"),
        },
        name=str(res.value("display_name") or res.name),
        sensitive=True,
    )
    _encrypted(build, res, "encryption_spec.kms_key_name", draft.id)


def _featurestore(res: TfResource, build: Build) -> None:
    draft = build.add(
        res,
        AssetKind.DATASET,
        Layer.DATA_FOUNDATION,
        {
            "service": "vertex-ai-featurestore",
            "kms_key": res.block("encryption_spec").get("kms_key_name"),
        },
        sensitive=True,
    )
    _encrypted(build, res, "encryption_spec.kms_key_name", draft.id)


def _vector_index(res: TfResource, build: Build) -> None:
    draft = build.add(
        res,
        AssetKind.VECTOR_STORE,
        Layer.CORE_AI,
        {"service": "vertex-ai-vector-search", "update_method": res.value("index_update_method")},
        name=str(res.value("display_name") or res.name),
        sensitive=True,
    )
    uris = res.strings("metadata.contents_delta_uri")
    buckets = build.referenced(res, "metadata.contents_delta_uri", _BUCKET)
    for uri in uris:
        if uri.startswith("gs://"):
            buckets += build.by_value(uri[5:].split("/", 1)[0], _BUCKET)
    for bucket in buckets:
        build.relate(draft.id, asset_id(bucket.address), RelationKind.READS)
        build.flag_sensitive(asset_id(bucket.address), f"embeddings source of {res.address}")


def _index_endpoint(res: TfResource, build: Build) -> None:
    public = bool(res.value("public_endpoint_enabled", False))
    build.add(
        res,
        AssetKind.MODEL_ENDPOINT,
        Layer.CORE_AI,
        {
            "service": "vertex-ai-vector-search",
            "public_endpoint_enabled": public,
            "network": res.value("network"),
        },
        name=str(res.value("display_name") or res.name),
        exposed=public,
    )


def _notebook(res: TfResource, build: Build) -> None:
    if res.type == "google_workbench_instance":
        setup = res.block("gce_setup")
        public_ip = not bool(setup.get("disable_public_ip", False))
        proxy = not bool(res.value("disable_proxy_access", False))
        account_attr = "gce_setup.service_accounts.email"
    else:
        public_ip = not bool(res.value("no_public_ip", False))
        proxy = not bool(res.value("no_proxy_access", False))
        account_attr = "service_account"
    draft = build.add(
        res,
        AssetKind.NOTEBOOK_INSTANCE,
        Layer.EXPERIMENTATION,
        {
            "service": "vertex-workbench",
            "public_ip": public_ip,
            "proxy_access": proxy,
            "service_account": next(iter(res.strings(account_attr)), None),
        },
        exposed=public_ip,
    )
    for account in _service_account_targets(build, res, account_attr):
        build.relate(draft.id, asset_id(account.address), RelationKind.RUNS_AS)


def _bucket(res: TfResource, build: Build) -> None:
    name = res.value("name") or res.name
    draft = build.add(
        res,
        AssetKind.OBJECT_BUCKET,
        Layer.INFRASTRUCTURE,
        {
            "bucket": name,
            "uniform_bucket_level_access": bool(res.value("uniform_bucket_level_access", False)),
            "public_access_prevention": res.value("public_access_prevention", "inherited"),
            "versioning": bool(res.block("versioning").get("enabled", False)),
            "kms_key": res.block("encryption").get("default_kms_key_name"),
            "logging_target": res.block("logging").get("log_bucket"),
            "iam_members": [],
            "merged_from": [],
        },
        name=str(name),
    )
    if holds_ai_data([name, res.name], draft.labels):
        build.flag_sensitive(draft.id, "name or labels suggest training data or models")
    _encrypted(build, res, "encryption.default_kms_key_name", draft.id)


def _bucket_iam(res: TfResource, build: Build) -> bool:
    members = res.strings("members") or res.strings("member")
    grants = [{"role": res.value("role"), "member": m} for m in members]
    return _grant_on_buckets(res, build, grants)


def _bucket_acl(res: TfResource, build: Build) -> bool:
    """Legacy ACLs: ``role_entity = ["READER:allUsers"]`` or ``entity`` + ``role``.

    With uniform bucket-level access Cloud Storage ignores ACLs, so they grant nothing.
    """
    entries = [e.split(":", 1) for e in res.strings("role_entity") if ":" in e]
    if isinstance(res.value("entity"), str):
        entries.append([str(res.value("role")), res.value("entity")])
    grants = [{"role": f"acl:{role}", "member": entity} for role, entity in entries]
    return _grant_on_buckets(res, build, grants, acl=True)


def _grant_on_buckets(
    res: TfResource, build: Build, grants: list[dict[str, Any]], acl: bool = False
) -> bool:
    buckets = build.targets(res, "bucket", _BUCKET)
    for bucket in buckets:
        draft = build.draft(bucket)
        if draft is None or "iam_members" not in draft.properties:
            continue
        props = draft.properties
        props["merged_from"].append(res.address)
        if acl and props["uniform_bucket_level_access"]:
            continue
        props["iam_members"].extend(grants)
        public = any(g["member"] in PUBLIC_MEMBERS for g in grants)
        if public and props["public_access_prevention"] != "enforced":
            draft.internet_exposed = True
    return bool(buckets)


def _project_iam(res: TfResource, build: Build) -> None:
    members = res.strings("members") or res.strings("member")
    draft = build.add(
        res,
        AssetKind.IAM_BINDING,
        Layer.IDENTITY,
        {
            "scope": "project",
            "project": res.value("project"),
            "role": res.value("role"),
            "members": members,
        },
        name=f"{res.value('role')} on {res.value('project') or 'project'}",
    )
    for account in _service_account_targets(build, res, "members") + _service_account_targets(
        build, res, "member"
    ):
        build.relate(asset_id(account.address), draft.id, RelationKind.BOUND_TO)


def _service_account(res: TfResource, build: Build) -> None:
    build.add(
        res,
        AssetKind.IAM_ROLE,
        Layer.IDENTITY,
        {
            "principal_type": "service_account",
            "email": res.value("email"),
            "account_id": res.value("account_id"),
        },
    )


def _service_account_key(res: TfResource, build: Build) -> None:
    draft = build.add(
        res,
        AssetKind.IAM_CREDENTIAL,
        Layer.IDENTITY,
        {
            "credential_type": "gcp_service_account_key",
            "key_algorithm": res.value("key_algorithm"),
            "public_key_upload": bool(res.value("public_key_data")),
        },
        name=f"key of {res.value('service_account_id') or res.name}",
        sensitive=True,
    )
    for account in _service_account_targets(build, res, "service_account_id"):
        build.relate(draft.id, asset_id(account.address), RelationKind.BOUND_TO)


MAPPERS = ProviderMappers(
    primary={
        "google_vertex_ai_endpoint": _endpoint,
        "google_vertex_ai_dataset": _dataset,
        "google_vertex_ai_featurestore": _featurestore,
        "google_vertex_ai_index": _vector_index,
        "google_vertex_ai_index_endpoint": _index_endpoint,
        "google_notebooks_instance": _notebook,
        "google_workbench_instance": _notebook,
        _BUCKET: _bucket,
        "google_project_iam_member": _project_iam,
        "google_project_iam_binding": _project_iam,
        _SA: _service_account,
        "google_service_account_key": _service_account_key,
    },
    auxiliary={
        "google_storage_bucket_iam_member": _bucket_iam,
        "google_storage_bucket_iam_binding": _bucket_iam,
        "google_storage_bucket_acl": _bucket_acl,
        "google_storage_bucket_access_control": _bucket_acl,
    },
)
