"""Who can access an object of an S3-compatible store: bucket policy, ACLs, SeaweedFS
identities and an anonymous probe of the store, merged into one record per principal.

Every reader is pure apart from :func:`probe_anonymous` (unsigned, read-only requests) and
:func:`read_identities` (one local file); malformed input becomes problem strings.
"""

from __future__ import annotations

from stackward.dspm.access.s3.acl import AclGrants, acl_grants
from stackward.dspm.access.s3.effective import S3Access, effective_s3_access, probe_grant
from stackward.dspm.access.s3.identities import (
    Identity,
    IdentityConfig,
    identity_grants,
    parse_identities,
    read_identities,
)
from stackward.dspm.access.s3.model import (
    ANONYMOUS,
    AUTHENTICATED,
    Grant,
    Principal,
    access_levels,
)
from stackward.dspm.access.s3.policy import BucketPolicy, parse_policy, policy_grants
from stackward.dspm.access.s3.probe import (
    ProbeAnswer,
    ProbeResult,
    probe_anonymous,
    unsigned_client,
)

__all__ = [
    "ANONYMOUS",
    "AUTHENTICATED",
    "AclGrants",
    "BucketPolicy",
    "Grant",
    "Identity",
    "IdentityConfig",
    "Principal",
    "ProbeAnswer",
    "ProbeResult",
    "S3Access",
    "access_levels",
    "acl_grants",
    "effective_s3_access",
    "identity_grants",
    "parse_identities",
    "parse_policy",
    "policy_grants",
    "probe_anonymous",
    "probe_grant",
    "read_identities",
    "unsigned_client",
]
