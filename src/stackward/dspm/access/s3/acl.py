"""Grants of an S3 access control list (the ``GetBucketAcl`` / ``GetObjectAcl`` response).

A bucket ACL's READ lets a grantee list keys and its WRITE lets it add, overwrite and delete
objects; an object ACL's READ lets it read the object. READ_ACP reads the ACL itself and
WRITE_ACP changes it, that is, decides who has access (admin). The ``AllUsers`` group is
anybody, signed or not; ``AuthenticatedUsers`` is anybody holding any credentials.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stackward.dspm.access.s3.model import (
    ANONYMOUS_PRINCIPAL,
    AUTHENTICATED_PRINCIPAL,
    Grant,
    Principal,
)

SOURCE = "s3-acl"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
MAX_GRANTS = 100
"""S3 allows 100 grants per ACL."""

_BUCKET_PERMISSIONS: dict[str, frozenset[str]] = {
    "READ": frozenset({"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"}),
    "WRITE": frozenset({"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"}),
    "READ_ACP": frozenset({"s3:GetBucketAcl"}),
    "WRITE_ACP": frozenset({"s3:PutBucketAcl"}),
}
_OBJECT_PERMISSIONS: dict[str, frozenset[str]] = {
    "READ": frozenset({"s3:GetObject", "s3:GetObjectVersion"}),
    "WRITE": frozenset(),
    "READ_ACP": frozenset({"s3:GetObjectAcl"}),
    "WRITE_ACP": frozenset({"s3:PutObjectAcl"}),
}
for _table in (_BUCKET_PERMISSIONS, _OBJECT_PERMISSIONS):
    _table["FULL_CONTROL"] = frozenset().union(*_table.values())


@dataclass(frozen=True, slots=True)
class AclGrants:
    grants: tuple[Grant, ...] = ()
    problems: tuple[str, ...] = field(default_factory=tuple)


def actions_for(permission: str, *, on_object: bool) -> frozenset[str]:
    """The S3 actions an ACL permission gives on a bucket or on an object."""
    table = _OBJECT_PERMISSIONS if on_object else _BUCKET_PERMISSIONS
    return table.get(permission, frozenset())


def acl_grants(response: Mapping[str, Any], target: str, *, on_object: bool) -> AclGrants:
    """The grants of one ACL; ``target`` names it in chains and problems
    (``bucket ACL of s3://b``, ``object ACL of s3://b/k``). Never raises."""
    raw = response.get("Grants", [])
    if not isinstance(raw, list):
        return AclGrants(problems=(f"{target}: Grants is not a list",))
    grants: list[Grant] = []
    problems: list[str] = []
    for entry in raw[:MAX_GRANTS]:
        grantee = entry.get("Grantee") if isinstance(entry, Mapping) else None
        permission = entry.get("Permission") if isinstance(entry, Mapping) else None
        if not isinstance(grantee, Mapping) or not isinstance(permission, str):
            problems.append(f"{target}: a grant without Grantee or Permission")
            continue
        principal = _principal(grantee)
        if principal is None:
            problems.append(f"{target}: a grantee of unknown type {grantee.get('Type')!r}")
            continue
        actions = actions_for(permission, on_object=on_object)
        if not actions:
            continue
        grants.append(
            Grant(
                principal=principal,
                actions=actions,
                via=(principal.name, f"{target} grants {permission}"),
                reason=f"the {target} grants {permission} to {principal.name}",
                source=SOURCE,
            )
        )
    if len(raw) > MAX_GRANTS:
        problems.append(f"{target}: {len(raw)} grants; the first {MAX_GRANTS} read")
    return AclGrants(tuple(grants), tuple(problems))


def _principal(grantee: Mapping[str, Any]) -> Principal | None:
    kind = grantee.get("Type")
    if kind == "Group":
        uri = grantee.get("URI")
        if uri == ALL_USERS:
            return ANONYMOUS_PRINCIPAL
        if uri == AUTHENTICATED_USERS:
            return AUTHENTICATED_PRINCIPAL
        return Principal(f"group:{uri}", "s3_identity") if isinstance(uri, str) else None
    if kind == "CanonicalUser":
        name = grantee.get("DisplayName") or grantee.get("ID")
        return Principal(str(name), "s3_identity") if name else None
    if kind == "AmazonCustomerByEmail":
        email = grantee.get("EmailAddress")
        return Principal(f"email:{email}", "s3_identity") if email else None
    return None
