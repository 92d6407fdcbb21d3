"""Merging grants per principal: proof first, list-only left out, public only when it reads."""

from __future__ import annotations

import pytest

from stackward.dspm.access.s3 import ANONYMOUS, Grant, ProbeAnswer, effective_s3_access, probe_grant
from stackward.dspm.access.s3.model import ANONYMOUS_PRINCIPAL, Principal

ROLE = Principal("svc", "s3_identity")


def _grant(principal: Principal, actions: set[str], source: str, *, public: bool = True) -> Grant:
    return Grant(
        principal, frozenset(actions), (principal.name, source), "why", source, public=public
    )


@pytest.mark.parametrize(
    ("grants", "probe", "expected"),
    [
        pytest.param(
            [],
            ProbeAnswer("allowed"),
            {ANONYMOUS: ("s3-probe", True, True)},
            id="probe-proof-alone",
        ),
        pytest.param([], ProbeAnswer("denied", "AccessDenied"), {}, id="probe-denied-alone"),
        pytest.param(
            [_grant(ANONYMOUS_PRINCIPAL, {"s3:GetObject"}, "s3-identity")],
            ProbeAnswer("allowed"),
            {ANONYMOUS: ("s3-probe", True, True)},
            id="config-and-proof",
        ),
        pytest.param(
            [_grant(ANONYMOUS_PRINCIPAL, {"s3:GetObject"}, "s3-acl")],
            ProbeAnswer("denied"),
            {ANONYMOUS: ("s3-acl", True, False)},
            id="config-kept-when-probe-denied",
        ),
        pytest.param(
            [_grant(ANONYMOUS_PRINCIPAL, {"s3:GetObject"}, "s3-policy", public=False)],
            None,
            {ANONYMOUS: ("s3-policy", False, False)},
            id="restricted-policy-not-public",
        ),
        pytest.param(
            [_grant(ANONYMOUS_PRINCIPAL, {"s3:ListBucket"}, "s3-acl")], None, {}, id="list-only"
        ),
        pytest.param(
            [_grant(ANONYMOUS_PRINCIPAL, {"s3:PutObject"}, "s3-acl")],
            None,
            {ANONYMOUS: ("s3-acl", False, False)},
            id="public-write-is-not-public-read",
        ),
        pytest.param(
            [
                _grant(ROLE, {"s3:GetObject"}, "s3-policy"),
                _grant(ROLE, {"s3:PutObject"}, "s3-identity"),
            ],
            None,
            {"svc": ("s3-identity", False, False)},
            id="named-merged",
        ),
    ],
)
def test_merge(
    grants: list[Grant], probe: ProbeAnswer | None, expected: dict[str, tuple[str, bool, bool]]
) -> None:
    proved = probe_grant("b", "k", probe)
    records = effective_s3_access("k", [*grants, *([proved] if proved else [])])
    assert {r.principal.name: (r.source, r.public, r.proven) for r in records} == expected


def test_merged_record_lists_every_source_and_level() -> None:
    (record,) = effective_s3_access(
        "k",
        [
            _grant(ROLE, {"s3:GetObject"}, "s3-policy"),
            _grant(ROLE, {"s3:PutObject", "s3:PutBucketPolicy"}, "s3-identity"),
        ],
    )
    assert record.access == ("admin", "read", "write")
    assert record.sources == ("s3-identity", "s3-policy")
    assert record.privileges == tuple(sorted(record.privileges))
    assert [g.source for g in record.grants] == ["s3-identity", "s3-policy"]
