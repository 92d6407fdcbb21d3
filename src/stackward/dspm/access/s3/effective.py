"""One access record per principal and object, merged from policy, ACL, identity and probe.

Each configured :class:`~.model.Grant` says why a principal may act on the object; the
anonymous probe says what the store actually did for an unsigned request. A probe success
is proof and is reported even where the configuration read says no; a refusal does not
remove configured grants (the probe read one byte, and a condition may differ elsewhere).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stackward.dspm.access.s3.model import (
    ANONYMOUS_PRINCIPAL,
    READ_ACTIONS,
    Grant,
    Principal,
    access_levels,
)
from stackward.dspm.access.s3.probe import ALLOWED, ProbeAnswer

PROBE_SOURCE = "s3-probe"
_SOURCE_RANK = {PROBE_SOURCE: 0, "s3-identity": 1, "s3-policy": 2, "s3-acl": 3}
"""Which source a merged record names: proof first, then the most specific configuration."""


@dataclass(frozen=True, slots=True)
class S3Access:
    """What one principal can do to one object, and why."""

    principal: Principal
    key: str
    access: tuple[str, ...]
    """Sorted subset of read / write / admin."""
    privileges: tuple[str, ...]
    via: tuple[str, ...]
    reason: str
    source: str
    sources: tuple[str, ...]
    """Every source that grants something, sorted."""
    conditional: bool
    public: bool
    """An everyone principal that can read the object from anywhere."""
    proven: bool
    """The anonymous probe read the object."""
    grants: tuple[Grant, ...] = ()
    """Every grant merged into this record, lead first."""


def probe_grant(bucket: str, key: str, answer: ProbeAnswer | None) -> Grant | None:
    """The grant an allowed anonymous GetObject proves."""
    if answer is None or answer.outcome != ALLOWED:
        return None
    return Grant(
        principal=ANONYMOUS_PRINCIPAL,
        actions=frozenset({"s3:GetObject"}),
        via=(ANONYMOUS_PRINCIPAL.name, "unsigned GetObject (bytes=0-0) succeeded"),
        reason=f"an unsigned request read s3://{bucket}/{key} (anonymous probe)",
        source=PROBE_SOURCE,
    )


def effective_s3_access(key: str, grants: Iterable[Grant]) -> list[S3Access]:
    """Merge the grants on ``key`` by principal; principals whose actions give no read,
    write or admin access (list only, read the ACL) are left out. Sorted by principal."""
    by_principal: dict[Principal, list[Grant]] = {}
    for grant in grants:
        by_principal.setdefault(grant.principal, []).append(grant)
    records: list[S3Access] = []
    for principal, held in by_principal.items():
        actions = frozenset().union(*(g.actions for g in held))
        levels = access_levels(actions)
        if not levels:
            continue
        lead = min(held, key=lambda g: (_SOURCE_RANK.get(g.source, 9), g.conditional, g.via))
        unconditional = [g for g in held if not g.conditional]
        proven = any(g.source == PROBE_SOURCE for g in held)
        reads_publicly = any(g.public and g.actions & READ_ACTIONS for g in held)
        records.append(
            S3Access(
                principal=principal,
                key=key,
                access=levels,
                privileges=tuple(sorted(actions)),
                via=lead.via,
                reason=lead.reason,
                source=lead.source,
                sources=tuple(sorted({g.source for g in held})),
                conditional=not unconditional,
                public=principal.everyone and (reads_publicly or proven),
                proven=proven,
                grants=(lead, *(g for g in held if g is not lead)),
            )
        )
    return sorted(records, key=lambda r: r.principal.name)
