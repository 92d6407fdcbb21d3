"""ACL grants (GetBucketAcl / GetObjectAcl responses) as S3 actions and access levels."""

from __future__ import annotations

from typing import Any

import pytest

from stackward.dspm.access.s3 import ANONYMOUS, AUTHENTICATED, access_levels, acl_grants
from stackward.dspm.access.s3.acl import ALL_USERS, AUTHENTICATED_USERS

OWNER = {"Type": "CanonicalUser", "ID": "79a59df900b949e5", "DisplayName": "data-owner"}


def _acl(*grants: tuple[dict[str, Any], str]) -> dict[str, Any]:
    return {
        "Owner": {"ID": OWNER["ID"]},
        "Grants": [{"Grantee": g, "Permission": p} for g, p in grants],
    }


ALL = {"Type": "Group", "URI": ALL_USERS}
SIGNED = {"Type": "Group", "URI": AUTHENTICATED_USERS}


@pytest.mark.parametrize(
    ("grantee", "permission", "on_object", "name", "everyone", "levels", "action"),
    [
        pytest.param(
            ALL, "READ", True, ANONYMOUS, True, ("read",), "s3:GetObject", id="object-public-read"
        ),
        pytest.param(
            SIGNED,
            "READ",
            True,
            AUTHENTICATED,
            True,
            ("read",),
            "s3:GetObject",
            id="object-authenticated-read",
        ),
        pytest.param(
            ALL, "READ", False, ANONYMOUS, True, (), "s3:ListBucket", id="bucket-read-is-list-only"
        ),
        pytest.param(
            ALL,
            "WRITE",
            False,
            ANONYMOUS,
            True,
            ("write",),
            "s3:PutObject",
            id="bucket-public-write",
        ),
        pytest.param(
            OWNER,
            "FULL_CONTROL",
            True,
            "data-owner",
            False,
            ("admin", "read"),
            "s3:PutObjectAcl",
            id="object-owner-full",
        ),
        pytest.param(
            OWNER,
            "FULL_CONTROL",
            False,
            "data-owner",
            False,
            ("admin", "write"),
            "s3:PutBucketAcl",
            id="bucket-owner-full",
        ),
        pytest.param(
            SIGNED,
            "WRITE_ACP",
            True,
            AUTHENTICATED,
            True,
            ("admin",),
            "s3:PutObjectAcl",
            id="object-write-acp",
        ),
        pytest.param(
            ALL, "READ_ACP", True, ANONYMOUS, True, (), "s3:GetObjectAcl", id="read-acp-no-data"
        ),
        pytest.param(
            {"Type": "CanonicalUser", "ID": "abc123"},
            "READ",
            True,
            "abc123",
            False,
            ("read",),
            "s3:GetObject",
            id="user-without-display-name",
        ),
    ],
)
def test_grant(
    grantee: dict[str, Any],
    permission: str,
    on_object: bool,
    name: str,
    everyone: bool,
    levels: tuple[str, ...],
    action: str,
) -> None:
    parsed = acl_grants(_acl((grantee, permission)), "object ACL of s3://b/k", on_object=on_object)
    assert not parsed.problems
    (grant,) = parsed.grants
    assert grant.principal.name == name
    assert grant.principal.everyone is everyone
    assert action in grant.actions
    assert access_levels(grant.actions) == levels
    assert grant.source == "s3-acl"
    assert grant.via == (name, f"object ACL of s3://b/k grants {permission}")


def test_object_write_gives_nothing() -> None:
    assert acl_grants(_acl((ALL, "WRITE")), "object ACL", on_object=True).grants == ()


def test_private_acl_has_no_everyone_grant() -> None:
    parsed = acl_grants(_acl((OWNER, "FULL_CONTROL")), "bucket ACL", on_object=False)
    assert [g.principal.everyone for g in parsed.grants] == [False]


@pytest.mark.parametrize(
    ("response", "problem"),
    [
        pytest.param({"Grants": "all"}, "not a list", id="grants-not-list"),
        pytest.param({"Grants": [{"Permission": "READ"}]}, "without Grantee", id="no-grantee"),
        pytest.param(
            {"Grants": [{"Grantee": {"Type": "Robot"}, "Permission": "READ"}]},
            "unknown type",
            id="odd-type",
        ),
        pytest.param({"Grants": ["READ"]}, "without Grantee", id="grant-not-object"),
    ],
)
def test_malformed_acl_is_a_problem(response: dict[str, Any], problem: str) -> None:
    parsed = acl_grants(response, "bucket ACL of s3://b", on_object=False)
    assert parsed.grants == ()
    assert any(problem in p and "s3://b" in p for p in parsed.problems), parsed.problems
