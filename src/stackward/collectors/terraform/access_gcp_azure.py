"""Who can read or write Cloud Storage buckets and Azure storage, from IAM in the plan.

Google Cloud bucket IAM members and legacy ACLs are already merged onto the bucket by the
GCP mapper (``iam_members``); Azure role assignments are their own resources. Both name
a role whose meaning for the data is a small table here, and become the same
``principal CAN_ACCESS bucket`` edges as AWS. Project-level and inherited grants, custom
roles, IAM conditions and deny policies are not evaluated: only what is bound on the
bucket or storage account itself. Nothing here calls Google Cloud or Azure.
"""

from __future__ import annotations

from typing import Any

from stackward.collectors.terraform.build import Build, Draft, asset_id
from stackward.collectors.terraform.document import KNOWN_AFTER_APPLY
from stackward.model import AssetKind, Layer, RelationKind

GCP_EVERYONE = frozenset({"allUsers", "allAuthenticatedUsers"})
GCS_ROLE_ACCESS: dict[str, tuple[str, ...]] = {
    "roles/storage.objectViewer": ("read",),
    "roles/storage.legacyObjectReader": ("read",),
    "roles/storage.legacyBucketReader": ("read",),
    "roles/storage.objectCreator": ("write",),
    "roles/storage.legacyBucketWriter": ("read", "write"),
    "roles/storage.objectUser": ("read", "write"),
    "roles/storage.objectAdmin": ("read", "write"),
    "roles/storage.legacyBucketOwner": ("admin", "read", "write"),
    "roles/storage.admin": ("admin", "read", "write"),
    "acl:READER": ("read",),
    "acl:WRITER": ("read", "write"),
    "acl:OWNER": ("admin", "read", "write"),
}
AZURE_ROLE_ACCESS: dict[str, tuple[str, ...]] = {
    "Storage Blob Data Reader": ("read",),
    "Storage Blob Data Contributor": ("read", "write"),
    "Storage Blob Data Owner": ("admin", "read", "write"),
    "Storage Account Contributor": ("admin", "read", "write"),
    "Contributor": ("read", "write"),
    "Owner": ("admin", "read", "write"),
}
"""Built-in roles that reach blob data; Contributor roles do so through the account keys."""
_GCS_IAM = ("google_storage_bucket_iam_member", "google_storage_bucket_iam_binding")
_AZURE_SCOPES = ("azurerm_storage_account", "azurerm_storage_container")


def derive_gcp_azure_access(build: Build) -> None:
    """Add ``CAN_ACCESS`` edges for GCS bucket IAM and Azure storage role assignments."""
    for draft in list(build.drafts.values()):
        if draft.properties.get("resource_type") == "google_storage_bucket":
            _gcs_bucket(build, draft)
    for res in build.of_type("azurerm_role_assignment"):
        role = str(res.value("role_definition_name") or "")
        access = AZURE_ROLE_ACCESS.get(role)
        if access is None:
            continue
        scopes = build.referenced(res, "scope", *_AZURE_SCOPES) or build.by_value(
            res.value("scope"), *_AZURE_SCOPES
        )
        holders = [asset_id(p.address) for p in build.referenced(res, "principal_id")]
        principal_value = res.value("principal_id")
        if not holders and isinstance(principal_value, str) and principal_value:
            known = principal_value != KNOWN_AFTER_APPLY
            holders = [_principal(build, f"azure:principal/{principal_value}", False)] * known
        for scope in scopes:
            for holder in holders:
                _relate(build, holder, asset_id(scope.address), access, role, res.address)


def _gcs_bucket(build: Build, bucket: Draft) -> None:
    """Bindings merged onto the bucket: IAM members (from the resource that names them)
    and the legacy ACL entries the GCP mapper kept."""
    prevention = bucket.properties.get("public_access_prevention") == "enforced"
    bindings = [
        (str(g.get("role")), str(g.get("member")), f"{bucket.name} ACL")
        for g in bucket.properties.get("iam_members") or ()
        if str(g.get("role")).startswith("acl:")
    ]
    for address in bucket.properties.get("merged_from") or ():
        res = build.resource(str(address))
        if res is not None and res.type in _GCS_IAM:
            members = res.strings("members") or res.strings("member")
            bindings.extend((str(res.value("role")), m, res.address) for m in members)
    for role, member, binding in bindings:
        access = GCS_ROLE_ACCESS.get(role)
        if access is None or (member in GCP_EVERYONE and prevention):
            continue
        if member in GCP_EVERYONE:
            holder = _principal(build, f"gcp:principal/{member}", True)
        else:
            email = member.partition(":")[2]
            accounts = build.by_value(email, "google_service_account") if email else []
            holder = (
                asset_id(accounts[0].address)
                if accounts
                else _principal(build, f"gcp:principal/{member}", False)
            )
        _relate(build, holder, bucket.id, access, role, binding)


def _relate(
    build: Build, holder: str, target: str, access: tuple[str, ...], role: str, binding: str
) -> None:
    principal = build.drafts.get(holder)
    label = str(principal.properties.get("address", holder)) if principal else holder
    name = principal.name if principal else holder
    target_name = build.drafts[target].name if target in build.drafts else target
    source = (
        "azure-rbac"
        if holder.startswith("azure:") or target.startswith("tf:azurerm_")
        else "gcp-iam"
    )
    build.relate(
        holder,
        target,
        RelationKind.CAN_ACCESS,
        access=sorted(access),
        privileges=[role],
        via=[label, binding, role],
        reason=f"{name} holds {role} on {target_name}.",
        source=source,
        conditional=False,
    )


def _principal(build: Build, principal_id: str, everyone: bool) -> str:
    if principal_id not in build.drafts:
        name = principal_id.split("/", 1)[1]
        properties: dict[str, Any] = {
            "resource_type": principal_id.split(":", 1)[0] + "_principal",
            "principal_type": "anonymous" if name == "allUsers" else "cloud_principal",
            "everyone": everyone,
        }
        build.drafts[principal_id] = Draft(
            id=principal_id,
            kind=AssetKind.IAM_ROLE,
            layer=Layer.IDENTITY,
            name=name,
            source=build.source,
            properties=properties,
        )
    return principal_id
