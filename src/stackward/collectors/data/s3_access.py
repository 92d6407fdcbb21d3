"""Who can access each sensitive object of an S3 source: principal assets and ``CAN_ACCESS``.

After classification, the bucket's policy and ACL, each sensitive object's ACL (at most
:data:`MAX_OBJECT_ACLS`), the SeaweedFS identity file if configured, and an anonymous probe
(unless turned off) are merged per principal and object (:mod:`stackward.dspm.access.s3`).
Every call is a read. A call the store refuses or does not implement becomes a skipped entry
naming the source and the call; the rest goes on, and the classification results stand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from stackward.artifacts.s3 import S3Location, make_client
from stackward.collectors.base import CollectResult
from stackward.collectors.data.access import dataset_id
from stackward.config.schema import DataSource
from stackward.dspm.access.s3 import (
    Grant,
    ProbeResult,
    S3Access,
    acl_grants,
    effective_s3_access,
    identity_grants,
    parse_policy,
    policy_grants,
    probe_anonymous,
    probe_grant,
    read_identities,
    unsigned_client,
)
from stackward.dspm.access.s3.identities import IdentityConfig
from stackward.dspm.access.s3.policy import BucketPolicy
from stackward.dspm.results import ItemResult
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind, Skipped

COLLECTOR = "data"
MAX_OBJECT_ACLS = 200
MAX_PROBED = 50
NO_POLICY = frozenset({"NoSuchBucketPolicy"})


@dataclass(frozen=True, slots=True)
class _BucketFacts:
    """What was read once per bucket, before the per-object work."""

    policy: BucketPolicy | None
    bucket_grants: list[Grant]
    identities: IdentityConfig
    probe: ProbeResult | None


def bucket_access(
    source: DataSource,
    label: str,
    store_id: str,
    items: Sequence[ItemResult],
    result: CollectResult,
    *,
    client: Any | None = None,
    anonymous: Any | None = None,
) -> dict[str, dict[str, Any]]:
    """Dataset properties (``readers``, ``public_access``, ``anonymous_probe``) by item.

    Adds principal assets and ``CAN_ACCESS`` relations to ``result``. ``client`` (signed)
    and ``anonymous`` (unsigned) are boto3 S3 clients to use instead of ones made from the
    source's endpoint and region.
    """
    try:
        bucket = S3Location.parse(source.uri or "").bucket
        if client is None:
            client = make_client(source.endpoint_url, source.region, None)
        if source.anonymous_probe and anonymous is None:
            anonymous = unsigned_client(source.endpoint_url, source.region)
    except Exception as exc:  # a bad URI, region or profile must not lose the classification
        reason = f"access not read: {type(exc).__name__}: {exc}"
        result.skipped.append(Skipped(label, reason[:300], COLLECTOR))
        return {}
    keys = [item.location.item for item in items]
    facts = _bucket_facts(source, client, anonymous, bucket, keys, label, result)
    endpoint = (source.endpoint_url or "aws").rstrip("/")
    principals: dict[str, Asset] = {}
    properties: dict[str, dict[str, Any]] = {}
    for number, key in enumerate(keys):
        grants = _object_grants(facts, client, bucket, key, number, label, result)
        records = effective_s3_access(key, grants)
        properties[key] = _properties(records, facts.probe, key)
        for record in records:
            principal_id = f"s3principal:{endpoint}/{record.principal.name}"
            principals.setdefault(principal_id, _principal_asset(principal_id, record, label))
            result.relations.append(
                Relation(
                    principal_id, dataset_id(store_id, key), RelationKind.CAN_ACCESS, _edge(record)
                )
            )
    result.assets.extend(principals.values())
    return properties


def _bucket_facts(
    source: DataSource,
    client: Any,
    anonymous: Any | None,
    bucket: str,
    keys: Sequence[str],
    label: str,
    result: CollectResult,
) -> _BucketFacts:
    policy = _policy(client, bucket, label, result)
    acl = _call(partial(client.get_bucket_acl, Bucket=bucket), "GetBucketAcl", label, result)
    bucket_grants = (
        [] if acl is None else _acl(acl, f"bucket ACL of s3://{bucket}", False, label, result)
    )
    probe = None
    if anonymous is not None:
        probe = probe_anonymous(anonymous, bucket, keys[:MAX_PROBED])
        if len(keys) > MAX_PROBED:
            note = f"access: anonymous probe tried on the first {MAX_PROBED} objects only"
            result.skipped.append(Skipped(label, note, COLLECTOR))
    return _BucketFacts(policy, bucket_grants, _identities(source, label, result), probe)


def _object_grants(
    facts: _BucketFacts,
    client: Any,
    bucket: str,
    key: str,
    number: int,
    label: str,
    result: CollectResult,
) -> list[Grant]:
    grants: list[Grant] = list(facts.bucket_grants)
    if facts.policy is not None:
        grants += policy_grants(facts.policy, bucket, key)
    if number < MAX_OBJECT_ACLS:
        call = partial(client.get_object_acl, Bucket=bucket, Key=key)
        acl = _call(call, f"GetObjectAcl {key}", label, result)
        if acl is not None:
            grants += _acl(acl, f"object ACL of s3://{bucket}/{key}", True, label, result)
    elif number == MAX_OBJECT_ACLS:
        note = f"access: object ACLs read for the first {MAX_OBJECT_ACLS} objects only"
        result.skipped.append(Skipped(label, note, COLLECTOR))
    grants += identity_grants(facts.identities, bucket, key)
    proved = probe_grant(bucket, key, facts.probe.objects.get(key) if facts.probe else None)
    if proved is not None:
        grants.append(proved)
    return grants


def _properties(records: Sequence[S3Access], probe: ProbeResult | None, key: str) -> dict[str, Any]:
    return {
        "readers": sorted(r.principal.name for r in records if "read" in r.access),
        "public_access": any(r.public for r in records),
        "anonymous_probe": probe.as_property(key) if probe is not None else None,
    }


def _edge(record: S3Access) -> dict[str, Any]:
    return {
        "access": list(record.access),
        "privileges": list(record.privileges),
        "via": list(record.via),
        "reason": record.reason,
        "source": record.source,
        "sources": list(record.sources),
        "conditional": record.conditional,
        "public": record.public,
        "proven": record.proven,
        "grants": [
            {"source": g.source, "via": list(g.via), "conditional": g.conditional}
            for g in record.grants
        ],
    }


def _principal_asset(principal_id: str, record: S3Access, label: str) -> Asset:
    return Asset(
        id=principal_id,
        kind=AssetKind.IAM_ROLE,
        layer=Layer.IDENTITY,
        name=record.principal.name,
        source=label,
        properties={
            "platform": "s3",
            "principal_type": record.principal.principal_type,
            "everyone": record.principal.everyone,
        },
    )


def _policy(client: Any, bucket: str, label: str, result: CollectResult) -> BucketPolicy | None:
    call = partial(client.get_bucket_policy, Bucket=bucket)
    response = _call(call, "GetBucketPolicy", label, result)
    if response is None:
        return None
    policy = parse_policy(str(response.get("Policy", "")))
    for problem in policy.problems:
        result.skipped.append(Skipped(label, f"access: bucket policy: {problem}", COLLECTOR))
    return policy


def _acl(
    response: dict[str, Any], target: str, on_object: bool, label: str, result: CollectResult
) -> list[Grant]:
    parsed = acl_grants(response, target, on_object=on_object)
    for problem in parsed.problems:
        result.skipped.append(Skipped(label, f"access: {problem}", COLLECTOR))
    return list(parsed.grants)


def _identities(source: DataSource, label: str, result: CollectResult) -> IdentityConfig:
    if source.identities is None:
        return IdentityConfig()
    config = read_identities(source.identities)
    for problem in config.problems:
        result.skipped.append(Skipped(label, f"access: identities: {problem}", COLLECTOR))
    return config


def _call(
    call: Callable[[], dict[str, Any]], name: str, label: str, result: CollectResult
) -> dict[str, Any] | None:
    """One read-only call; a refusal is a skipped entry naming the call, never an error.
    ``NoSuchBucketPolicy`` means there is no policy, which is no problem."""
    from botocore.exceptions import (  # type: ignore[import-untyped,unused-ignore]
        BotoCoreError,
        ClientError,
    )

    try:
        return call()
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", "")) or "error"
        if code in NO_POLICY:
            return None
        reason = f"access: {name} failed ({code})"
    except BotoCoreError as exc:
        reason = f"access: {name} failed ({type(exc).__name__})"
    except Exception as exc:  # a driver error must not lose the classification results
        reason = f"access: {name} failed ({type(exc).__name__})"
    result.skipped.append(Skipped(label, reason, COLLECTOR))
    return None
