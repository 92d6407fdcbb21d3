"""SeaweedFS identities: scoped actions per bucket and prefix, anonymous, no secrets kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stackward.dspm.access.s3 import ANONYMOUS, identity_grants, parse_identities, read_identities

SECRET = "s3cr3t-value-never-kept-0123456789"


def _config(*identities: dict[str, Any]) -> dict[str, Any]:
    return {"identities": list(identities)}


def _identity(name: str, *actions: str) -> dict[str, Any]:
    return {
        "name": name,
        "credentials": [{"accessKey": f"AK{name.upper()}0000", "secretKey": SECRET}],
        "actions": list(actions),
    }


@pytest.mark.parametrize(
    ("actions", "bucket", "key", "expected"),
    [
        pytest.param(("Read",), "data", "a/b.csv", {"s3:GetObject"}, id="read-everywhere"),
        pytest.param(("Read:data",), "data", "a/b.csv", {"s3:GetObject"}, id="read-bucket"),
        pytest.param(("Read:data",), "other", "a/b.csv", set(), id="read-other-bucket"),
        pytest.param(("Read:dat",), "data", "a/b.csv", set(), id="bucket-name-is-not-a-prefix"),
        pytest.param(("Read:data/a",), "data", "a/b.csv", {"s3:GetObject"}, id="read-prefix"),
        pytest.param(
            ("Read:data/a/*",), "data", "a/b.csv", {"s3:GetObject"}, id="read-prefix-star"
        ),
        pytest.param(("Read:data/z",), "data", "a/b.csv", set(), id="read-other-prefix"),
        pytest.param(("Read:da*",), "data", "a/b.csv", {"s3:GetObject"}, id="bucket-wildcard"),
        pytest.param(
            ("Write:data",), "data", "a/b.csv", {"s3:PutObject", "s3:DeleteObject"}, id="write"
        ),
        pytest.param(("List:data",), "data", "a/b.csv", {"s3:ListBucket"}, id="list"),
        pytest.param(
            ("Admin:data",),
            "data",
            "a/b.csv",
            {"s3:GetObject", "s3:PutBucketPolicy"},
            id="admin-bucket",
        ),
        pytest.param(("Unknown",), "data", "a/b.csv", set(), id="unknown-action"),
    ],
)
def test_scoped_actions(
    actions: tuple[str, ...], bucket: str, key: str, expected: set[str]
) -> None:
    config = parse_identities(_config(_identity("svc", *actions)), "s3.json")
    grants = identity_grants(config, bucket, key)
    held = set().union(*(g.actions for g in grants)) if grants else set()
    assert expected <= held
    assert bool(held) is bool(expected)
    for grant in grants:
        assert grant.source == "s3-identity"
        assert grant.via[0] == "svc"
        assert grant.principal.principal_type == "s3_identity"


def test_anonymous_identity_is_everyone() -> None:
    config = parse_identities(
        _config({"name": "anonymous", "actions": ["Read:public-data"]}), "s3.json"
    )
    (grant,) = identity_grants(config, "public-data", "x.csv")
    assert grant.principal.name == ANONYMOUS
    assert grant.principal.everyone is True
    assert grant.public is True
    assert identity_grants(config, "private-data", "x.csv") == []


def test_secret_keys_are_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "s3.json"
    path.write_text(json.dumps(_config(_identity("svc", "Read"))), encoding="utf-8")
    config = read_identities(path)
    (identity,) = config.identities
    assert identity.access_keys == ("AKSV…",)
    assert SECRET not in repr(config)
    assert "AKSVC0000" not in repr(config)
    assert SECRET not in repr(identity_grants(config, "b", "k"))


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param("{not json", "not JSON", id="not-json"),
        pytest.param('{"users": []}', "no identities list", id="no-identities"),
        pytest.param('{"identities": [{"actions": ["Read"]}]}', "identity 1", id="no-name"),
        pytest.param(
            '{"identities": [{"name": "a", "actions": "Read"}]}',
            "identity 1",
            id="actions-not-list",
        ),
        pytest.param(None, "cannot be read", id="missing-file"),
    ],
)
def test_malformed_file_is_a_problem(tmp_path: Path, content: str | None, problem: str) -> None:
    path = tmp_path / "s3.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    config = read_identities(path)
    assert config.identities == ()
    assert any(problem in p and str(path) in p for p in config.problems), config.problems
