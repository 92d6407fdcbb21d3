"""Who may do what to an S3 object, as plain values shared by the policy, ACL and identity
readers and by :mod:`.effective`, which merges them.

S3 actions are spelled as in IAM (``s3:GetObject``). Each is sorted into the normalised
access levels every data store uses: ``read`` (the object's bytes), ``write`` (change, add or
delete data) and ``admin`` (change who has access). Listing keys and reading ACLs or tags is
none of these: such actions are kept as privileges but give no access level.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

READ_ACTIONS = frozenset({"s3:GetObject", "s3:GetObjectVersion"})
WRITE_ACTIONS = frozenset(
    {
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:RestoreObject",
        "s3:AbortMultipartUpload",
    }
)
ADMIN_ACTIONS = frozenset(
    {
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:PutBucketAcl",
        "s3:PutObjectAcl",
        "s3:PutObjectVersionAcl",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketPublicAccessBlock",
    }
)
OBJECT_ACTIONS = frozenset(
    {
        *READ_ACTIONS,
        *(a for a in WRITE_ACTIONS),
        "s3:PutObjectAcl",
        "s3:PutObjectVersionAcl",
        "s3:GetObjectAcl",
        "s3:GetObjectVersionAcl",
        "s3:GetObjectTagging",
        "s3:PutObjectTagging",
        "s3:ListMultipartUploadParts",
    }
)
"""Actions whose resource is an object ARN (``arn:aws:s3:::bucket/key``)."""
BUCKET_ACTIONS = frozenset(
    {
        "s3:ListBucket",
        "s3:ListBucketVersions",
        "s3:ListBucketMultipartUploads",
        "s3:GetBucketAcl",
        "s3:GetBucketPolicy",
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:PutBucketAcl",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketPublicAccessBlock",
        "s3:DeleteBucket",
    }
)
"""Actions whose resource is the bucket ARN (``arn:aws:s3:::bucket``)."""
ALL_ACTIONS = OBJECT_ACTIONS | BUCKET_ACTIONS

ANONYMOUS = "*anonymous*"
"""Unsigned requests: S3 ``Principal: "*"``, the ``AllUsers`` group, SeaweedFS's
``anonymous`` identity."""
AUTHENTICATED = "*authenticated*"
"""The ``AuthenticatedUsers`` group: anyone with any credentials the store accepts."""


def access_levels(actions: Iterable[str]) -> tuple[str, ...]:
    """The sorted subset of read / write / admin that ``actions`` give."""
    held = set(actions)
    levels = []
    if held & ADMIN_ACTIONS:
        levels.append("admin")
    if held & READ_ACTIONS:
        levels.append("read")
    if held & WRITE_ACTIONS:
        levels.append("write")
    return tuple(levels)


@lru_cache(maxsize=4096)
def _pattern(glob: str, ignore_case: bool) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob)
    return re.compile("".join(parts), re.IGNORECASE if ignore_case else 0)


def glob_match(glob: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM wildcard matching: ``*`` any run of characters, ``?`` one character."""
    return _pattern(glob, ignore_case).fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is granted: a name as the store spells it, what sort of principal, and whether it
    stands for everybody."""

    name: str
    principal_type: str
    """``anonymous``, ``s3_identity`` or ``aws_principal`` (the shared vocabulary)."""
    everyone: bool = False


ANONYMOUS_PRINCIPAL = Principal(ANONYMOUS, "anonymous", everyone=True)
AUTHENTICATED_PRINCIPAL = Principal(AUTHENTICATED, "anonymous", everyone=True)


@dataclass(frozen=True, slots=True)
class Grant:
    """One configured reason ``principal`` may perform ``actions`` on one object."""

    principal: Principal
    actions: frozenset[str]
    via: tuple[str, ...]
    """The chain that grants it, principal first."""
    reason: str
    source: str
    """``s3-policy``, ``s3-acl``, ``s3-identity`` or ``s3-probe``."""
    conditional: bool = False
    """A condition the scan cannot evaluate may limit the grant."""
    public: bool = True
    """For an everyone principal: False when a condition (source IP, VPC endpoint,
    organisation) keeps the grant from the open internet."""
